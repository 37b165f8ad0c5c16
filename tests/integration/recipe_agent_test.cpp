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
