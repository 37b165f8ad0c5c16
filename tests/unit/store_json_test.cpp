// The Session JSON shape (goosed-api.md §6.2) and the time format it uses.
#include "store_test_support.hpp"

#include "store/session_id.hpp"
#include "store/session_json.hpp"

#include <doctest/doctest.h>

using namespace gaggle;
using namespace gaggle::test;

TEST_CASE("store: RFC 3339 formatting and parsing") {
    CHECK(format_rfc3339_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_rfc3339_utc(1770890400000) == "2026-02-12T10:00:00Z");
    CHECK(format_rfc3339_utc(1770890400123) == "2026-02-12T10:00:00.123Z");
    CHECK(parse_rfc3339("2026-02-12T10:00:00Z") == 1770890400000);
    CHECK(parse_rfc3339("2026-02-12T10:00:00.123456Z") == 1770890400123);
    CHECK(parse_rfc3339("2026-02-12T12:00:00+02:00") == 1770890400000);
    CHECK(parse_rfc3339("2026-02-12 10:00:00") == 1770890400000);  // SQLite's form
    CHECK(parse_rfc3339("2026-02-12") == 1770854400000);
    for (const char* bad : {"", "2026-13-01", "2026-02-30", "2026-02-12T25:00:00Z", "2026-02-12T10:00Z",
                            "2026-02-12T10:00:00Zjunk", "yesterday", "2026-02-12T10:00:00.Z"}) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339(bad).has_value());
    }
    CHECK(utc_day_key(1770940799999) == "20260212");
    CHECK(utc_day_key(1770940800000) == "20260213");
    CHECK(looks_like_session_id("20260212_1"));
    CHECK(looks_like_session_id("20250101_093000"));  // legacy YYYYMMDD_HHMMSS
    CHECK_FALSE(looks_like_session_id("20260212_0"));
    CHECK_FALSE(looks_like_session_id("../etc/passwd"));
}

TEST_CASE("store: Session JSON has upstream's fields, order and nulls") {
    SessionInfo s;
    s.id = "20260212_3";
    s.owner = "alice";  // never serialised: the wire format has no owner
    s.working_dir = "/home/alice";
    s.created_at_ms = 1770890400000;
    s.updated_at_ms = 1770890460500;
    s.tokens.accumulated_total = 42;
    s.message_count = 2;
    s.provider_name = "openai";
    const Json j = session_to_json(s);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"id", "working_dir", "name", "user_set_name", "session_type",
                                           "created_at", "updated_at", "extension_data", "total_tokens",
                                           "input_tokens", "output_tokens", "accumulated_total_tokens",
                                           "accumulated_input_tokens", "accumulated_output_tokens",
                                           "schedule_id", "recipe", "user_recipe_values", "conversation",
                                           "message_count", "provider_name", "model_config"});
    CHECK(j["name"] == "New Chat");
    CHECK(j["user_set_name"] == false);
    CHECK(j["session_type"] == "user");
    CHECK(j["created_at"] == "2026-02-12T10:00:00Z");
    CHECK(j["updated_at"] == "2026-02-12T10:01:00.500Z");
    CHECK(j["extension_data"] == Json::object());
    CHECK(j["total_tokens"].is_null());
    CHECK(j["accumulated_total_tokens"] == 42);
    CHECK(j["conversation"].is_null());
    CHECK(j["model_config"].is_null());

    const std::vector<std::string> conv{R"({"role":"user","content":[]})"};
    const Json with = session_to_json(s, conv);
    CHECK(with["conversation"].dump() == "[" + conv[0] + "]");
    CHECK(session_to_json_text(s, conv) == with.dump());
    CHECK(session_to_json_text(s, {}) == session_to_json(s, std::vector<std::string>{}).dump());

    const auto back = session_from_json(with);
    CHECK(back.info.created_at_ms == s.created_at_ms);
    CHECK(back.info.updated_at_ms == s.updated_at_ms);
    CHECK(back.info.tokens == s.tokens);
    CHECK(back.info.provider_name == "openai");
    CHECK(back.conversation.size() == 1);

    CHECK(insights_to_json({3, 99}).dump() == R"({"totalSessions":3,"totalTokens":99})");
}
