// A session started from a recipe: its instructions, rendered with the user's values, reach the
// model in the system prompt of the session's turns.
#include "agent_harness.hpp"

#include <doctest/doctest.h>

using namespace gaggle::test;
using gaggle::Json;

TEST_CASE("a recipe's rendered instructions extend the system prompt once its values are given")
{
    auto reply = [](const std::string& text) {
        return nlohmann::json{{"format", "openai"}, {"chunks", nlohmann::json::array({{{"text", text}}})}, {"usage", {{"input_tokens", 5}, {"output_tokens", 5}}}};
    };
    AgentHarness h(nlohmann::json::array({reply("first"), reply("second")}));
    Json recipe{{"title", "Trip"}, {"description", "plans trips"}, {"instructions", "Plan a trip to {{ city }}{% if days %} for {{ days }} days{% endif %}."},
                {"parameters", Json::array({Json{{"key", "city"}, {"input_type", "string"}, {"requirement", "required"}, {"description", "where"}},
                                            Json{{"key", "days"}, {"input_type", "number"}, {"requirement", "optional"}, {"default", "3"}, {"description", "how long"}}})}};
    auto started = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"recipe", recipe}});
    REQUIRE(started.status == 200);
    const std::string id = Json::parse(started.body)["id"];

    // Values missing: the recipe is not applied yet (as upstream), the turn still runs.
    h.reply_all(id, "hello");
    CHECK(h.post("/agent/update_from_session", Json{{"session_id", id}}).status == 400);
    auto values = h.server().request("PUT", "/sessions/" + id + "/user_recipe_values", R"({"userRecipeValues":{"city":"Lisbon"}})",
                                     {{"Content-Type", "application/json"}});
    REQUIRE(values.status == 200);
    CHECK(h.post("/agent/update_from_session", Json{{"session_id", id}}).status == 200);
    h.reply_all(id, "go");

    const auto requests = h.provider().requests();
    REQUIRE(requests.size() == 2);
    auto system_of = [](const nlohmann::json& body) {
        for (auto& m : body["messages"])
            if (m["role"] == "system") return m["content"].get<std::string>();
        return std::string();
    };
    CHECK(system_of(requests[0].json()).find("Plan a trip") == std::string::npos);
    CHECK(system_of(requests[1].json()).find("Plan a trip to Lisbon for 3 days.") != std::string::npos);
    CHECK(h.post("/agent/update_from_session", Json{{"session_id", "20990101_1"}}).status == 404);
    CHECK(h.post("/agent/update_from_session", Json::object()).status == 422);
}

TEST_CASE("a recipe's response.json_schema: the model is nudged until it calls recipe__final_output with a valid result")
{
    using nlohmann::json;
    Json recipe{{"title", "Answer"}, {"description", "answers with structure"}, {"instructions", "Answer the question."},
                {"response", {{"json_schema", {{"type", "object"},
                                              {"properties", {{"answer", {{"type", "integer"}}}, {"confidence", {{"type", "string"}, {"enum", {"low", "high"}}}}}},
                                              {"required", {"answer", "confidence"}}}}}}};
    auto start = [&](AgentHarness& h) {
        auto started = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"recipe", recipe}});
        REQUIRE(started.status == 200);
        return Json::parse(started.body)["id"].get<std::string>();
    };
    auto text = [](const std::string& t) {
        return json{{"format", "openai"}, {"chunks", json::array({{{"text", t}}})}, {"usage", {{"input_tokens", 5}, {"output_tokens", 5}}}};
    };
    auto final_call = [](const std::string& id, const json& args) {
        return json{{"format", "openai"},
                    {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", "recipe__final_output"}, {"arguments", args.dump()}}}}})}};
    };

    SUBCASE("a plain answer is nudged, an invalid result is refused, a valid one ends the turn")
    {
        AgentHarness h(json::array({text("It is 42."), final_call("f1", {{"answer", "forty-two"}, {"confidence", "high"}}),
                                    final_call("f2", {{"answer", 42}, {"confidence", "high"}}), text("never asked for")}));
        const std::string id = start(h);
        CHECK(h.server().get("/agent/tools?session_id=" + id).body.find("recipe__final_output") != std::string::npos);
        const auto events = h.reply_all(id, "what is six times seven?");
        CHECK(events.back()["type"] == "Finish");
        CHECK(tool_output(events, "f1").find("/answer: expected integer") != std::string::npos);
        CHECK(tool_output(events, "f1").find("\"isError\":true") != std::string::npos);
        CHECK(tool_output(events, "f2").find("\"isError\":false") != std::string::npos);

        const auto requests = h.provider().requests();
        REQUIRE(requests.size() == 3); // the valid result ended the turn
        CHECK(requests[1].json().dump().find("You have not called recipe__final_output yet") != std::string::npos);
        const Json session = h.session(id);
        CHECK(session["extension_data"]["final_output.v0"]["output"] == Json{{"answer", 42}, {"confidence", "high"}});
        // The nudge is for the model only.
        bool nudge_hidden = false;
        for (const auto& m : session["conversation"])
            if (m.dump().find("You have not called") != std::string::npos) nudge_hidden = m["metadata"]["userVisible"] == false;
        CHECK(nudge_hidden);
    }

    SUBCASE("a model that never calls it is nudged three times, then the turn ends")
    {
        AgentHarness h(json::array({text("a"), text("b"), text("c"), text("d"), text("e")}));
        const std::string id = start(h);
        const auto events = h.reply_all(id, "answer");
        CHECK(events.back()["type"] == "Finish");
        CHECK(h.provider().requests().size() == 4);
        CHECK_FALSE(h.session(id)["extension_data"].contains("final_output.v0"));
    }
}

TEST_CASE("a recipe's retry: a failing check runs on_failure, resets the conversation and runs the task again")
{
    using nlohmann::json;
    auto text = [](const std::string& t) {
        return json{{"format", "openai"}, {"chunks", json::array({{{"text", t}}})}, {"usage", {{"input_tokens", 5}, {"output_tokens", 5}}}};
    };
    auto shell = [](const std::string& id, const std::string& command) {
        return json{{"format", "openai"},
                    {"chunks", json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", "developer__shell"}, {"arguments", json({{"command", command}}).dump()}}}}})}};
    };
    auto start = [](AgentHarness& h, int max_retries) {
        Json recipe{{"title", "Make it"}, {"description", "creates done.txt"}, {"instructions", "Create done.txt."},
                    {"retry", {{"max_retries", max_retries}, {"checks", {{{"type", "shell"}, {"command", "test -f done.txt"}}}},
                               {"on_failure", "echo failed >> failures.log"}}}};
        auto started = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"recipe", recipe}});
        REQUIRE(started.status == 200);
        return Json::parse(started.body)["id"].get<std::string>();
    };
    auto notices = [](const std::vector<Json>& events) {
        std::string out;
        for (const auto& e : events)
            if (e["type"] == "Message")
                for (const auto& c : e["message"]["content"])
                    if (c["type"] == "systemNotification") out += c["msg"].get<std::string>() + "\n";
        return out;
    };

    SUBCASE("the second attempt passes")
    {
        AgentHarness h(json::array({text("I think it is done."), shell("t1", "touch done.txt"), text("Created it.")}));
        const std::string id = start(h, 2);
        const auto events = h.reply_all(id, "go");
        CHECK(events.back()["type"] == "Finish");
        const std::string said = notices(events);
        CHECK(said.find("Retry check failed: `test -f done.txt` exited with 1") != std::string::npos);
        CHECK(said.find("Retry checks passed") != std::string::npos);
        CHECK(std::filesystem::exists(h.server().root() / "done.txt"));
        CHECK(read_text_file(h.server().root() / "failures.log") == "failed\n");

        // The second attempt started again from the user's message alone.
        const auto requests = h.provider().requests();
        REQUIRE(requests.size() == 3);
        CHECK(requests[1].json().dump().find("I think it is done.") == std::string::npos);
        CHECK(requests[1].json().dump().find("go") != std::string::npos);
        const std::string stored = h.session(id)["conversation"].dump();
        CHECK(stored.find("I think it is done.") == std::string::npos);
        CHECK(stored.find("Created it.") != std::string::npos);
    }

    SUBCASE("checks that keep failing stop after max_retries")
    {
        AgentHarness h(json::array({text("no"), text("still no"), text("never asked")}));
        const std::string id = start(h, 1);
        const auto events = h.reply_all(id, "go");
        CHECK(events.back()["type"] == "Finish");
        CHECK(notices(events).find("Retry checks still fail after 1 retries") != std::string::npos);
        CHECK(h.provider().requests().size() == 2);
        CHECK(read_text_file(h.server().root() / "failures.log") == "failed\n");
    }
}

TEST_CASE("a recipe's settings.max_turns caps the model calls of its session's turns")
{
    auto todo_call = [](const std::string& id) {
        return nlohmann::json{{"format", "openai"},
                              {"chunks", nlohmann::json::array({{{"tool_call", {{"index", 0}, {"id", id}, {"name", "todo__todo_read"}, {"arguments", "{}"}}}}})}};
    };
    AgentHarness h(nlohmann::json::array({todo_call("t1"), todo_call("t2"), todo_call("t3")}));
    Json recipe{{"title", "Short"}, {"description", "two calls at most"}, {"instructions", "Be brief."}, {"settings", {{"max_turns", 2}}}};
    auto started = h.post("/agent/start", Json{{"working_dir", h.server().root().string()}, {"recipe", recipe}});
    REQUIRE(started.status == 200);
    const std::string id = Json::parse(started.body)["id"];
    const auto events = h.reply_all(id, "loop");
    CHECK(events.back()["type"] == "Finish");
    CHECK(h.provider().requests().size() == 2);
    CHECK(streamed_text(events).find("maximum number of actions") != std::string::npos);
}
