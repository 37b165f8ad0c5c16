// "gaggle.host.agent/1" end to end in process: the test plays a feature plugin and drives the real
// TurnService, session store and a provider plugin (tests/abi/plugins/capture_provider.cpp) that
// calls a tool needing approval, then answers with the request the host built. So this checks the
// agent service, the deny_on_approval policy and the gaggle.chat/1 request schema at once.
#include "agent/agent_manager.hpp"
#include "agent/confirmations.hpp"
#include "agent/permissions.hpp"
#include "agent/provider_catalog.hpp"
#include "agent/turn_service.hpp"
#include "app/plugin_agent_bridge.hpp"
#include "config/environment.hpp"
#include "plugin/gaggle_abi.hpp"
#include "plugin/plugin_registry.hpp"

#include "json_schema_subset.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

#include <mutex>

using namespace gaggle;

namespace {

Config rig_config(const test::TempDir& root)
{
    auto env = environment_from({{"GOOSE_PATH_ROOT", root.path().string()},
                                 {"GOOSE_PROVIDER", "capture"},
                                 {"GOOSE_MODEL", "m"},
                                 {"GOOSE_MODE", "approve"}});
    return Config::load(Paths::resolve(env), env, std::nullopt);
}

struct AgentRig {
    test::TempDir root;
    Config config = rig_config(root);
    std::shared_ptr<sqlite::Database> db;
    std::unique_ptr<SqliteSessionStore> store;
    std::unique_ptr<TurnService> turns; // built last; reached by the agent service through this slot
    std::unique_ptr<PluginRegistry> plugins;
    std::unique_ptr<ProviderCatalog> catalog;
    std::unique_ptr<PermissionStore> permissions;
    ConfirmationBroker confirmations;
    ElicitationBroker elicitations;
    FrontendToolBroker frontend_tools;
    std::unique_ptr<AgentServices> services;
    std::unique_ptr<AgentManager> agents;

    AgentRig()
    {
        sqlite::DatabaseOptions options;
        options.path = root.db();
        db = std::make_shared<sqlite::Database>(options);
        store = std::make_unique<SqliteSessionStore>(db);
        HostServices hs;
        add_agent_services(hs, *store, config, turns);
        plugins = std::make_unique<PluginRegistry>(hs);
        std::string dir = GAGGLE_TEST_ABI_DIR;
        plugins->scan({dir.append("/capture")});
        catalog = std::make_unique<ProviderCatalog>(*plugins, config);
        permissions = std::make_unique<PermissionStore>(root.path() / "permission.yaml");
        services = std::make_unique<AgentServices>(AgentServices{*store, *catalog, *permissions, confirmations, elicitations, frontend_tools, config});
        agents = std::make_unique<AgentManager>(*store, config);
        turns = std::make_unique<TurnService>(*services, *agents);
    }
    ~AgentRig() { turns.reset(); }
};

struct Seen {
    std::mutex m;
    std::vector<Json> events;
    static void GAGGLE_ABI on_event(void* ctx, gaggle_str e) noexcept
    {
        auto* self = static_cast<Seen*>(ctx);
        std::lock_guard lock(self->m);
        self->events.push_back(Json::parse(std::string(e.data, e.size)));
    }
};

gaggle_str str(const std::string& s) { return gaggle_str{s.data(), s.size()}; }

} // namespace

TEST_CASE("a feature runs an unattended agent turn in a scheduled session")
{
    AgentRig rig;
    const LoadedPlugin* plugin = rig.plugins->find("capture");
    REQUIRE(plugin);
    const gaggle_host* host = plugin->host();
    auto* agent = static_cast<const gaggle_host_agent_v1*>(host->get_service(host, GAGGLE_HOST_AGENT_V1));
    REQUIRE(agent);
    gaggle_error err{};
    err.struct_size = sizeof err;

    gaggle_agent_session_options so{};
    so.struct_size = sizeof so;
    const std::string wd = rig.root.path().string();
    so.working_dir = wd.c_str();
    so.schedule_id = "nightly";
    char* session_id = nullptr;
    REQUIRE(agent->create_session(host, &so, &session_id, &err) == GAGGLE_OK);
    const std::string sid = session_id;
    host->free(host, session_id);
    const SessionInfo info = rig.store->get_session("default", sid);
    CHECK(info.session_type == "scheduled");
    CHECK(info.schedule_id == std::optional<std::string>("nightly"));

    Seen seen;
    gaggle_agent_turn_options to{};
    to.struct_size = sizeof to;
    const std::string recipe = R"({"instructions":"You keep lists.","prompt":"make a list"})";
    to.recipe_json = str(recipe);
    to.policy = GAGGLE_AGENT_POLICY_DENY_ON_APPROVAL;
    to.on_event = &Seen::on_event;
    to.ctx = &seen;
    gaggle_agent_turn* turn = nullptr;
    REQUIRE(agent->start_turn(host, nullptr, sid.c_str(), &to, &turn, &err) == GAGGLE_OK);
    gaggle_buffer out{};
    REQUIRE(agent->await_result(turn, UINT32_MAX, &out, &err) == GAGGLE_OK);
    const Json result = Json::parse(std::string(out.data, out.size));
    host->free(host, out.data);
    agent->release(turn);

    CHECK(result["status"] == "completed");
    CHECK(result["session_id"] == sid);
    // The provider's last answer is the request the host sent it: valid gaggle.chat/1.
    const Json request = Json::parse(result["text"].get<std::string>());
    const auto schema = test::SchemaSubset::load(std::string(GAGGLE_TEST_FIXTURES_DIR) + "/../../sdk/schema/gaggle.chat.1.json");
    INFO(request.dump());
    CHECK(schema.validate(request, "request") == "");
    CHECK(request["provider"] == "capture");
    const Json& first = request["messages"][0];
    CHECK(first["content"][0]["text"] == "You keep lists.\n\nmake a list");
    // The tool needing approval was denied, and the session says why; nobody was asked.
    const std::string history = request["messages"].dump();
    CHECK(history.find("deny_on_approval") != std::string::npos);
    CHECK(history.find("actionRequired") == std::string::npos);
    CHECK_FALSE(rig.store->get_session("default", sid).extension_data.contains("todo.v0"));

    std::lock_guard lock(seen.m);
    REQUIRE_FALSE(seen.events.empty());
    CHECK(seen.events.back()["type"] == "Finish");
}

TEST_CASE("agent service: bad input is refused; a turn in an unknown session fails with a reason")
{
    AgentRig rig;
    const gaggle_host* host = rig.plugins->find("capture")->host();
    auto* agent = static_cast<const gaggle_host_agent_v1*>(host->get_service(host, GAGGLE_HOST_AGENT_V1));
    gaggle_error err{};
    err.struct_size = sizeof err;

    gaggle_agent_session_options so{};
    so.struct_size = sizeof so;
    so.working_dir = "/nonexistent/folder";
    char* id = nullptr;
    CHECK(agent->create_session(host, &so, &id, &err) == GAGGLE_ERR_INVALID_ARGUMENT);
    CHECK(std::string(err.message).find("working_dir") != std::string::npos);

    gaggle_agent_turn_options to{};
    to.struct_size = sizeof to;
    gaggle_agent_turn* turn = nullptr;
    CHECK(agent->start_turn(host, nullptr, "20260101_1", &to, &turn, &err) == GAGGLE_ERR_INVALID_ARGUMENT);
    CHECK(std::string(err.message).find("prompt") != std::string::npos);

    const std::string prompt = "hello";
    to.prompt = str(prompt);
    REQUIRE(agent->start_turn(host, nullptr, "20260101_99", &to, &turn, &err) == GAGGLE_OK);
    gaggle_buffer out{};
    REQUIRE(agent->await_result(turn, UINT32_MAX, &out, &err) == GAGGLE_OK);
    const Json result = Json::parse(std::string(out.data, out.size));
    host->free(host, out.data);
    agent->cancel(turn); // harmless after the end
    agent->release(turn);
    CHECK(result["status"] == "failed");
    CHECK_FALSE(result["error"].is_null());
}
