// What one agent turn costs the store: commits and fsyncs, counted in the SQLite layer, for a
// turn run in this process against the real openai plugin and the scripted provider.
#include "agent/agent_loop.hpp"
#include "agent/messages.hpp"
#include "agent/platform/todo_extension.hpp"
#include "config/config.hpp"
#include "plugin/plugin_registry.hpp"
#include "store/sqlite_session_store.hpp"

#include "provider_test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <mutex>
#include <random>

using namespace gaggle;

namespace {

struct TurnRig {
    std::filesystem::path root;
    testing::ScriptedProvider provider;
    std::unique_ptr<SqliteSessionStore> store;
    std::unique_ptr<Config> config;
    std::unique_ptr<PluginRegistry> plugins;
    std::unique_ptr<ProviderCatalog> catalog;
    std::unique_ptr<PermissionStore> permissions;
    ConfirmationBroker confirmations;
    ElicitationBroker elicitations;
    FrontendToolBroker frontend_tools;
    std::unique_ptr<AgentServices> services;
    ToolSet tools;

    explicit TurnRig(nlohmann::json scenario) : provider(std::move(scenario))
    {
        root = std::filesystem::temp_directory_path() / ("gaggle-turn-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(root);
        provider.start();
        store = SqliteSessionStore::open({.path = root / "sessions.db"});
        auto env = environment_from({{"GOOSE_PATH_ROOT", root.string()}, {"GOOSE_PROVIDER", "openai"},
                                     {"GOOSE_MODEL", "gpt-4o"}, {"OPENAI_HOST", provider.base_url()},
                                     {"OPENAI_API_KEY", "sk-test"}, {"GAGGLE_PROVIDER_MAX_RETRIES", "0"}});
        config = std::make_unique<Config>(Config::load(Paths::resolve(env), env));
        HostServices hs;
        hs.config_get = [this](const std::string& k) { return config->get_string(k); };
        hs.secret_get = [this](const std::string& k) { return config->get_secret(k); };
        plugins = std::make_unique<PluginRegistry>(hs);
        plugins->scan({provider_test::plugin_folder("openai")});
        catalog = std::make_unique<ProviderCatalog>(*plugins, *config);
        permissions = std::make_unique<PermissionStore>(root / "permission.yaml");
        services = std::make_unique<AgentServices>(AgentServices{*store, *catalog, *permissions, confirmations, elicitations, frontend_tools, *config});
        tools.add(std::make_shared<TodoExtension>());
    }
    ~TurnRig() { std::filesystem::remove_all(root); }

    std::string new_session()
    {
        NewSession s;
        s.owner = "alice";
        s.working_dir = root.string();
        return store->create_session(s).id;
    }

    // Runs one turn; returns the events and the store's commits/fsyncs it cost.
    std::pair<std::vector<Json>, sqlite::WriteStats> turn(const std::string& session, const std::string& text)
    {
        TurnRequest r;
        r.owner = "alice";
        r.session_id = session;
        r.user_message = Json{{"role", "user"}, {"created", 1700000000},
                              {"content", Json::array({Json{{"type", "text"}, {"text", text}}})}};
        std::vector<Json> events;
        std::mutex m;
        CancelToken cancel;
        const auto before = store->database()->stats();
        run_turn(*services, r, tools, cancel, [&](const Json& e) {
            std::lock_guard lock(m);
            events.push_back(e);
        });
        const auto after = store->database()->stats();
        return {events, sqlite::WriteStats{after.commits - before.commits, after.syncs - before.syncs}};
    }
};

nlohmann::json text_reply(const std::string& text)
{
    return {{"format", "openai"},
            {"chunks", nlohmann::json::array({{{"text", text}}})},
            {"usage", {{"input_tokens", 10}, {"output_tokens", 2}}}};
}

nlohmann::json tool_call(const std::string& id, const std::string& name, const std::string& arguments)
{
    return {{"format", "openai"},
            {"chunks", nlohmann::json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", name}, {"arguments", arguments}}}}})}};
}

} // namespace

TEST_CASE("a plain turn is two commits and one fsync, and keeps messages, usage and name together")
{
    TurnRig rig(nlohmann::json::array({text_reply("Hello there"), text_reply("Again")}));
    const std::string id = rig.new_session();
    auto [events, cost] = rig.turn(id, "Plan a trip to Lisbon");
    REQUIRE(!events.empty());
    CHECK(events.back()["type"] == "Finish");
    CHECK(cost.commits == 2); // the user message (with the name), then the reply with its usage
    CHECK(cost.syncs == 1);   // the barrier before Finish
    CHECK(events.back()["token_state"]["accumulatedTotalTokens"] == 12);

    const auto loaded = rig.store->load_session("alice", id);
    CHECK(loaded.info.name == "Plan a trip to Lisbon");
    REQUIRE(loaded.conversation.size() == 2);
    CHECK(message_text(Json::parse(loaded.conversation[1])) == "Hello there");
    CHECK(loaded.info.tokens.accumulated_total == 12);

    // A second turn sees the first in its request (from memory, not re-read) and keeps the name.
    auto [events2, cost2] = rig.turn(id, "And Porto?");
    CHECK(cost2.commits == 2);
    CHECK(cost2.syncs == 1);
    const auto requests = rig.provider.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].json()["messages"].size() >= 3); // user, reply, user (the plugin may add a system message)
    CHECK(rig.store->get_session("alice", id).name == "Plan a trip to Lisbon");
}

TEST_CASE("a read-only tool round adds commits but no fsync; a tool with side effects is preceded by one")
{
    TurnRig rig(nlohmann::json::array({tool_call("c1", "todo__todo_read", "{}"), text_reply("Nothing to do"),
                                       tool_call("c2", "todo__todo_write", R"({"content":"- buy milk"})"),
                                       text_reply("Noted")}));
    const std::string id = rig.new_session();
    auto [events, cost] = rig.turn(id, "What is on my list?");
    CHECK(events.back()["type"] == "Finish");
    CHECK(cost.commits == 4); // user, tool request, tool response, final reply
    CHECK(cost.syncs == 1);
    CHECK(rig.store->load_messages("alice", id).size() == 4);

    auto [events2, cost2] = rig.turn(id, "Add milk");
    CHECK(events2.back()["type"] == "Finish");
    CHECK(cost2.syncs == 3); // the barrier before todo_write, its own durable write, and Finish's
    CHECK(rig.store->load_messages("alice", id).size() == 8);
}
