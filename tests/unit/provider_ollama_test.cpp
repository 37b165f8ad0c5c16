// The Ollama provider plugin against a scripted server speaking Ollama's native /api/chat NDJSON.
#include "provider_test_support.hpp"

using namespace provider_test;
using gaggle::testing::ScriptedProvider;

namespace {

struct Ollama {
    ScriptedProvider server;
    Harness harness;
    explicit Ollama(json scenario, std::map<std::string, std::string> extra = {}) : server(std::move(scenario)), harness("ollama", config(extra))
    {
        server.start();
        // No scheme, as users write it: "host:port".
        harness.set("OLLAMA_HOST", "127.0.0.1:" + std::to_string(server.port()));
    }
    static std::map<std::string, std::string> config(const std::map<std::string, std::string>& extra)
    {
        auto c = fast_config();
        for (auto& [k, v] : extra) c[k] = v;
        return c;
    }
};

} // namespace

TEST_CASE("ollama: a plain reply over /api/chat with usage from the done line")
{
    Ollama t(json::array({json{{"format", "ollama"},
                               {"chunks", json::array({{{"thinking", "hmm"}}, {{"text", "Hel"}}, {{"text", "lo"}}})},
                               {"usage", {{"input_tokens", 26}, {"output_tokens", 4}}}}}));
    json request = chat_request("ollama", "qwen3");
    request["settings"] = {{"temperature", 0.5}, {"max_tokens", 100}};
    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    CHECK(r.text() == "Hello");
    CHECK(r.of_type("thinking").at(0)["thinking"] == "hmm");
    CHECK(r.of_type("usage").at(0) == json{{"type", "usage"}, {"input_tokens", 26}, {"output_tokens", 4}});
    CHECK(r.events.back()["reason"] == "end_turn");
    const auto req = t.server.requests().at(0);
    CHECK(req.path == "/api/chat");
    const json body = req.json();
    CHECK(body["model"] == "qwen3");
    CHECK(body["stream"] == true);
    CHECK(body["options"] == json{{"temperature", 0.5}, {"num_predict", 100}});
    CHECK(body["messages"][0] == json{{"role", "system"}, {"content", "You are a test."}});
    CHECK(body["tools"][0]["function"]["name"] == "developer__shell");
}

TEST_CASE("ollama: tool calls arrive whole and get ids; history maps to tool messages")
{
    Ollama t(json::array({json{{"format", "ollama"},
                               {"chunks", json::array({{{"tool_call", {{"name", "developer__shell"}, {"arguments", {{"command", "ls"}}}}}},
                                                       {{"tool_call", {{"name", "developer__shell"}, {"arguments", {{"command", "pwd"}}}}}}})}}}));
    json request = chat_request("ollama", "qwen3");
    request["messages"].push_back(message("assistant", json::array({tool_request("call_9", "developer__shell", {{"command", "id"}})})));
    request["messages"].push_back(message("user", json::array({tool_response("call_9", json::array({json{{"type", "text"}, {"text", "uid=0"}}}))})));
    const auto r = t.harness.stream(request);
    REQUIRE_MESSAGE(r.status == GAGGLE_OK, r.message);
    const auto calls = r.of_type("tool_call");
    REQUIRE(calls.size() == 2);
    CHECK(calls[0]["arguments"] == json{{"command", "ls"}});
    CHECK(calls[1]["arguments"] == json{{"command", "pwd"}});
    CHECK(calls[0]["id"].get<std::string>().rfind("call_", 0) == 0);
    CHECK(calls[0]["id"] != calls[1]["id"]);
    CHECK(r.events.back()["reason"] == "tool_use");
    const json messages = t.server.requests().at(0).json()["messages"];
    CHECK(messages[2]["tool_calls"][0]["function"] == json{{"name", "developer__shell"}, {"arguments", {{"command", "id"}}}});
    CHECK(messages[3] == json{{"role", "tool"}, {"content", "uid=0"}, {"tool_name", "developer__shell"}});
}

TEST_CASE("ollama: errors: missing model, error line mid-stream, malformed line, stall")
{
    SUBCASE("404 model not found")
    {
        Ollama t(json::array({json{{"format", "ollama"}, {"status", 404}, {"error", {{"message", "model \"qwen9\" not found, try pulling it first"}}}}}));
        const auto r = t.harness.stream(chat_request("ollama", "qwen9"));
        CHECK(r.status == GAGGLE_ERR_NOT_FOUND);
        CHECK(r.message.find("try pulling it first") != std::string::npos);
        CHECK(r.message.find("/api/chat") != std::string::npos);
    }
    SUBCASE("error line")
    {
        Ollama t(json::array({json{{"format", "ollama"}, {"chunks", json::array({{{"error", {{"message", "an error was encountered while running the model"}}}}})}}}));
        const auto r = t.harness.stream(chat_request("ollama", "qwen3"));
        CHECK(r.status == GAGGLE_ERR_SERVER);
        CHECK(r.message.find("while running the model") != std::string::npos);
    }
    SUBCASE("malformed line")
    {
        Ollama t(json::array({json{{"format", "ollama"}, {"chunks", json::array({{{"malformed", true}}})}}}));
        const auto r = t.harness.stream(chat_request("ollama", "qwen3"));
        CHECK(r.status == GAGGLE_ERR_SERVER);
        CHECK(r.message.find("malformed") != std::string::npos);
    }
    SUBCASE("stall")
    {
        Ollama t(json::array({json{{"format", "ollama"}, {"chunks", json::array({{{"text", "a"}}, {{"stall_ms", 5000}}})}}}));
        const auto r = t.harness.stream(chat_request("ollama", "qwen3"));
        CHECK(r.status == GAGGLE_ERR_TIMEOUT);
        CHECK(r.elapsed_ms < 1500);
    }
    SUBCASE("nobody listening")
    {
        Harness h("ollama", fast_config());
        h.set("OLLAMA_HOST", "http://127.0.0.1:1"); // port 1: connection refused
        const auto r = h.stream(chat_request("ollama", "qwen3"));
        CHECK(r.status == GAGGLE_ERR_NETWORK);
    }
}

TEST_CASE("ollama: list_models reads /api/tags")
{
    json tags{{"models", json::array({json{{"name", "qwen3:latest"}, {"model", "qwen3:latest"}, {"size", 5200000000LL}},
                                      json{{"name", "llama3.2:3b"}, {"model", "llama3.2:3b"}, {"size", 2000000000LL}}})}};
    Ollama t(json::array({json{{"match", {{"method", "GET"}, {"path", "/api/tags"}}}, {"body", tags}}}));
    const auto [status, models] = t.harness.list_models(json{{"provider", "ollama"}});
    REQUIRE_MESSAGE(status == GAGGLE_OK, models.dump());
    CHECK(models == json::array({"qwen3:latest", "llama3.2:3b"}));
}

TEST_CASE("ollama: describe")
{
    Harness h("ollama", fast_config());
    const json d = h.describe();
    CHECK(d[0]["name"] == "ollama");
    CHECK(d[0]["config_keys"][0]["name"] == "OLLAMA_HOST");
}
