// The agent through POST /reply, end to end: real binary, real provider plugins, scripted model.
#include <doctest/doctest.h>

#include "agent_harness.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>
#include <csignal>
#include <set>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

json text_reply(std::vector<std::string> pieces, int input = 10, int output = 5, int delay_ms = 0)
{
    json chunks = json::array();
    for (auto& p : pieces) chunks.push_back({{"text", p}});
    return {{"format", "openai"}, {"chunks", chunks}, {"usage", {{"input_tokens", input}, {"output_tokens", output}}}, {"delay_ms", delay_ms}};
}

json todo_calls_reply()
{
    return {{"format", "openai"},
            {"chunks", json::array({{{"text", "Let me note that."}},
                                    {{"tool_call", {{"index", 0}, {"id", "call_w"}, {"name", "todo__todo_write"}, {"arguments", "{\"content\":"}}}},
                                    {{"tool_call", {{"index", 1}, {"id", "call_r"}, {"name", "todo__todo_read"}, {"arguments", "{}"}}}},
                                    {{"tool_call", {{"index", 0}, {"arguments", "\"- [ ] milk\"}"}}}}})},
            {"usage", {{"input_tokens", 40}, {"output_tokens", 20}}}};
}

json write_call_reply()
{
    return {{"format", "openai"},
            {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "call_w"}, {"name", "todo__todo_write"}, {"arguments", "{\"content\":\"x\"}"}}}}})}};
}

const Json* tool_response(const std::vector<Json>& events, const std::string& id)
{
    for (auto& e : events)
        if (e["type"] == "Message")
            for (auto& c : e["message"]["content"])
                if (c["type"] == "toolResponse" && c["id"] == id) return &c;
    return nullptr;
}

} // namespace

TEST_CASE("a plain streamed reply: deltas share one id, Finish carries the tokens, all is persisted")
{
    AgentHarness h(json::array({text_reply({"Hel", "lo, ", "world!"}, 12, 3)}));
    const std::string id = h.start_session();
    auto events = h.reply_all(id, "hi there");
    auto messages = of_type(events, "Message");
    REQUIRE(messages.size() == 3);
    CHECK(messages[0]["message"]["id"] == messages[2]["message"]["id"]);
    CHECK(messages[0]["message"]["role"] == "assistant");
    CHECK(streamed_text(events) == "Hello, world!");
    REQUIRE(events.back()["type"] == "Finish");
    CHECK(events.back()["reason"] == "stop");
    CHECK(events.back()["token_state"]["inputTokens"] == 12);
    CHECK(events.back()["token_state"]["accumulatedTotalTokens"] == 15);
    CHECK(of_type(events, "Finish").size() == 1);

    auto s = h.session(id);
    REQUIRE(s["conversation"].size() == 2);
    CHECK(s["conversation"][0]["content"][0]["text"] == "hi there");
    CHECK(s["conversation"][1]["content"][0]["text"] == "Hello, world!");
    CHECK(s["conversation"][1]["id"] == messages[0]["message"]["id"]);
    CHECK(s["name"] == "hi there"); // named from the first exchange
    CHECK(s["accumulated_total_tokens"] == 15);

    // What reached the provider: the real OpenAI request, streaming, with the system prompt.
    auto req = h.provider().requests().at(0).json();
    CHECK(req["stream"] == true);
    CHECK(req["model"] == "gpt-4o");
    CHECK(req["messages"][0]["role"] == "system");
    CHECK(req["messages"].back()["content"] == "hi there");
}

TEST_CASE("Pings flow every 500 ms while the model is slow")
{
    AgentHarness h(json::array({text_reply({"a", "b", "c"}, 1, 1, 450)}));
    auto events = h.reply_all(h.start_session(), "slow", true);
    CHECK(of_type(events, "Ping").size() >= 1);
    CHECK(streamed_text(events) == "abc");
}

TEST_CASE("two tool calls in one response run, their results go back to the model, the loop continues")
{
    AgentHarness h(json::array({todo_calls_reply(), text_reply({"Noted."}, 80, 2)}));
    const std::string id = h.start_session();
    auto events = h.reply_all(id, "remember milk");
    const Json* write = tool_response(events, "call_w");
    const Json* read = tool_response(events, "call_r");
    REQUIRE(write);
    REQUIRE(read);
    CHECK((*write)["toolResult"]["value"]["isError"] == false);
    CHECK(streamed_text(events) == "Let me note that.Noted.");
    CHECK(events.back()["type"] == "Finish");

    auto s = h.session(id);
    CHECK(s["extension_data"]["todo.v0"]["content"] == "- [ ] milk");
    REQUIRE(s["conversation"].size() == 4); // user, assistant(text+2 requests), user(2 responses), assistant
    CHECK(s["conversation"][1]["content"].size() == 3);
    CHECK(s["conversation"][2]["role"] == "user");
    CHECK(s["conversation"][2]["content"].size() == 2);

    // The second provider request carries both results as role "tool" messages.
    auto second = h.provider().requests().at(1).json();
    int tool_messages = 0;
    for (auto& m : second["messages"])
        if (m["role"] == "tool") ++tool_messages;
    CHECK(tool_messages == 2);
    // A fresh config's extensions: developer, todo and extensionmanager, sorted by name.
    const Json first = h.provider().requests().at(0).json();
    std::vector<std::string> tools;
    for (auto& t : first["tools"]) tools.push_back(t["function"]["name"]);
    CHECK(std::is_sorted(tools.begin(), tools.end()));
    for (const char* expected : {"developer__shell", "developer__text_editor", "extensionmanager__manage_extensions", "todo__todo_read",
                                 "todo__todo_write"})
        CHECK_MESSAGE(std::find(tools.begin(), tools.end(), expected) != tools.end(), expected);
}

TEST_CASE("permission modes and every confirmation action")
{
    SUBCASE("approve + allow_once runs the tool")
    {
        AgentHarness h(json::array({write_call_reply(), text_reply({"ok"})}), {{"GOOSE_MODE", "approve"}});
        const std::string id = h.start_session();
        auto c = h.reply(id, "write it");
        std::optional<Json> prompt;
        while (auto e = c->next()) {
            if (e->type() != "Message") continue;
            auto content = e->json()["message"]["content"][0];
            if (content["type"] == "actionRequired") {
                prompt = content;
                break;
            }
        }
        REQUIRE(prompt);
        CHECK((*prompt)["data"]["actionType"] == "toolConfirmation");
        CHECK((*prompt)["data"]["toolName"] == "todo__todo_write");
        CHECK((*prompt)["data"]["id"] == "call_w");
        auto answer = h.post("/action-required/tool-confirmation", {{"id", "call_w"}, {"sessionId", id}, {"action", "allow_once"}, {"principalType", "Tool"}});
        CHECK(answer.status == 200);
        auto events = data_events(c->rest());
        const Json* r = tool_response(events, "call_w");
        REQUIRE(r);
        CHECK((*r)["toolResult"]["value"]["isError"] == false);
        CHECK(h.session(id)["extension_data"]["todo.v0"]["content"] == "x");
        // A second answer for the same id finds nothing waiting.
        CHECK(h.post("/action-required/tool-confirmation", {{"id", "call_w"}, {"sessionId", id}, {"action", "allow_once"}}).status == 404);
    }
    for (const std::string action : {"deny_once", "always_deny", "always_allow", "cancel"}) {
        SUBCASE(action.c_str())
        {
            AgentHarness h(json::array({write_call_reply(), text_reply({"fine"})}), {{"GOOSE_MODE", "approve"}});
            const std::string id = h.start_session();
            auto c = h.reply(id, "write it");
            bool asked = false;
            while (auto e = c->next())
                if (e->type() == "Message" && e->json()["message"]["content"][0]["type"] == "actionRequired") {
                    asked = true;
                    break;
                }
            REQUIRE(asked);
            CHECK(h.post("/action-required/tool-confirmation", {{"id", "call_w"}, {"sessionId", id}, {"action", action}}).status == 200);
            auto events = data_events(c->rest());
            const Json* r = tool_response(events, "call_w");
            REQUIRE(r);
            const bool ran = action == "always_allow";
            CHECK((*r)["toolResult"]["value"]["isError"] == !ran);
            if (!ran) CHECK((*r)["toolResult"]["value"]["content"][0]["text"].get<std::string>().find("declined") != std::string::npos);
            CHECK(events.back()["type"] == "Finish");
            // cancel ends the turn: the model is not called again.
            CHECK(h.provider().requests().size() == (action == "cancel" ? 1u : 2u));
            std::ifstream perms(h.server().root() / "config" / "permission.yaml");
            const std::string yaml((std::istreambuf_iterator<char>(perms)), {});
            if (action == "always_allow") CHECK(yaml.find("always_allow:\n    - todo__todo_write") != std::string::npos);
            if (action == "always_deny") CHECK(yaml.find("never_allow:\n    - todo__todo_write") != std::string::npos);
        }
    }
    SUBCASE("an always_allow rule in permission.yaml skips the prompt")
    {
        AgentHarness h(json::array({write_call_reply(), text_reply({"done"})}), {{"GOOSE_MODE", "approve"}});
        std::filesystem::create_directories(h.server().root() / "config");
        std::ofstream(h.server().root() / "config" / "permission.yaml") << "user:\n  always_allow:\n    - todo__todo_write\n";
        h.server().stop(SIGTERM);
        ServerProcess::Options o;
        o.root = h.server().root();
        o.env = {{"GOOSE_MODE", "approve"}, {"GOOSE_PROVIDER", "openai"}, {"GOOSE_MODEL", "m"}, {"OPENAI_HOST", h.provider().base_url()}};
        ServerProcess s2(o);
        auto r = s2.request("POST", "/agent/start", Json{{"working_dir", o.root.string()}}.dump(), {{"Content-Type", "application/json"}});
        const std::string id = Json::parse(r.body)["id"];
        SseClient c(s2.port(), "POST", "/reply", Json{{"session_id", id}, {"user_message", AgentHarness::user_message("go")}}.dump(),
                    {{"X-Secret-Key", s2.secret()}, {"Content-Type", "application/json"}});
        auto events = data_events(c.rest());
        for (auto& e : events)
            if (e["type"] == "Message") CHECK(e["message"]["content"][0]["type"] != "actionRequired");
        REQUIRE(tool_response(events, "call_w"));
        CHECK((*tool_response(events, "call_w"))["toolResult"]["value"]["isError"] == false);
    }
    SUBCASE("smart_approve runs read-only tools and asks for the rest")
    {
        AgentHarness h(json::array({todo_calls_reply(), text_reply({"ok"})}), {{"GOOSE_MODE", "smart_approve"}});
        const std::string id = h.start_session();
        auto c = h.reply(id, "go");
        std::vector<std::string> asked;
        while (auto e = c->next()) {
            if (e->type() != "Message") continue;
            auto content = e->json()["message"]["content"][0];
            if (content["type"] == "actionRequired") {
                asked.push_back(content["data"]["toolName"]);
                h.post("/action-required/tool-confirmation", {{"id", content["data"]["id"]}, {"sessionId", id}, {"action", "deny_once"}});
            }
            if (e->type() == "Finish") break;
        }
        CHECK(asked == std::vector<std::string>{"todo__todo_write"});
    }
    SUBCASE("chat mode sends no tools and runs none")
    {
        AgentHarness h(json::array({write_call_reply(), text_reply({"explained"})}), {{"GOOSE_MODE", "chat"}});
        const std::string id = h.start_session();
        auto events = h.reply_all(id, "go");
        CHECK_FALSE(h.provider().requests().at(0).json().contains("tools"));
        const Json* r = tool_response(events, "call_w");
        REQUIRE(r);
        CHECK((*r)["toolResult"]["value"]["isError"] == true);
        CHECK_FALSE(h.session(id)["extension_data"].contains("todo.v0"));
    }
}

TEST_CASE("a client that hangs up cancels the turn, closes the provider call and keeps what was said")
{
    json chunks = json::array();
    for (int i = 0; i < 40; ++i) chunks.push_back({{"text", "word" + std::to_string(i) + " "}});
    AgentHarness h(json::array({{{"format", "openai"}, {"chunks", chunks}, {"delay_ms", 100}}}));
    const std::string id = h.start_session();
    auto c = h.reply(id, "long story");
    int seen = 0;
    while (auto e = c->next())
        if (e->type() == "Message" && ++seen == 3) break;
    const auto hung_up = std::chrono::steady_clock::now();
    c->close();
    CHECK(h.provider().wait_for_client_close(0, std::chrono::milliseconds(3000)));
    CHECK(std::chrono::steady_clock::now() - hung_up < std::chrono::milliseconds(2500));
    // The partial reply is persisted.
    Json s;
    for (int i = 0; i < 50; ++i) {
        s = h.session(id);
        if (s["conversation"].size() == 2) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(s["conversation"].size() == 2);
    const std::string partial = s["conversation"][1]["content"][0]["text"];
    CHECK(partial.rfind("word0 word1 word2 ", 0) == 0);
    CHECK(partial.find("word39") == std::string::npos);
    CHECK(h.server().alive());
}

TEST_CASE("every provider error class reaches the client as Error, then Finish")
{
    struct Case {
        int status;
        json error;
        std::string expected;
    };
    const std::vector<Case> cases{
        {401, {{"message", "Incorrect API key provided"}, {"type", "invalid_request_error"}, {"code", "invalid_api_key"}}, "Authentication error"},
        {429, {{"message", "Rate limit reached"}, {"type", "requests"}, {"code", "rate_limit_exceeded"}}, "Rate limit exceeded"},
        {500, {{"message", "The server had an error"}, {"type", "server_error"}}, "Server error"},
        {400, {{"message", "This model's maximum context length is 8192 tokens"}, {"type", "invalid_request_error"}, {"code", "context_length_exceeded"}}, "Context length exceeded"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.status);
        // A context-length error triggers one compaction attempt, which fails here too (same error).
        AgentHarness h(json::array({{{"status", c.status}, {"error", c.error}, {"repeat", true}}}));
        const std::string id = h.start_session();
        auto events = h.reply_all(id, "hello");
        auto errors = of_type(events, "Error");
        REQUIRE(errors.size() == 1);
        const std::string text = errors[0]["error"];
        CHECK(text.find(c.expected) == 0);
        CHECK(text.find(c.error["message"].get<std::string>()) != std::string::npos);
        CHECK(events.back()["type"] == "Finish");
        CHECK(h.session(id)["conversation"].size() == 1); // the user message is kept
    }
    SUBCASE("network: nothing listens at the provider's address")
    {
        const int dead = free_port();
        AgentHarness h(json::array(), {{"OPENAI_HOST", "http://127.0.0.1:" + std::to_string(dead)}});
        auto events = h.reply_all(h.start_session(), "hello");
        auto errors = of_type(events, "Error");
        REQUIRE(errors.size() == 1);
        CHECK(errors[0]["error"].get<std::string>().find("Network error") == 0);
        CHECK(events.back()["type"] == "Finish");
    }
}

TEST_CASE("a missing or unknown provider is a 4xx before any stream")
{
    AgentHarness none(json::array(), {{"GOOSE_PROVIDER", ""}});
    const std::string id = none.start_session();
    auto r = none.server().request("POST", "/reply", Json{{"session_id", id}, {"user_message", AgentHarness::user_message("x")}}.dump(),
                                   {{"Content-Type", "application/json"}});
    CHECK(r.status == 412);
    CHECK(Json::parse(r.body)["message"].get<std::string>().find("No provider configured") == 0);

    AgentHarness unknown(json::array(), {{"GOOSE_PROVIDER", "no-such-provider"}});
    auto r2 = unknown.server().request("POST", "/reply",
                                       Json{{"session_id", unknown.start_session()}, {"user_message", AgentHarness::user_message("x")}}.dump(),
                                       {{"Content-Type", "application/json"}});
    CHECK(r2.status == 412);
    CHECK(Json::parse(r2.body)["message"].get<std::string>().find("no-such-provider") != std::string::npos);

    auto bad = unknown.server().request("POST", "/reply", R"({"session_id":"nope","user_message":{"role":"user","content":[]}})",
                                        {{"Content-Type", "application/json"}});
    CHECK(bad.status == 404);
    CHECK(unknown.server().request("POST", "/reply", R"({"session_id":"x"})", {{"Content-Type", "application/json"}}).status == 422);
    CHECK(unknown.server().request("POST", "/reply", R"({"session_id":5,"user_message":{}})", {{"Content-Type", "application/json"}}).status == 422);
    CHECK(unknown.server().request("POST", "/reply", "{oops", {{"Content-Type", "application/json"}}).status == 400);
}

TEST_CASE("compaction: past the threshold old history is summarised and hidden from the model")
{
    AgentHarness h(json::array({text_reply({"first answer"}, 90, 5), text_reply({"SUMMARY: user asked twice"}, 20, 8),
                                text_reply({"second answer"}, 30, 4)}));
    const std::string id = h.start_session();
    CHECK(h.post("/agent/update_provider", {{"session_id", id}, {"provider", "openai"}, {"model", "gpt-4o"}, {"context_limit", 100}}).status == 200);
    h.reply_all(id, "first question");
    auto events = h.reply_all(id, "second question");
    auto updates = of_type(events, "UpdateConversation");
    REQUIRE(updates.size() == 1);
    CHECK(streamed_text(events).find("second answer") != std::string::npos);
    auto s = h.session(id);
    // Old messages are still there for the user, hidden from the model.
    CHECK(s["conversation"][0]["metadata"]["agentVisible"] == false);
    CHECK(s["conversation"][0]["content"][0]["text"] == "first question");
    // The last provider request saw the summary, not the raw history.
    auto last = h.provider().requests().back().json();
    std::string all;
    for (auto& m : last["messages"]) all += m.dump();
    CHECK(all.find("SUMMARY: user asked twice") != std::string::npos);
    CHECK(all.find("first answer") == std::string::npos);
}

TEST_CASE("a context-length error compacts once and retries")
{
    json overflow{{"status", 400}, {"error", {{"message", "maximum context length exceeded"}, {"code", "context_length_exceeded"}}}};
    AgentHarness h(json::array({text_reply({"early"}, 10, 2), overflow, text_reply({"short summary"}), text_reply({"recovered"})}));
    const std::string id = h.start_session();
    h.reply_all(id, "one");
    auto events = h.reply_all(id, "two");
    CHECK(of_type(events, "Error").empty());
    CHECK(of_type(events, "UpdateConversation").size() == 1);
    CHECK(streamed_text(events).find("recovered") != std::string::npos);
}

TEST_CASE("compaction of a history larger than the model's context summarises it in pieces")
{
    // 20,000 characters of history against a 2,048-token model: each summarising call gets at
    // most 8 KiB of transcript (the floor of the budget) and the summary so far.
    const std::string long_answer(20000, 'x');
    json overflow{{"status", 400}, {"error", {{"message", "maximum context length exceeded"}, {"code", "context_length_exceeded"}}}};
    AgentHarness h(json::array({text_reply({long_answer}, 10, 2), overflow, text_reply({"S1"}), text_reply({"S2"}),
                                text_reply({"S3"}), text_reply({"recovered"})}));
    const std::string id = h.start_session();
    CHECK(h.post("/agent/update_provider", {{"session_id", id}, {"provider", "openai"}, {"model", "gpt-4o"}, {"context_limit", 2048}}).status == 200);
    h.reply_all(id, "one");
    h.provider().clear_requests();
    auto events = h.reply_all(id, "two");
    CHECK(of_type(events, "Error").empty());
    CHECK(streamed_text(events).find("recovered") != std::string::npos);
    auto requests = h.provider().requests();
    REQUIRE(requests.size() == 5); // the overflowing call, three pieces, the retry
    for (std::size_t i = 1; i <= 3; ++i) {
        const std::string prompt = requests[i].json()["messages"].back()["content"].dump();
        CHECK(prompt.size() < 8192 + 512);
        if (i > 1) CHECK(prompt.find("S" + std::to_string(i - 1)) != std::string::npos);
    }
    const std::string retry = requests[4].json()["messages"].dump();
    CHECK(retry.find("S3") != std::string::npos);
    CHECK(retry.find("xxxxxxxx") == std::string::npos);
    // The stored history was not rewritten: the old messages keep their place, hidden from the agent.
    auto s = h.session(id);
    CHECK(s["conversation"][0]["content"][0]["text"] == "one");
    CHECK(s["conversation"][0]["metadata"]["agentVisible"] == false);
    CHECK(s["conversation"][1]["content"][0]["text"] == long_answer);
}

TEST_CASE("anthropic and ollama plugins run the same loop")
{
    SUBCASE("anthropic with thinking and a tool call")
    {
        json first{{"format", "anthropic"},
                   {"chunks", json::array({{{"thinking", "Consider."}, {"signature", "sig-1"}},
                                           {{"text", "Writing."}},
                                           {{"tool_call", {{"id", "toolu_1"}, {"name", "todo__todo_write"}, {"arguments", "{\"content\":\"a\"}"}}}}})},
                   {"usage", {{"input_tokens", 30}, {"output_tokens", 10}}}};
        json second{{"format", "anthropic"}, {"chunks", json::array({{{"text", "Done."}}})}, {"usage", {{"input_tokens", 50}, {"output_tokens", 2}}}};
        AgentHarness h(json::array({first, second}), {}, "anthropic", "claude-sonnet-4");
        const std::string id = h.start_session();
        auto events = h.reply_all(id, "note a");
        CHECK(streamed_text(events) == "Writing.Done.");
        auto s = h.session(id);
        CHECK(s["conversation"][1]["content"][0]["type"] == "thinking");
        CHECK(s["conversation"][1]["content"][0]["signature"] == "sig-1");
        // The signed thinking block goes back to the API on the next call.
        auto second_req = h.provider().requests().at(1).json();
        CHECK(second_req["messages"][1]["content"][0]["type"] == "thinking");
        CHECK(second_req["messages"][1]["content"][0]["signature"] == "sig-1");
        CHECK(h.provider().requests().at(0).header("x-api-key") == "sk-ant-test");
    }
    SUBCASE("ollama")
    {
        AgentHarness h(json::array({{{"format", "ollama"}, {"chunks", json::array({{{"text", "Hi "}}, {{"text", "there"}}})}}}), {}, "ollama", "qwen3");
        auto events = h.reply_all(h.start_session(), "hello");
        CHECK(streamed_text(events) == "Hi there");
        CHECK(h.provider().requests().at(0).path == "/api/chat");
    }
}

TEST_CASE("providers: listing, models, update_provider, restart, declarative providers")
{
    AgentHarness h(json::array({{{"match", {{"path", "/v1/models"}}}, {"repeat", true},
                                 {"body", {{"object", "list"}, {"data", json::array({{{"id", "gpt-4o"}}, {{"id", "gpt-4o-mini"}}})}}}}}));
    auto providers = Json::parse(h.server().get("/config/providers").body);
    std::set<std::string> names;
    for (auto& p : providers) {
        names.insert(p["name"].get<std::string>());
        CHECK(p["metadata"].contains("config_keys"));
        CHECK(p["metadata"].contains("known_models"));
        CHECK(p.contains("is_configured"));
        CHECK(p["provider_type"] == "Builtin");
    }
    CHECK(names.count("openai"));
    CHECK(names.count("anthropic"));
    CHECK(names.count("ollama"));

    auto models = h.server().get("/config/providers/openai/models");
    REQUIRE(models.status == 200);
    CHECK(Json::parse(models.body) == Json::array({"gpt-4o", "gpt-4o-mini"}));
    CHECK(h.server().get("/config/providers/nope/models").status == 400);

    const std::string id = h.start_session();
    CHECK(h.post("/agent/update_provider", {{"session_id", id}, {"provider", "openai"}, {"model", "gpt-4o-mini"}}).status == 200);
    auto s = h.session(id);
    CHECK(s["provider_name"] == "openai");
    CHECK(s["model_config"]["model_name"] == "gpt-4o-mini");
    CHECK(h.post("/agent/update_provider", {{"session_id", id}, {"provider", "nope"}}).status == 400);
    CHECK(h.post("/agent/update_provider", {{"session_id", "missing"}, {"provider", "openai"}}).status == 404);
    CHECK(h.post("/agent/update_provider", {{"session_id", id}}).status == 422);

    auto restarted = h.post("/agent/restart", {{"session_id", id}});
    CHECK(restarted.status == 200);
    CHECK(Json::parse(restarted.body)["extension_results"].is_array());

    // resume with load_model_and_extensions binds the configured provider to a bare session.
    const std::string bare = h.start_session();
    h.post("/agent/resume", {{"session_id", bare}, {"load_model_and_extensions", true}});
    CHECK(h.session(bare)["provider_name"] == "openai");
}

TEST_CASE("a declarative provider in custom_providers/ works without code")
{
    gaggle::testing::ScriptedProvider upstream(json::array({text_reply({"from custom"})}));
    upstream.start();
    TempDir root;
    std::filesystem::create_directories(root.path() / "config" / "custom_providers");
    std::ofstream(root.path() / "config" / "custom_providers" / "custom_lab.json")
        << Json{{"name", "custom_lab"}, {"engine", "openai"}, {"display_name", "Lab"}, {"api_key_env", "CUSTOM_LAB_API_KEY"},
                {"base_url", upstream.base_url()}, {"models", Json::array({Json{{"name", "lab-1"}, {"context_limit", 32000}}})}}
               .dump();
    ServerProcess::Options o;
    o.root = root.path();
    o.env = {{"GOOSE_PROVIDER", "custom_lab"}, {"GOOSE_MODEL", "lab-1"}, {"CUSTOM_LAB_API_KEY", "lab-key"}};
    ServerProcess server(o);
    auto providers = Json::parse(server.get("/config/providers").body);
    bool found = false;
    for (auto& p : providers)
        if (p["name"] == "custom_lab") {
            found = true;
            CHECK(p["provider_type"] == "Declarative");
            CHECK(p["is_configured"] == true);
            CHECK(p["metadata"]["display_name"] == "Lab");
        }
    CHECK(found);
    auto r = server.request("POST", "/agent/start", Json{{"working_dir", root.path().string()}}.dump(), {{"Content-Type", "application/json"}});
    const std::string id = Json::parse(r.body)["id"];
    SseClient c(server.port(), "POST", "/reply", Json{{"session_id", id}, {"user_message", AgentHarness::user_message("hi")}}.dump(),
                {{"X-Secret-Key", server.secret()}, {"Content-Type", "application/json"}});
    auto events = data_events(c.rest());
    CHECK(streamed_text(events) == "from custom");
    CHECK(upstream.requests().at(0).header("authorization") == "Bearer lab-key");
    CHECK(upstream.requests().at(0).json()["model"] == "lab-1");
}

TEST_CASE("GOOSE_MAX_TURNS stops a loop that keeps calling tools")
{
    json again{{"format", "openai"}, {"repeat", true},
               {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", "loop"}, {"name", "todo__todo_read"}, {"arguments", "{}"}}}}})}};
    AgentHarness h(json::array({again}), {{"GOOSE_MAX_TURNS", "3"}});
    const std::string id = h.start_session();
    auto events = h.reply_all(id, "loop forever");
    CHECK(h.provider().requests().size() == 3);
    bool limit_message = false;
    for (auto& e : of_type(events, "Message"))
        for (auto& c : e["message"]["content"])
            if (c["type"] == "text" && c["text"].get<std::string>().find("maximum number of actions") != std::string::npos)
                limit_message = true;
    CHECK(limit_message);
    CHECK(events.back()["type"] == "Finish");
    auto s = h.session(id);
    CHECK(s["conversation"].back()["content"][0]["text"].get<std::string>().find("maximum number of actions") != std::string::npos);
}

TEST_CASE("override_conversation replaces the history the model is sent, on that turn and the turns after")
{
    AgentHarness h(json::array({text_reply({"first answer"}), text_reply({"second answer"}), text_reply({"third answer"})}));
    const std::string id = h.start_session();
    h.reply_all(id, "first question");

    // The client sends an edited history with its next message, as the desktop does after an edit.
    Json edited = Json::array({AgentHarness::user_message("edited question"), AgentHarness::user_message("edited context")});
    edited[1]["role"] = "assistant";
    SseClient c(h.server().port(), "POST", "/reply",
                Json{{"session_id", id}, {"user_message", AgentHarness::user_message("second question")}, {"override_conversation", edited}}.dump(),
                std::map<std::string, std::string>{{"X-Secret-Key", h.server().secret()}, {"Content-Type", "application/json"}});
    REQUIRE(c.status() == 200);
    CHECK(streamed_text(data_events(c.rest())) == "second answer");
    h.reply_all(id, "third question");

    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 3);
    for (std::size_t i : {1u, 2u}) {
        INFO(i);
        const std::string sent = requests[i].json()["messages"].dump();
        CHECK(sent.find("edited question") != std::string::npos);
        CHECK(sent.find("edited context") != std::string::npos);
        CHECK(sent.find("first question") == std::string::npos);
        CHECK(sent.find("first answer") == std::string::npos);
    }
    const std::string third = requests[2].json()["messages"].dump();
    CHECK(third.find("second answer") != std::string::npos);
    CHECK(third.find("third question") != std::string::npos);
    CHECK(h.session(id)["conversation"].size() == 6);  // edited (2), second exchange, third exchange
}
