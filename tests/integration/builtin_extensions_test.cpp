// Gaggle's bundled extensions through the host, as a desktop user gets them: listed in
// /config/extensions, on by default (developer, todo, extensionmanager), and driven by the
// model: shell output reaching the stream and the store, an edit landing on disk, a cancelled
// command dying with its children, a task list outliving the host, and the model switching
// extensions on and off for its own session.
#include <doctest/doctest.h>

#include "agent_harness.hpp"
#include "extension_entries.hpp"
#include "mcp_process_probe.hpp"
#include "scripted_model_replies.hpp"

#include <fstream>

using namespace gaggle::test;
using gaggle::Json;
using nlohmann::json;

namespace {

Json resume_loaded(AgentHarness& h, const std::string& id)
{
    auto r = h.post("/agent/resume", Json{{"session_id", id}, {"load_model_and_extensions", true}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return Json::parse(r.body);
}

std::string tool_names(AgentHarness& h, const std::string& id)
{
    auto r = h.server().get("/agent/tools?session_id=" + id);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.body;
}

std::vector<std::string> request_tools(const Json& provider_request)
{
    std::vector<std::string> out;
    for (auto& t : provider_request["tools"]) out.push_back(t["function"]["name"]);
    return out;
}

bool has(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string file_text(const std::filesystem::path& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Live `sleep` processes started under the session's developer server.
int sleeps_of(const std::string& session_id)
{
    int n = 0;
    for (pid_t pid : session_processes(session_id))
        if (file_text("/proc/" + std::to_string(pid) + "/comm") == "sleep\n") ++n;
    return n;
}

} // namespace

TEST_CASE("a fresh config lists the bundled extensions and a new session runs developer, todo and extensionmanager")
{
    AgentHarness h(json::array());
    const Json listed = Json::parse(h.server().get("/config/extensions").body);
    CHECK(listed["warnings"].empty());
    std::map<std::string, Json> by_name;
    for (auto& e : listed["extensions"]) by_name[e["name"]] = e;
    const std::map<std::string, std::pair<std::string, bool>> expected{{"developer", {"builtin", true}},
                                                                      {"memory", {"builtin", false}},
                                                                      {"todo", {"platform", true}},
                                                                      {"extensionmanager", {"platform", true}},
                                                                      {"chatrecall", {"platform", false}},
                                                                      {"summon", {"platform", false}}};
    CHECK(by_name.size() == expected.size());
    for (auto& [name, want] : expected) {
        REQUIRE_MESSAGE(by_name.count(name), name);
        CHECK(by_name[name]["type"] == want.first);
        CHECK(by_name[name]["enabled"] == want.second);
        CHECK(by_name[name]["bundled"] == true);
        CHECK(by_name[name]["description"].get<std::string>().size() > 10);
    }

    const std::string id = h.start_session();
    const Json results = resume_loaded(h, id)["extension_results"];
    CHECK(results.size() == 3);
    for (const char* name : {"developer", "todo", "extensionmanager"}) {
        const Json r = result_named(results, name);
        REQUIRE_MESSAGE(r.is_object(), name);
        CHECK_MESSAGE(r["success"] == true, r.dump());
    }
    const std::string tools = tool_names(h, id);
    for (const char* tool : {"developer__shell", "developer__text_editor", "developer__tree", "todo__todo_write",
                             "extensionmanager__manage_extensions", "extensionmanager__read_resource"})
        CHECK_MESSAGE(tools.find(tool) != std::string::npos, tool);
    CHECK(tools.find("memory__") == std::string::npos);

    // `enabled: false` alone switches a bundled extension off; it stays listed, with its type.
    std::filesystem::create_directories(h.server().root() / "config");
    std::ofstream(h.server().root() / "config" / "config.yaml") << "extensions:\n  developer:\n    enabled: false\n";
    const Json after = Json::parse(h.server().get("/config/extensions").body);
    CHECK(after["warnings"].empty());
    bool listed_off = false;
    for (auto& e : after["extensions"])
        if (e["name"] == "developer") listed_off = e["enabled"] == false && e["type"] == "builtin" && e["bundled"] == true;
    CHECK(listed_off);
    const std::string without = h.start_session();
    CHECK(tool_names(h, without).find("developer__") == std::string::npos);
    CHECK(tool_names(h, without).find("todo__todo_read") != std::string::npos);
    // The session started before keeps what it started with.
    CHECK(tool_names(h, id).find("developer__shell") != std::string::npos);
}

TEST_CASE("the model runs developer__shell and edits a file: output in the stream and the store, the edit on disk")
{
    AgentHarness h(json::array({scripted_tool_call("sh1", "developer__shell", json({{"command", "echo hello-from-shell; echo $((6*7))"}}).dump()),
                                scripted_text("ran it"),
                                scripted_tool_call("ed1", "developer__text_editor",
                                                   json({{"command", "str_replace"}, {"path", "notes.txt"}, {"old_str", "draft"}, {"new_str", "final"}}).dump()),
                                scripted_tool_call("ed2", "developer__text_editor",
                                                   json({{"command", "str_replace"}, {"path", "notes.txt"}, {"old_str", "line"}, {"new_str", "x"}}).dump()),
                                scripted_tool_call("ed3", "developer__text_editor", json({{"command", "view"}, {"path", "missing.txt"}}).dump()),
                                scripted_text("edited")}));
    std::ofstream(h.server().root() / "notes.txt") << "a draft line\nanother line\n";
    const std::string id = h.start_session();

    auto events = h.reply_all(id, "run the greeting");
    const std::string shell = tool_output(events, "sh1");
    CHECK(shell.find("hello-from-shell") != std::string::npos);
    CHECK(shell.find("42") != std::string::npos);
    CHECK(shell.find("\"isError\":true") == std::string::npos);
    CHECK(streamed_text(events) == "ran it");
    CHECK(h.session(id)["conversation"].dump().find("hello-from-shell") != std::string::npos);

    events = h.reply_all(id, "fix the notes");
    CHECK(tool_output(events, "ed1").find("\"isError\":true") == std::string::npos);
    CHECK(file_text(h.server().root() / "notes.txt") == "a final line\nanother line\n");
    // Two matches and a missing file are clear errors the model sees; the file is left alone.
    CHECK(tool_output(events, "ed2").find("\"isError\":true") != std::string::npos);
    CHECK(tool_output(events, "ed3").find("\"isError\":true") != std::string::npos);
    CHECK(file_text(h.server().root() / "notes.txt") == "a final line\nanother line\n");
}

TEST_CASE("cancelling a turn kills the developer's running command and everything it started")
{
    AgentHarness h(json::array({scripted_tool_call("long", "developer__shell", json({{"command", "sleep 100 & sleep 100; wait"}}).dump()),
                                scripted_text("never")}));
    const std::string id = h.start_session();
    auto r = h.post("/sessions/" + id + "/reply", {{"request_id", "long-1"}, {"user_message", AgentHarness::user_message("wait a lot")}});
    REQUIRE(r.status == 200);
    REQUIRE(eventually([&] { return sleeps_of(id) == 2; }));

    REQUIRE(h.post("/sessions/" + id + "/cancel", {{"request_id", "long-1"}}).status == 200);
    CHECK(eventually([&] { return sleeps_of(id) == 0; }));
    // The developer server itself lives on for the session's next turn.
    CHECK(session_processes(id).size() == 1);
}

TEST_CASE("the todo list survives a restart of the host")
{
    TempDir root;
    std::string id;
    {
        AgentHarness first(json::array({scripted_tool_call("w", "todo__todo_write", json({{"content", "- [ ] ship builtins"}}).dump()),
                                        scripted_text("noted")}),
                           {}, "openai", "gpt-4o", root.path());
        id = first.start_session();
        first.reply_all(id, "remember the plan");
    }
    AgentHarness second(json::array({scripted_tool_call("r", "todo__todo_read", "{}"), scripted_text("here it is")}), {}, "openai", "gpt-4o",
                        root.path());
    const auto events = second.reply_all(id, "what was the plan?");
    CHECK(tool_output(events, "r").find("ship builtins") != std::string::npos);
}

TEST_CASE("extensionmanager: the model finds, enables and disables extensions for its own session")
{
    AgentHarness h(json::array({scripted_tool_call("s", "extensionmanager__search_available_extensions", "{}"),
                                scripted_tool_call("on", "extensionmanager__manage_extensions",
                                                   json({{"action", "enable"}, {"extension_name", "memory"}}).dump()),
                                scripted_tool_call("off", "extensionmanager__manage_extensions",
                                                   json({{"action", "disable"}, {"extension_name", "memory"}}).dump()),
                                scripted_tool_call("bad", "extensionmanager__manage_extensions",
                                                   json({{"action", "enable"}, {"extension_name", "made-up"}}).dump()),
                                scripted_tool_call("worse", "extensionmanager__manage_extensions", json({{"action", "explode"}}).dump()),
                                scripted_text("done")}));
    const std::string id = h.start_session();
    const auto events = h.reply_all(id, "I need to remember things");

    const std::string found = tool_output(events, "s");
    CHECK(found.find("memory [off]") != std::string::npos);
    CHECK(found.find("developer [on in this session]") != std::string::npos);
    CHECK(tool_output(events, "on").find("is on for this session") != std::string::npos);
    CHECK(tool_output(events, "off").find("is off for this session") != std::string::npos);
    CHECK(tool_output(events, "bad").find("No extension named made-up") != std::string::npos);
    CHECK(tool_output(events, "worse").find("\"isError\":true") != std::string::npos);

    // The model's next step after enabling sees memory's tools; after disabling, it does not.
    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 6);
    CHECK_FALSE(has(request_tools(requests[1].json()), "memory__remember_memory"));
    CHECK(has(request_tools(requests[2].json()), "memory__remember_memory"));
    CHECK_FALSE(has(request_tools(requests[3].json()), "memory__remember_memory"));
    // The session's stored list follows: memory is not in it.
    CHECK(h.session(id)["extension_data"]["enabled_extensions.v0"].dump().find("\"memory\"") == std::string::npos);
}
