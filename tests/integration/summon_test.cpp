// The summon platform extension: a recipe's sub-recipes and ad-hoc tasks run as subagents in
// sessions of their own, against the scripted provider and the real developer server. The parent
// and its subagent ask the one provider; `match` tells their requests apart (the subagent never
// has summon's tools).
#include "agent_harness.hpp"
#include "scripted_model_replies.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace gaggle::test;
using gaggle::Json;

namespace {

using nlohmann::json;

json for_parent(json reply)
{
    reply["match"] = {{"body_contains", "summon__delegate"}};
    return reply;
}

json for_subagent(json reply)
{
    reply["match"] = {{"body_lacks", "summon__delegate"}};
    return reply;
}

std::vector<gaggle::testing::RecordedRequest> subagent_requests(AgentHarness& h)
{
    std::vector<gaggle::testing::RecordedRequest> out;
    for (auto& r : h.provider().requests())
        if (r.body.find("summon__delegate") == std::string::npos) out.push_back(r);
    return out;
}

std::string message_of_role(const json& body, const std::string& role)
{
    std::string out;
    for (auto& m : body["messages"])
        if (m["role"] == role) out += m["content"].is_string() ? m["content"].get<std::string>() : m["content"].dump();
    return out;
}

const char* writer_recipe = R"(version: 1.0.0
title: Writer
description: writes a note
instructions: Write about {{ topic }} in a {{ tone }} tone.
prompt: Write the note on {{ topic }} to note.txt.
parameters:
  - key: topic
    input_type: string
    requirement: required
    description: what about
  - key: tone
    input_type: string
    requirement: required
    description: how it sounds
)";

std::string start_editor_session(AgentHarness& h)
{
    std::ofstream(h.server().root() / "writer.yaml") << writer_recipe;
    Json recipe{{"title", "Editor"},
                {"description", "has notes written"},
                {"instructions", "Use the writer."},
                {"sub_recipes", Json::array({Json{{"name", "writer"}, {"path", "writer.yaml"}, {"description", "writes notes"},
                                                  {"values", {{"tone", "dry"}}}}})}};
    auto started = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"recipe", recipe}});
    REQUIRE(started.status == 200);
    return Json::parse(started.body)["id"].get<std::string>();
}

} // namespace

TEST_CASE("summon: a recipe's sub-recipe runs as a subagent with a real tool and its result comes back")
{
    AgentHarness h(json::array({
        for_parent(scripted_tool_call("p1", "summon__load", "{}")),
        for_parent(scripted_tool_call("p2", "summon__load", R"({"source":"writer"})")),
        for_parent(scripted_tool_call("p3", "summon__delegate", R"({"source":"writer","parameters":{"topic":"owls"}})")),
        for_parent(scripted_text("The writer is done.")),
        for_subagent(scripted_tool_call("s1", "developer__shell", R"({"command":"echo hoot > note.txt"})")),
        for_subagent(scripted_text("Wrote note.txt about owls.")),
    }));
    const std::string id = start_editor_session(h);
    // summon comes with the sub-recipes though no config switches it on.
    CHECK(h.server().get("/agent/tools?session_id=" + id).body.find("summon__delegate") != std::string::npos);

    const auto events = h.reply_all(id, "get me a note about owls");
    CHECK(events.back()["type"] == "Finish");
    CHECK(streamed_text(events).find("The writer is done.") != std::string::npos);

    const std::string listed = tool_output(events, "p1");
    CHECK(listed.find("Sub-recipes:") != std::string::npos);
    CHECK(listed.find("- writer: writes notes") != std::string::npos);
    const std::string loaded = tool_output(events, "p2");
    CHECK(loaded.find("Write about {{ topic }} in a {{ tone }} tone.") != std::string::npos);
    CHECK(loaded.find("`tone` (string, required) = dry (set by the parent recipe)") != std::string::npos);

    const std::string delegated = tool_output(events, "p3");
    CHECK(delegated.find("Wrote note.txt about owls.") != std::string::npos);
    CHECK(delegated.find("\"isError\":false") != std::string::npos);
    CHECK(read_text_file(h.server().root() / "note.txt") == "hoot\n"); // the subagent's shell ran in the working dir
    // The parent's stream heard which tool the subagent called.
    bool heard = false;
    for (const auto& e : events)
        if (e["type"] == "Notification" && e.dump().find("subagent calls developer__shell") != std::string::npos) heard = true;
    CHECK(heard);

    // The subagent ran the rendered sub-recipe: its instructions in the system prompt, its prompt as
    // the user's message, the parent's extensions but never summon.
    const auto sub = subagent_requests(h);
    REQUIRE(sub.size() == 2);
    CHECK(message_of_role(sub[0].json(), "system").find("Write about owls in a dry tone.") != std::string::npos);
    CHECK(message_of_role(sub[0].json(), "user").find("Write the note on owls to note.txt.") != std::string::npos);
    CHECK(sub[0].body.find("developer__shell") != std::string::npos);
    CHECK(sub[0].body.find("summon__") == std::string::npos);

    // Its session is stored as a subagent's, with the whole exchange.
    const std::string sub_id = Json::parse(delegated)["value"]["_meta"]["subagent_session_id"];
    const Json s = h.session(sub_id);
    CHECK(s["session_type"] == "sub_agent");
    CHECK(s["name"] == "Subagent: Writer");
    CHECK(s["extension_data"]["goose_mode.v0"]["mode"] == "auto"); // as upstream runs subagents
    CHECK(s["conversation"].size() == 4); // prompt, shell call, its result, the answer
}

TEST_CASE("summon: bad delegations are the model's errors, and nothing runs")
{
    AgentHarness h(json::array({
        for_parent(scripted_tool_call("e1", "summon__delegate", "{}")),
        for_parent(scripted_tool_call("e2", "summon__delegate", R"({"source":"writer"})")),
        for_parent(scripted_tool_call("e3", "summon__delegate", R"({"source":"nope"})")),
        for_parent(scripted_tool_call("e4", "summon__delegate", R"({"instructions":"x","extensions":["nope"]})")),
        for_parent(scripted_tool_call("e5", "summon__delegate", R"({"instructions":"x","max_turns":0})")),
        for_parent(scripted_tool_call("e6", "summon__delegate", R"({"instructions":"x","parameters":{"a":1}})")),
        for_parent(scripted_tool_call("e7", "summon__load", R"({"source":7})")),
        for_parent(scripted_text("gave up")),
    }));
    const std::string id = start_editor_session(h);
    const auto events = h.reply_all(id, "try");
    CHECK(events.back()["type"] == "Finish");
    CHECK(tool_output(events, "e1").find("give `instructions`, `source`, or both") != std::string::npos);
    CHECK(tool_output(events, "e2").find("Missing required parameters: topic") != std::string::npos);
    CHECK(tool_output(events, "e3").find("no recipe or sub-recipe named `nope`") != std::string::npos);
    CHECK(tool_output(events, "e4").find("no extension `nope` to give the subagent") != std::string::npos);
    CHECK(tool_output(events, "e5").find("`max_turns` must be a whole number of at least 1") != std::string::npos);
    CHECK(tool_output(events, "e6").find("`parameters` go with a `source`") != std::string::npos);
    CHECK(tool_output(events, "e7").find("`source` must be a string") != std::string::npos);
    for (const char* call : {"e1", "e2", "e3", "e4", "e5", "e6", "e7"}) CHECK(tool_output(events, call).find("\"isError\":true") != std::string::npos);
    CHECK(subagent_requests(h).empty());
    CHECK(Json::parse(h.server().get("/sessions").body)["sessions"].size() == 1);
}

TEST_CASE("summon: an async delegate returns a task id at once; load waits for the task and returns its result")
{
    json slow = scripted_text("ALPHA is finished.");
    slow["delay_ms"] = 1500;
    AgentHarness h(json::array({
        for_parent(scripted_tool_call("a1", "summon__delegate", R"({"instructions":"Do ALPHA.","async":true,"extensions":[]})")),
        for_parent(scripted_text("Started it.")),
        for_subagent(slow),
    }));
    const std::string id = h.start_session();
    // Without a recipe, summon is switched on like any extension.
    REQUIRE(h.post("/agent/add_extension", Json{{"session_id", id}, {"config", {{"type", "platform"}, {"name", "summon"}}}}).status == 200);
    const auto first = h.reply_all(id, "start ALPHA");
    const std::string started = tool_output(first, "a1");
    CHECK(started.find("Started background task") != std::string::npos);
    const std::string task = Json::parse(started)["value"]["_meta"]["subagent_session_id"];
    REQUIRE(h.provider().wait_for_requests(3, std::chrono::seconds(10)));

    h.provider().set_scenario(json::array({
        for_parent(scripted_tool_call("a2", "summon__load", Json{{"source", task}}.dump())),
        for_parent(scripted_text("Collected.")),
    }));
    const auto second = h.reply_all(id, "collect ALPHA");
    const std::string collected = tool_output(second, "a2");
    CHECK(collected.find("ALPHA is finished.") != std::string::npos);
    CHECK(collected.find("\"isError\":false") != std::string::npos);
    // `extensions: []` gave the subagent no tools at all.
    const auto sub = subagent_requests(h);
    REQUIRE(sub.size() == 1);
    CHECK_FALSE(sub[0].json().contains("tools"));
    CHECK(h.session(task)["session_type"] == "sub_agent");
}

TEST_CASE("summon: cancelling the parent's turn cancels its subagent's model call")
{
    json stalled = for_subagent(scripted_text("never finished"));
    stalled["chunks"] = json::array({{{"text", "slow "}}, {{"text", "words"}, {"delay_ms", 30000}}});
    AgentHarness h(json::array({
        for_parent(scripted_tool_call("c1", "summon__delegate", R"({"instructions":"Take forever."})")),
        stalled,
    }));
    const std::string id = h.start_session();
    REQUIRE(h.post("/agent/add_extension", Json{{"session_id", id}, {"config", {{"type", "platform"}, {"name", "summon"}}}}).status == 200);
    auto c = h.reply(id, "go slowly");
    REQUIRE(h.provider().wait_for_requests(2, std::chrono::seconds(10)));
    c->close();
    CHECK(h.provider().wait_for_client_close(1, std::chrono::seconds(10)));
}
