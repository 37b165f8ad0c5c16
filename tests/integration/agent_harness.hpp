#pragma once
// A gaggle server wired to an in-process scripted provider: the real binary, the real provider
// plugins, the provider's real wire format; only the model's answers are scripted.
#include "server_process.hpp"
#include "sse_client.hpp"

#include "scripted_provider/scripted_provider.hpp"

#include <doctest/doctest.h>

#include <memory>

namespace gaggle::test {

class AgentHarness {
public:
    // `root`: the server's GOOSE_PATH_ROOT, to start a second server on the first one's data.
    explicit AgentHarness(nlohmann::json scenario, std::map<std::string, std::string> env = {},
                          const std::string& provider = "openai", const std::string& model = "gpt-4o",
                          std::filesystem::path root = {})
        : provider_(std::move(scenario))
    {
        provider_.start();
        const std::string url = provider_.base_url();
        std::map<std::string, std::string> e{{"GOOSE_PROVIDER", provider}, {"GOOSE_MODEL", model},
                                             {"OPENAI_HOST", url}, {"OPENAI_API_KEY", "sk-test"}, {"ANTHROPIC_HOST", url},
                                             {"ANTHROPIC_API_KEY", "sk-ant-test"}, {"OLLAMA_HOST", url},
                                             {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}, {"GAGGLE_PROVIDER_IDLE_TIMEOUT", "3"}};
        for (auto& [k, v] : env) e[k] = v;
        for (auto it = e.begin(); it != e.end();) it = it->second.empty() ? e.erase(it) : std::next(it);
        ServerProcess::Options o;
        o.env = e;
        o.root = std::move(root);
        server_ = std::make_unique<ServerProcess>(o);
    }

    gaggle::testing::ScriptedProvider& provider() { return provider_; }
    ServerProcess& server() { return *server_; }

    std::string start_session()
    {
        auto r = server_->request("POST", "/agent/start", Json{{"working_dir", server_->root().string()}}.dump(),
                                  {{"Content-Type", "application/json"}});
        return Json::parse(r.body)["id"].get<std::string>();
    }

    static Json user_message(const std::string& text)
    {
        return Json{{"id", "u-" + text.substr(0, 8)}, {"role", "user"}, {"created", 1700000000},
                    {"content", Json::array({Json{{"type", "text"}, {"text", text}}})},
                    {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
    }

    std::unique_ptr<SseClient> reply(const std::string& session_id, const std::string& text)
    {
        return std::make_unique<SseClient>(
            server_->port(), "POST", "/reply", Json{{"session_id", session_id}, {"user_message", user_message(text)}}.dump(),
            std::map<std::string, std::string>{{"X-Secret-Key", server_->secret()}, {"Content-Type", "application/json"}});
    }

    // The whole /reply stream's events (Pings dropped unless asked).
    std::vector<Json> reply_all(const std::string& session_id, const std::string& text, bool keep_pings = false)
    {
        auto c = reply(session_id, text);
        REQUIRE(c->status() == 200);
        return data_events(c->rest(), keep_pings);
    }

    Json session(const std::string& id) { return Json::parse(server_->get("/sessions/" + id).body); }

    HttpResult post(const std::string& path, const Json& body)
    {
        return server_->request("POST", path, body.dump(), {{"Content-Type", "application/json"}});
    }

private:
    gaggle::testing::ScriptedProvider provider_;
    std::unique_ptr<ServerProcess> server_;
};

// The concatenated assistant text of a stream's Message events.
inline std::string streamed_text(const std::vector<Json>& events)
{
    std::string out;
    for (auto& e : events)
        if (e["type"] == "Message" && e["message"]["role"] == "assistant")
            for (auto& c : e["message"]["content"])
                if (c["type"] == "text") out += c["text"].get<std::string>();
    return out;
}

// The toolResult (as JSON text) of the tool response `id` in a stream's Message events; "" if none.
inline std::string tool_output(const std::vector<Json>& events, const std::string& id)
{
    for (auto& e : events)
        if (e["type"] == "Message")
            for (auto& c : e["message"]["content"])
                if (c["type"] == "toolResponse" && c["id"] == id) return c["toolResult"].dump();
    return "";
}

inline std::vector<Json> of_type(const std::vector<Json>& events, const std::string& type)
{
    std::vector<Json> out;
    for (auto& e : events)
        if (e["type"] == type) out.push_back(e);
    return out;
}

} // namespace gaggle::test
