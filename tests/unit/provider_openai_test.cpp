// The OpenAI provider plugin against a scripted server speaking the real Chat Completions and
// Responses streaming formats: what it sends, what it emits, and how it fails.
#include "provider_test_support.hpp"

#include "plugin/call_secret.hpp"

#include <thread>

using namespace provider_test;
using gaggle::testing::ScriptedProvider;

namespace {

struct OpenAi {
    ScriptedProvider server;
    Harness harness;
    explicit OpenAi(json scenario, std::map<std::string, std::string> extra = {})
        : server(std::move(scenario)), harness("openai", config(extra))
    {
        server.start();
        harness.set("OPENAI_HOST", server.base_url());
    }
    static std::map<std::string, std::string> config(const std::map<std::string, std::string>& extra)
    {
        auto c = fast_config();
        c["OPENAI_API_KEY"] = "sk-test";
        for (auto& [k, v] : extra) c[k] = v;
        return c;
    }
};

json text_reply(std::vector<std::string> pieces)
{
    json chunks = json::array();
    for (auto& p : pieces) chunks.push_back({{"text", p}});
    return json{{"format", "openai"}, {"chunks", chunks}, {"usage", {{"input_tokens", 12}, {"output_tokens", 3}}}};
}

} // namespace

TEST_CASE("openai: a plain streamed reply arrives as text deltas, usage and stop")
{
    OpenAi t(json::array({text_reply({"Hel", "lo", "!"})}), {{"OPENAI_ORGANIZATION", "org-1"}});
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.of_type("text").size() == 3);
    CHECK(r.text() == "Hello!");
    REQUIRE(r.of_type("usage").size() == 1);
    CHECK(r.of_type("usage")[0]["input_tokens"] == 12);
    CHECK(r.of_type("usage")[0]["output_tokens"] == 3);
    REQUIRE(r.events.back()["type"] == "stop");
    CHECK(r.events.back()["reason"] == "end_turn");

    const auto req = t.server.requests().at(0);
    CHECK(req.method == "POST");
    CHECK(req.path == "/v1/chat/completions");
    CHECK(req.header("Authorization") == "Bearer sk-test");
    CHECK(req.header("OpenAI-Organization") == "org-1");
    const json body = req.json();
    CHECK(body["model"] == "gpt-4o");
    CHECK(body["stream"] == true);
    CHECK(body["stream_options"]["include_usage"] == true);
    CHECK(body["messages"][0] == json{{"role", "system"}, {"content", "You are a test."}});
    CHECK(body["messages"][1] == json{{"role", "user"}, {"content", "Hello?"}});
    CHECK(body["tools"][0]["type"] == "function");
    CHECK(body["tools"][0]["function"]["name"] == "developer__shell");
    CHECK(body["tools"][0]["function"]["parameters"]["type"] == "object");
}

TEST_CASE("openai: two parallel tool calls split across chunks are assembled by index")
{
    json reply{{"format", "openai"},
               {"chunks", json::array({
                              {{"text", "Let me look."}},
                              {{"tool_call", {{"index", 0}, {"id", "call_a"}, {"name", "developer__shell"}, {"arguments", "{\"comm"}}}},
                              {{"tool_call", {{"index", 1}, {"id", "call_b"}, {"name", "developer__shell"}, {"arguments", ""}}}},
                              {{"tool_call", {{"index", 0}, {"arguments", "and\": \"ls\"}"}}}},
                              {{"tool_call", {{"index", 1}, {"arguments", "{\"command\": \"pwd\"}"}}}},
                          })},
               {"usage", {{"input_tokens", 40}, {"output_tokens", 20}}}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto calls = r.of_type("tool_call");
    REQUIRE(calls.size() == 2);
    CHECK(calls[0]["id"] == "call_a");
    CHECK(calls[0]["name"] == "developer__shell");
    CHECK(calls[0]["arguments"] == json{{"command", "ls"}});
    CHECK(calls[1]["id"] == "call_b");
    CHECK(calls[1]["arguments"] == json{{"command", "pwd"}});
    CHECK(r.events.back()["reason"] == "tool_use");
    // Calls come after the text and before usage and stop.
    CHECK(r.events[0]["type"] == "text");
    CHECK(r.events[1]["type"] == "tool_call");
    CHECK(r.of_type("usage").size() == 1);
}

TEST_CASE("openai: arguments that are not JSON become a tool_call with an error")
{
    json reply{{"format", "openai"},
               {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "call_x"}, {"name", "developer__shell"}, {"arguments", "{\"command\": ls}"}}}}})}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto calls = r.of_type("tool_call");
    REQUIRE(calls.size() == 1);
    CHECK_FALSE(calls[0].contains("arguments"));
    CHECK(calls[0]["error"].get<std::string>().find("could not parse") != std::string::npos);
}

TEST_CASE("openai: goose history maps to tool_calls, tool messages and image data URLs")
{
    OpenAi t(json::array({text_reply({"ok"})}));
    json request = chat_request("openai", "gpt-4o");
    request["messages"].push_back(message("assistant", json::array({json{{"type", "text"}, {"text", "Running it."}},
                                                                    tool_request("call_1", "developer__shell", {{"command", "ls"}}),
                                                                    tool_request("call_2", "developer__shell", {{"command", "cat x"}})})));
    request["messages"].push_back(message("user", json::array({
        tool_response("call_1", json::array({json{{"type", "text"}, {"text", "a.txt"}},
                                             json{{"type", "image"}, {"data", "QUJD"}, {"mimeType", "image/png"}}})),
        json{{"type", "toolResponse"}, {"id", "call_2"}, {"toolResult", {{"status", "error"}, {"error", "no such file"}}}},
    })));
    request["messages"].push_back(message("user", json::array({json{{"type", "text"}, {"text", "What is this?"}},
                                                               json{{"type", "image"}, {"data", "REVG"}, {"mimeType", "image/jpeg"}}})));
    json hidden = message("user", json::array({json{{"type", "text"}, {"text", "hidden"}}}));
    hidden["metadata"]["agentVisible"] = false;
    request["messages"].push_back(hidden);

    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const json messages = t.server.requests().at(0).json()["messages"];
    REQUIRE(messages.size() == 7);
    const json& assistant = messages[2];
    CHECK(assistant["role"] == "assistant");
    CHECK(assistant["content"] == "Running it.");
    REQUIRE(assistant["tool_calls"].size() == 2);
    CHECK(assistant["tool_calls"][0]["id"] == "call_1");
    CHECK(assistant["tool_calls"][0]["type"] == "function");
    CHECK(json::parse(assistant["tool_calls"][0]["function"]["arguments"].get<std::string>()) == json{{"command", "ls"}});
    CHECK(messages[3]["role"] == "tool");
    CHECK(messages[3]["tool_call_id"] == "call_1");
    CHECK(messages[3]["content"].get<std::string>().find("a.txt") == 0);
    CHECK(messages[4]["role"] == "tool");
    CHECK(messages[4]["tool_call_id"] == "call_2");
    CHECK(messages[4]["content"] == "The tool call returned the following error:\nno such file");
    // The tool's image follows the tool messages in a user message.
    CHECK(messages[5]["role"] == "user");
    CHECK(messages[5]["content"][1]["image_url"]["url"] == "data:image/png;base64,QUJD");
    CHECK(messages[6]["content"][0] == json{{"type", "text"}, {"text", "What is this?"}});
    CHECK(messages[6]["content"][1]["image_url"]["url"] == "data:image/jpeg;base64,REVG");
}

TEST_CASE("openai: error bodies map to error classes with the provider's message")
{
    struct Case {
        int status;
        json error;
        gaggle_status expected;
    };
    const std::vector<Case> cases = {
        {401, {{"message", "Incorrect API key provided: sk-test."}, {"type", "invalid_request_error"}, {"code", "invalid_api_key"}}, GAGGLE_ERR_AUTHENTICATION},
        {403, {{"message", "Project does not have access"}, {"type", "invalid_request_error"}}, GAGGLE_ERR_AUTHENTICATION},
        {429, {{"message", "You exceeded your current quota"}, {"type", "insufficient_quota"}, {"code", "insufficient_quota"}}, GAGGLE_ERR_RATE_LIMITED},
        {400, {{"message", "This model's maximum context length is 128000 tokens."}, {"type", "invalid_request_error"}, {"code", "context_length_exceeded"}}, GAGGLE_ERR_CONTEXT_LENGTH},
        {500, {{"message", "The server had an error while processing your request."}, {"type", "server_error"}}, GAGGLE_ERR_SERVER},
        {404, {{"message", "The model `gpt-9` does not exist"}, {"type", "invalid_request_error"}, {"code", "model_not_found"}}, GAGGLE_ERR_NOT_FOUND},
    };
    for (const auto& c : cases) {
        CAPTURE(c.status);
        OpenAi t(json::array({json{{"format", "openai"}, {"status", c.status}, {"error", c.error}}}));
        const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
        CHECK(r.status == c.expected);
        CHECK(r.message.find(c.error["message"].get<std::string>()) != std::string::npos);
        CHECK(r.message.rfind("openai: ", 0) == 0);
        CHECK(r.events.empty());
    }
}

TEST_CASE("openai: 429 with Retry-After is retried, then succeeds")
{
    OpenAi t(json::array({json{{"format", "openai"}, {"status", 429}, {"headers", {{"Retry-After", "0.05"}}},
                               {"error", {{"message", "Rate limit reached for gpt-4o"}, {"type", "requests"}, {"code", "rate_limit_exceeded"}}}},
                          text_reply({"after ", "retry"})}),
             {{"GAGGLE_PROVIDER_MAX_RETRIES", "2"}, {"GAGGLE_PROVIDER_RETRY_BASE_MS", "5000"}});
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "after retry");
    CHECK(t.server.requests().size() == 2);
    CHECK(r.elapsed_ms < 2000); // Retry-After (50 ms) won over the 5 s backoff
}

TEST_CASE("openai: a 5xx is retried with backoff until the retries run out")
{
    json failure{{"format", "openai"}, {"status", 503}, {"repeat", true}, {"error", {{"message", "overloaded"}, {"type", "server_error"}}}};
    OpenAi t(json::array({failure}), {{"GAGGLE_PROVIDER_MAX_RETRIES", "2"}});
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    CHECK(r.status == GAGGLE_ERR_SERVER);
    CHECK(t.server.requests().size() == 3);
}

TEST_CASE("openai: no retry once part of the answer was emitted")
{
    json reply{{"format", "openai"}, {"chunks", json::array({{{"text", "partial"}}, {{"drop", true}}})}};
    OpenAi t(json::array({reply, text_reply({"second"})}), {{"GAGGLE_PROVIDER_MAX_RETRIES", "3"}});
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    CHECK(r.status == GAGGLE_ERR_NETWORK);
    CHECK(r.text() == "partial");
    CHECK(t.server.requests().size() == 1);
}

TEST_CASE("openai: a dropped connection before any output is a network error (and retryable)")
{
    json dropped{{"format", "openai"}, {"chunks", json::array({{{"drop", true}}})}};
    SUBCASE("no retries: NETWORK")
    {
        OpenAi t(json::array({dropped}));
        const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
        CHECK(r.status == GAGGLE_ERR_NETWORK);
        CHECK(r.message.find("openai: ") == 0);
    }
    SUBCASE("with retries: the second attempt succeeds")
    {
        OpenAi t(json::array({dropped, text_reply({"fine"})}), {{"GAGGLE_PROVIDER_MAX_RETRIES", "1"}});
        const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
        REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
        CHECK(r.text() == "fine");
    }
}

TEST_CASE("openai: a stalled stream fails with TIMEOUT, keep-alive comments or not")
{
    SUBCASE("silence")
    {
        json reply{{"format", "openai"}, {"chunks", json::array({{{"text", "thinking..."}}, {{"stall_ms", 5000}}})}};
        OpenAi t(json::array({reply}));
        const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
        CHECK(r.status == GAGGLE_ERR_TIMEOUT);
        CHECK(r.elapsed_ms < 1500);
    }
    SUBCASE("only keep-alive comments: the data-line watchdog still fires")
    {
        json reply{{"format", "openai"},
                   {"chunks", json::array({{{"text", "thinking..."}}, {{"stall_ms", 5000}, {"keepalive_every_ms", 50}}})}};
        OpenAi t(json::array({reply}));
        const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
        CHECK(r.status == GAGGLE_ERR_TIMEOUT);
        CHECK(r.message.find("keep-alive") != std::string::npos);
        CHECK(r.elapsed_ms < 1500);
        CHECK(t.server.wait_for_client_close(0, std::chrono::milliseconds(2000)));
    }
}

TEST_CASE("openai: a malformed chunk is a clear error")
{
    json reply{{"format", "openai"}, {"chunks", json::array({{{"text", "a"}}, {{"malformed", true}}, {{"text", "b"}}})}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    CHECK(r.status == GAGGLE_ERR_SERVER);
    CHECK(r.message.find("malformed stream chunk") != std::string::npos);
    CHECK(r.text() == "a");
}

TEST_CASE("openai: an error inside the stream is classified")
{
    json reply{{"format", "openai"},
               {"chunks", json::array({{{"error", {{"message", "Rate limit reached"}, {"type", "rate_limit_error"}, {"code", "rate_limit_exceeded"}}}}})}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
    CHECK(r.status == GAGGLE_ERR_RATE_LIMITED);
    CHECK(r.message.find("Rate limit reached") != std::string::npos);
}

TEST_CASE("openai: cancelling mid-stream closes the connection")
{
    json reply{{"format", "openai"}, {"chunks", json::array({{{"text", "first"}}, {{"stall_ms", 5000}}, {{"text", "never"}}})}};
    OpenAi t(json::array({reply}), {{"GAGGLE_PROVIDER_IDLE_TIMEOUT", "30"}});
    CancelFlag cancel;
    Clock::time_point raised;
    const auto r = t.harness.stream(chat_request("openai", "gpt-4o"), &cancel, [&](const json& e) {
        if (e["type"] == "text") {
            raised = Clock::now();
            cancel.raised = true;
        }
    });
    CHECK(r.status == GAGGLE_ERR_CANCELLED);
    CHECK(ms_since(raised) < 500);
    CHECK(r.text() == "first");
    CHECK(t.server.wait_for_client_close(0, std::chrono::milliseconds(2000)));
}

TEST_CASE("openai: list_models reads /v1/models")
{
    json listing{{"object", "list"},
                 {"data", json::array({json{{"id", "gpt-4o"}, {"object", "model"}, {"owned_by", "openai"}},
                                       json{{"id", "gpt-4.1"}, {"object", "model"}, {"owned_by", "openai"}}})}};
    OpenAi t(json::array({json{{"match", {{"path", "/v1/models"}}}, {"body", listing}}}));
    const auto [status, models] = t.harness.list_models(json{{"provider", "openai"}});
    REQUIRE_MESSAGE(status == GAGGLE_OK, models.dump());
    CHECK(models == json::array({"gpt-4.1", "gpt-4o"}));
    const auto req = t.server.requests().at(0);
    CHECK(req.method == "GET");
    CHECK(req.header("Authorization") == "Bearer sk-test");
}

TEST_CASE("openai: a declarative connection overrides the config keys")
{
    OpenAi t(json::array({text_reply({"custom"})}));
    json request = chat_request("custom_local", "llama-3");
    request["connection"] = {{"engine", "openai"}, {"base_url", t.server.base_url() + "/proxy/v1"}, {"api_key", "local-key"}, {"headers", {{"X-Team", "blue"}}}};
    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto req = t.server.requests().at(0);
    CHECK(req.path == "/proxy/v1/chat/completions");
    CHECK(req.header("Authorization") == "Bearer local-key");
    CHECK(req.header("X-Team") == "blue");
}

TEST_CASE("openai: a 1.1 connection names its key's secret; the key is read through get_secret, never from the JSON")
{
    OpenAi t(json::array({text_reply({"custom"}), text_reply({"offered"})}));
    t.harness.set("CUSTOM_LAB_API_KEY", "lab-secret");
    json request = chat_request("custom_lab", "lab-1");
    request["connection"] = {{"engine", "openai"}, {"base_url", t.server.base_url() + "/v1"}, {"api_key_secret", "CUSTOM_LAB_API_KEY"}};
    CHECK(request.dump().find("lab-secret") == std::string::npos);
    auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(t.server.requests().at(0).header("Authorization") == "Bearer lab-secret");

    // A key held for one call only (detect-provider): readable on the calling thread during the call.
    {
        gaggle::ScopedCallSecret offered(gaggle::call_api_key_secret, "offered-key");
        request["connection"]["api_key_secret"] = gaggle::call_api_key_secret;
        r = t.harness.stream(request);
        REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    }
    CHECK(t.server.requests().at(1).header("Authorization") == "Bearer offered-key");
    CHECK_FALSE(gaggle::call_secret(gaggle::call_api_key_secret).has_value());
}

TEST_CASE("openai: no API key means no Authorization header (local servers)")
{
    OpenAi t(json::array({text_reply({"local"})}));
    t.harness.set("OPENAI_API_KEY", "");
    t.harness.set("OPENAI_CUSTOM_HEADERS", "X-A=1, X-B = two");
    const auto r = t.harness.stream(chat_request("openai", "qwen"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto req = t.server.requests().at(0);
    CHECK(req.header("Authorization").empty());
    CHECK(req.header("X-A") == "1");
    CHECK(req.header("X-B") == "two");
}

TEST_CASE("openai: codex models stream through the Responses API")
{
    json reply{{"format", "openai_responses"},
               {"chunks", json::array({{{"text", "Sure"}}, {{"tool_call", {{"id", "call_r"}, {"name", "developer__shell"}, {"arguments", "{\"command\":\"ls\"}"}}}}})},
               {"usage", {{"input_tokens", 7}, {"output_tokens", 9}}}};
    OpenAi t(json::array({reply}));
    json request = chat_request("openai", "gpt-5-codex");
    request["messages"].push_back(message("assistant", json::array({tool_request("call_0", "developer__shell", {{"command", "pwd"}})})));
    request["messages"].push_back(message("user", json::array({tool_response("call_0", json::array({json{{"type", "text"}, {"text", "/home"}}}))})));
    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "Sure");
    const auto calls = r.of_type("tool_call");
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["id"] == "call_r");
    CHECK(calls[0]["arguments"] == json{{"command", "ls"}});
    CHECK(r.of_type("usage")[0]["output_tokens"] == 9);
    CHECK(r.events.back()["reason"] == "tool_use");
    const auto req = t.server.requests().at(0);
    CHECK(req.path == "/v1/responses");
    const json body = req.json();
    CHECK(body["instructions"] == "You are a test.");
    CHECK(body["input"][1]["type"] == "function_call");
    CHECK(body["input"][2] == json{{"type", "function_call_output"}, {"call_id", "call_0"}, {"output", "/home"}});
    CHECK(body["tools"][0]["name"] == "developer__shell");
}

TEST_CASE("openai: describe names the provider, models and config keys")
{
    Harness h("openai", fast_config());
    const json d = h.describe();
    REQUIRE(d.is_array());
    CHECK(d[0]["name"] == "openai");
    CHECK(d[0]["default_model"] == "gpt-4o");
    CHECK(d[0]["known_models"][0]["context_limit"] == 128000);
    bool has_key = false;
    for (const auto& k : d[0]["config_keys"])
        if (k["name"] == "OPENAI_API_KEY") has_key = k["secret"] == true;
    CHECK(has_key);
}

TEST_CASE("provider fixtures: every scenario file loads, and the tool-call one plays two turns")
{
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(GAGGLE_TEST_FIXTURES_DIR) / "providers";
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        CAPTURE(entry.path().string());
        CHECK_NOTHROW(ScriptedProvider::from_file(entry.path().string()));
        ++files;
    }
    CHECK(files >= 5);

    auto server = ScriptedProvider::from_file((dir / "openai_tool_calls.json").string());
    server->start();
    Harness h("openai", fast_config());
    h.set("OPENAI_HOST", server->base_url());
    const auto first = h.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(first.status == GAGGLE_OK, first.message);
    CHECK(first.of_type("tool_call").size() == 2);
    const auto second = h.stream(chat_request("openai", "gpt-4o"));
    REQUIRE_MESSAGE(second.status == GAGGLE_OK, second.message);
    CHECK(second.text() == "Both commands ran.");
}

TEST_CASE("openai: events split across reads, CRLF line endings, and no [DONE] from a compatible server")
{
    const std::string head = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"He";
    json reply{{"format", "raw"},
               {"chunks", json::array({{{"raw", head}},
                                       {{"raw", "llo\"},\"finish_reason\":null}]}\r\n\r"}, {"delay_ms", 30}},
                                       {{"raw", "\n: comment\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"}, {"delay_ms", 30}}})}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "local-model"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "Hello");
    CHECK(r.events.back() == json{{"type", "stop"}, {"reason", "end_turn"}});
}

TEST_CASE("openai: concurrent streams through one plugin instance")
{
    json reply = text_reply({"a", "b", "c"});
    reply["repeat"] = true;
    reply["delay_ms"] = 5;
    OpenAi t(json::array({reply}));
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&] {
            const auto r = t.harness.stream(chat_request("openai", "gpt-4o"));
            if (r.status == GAGGLE_OK && r.text() == "abc") ++ok;
        });
    for (auto& th : threads) th.join();
    CHECK(ok == 6);
    CHECK(t.server.requests().size() == 6);
}

TEST_CASE("openai: tool calls without an index (some compatible servers) stay separate")
{
    auto chunk = [](const json& delta, const json& finish = nullptr) {
        return "data: " + json{{"choices", json::array({json{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}}.dump() + "\n\n";
    };
    json call1{{"tool_calls", json::array({json{{"id", "c1"}, {"type", "function"}, {"function", {{"name", "developer__shell"}, {"arguments", "{\"command\":"}}}}})}};
    json call1_rest{{"tool_calls", json::array({json{{"function", {{"arguments", "\"ls\"}"}}}}})}};
    json call2{{"tool_calls", json::array({json{{"id", "c2"}, {"type", "function"}, {"function", {{"name", "developer__shell"}, {"arguments", "{\"command\":\"pwd\"}"}}}}})}};
    json reply{{"format", "raw"},
               {"chunks", json::array({{{"raw", chunk(call1)}}, {{"raw", chunk(call1_rest)}}, {{"raw", chunk(call2)}},
                                       {{"raw", chunk(json::object(), "tool_calls") + "data: [DONE]\n\n"}}})}};
    OpenAi t(json::array({reply}));
    const auto r = t.harness.stream(chat_request("openai", "local-model"));
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto calls = r.of_type("tool_call");
    REQUIRE(calls.size() == 2);
    CHECK(calls[0]["id"] == "c1");
    CHECK(calls[0]["arguments"] == json{{"command", "ls"}});
    CHECK(calls[1]["id"] == "c2");
    CHECK(calls[1]["arguments"] == json{{"command", "pwd"}});
}
