// The Anthropic provider plugin against a scripted server speaking the real Messages streaming
// format: request shape (headers, caching, thinking round trip), events, and error classes.
#include "provider_test_support.hpp"

using namespace provider_test;
using gaggle::testing::ScriptedProvider;

namespace {

struct Anthropic {
    ScriptedProvider server;
    Harness harness;
    explicit Anthropic(json scenario, std::map<std::string, std::string> extra = {})
        : server(std::move(scenario)), harness("anthropic", config(extra))
    {
        server.start();
        harness.set("ANTHROPIC_HOST", server.base_url());
    }
    static std::map<std::string, std::string> config(const std::map<std::string, std::string>& extra)
    {
        auto c = fast_config();
        c["ANTHROPIC_API_KEY"] = "sk-ant-test";
        for (auto& [k, v] : extra) c[k] = v;
        return c;
    }
};

json reply(json chunks, json usage = {{"input_tokens", 20}, {"output_tokens", 6}})
{
    return json{{"format", "anthropic"}, {"chunks", std::move(chunks)}, {"usage", std::move(usage)}};
}

} // namespace

TEST_CASE("anthropic: a plain reply, with the API's headers, caching and default max_tokens")
{
    Anthropic t(json::array({reply(json::array({{{"text", "Hi "}}, {{"ping", true}}, {{"text", "there"}}}),
                                   {{"input_tokens", 20}, {"cache_read_input_tokens", 100}, {"output_tokens", 6}})}));
    json request = chat_request("anthropic", "claude-sonnet-4-5");
    request["messages"].push_back(message("assistant", json::array({json{{"type", "text"}, {"text", "Earlier answer"}}})));
    request["messages"].push_back(message("user", json::array({json{{"type", "text"}, {"text", "Follow-up"}}})));
    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "Hi there");
    REQUIRE(r.of_type("usage").size() == 1);
    CHECK(r.of_type("usage")[0]["input_tokens"] == 120); // input + cache reads
    CHECK(r.of_type("usage")[0]["output_tokens"] == 6);
    CHECK(r.events.back() == json{{"type", "stop"}, {"reason", "end_turn"}});

    const auto req = t.server.requests().at(0);
    CHECK(req.path == "/v1/messages");
    CHECK(req.header("x-api-key") == "sk-ant-test");
    CHECK(req.header("anthropic-version") == "2023-06-01");
    const json body = req.json();
    CHECK(body["model"] == "claude-sonnet-4-5");
    CHECK(body["max_tokens"] == 64000);
    CHECK(body["stream"] == true);
    CHECK(body["system"][0]["text"] == "You are a test.");
    CHECK(body["system"][0]["cache_control"] == json{{"type", "ephemeral"}});
    REQUIRE(body["messages"].size() == 3);
    CHECK(body["messages"][0]["content"][0]["cache_control"] == json{{"type", "ephemeral"}});
    CHECK_FALSE(body["messages"][1]["content"][0].contains("cache_control"));
    CHECK(body["messages"][2]["content"][0]["cache_control"] == json{{"type", "ephemeral"}});
    CHECK(body["tools"][0]["input_schema"]["type"] == "object");
    CHECK(body["tools"][0]["cache_control"] == json{{"type", "ephemeral"}});
}

TEST_CASE("anthropic: thinking with its signature is emitted whole and sent back verbatim")
{
    Anthropic t(json::array({reply(json::array({{{"thinking", "Let me think about ls."}, {"signature", "c2lnbmF0dXJl"}},
                                                {{"redacted_thinking", "b3BhcXVl"}},
                                                {{"text", "I'll list files."}},
                                                {{"tool_call", {{"id", "toolu_01"}, {"name", "developer__shell"}, {"arguments", "{\"command\":"}}}},
                                                {{"tool_call", {{"arguments", " \"ls\"}"}}}}})),
                             reply(json::array({{{"text", "Done."}}}))}),
                {{"CLAUDE_THINKING_ENABLED", "true"}, {"CLAUDE_THINKING_BUDGET", "2048"}});
    json request = chat_request("anthropic", "claude-sonnet-4-5");
    request["settings"]["temperature"] = 0.2;
    const auto first = t.harness.stream(request);
    REQUIRE_MESSAGE(first.status == GAGGLE_OK, first.message);
    const auto thinking = first.of_type("thinking");
    REQUIRE(thinking.size() == 1);
    CHECK(thinking[0]["thinking"] == "Let me think about ls.");
    CHECK(thinking[0]["signature"] == "c2lnbmF0dXJl");
    REQUIRE(first.of_type("redacted_thinking").size() == 1);
    CHECK(first.of_type("redacted_thinking")[0]["data"] == "b3BhcXVl");
    const auto calls = first.of_type("tool_call");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["id"] == "toolu_01");
    CHECK(calls[0]["arguments"] == json{{"command", "ls"}});
    CHECK(first.events.back()["reason"] == "tool_use");

    const json first_body = t.server.requests().at(0).json();
    CHECK(first_body["thinking"] == json{{"type", "enabled"}, {"budget_tokens", 2048}});
    CHECK_FALSE(first_body.contains("temperature")); // not allowed with extended thinking

    // The host stores the turn as goose content and sends it back with the tool result.
    request["messages"].push_back(message("assistant", json::array({
        json{{"type", "thinking"}, {"thinking", "Let me think about ls."}, {"signature", "c2lnbmF0dXJl"}},
        json{{"type", "redactedThinking"}, {"data", "b3BhcXVl"}},
        json{{"type", "text"}, {"text", "I'll list files."}},
        tool_request("toolu_01", "developer__shell", {{"command", "ls"}}),
    })));
    request["messages"].push_back(message("user", json::array({tool_response("toolu_01", json::array({json{{"type", "text"}, {"text", "a.txt"}}}), true)})));
    const auto second = t.harness.stream(request);
    REQUIRE_MESSAGE(second.status == GAGGLE_OK, second.message);
    const json messages = t.server.requests().at(1).json()["messages"];
    REQUIRE(messages.size() == 3);
    const json& assistant = messages[1]["content"];
    CHECK(assistant[0] == json{{"type", "thinking"}, {"thinking", "Let me think about ls."}, {"signature", "c2lnbmF0dXJl"}});
    CHECK(assistant[1] == json{{"type", "redacted_thinking"}, {"data", "b3BhcXVl"}});
    CHECK(assistant[2] == json{{"type", "text"}, {"text", "I'll list files."}});
    CHECK(assistant[3] == json{{"type", "tool_use"}, {"id", "toolu_01"}, {"name", "developer__shell"}, {"input", {{"command", "ls"}}}});
    const json& result = messages[2]["content"][0];
    CHECK(result["type"] == "tool_result");
    CHECK(result["tool_use_id"] == "toolu_01");
    CHECK(result["is_error"] == true);
    CHECK(result["content"][0] == json{{"type", "text"}, {"text", "a.txt"}});
    CHECK(result["cache_control"] == json{{"type", "ephemeral"}});
}

TEST_CASE("anthropic: error bodies map to error classes with the provider's message")
{
    struct Case {
        int status;
        json error;
        gaggle_status expected;
    };
    const std::vector<Case> cases = {
        {401, {{"type", "authentication_error"}, {"message", "invalid x-api-key"}}, GAGGLE_ERR_AUTHENTICATION},
        {400, {{"type", "invalid_request_error"}, {"message", "prompt is too long: 210000 tokens > 200000 maximum"}}, GAGGLE_ERR_CONTEXT_LENGTH},
        {429, {{"type", "rate_limit_error"}, {"message", "Number of request tokens has exceeded your per-minute rate limit"}}, GAGGLE_ERR_RATE_LIMITED},
        {529, {{"type", "overloaded_error"}, {"message", "Overloaded"}}, GAGGLE_ERR_SERVER},
        {400, {{"type", "invalid_request_error"}, {"message", "messages: text content blocks must be non-empty"}}, GAGGLE_ERR_INVALID_ARGUMENT},
    };
    for (const auto& c : cases) {
        CAPTURE(c.status);
        Anthropic t(json::array({json{{"format", "anthropic"}, {"status", c.status}, {"error", c.error}}}));
        const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
        CHECK(r.status == c.expected);
        CHECK(r.message.find(c.error["message"].get<std::string>()) != std::string::npos);
    }
}

TEST_CASE("anthropic: an overloaded error event mid-stream is a server error, not retried after output")
{
    Anthropic t(json::array({reply(json::array({{{"text", "Par"}}, {{"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}})),
                             reply(json::array({{{"text", "never"}}}))}),
                {{"GAGGLE_PROVIDER_MAX_RETRIES", "2"}});
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
    CHECK(r.status == GAGGLE_ERR_SERVER);
    CHECK(r.message.find("Overloaded") != std::string::npos);
    CHECK(r.text() == "Par");
    CHECK(t.server.requests().size() == 1);
}

TEST_CASE("anthropic: 429 with an HTTP-date Retry-After is retried")
{
    Anthropic t(json::array({json{{"format", "anthropic"}, {"status", 429}, {"headers", {{"Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT"}}},
                                  {"error", {{"type", "rate_limit_error"}, {"message", "slow down"}}}},
                             reply(json::array({{{"text", "ok"}}}))}),
                {{"GAGGLE_PROVIDER_MAX_RETRIES", "1"}, {"GAGGLE_PROVIDER_RETRY_BASE_MS", "5000"}});
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "ok");
    CHECK(r.elapsed_ms < 2000); // a date in the past means "now", not the 5 s backoff
}

TEST_CASE("anthropic: ping events do not keep a stalled stream alive")
{
    json chunks = json::array({{{"text", "a"}}});
    for (int i = 0; i < 30; ++i) chunks.push_back({{"ping", true}, {"delay_ms", 50}});
    Anthropic t(json::array({reply(chunks)}));
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
    CHECK(r.status == GAGGLE_ERR_TIMEOUT);
    CHECK(r.elapsed_ms < 1200);
}

TEST_CASE("anthropic: a stream cut before message_stop is a network error")
{
    Anthropic t(json::array({json{{"format", "anthropic"}, {"done", false}, {"chunks", json::array({{{"text", "cut"}}})}}}));
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
    CHECK(r.status == GAGGLE_ERR_NETWORK);
    CHECK(r.message.find("message_stop") != std::string::npos);
}

TEST_CASE("anthropic: a malformed event is a clear error")
{
    Anthropic t(json::array({reply(json::array({{{"malformed", true}}}))}));
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"));
    CHECK(r.status == GAGGLE_ERR_SERVER);
    CHECK(r.message.find("malformed") != std::string::npos);
}

TEST_CASE("anthropic: cancelling mid-stream closes the connection")
{
    Anthropic t(json::array({reply(json::array({{{"text", "first"}}, {{"stall_ms", 5000}}}))}), {{"GAGGLE_PROVIDER_IDLE_TIMEOUT", "30"}});
    CancelFlag cancel;
    const auto r = t.harness.stream(chat_request("anthropic", "claude-sonnet-4-5"), &cancel, [&](const json&) { cancel.raised = true; });
    CHECK(r.status == GAGGLE_ERR_CANCELLED);
    CHECK(r.elapsed_ms < 1000);
    CHECK(t.server.wait_for_client_close(0, std::chrono::milliseconds(2000)));
}

TEST_CASE("anthropic: list_models reads /v1/models")
{
    json listing{{"data", json::array({json{{"type", "model"}, {"id", "claude-sonnet-4-5"}, {"display_name", "Claude Sonnet 4.5"}},
                                       json{{"type", "model"}, {"id", "claude-haiku-4-5"}, {"display_name", "Claude Haiku 4.5"}}})},
                 {"has_more", false}, {"first_id", "claude-sonnet-4-5"}, {"last_id", "claude-haiku-4-5"}};
    Anthropic t(json::array({json{{"match", {{"path", "/v1/models"}}}, {"body", listing}}}));
    const auto [status, models] = t.harness.list_models(json{{"provider", "anthropic"}});
    REQUIRE_MESSAGE(status == GAGGLE_OK, models.dump());
    CHECK(models == json::array({"claude-sonnet-4-5", "claude-haiku-4-5"}));
    CHECK(t.server.requests().at(0).header("x-api-key") == "sk-ant-test");
}

TEST_CASE("anthropic: a bad key on list_models is an authentication error")
{
    Anthropic t(json::array({json{{"format", "anthropic"}, {"status", 401}, {"error", {{"type", "authentication_error"}, {"message", "invalid x-api-key"}}}}}));
    const auto [status, message] = t.harness.list_models(json{{"provider", "anthropic"}});
    CHECK(status == GAGGLE_ERR_AUTHENTICATION);
    CHECK(message.get<std::string>().find("invalid x-api-key") != std::string::npos);
}
