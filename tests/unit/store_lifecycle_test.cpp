// Session lifecycle: ids, listing, rename/update/tokens, message validation, truncate, fork,
// replace and import semantics.
#include "store_test_support.hpp"

#include "common/error.hpp"
#include "store/session_json.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace gaggle;
using namespace gaggle::test;

namespace {

template <class F>
ErrorKind error_kind(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("expected an Error");
    return ErrorKind::internal;
}

std::vector<std::string> ids_of(const std::vector<SessionInfo>& sessions) {
    std::vector<std::string> ids;
    for (const auto& s : sessions) ids.push_back(s.id);
    return ids;
}

} // namespace

TEST_CASE("store: ids are YYYYMMDD_N per UTC day and never reused") {
    StoreFixture f;
    f.clock.set("2026-02-12T23:59:59.990Z");
    CHECK(f.create().id == "20260212_1");
    const auto second = f.create();
    CHECK(second.id == "20260212_2");
    f.clock.set("2026-02-13T00:00:00Z");
    CHECK(f.create().id == "20260213_1");
    f.clock.set("2026-02-12T12:00:00+05:00");  // 07:00 UTC: still the 12th
    f.store->delete_session("alice", second.id);
    CHECK(f.create().id == "20260212_3");  // the deleted _2 is not handed out again
    f.clock.set("2026-02-13T01:00:00+02:00");  // 23:00 UTC on the 12th
    CHECK(f.create().id == "20260212_4");
}

TEST_CASE("store: a new session has upstream's defaults") {
    StoreFixture f;
    f.clock.set("2026-02-12T10:00:00Z");
    const auto s = f.store->create_session({.owner = "alice", .working_dir = "/work"});
    CHECK(s.name == "New Chat");
    CHECK_FALSE(s.user_set_name);
    CHECK(s.session_type == "user");
    CHECK(s.extension_data == Json::object());
    CHECK(s.tokens == TokenCounters{});
    CHECK(s.message_count == 0);
    CHECK(s.created_at_ms == *parse_rfc3339("2026-02-12T10:00:00Z"));
    const auto got = f.store->get_session("alice", s.id);
    CHECK(session_to_json(got) == session_to_json(s));
    CHECK(error_kind([&] { f.store->get_session("alice", "20990101_1"); }) == ErrorKind::not_found);
    CHECK(error_kind([&] { f.store->create_session({.owner = "a", .session_type = "robot"}); }) ==
          ErrorKind::invalid_argument);
    CHECK(error_kind([&] { f.store->create_session({.owner = "a", .extension_data = Json::array()}); }) ==
          ErrorKind::invalid_argument);
    CHECK(error_kind([&] { f.store->create_session({.owner = "a", .user_recipe_values = Json{{"n", 1}}}); }) ==
          ErrorKind::invalid_argument);
}

TEST_CASE("store: listing pages newest first by cursor or offset") {
    StoreFixture f;
    std::vector<std::string> created;
    for (int i = 0; i < 25; ++i) created.push_back(f.create().id);
    const std::vector<std::string> newest_first(created.rbegin(), created.rend());

    std::vector<std::string> seen;
    std::optional<std::string> cursor;
    int pages = 0;
    do {
        auto page = f.store->list_sessions("alice", {.limit = 10, .cursor = cursor});
        for (const auto& s : page.sessions) seen.push_back(s.id);
        cursor = page.next_cursor;
        ++pages;
    } while (cursor);
    CHECK(pages == 3);
    CHECK(seen == newest_first);

    const auto by_offset = f.store->list_sessions("alice", {.limit = 10, .offset = 20});
    CHECK(ids_of(by_offset.sessions) == std::vector(newest_first.begin() + 20, newest_first.end()));
    CHECK_FALSE(by_offset.next_cursor);
    CHECK(f.store->list_sessions("alice", {.limit = 25}).next_cursor == std::nullopt);
    CHECK(f.store->count_sessions("alice") == 25);

    CHECK(error_kind([&] { f.store->list_sessions("alice", {.limit = 0}); }) == ErrorKind::invalid_argument);
    CHECK(error_kind([&] { f.store->list_sessions("alice", {.cursor = "garbage"}); }) == ErrorKind::invalid_argument);
    CHECK(error_kind([&] { f.store->list_sessions("alice", {.cursor = "1:2", .offset = 3}); }) ==
          ErrorKind::invalid_argument);
}

TEST_CASE("store: cursor paging is exact when many sessions share a timestamp") {
    StoreFixture f;
    auto store = f.open_again([] { return std::int64_t{1770890400000}; }).sessions;
    std::set<std::string> created;
    for (int i = 0; i < 23; ++i) created.insert(store->create_session({.owner = "alice"}).id);
    std::set<std::string> seen;
    std::size_t rows = 0;
    std::optional<std::string> cursor;
    do {
        auto page = store->list_sessions("alice", {.limit = 4, .cursor = cursor});
        for (const auto& s : page.sessions) seen.insert(s.id);
        rows += page.sessions.size();
        cursor = page.next_cursor;
    } while (cursor);
    CHECK(rows == 23);
    CHECK(seen == created);
}

TEST_CASE("store: listing filters by type and by having messages") {
    StoreFixture f;
    const auto user = f.create();
    f.store->append_message("alice", user.id, text_message("user", "hi"));
    const auto empty = f.create();
    const auto hidden = f.store->create_session({.owner = "alice", .session_type = "hidden"});
    f.store->append_message("alice", hidden.id, text_message("user", "hi"));
    const auto sched = f.store->create_session({.owner = "alice", .session_type = "scheduled"});
    f.store->append_message("alice", sched.id, text_message("user", "hi"));

    auto page = f.store->list_sessions("alice", {.session_types = {"user", "scheduled"}, .include_empty = false});
    CHECK(ids_of(page.sessions) == std::vector<std::string>{sched.id, user.id});
    page = f.store->list_sessions("alice", {.session_types = {"user"}});
    CHECK(ids_of(page.sessions) == std::vector<std::string>{empty.id, user.id});
    CHECK(error_kind([&] { f.store->list_sessions("alice", {.session_types = {"nope"}}); }) ==
          ErrorKind::invalid_argument);
}

TEST_CASE("store: archiving hides a session from listings that ask, keeping its place and history") {
    StoreFixture f;
    const auto older = f.create();
    f.store->append_message("alice", older.id, text_message("user", "kept"));
    const auto newer = f.create();
    const auto before = f.store->get_session("alice", older.id);

    const auto archived = f.store->set_archived("alice", older.id, 1'700'000'000'000);
    CHECK(archived.archived_at_ms == 1'700'000'000'000);
    CHECK(archived.updated_at_ms == before.updated_at_ms);  // its place in the list is unchanged
    CHECK(archived.message_count == 1);
    // Archiving again keeps the first time.
    CHECK(f.store->set_archived("alice", older.id, 1'800'000'000'000).archived_at_ms == 1'700'000'000'000);

    CHECK(ids_of(f.store->list_sessions("alice", {}).sessions) == std::vector<std::string>{newer.id, older.id});
    CHECK(ids_of(f.store->list_sessions("alice", {.archived = ArchiveFilter::exclude}).sessions) ==
          std::vector<std::string>{newer.id});
    CHECK(ids_of(f.store->list_sessions("alice", {.archived = ArchiveFilter::only}).sessions) ==
          std::vector<std::string>{older.id});
    CHECK(f.store->load_session("alice", older.id).conversation.size() == 1);
    CHECK(session_to_json(archived)["archived_at"] == "2023-11-14T22:13:20Z");
    CHECK_FALSE(session_to_json(f.store->get_session("alice", newer.id)).contains("archived_at"));

    const auto back = f.store->set_archived("alice", older.id, std::nullopt);
    CHECK_FALSE(back.archived_at_ms.has_value());
    CHECK(f.store->list_sessions("alice", {.archived = ArchiveFilter::only}).sessions.empty());
    // Another owner's session, or none at all, is not found and nothing changes.
    CHECK(error_kind([&] { f.store->set_archived("bob", older.id, 1); }) == ErrorKind::not_found);
    CHECK(error_kind([&] { f.store->set_archived("alice", "20260101_999", 1); }) == ErrorKind::not_found);
    CHECK_FALSE(f.store->get_session("alice", older.id).archived_at_ms.has_value());
}

TEST_CASE("store: appending bumps updated_at and message_count") {
    StoreFixture f;
    const auto a = f.create();
    const auto b = f.create();
    CHECK(f.store->list_sessions("alice", {}).sessions.front().id == b.id);
    CHECK(f.store->append_message("alice", a.id, text_message("user", "1")) == 1);
    const std::vector<Json> two{text_message("assistant", "2"), text_message("user", "3")};
    CHECK(f.store->append_messages("alice", a.id, two) == 3);
    const auto listed = f.store->list_sessions("alice", {}).sessions;
    CHECK(listed.front().id == a.id);
    CHECK(listed.front().message_count == 3);
    CHECK(listed.front().updated_at_ms > a.updated_at_ms);
}

TEST_CASE("store: malformed messages are refused and nothing is stored") {
    StoreFixture f;
    const auto s = f.create();
    const char* bad[] = {
        R"([1,2])",
        R"({"role":"system","created":1,"content":[]})",
        R"({"created":1,"content":[]})",
        R"({"role":"user","created":1,"content":"hello"})",
        R"({"role":"user","created":1})",
        R"({"role":"user","created":1,"content":[{"text":"no type"}]})",
        R"({"role":"user","created":1,"content":["text"]})",
        R"({"role":"user","created":"yesterday","content":[]})",
        R"({"role":"user","created":1.5,"content":[]})",
        R"({"role":"user","id":7,"created":1,"content":[]})",
        R"({"role":"user","created":1,"content":[],"metadata":[]})",
        R"({"role":"user","created":1,"content":[],"metadata":{"userVisible":"yes"}})",
    };
    for (const char* text : bad) {
        INFO(text);
        CHECK(error_kind([&] { f.store->append_message("alice", s.id, Json::parse(text)); }) ==
              ErrorKind::invalid_argument);
    }
    // One bad message in a batch rejects the batch, naming its index.
    const std::vector<Json> batch{text_message("user", "fine"), Json::parse(bad[1])};
    try {
        f.store->append_messages("alice", s.id, batch);
        FAIL("expected invalid_argument");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("messages[1]") != std::string::npos);
    }
    CHECK(f.store->get_session("alice", s.id).message_count == 0);
    CHECK(f.store->load_messages("alice", s.id).empty());

    // Tolerated: unknown content types (newer clients), no id, no metadata, no created.
    CHECK(f.store->append_message("alice", s.id, Json::parse(R"({"role":"user","content":[{"type":"futureThing","x":1}]})")) == 1);
}

TEST_CASE("store: rename is the user's, automatic naming yields to it") {
    StoreFixture f;
    const auto s = f.create();
    auto u = f.store->update_session("alice", s.id, {.name = "Auto title"});
    CHECK(u.name == "Auto title");
    CHECK_FALSE(u.user_set_name);
    u = f.store->rename_session("alice", s.id, "  My chat \n");
    CHECK(u.name == "My chat");
    CHECK(u.user_set_name);
    u = f.store->update_session("alice", s.id, {.name = "Another auto title"});
    CHECK(u.name == "My chat");
    CHECK(error_kind([&] { f.store->rename_session("alice", s.id, "   "); }) == ErrorKind::invalid_argument);
    CHECK(error_kind([&] { f.store->rename_session("alice", s.id, std::string(201, 'x')); }) ==
          ErrorKind::invalid_argument);
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "é";  // 200 characters, 400 bytes
    CHECK(f.store->rename_session("alice", s.id, accents).name == accents);
}

TEST_CASE("store: update patches only the given fields, null clears") {
    StoreFixture f;
    const auto s = f.store->create_session({.owner = "alice",
                                            .working_dir = "/a",
                                            .extension_data = Json{{"todo.v0", {{"content", "x"}}}},
                                            .provider_name = "openai",
                                            .recipe = Json{{"title", "r"}},
                                            .schedule_id = "job"});
    SessionPatch p;
    p.working_dir = "/b";
    p.provider_name = std::optional<std::string>{};  // clear
    p.model_config = Json{{"model_name", "gpt-4o"}, {"toolshim", false}};
    p.extension_data_merge = Json{{"enabled_extensions.v0", {{"extensions", Json::array()}}}};
    p.tokens = TokenCounters{.input = 1, .total = 3};
    auto u = f.store->update_session("alice", s.id, p);
    CHECK(u.working_dir == "/b");
    CHECK_FALSE(u.provider_name);
    CHECK(u.model_config == Json{{"model_name", "gpt-4o"}, {"toolshim", false}});
    CHECK(u.recipe == Json{{"title", "r"}});
    CHECK(u.schedule_id == "job");
    CHECK(u.extension_data.size() == 2);
    CHECK(u.extension_data["todo.v0"]["content"] == "x");
    CHECK(u.tokens == TokenCounters{.input = 1, .total = 3});
    CHECK(u.updated_at_ms > s.updated_at_ms);

    SessionPatch q;
    q.extension_data_merge = Json{{"todo.v0", nullptr}};
    q.recipe = std::optional<Json>{};
    q.session_type = "scheduled";
    u = f.store->update_session("alice", s.id, q);
    CHECK(u.extension_data == Json{{"enabled_extensions.v0", {{"extensions", Json::array()}}}});
    CHECK_FALSE(u.recipe);
    CHECK(u.session_type == "scheduled");
    CHECK(u.working_dir == "/b");

    CHECK(error_kind([&] { f.store->update_session("alice", s.id, {.session_type = "bogus"}); }) ==
          ErrorKind::invalid_argument);
    SessionPatch bad;
    bad.extension_data = Json("text");
    CHECK(error_kind([&] { f.store->update_session("alice", s.id, bad); }) == ErrorKind::invalid_argument);
}

TEST_CASE("store: token usage sets the last turn and accumulates") {
    StoreFixture f;
    const auto s = f.create();
    auto u = f.store->add_token_usage("alice", s.id, {.input = 100, .output = 20});
    CHECK(u.tokens == TokenCounters{100, 20, 120, 100, 20, 120});
    u = f.store->add_token_usage("alice", s.id, {.input = 50, .output = 5, .total = 60});
    CHECK(u.tokens == TokenCounters{50, 5, 60, 150, 25, 180});
    CHECK(f.store->insights("alice").total_tokens == 180);
    CHECK(error_kind([&] { f.store->add_token_usage("alice", s.id, {.input = -1}); }) == ErrorKind::invalid_argument);
}

TEST_CASE("store: a turn step stores messages, usage and a name at once and returns the counters it changed") {
    StoreFixture f;
    const auto s = f.create();
    const std::vector<Json> first{text_message("user", "hello")};
    auto after = f.store->apply_turn_step("alice", s.id, {.messages = first, .name = "Greeting", .durable = false});
    CHECK(after.message_count == 1);
    CHECK(after.name == "Greeting");
    CHECK(after.tokens == TokenCounters{});
    CHECK(after.updated_at_ms >= s.updated_at_ms);

    const std::vector<Json> reply{text_message("assistant", "hi")};
    after = f.store->apply_turn_step("alice", s.id, {.messages = reply, .usage = TokenUsage{.input = 30, .output = 4}});
    CHECK(after.message_count == 2);
    CHECK(after.tokens == TokenCounters{30, 4, 34, 30, 4, 34});
    // What the step returned is what a fresh read of the session says.
    const auto read = f.store->get_session("alice", s.id);
    CHECK(read.message_count == after.message_count);
    CHECK(read.tokens == after.tokens);
    CHECK(read.name == after.name);
    CHECK(read.updated_at_ms == after.updated_at_ms);

    // The user's own name is kept; an empty step still checks that the session is there.
    f.store->rename_session("alice", s.id, "Mine");
    CHECK(f.store->apply_turn_step("alice", s.id, {.name = "Automatic"}).name == "Mine");
    CHECK(error_kind([&] { f.store->apply_turn_step("bob", s.id, {}); }) == ErrorKind::not_found);
    CHECK(error_kind([&] { f.store->apply_turn_step("alice", "20200101_9", {.messages = reply}); }) == ErrorKind::not_found);
    CHECK(f.store->get_session("alice", s.id).message_count == 2);
}

TEST_CASE("store: truncate drops messages created at or after the timestamp") {
    StoreFixture f;
    const auto s = f.create();
    for (std::int64_t t : {100, 200, 300, 400}) f.store->append_message("alice", s.id, text_message("user", std::to_string(t), t));
    CHECK(f.store->truncate_messages("alice", s.id, 300) == 2);
    const auto left = f.store->load_messages("alice", s.id);
    REQUIRE(left.size() == 2);
    CHECK(Json::parse(left[1])["created"] == 200);
    CHECK(f.store->get_session("alice", s.id).message_count == 2);
    CHECK(f.store->truncate_messages("alice", s.id, 1000) == 0);
}

TEST_CASE("store: fork copies metadata and messages under a new id, optionally truncated") {
    StoreFixture f;
    auto s = f.store->create_session({.owner = "alice",
                                      .working_dir = "/proj",
                                      .extension_data = Json{{"todo.v0", {{"content", "- a"}}}},
                                      .provider_name = "anthropic",
                                      .model_config = Json{{"model_name", "claude"}}});
    f.store->rename_session("alice", s.id, "Original");
    for (std::int64_t t : {100, 200, 300}) f.store->append_message("alice", s.id, text_message("user", std::to_string(t), t));
    const auto original = f.store->load_session("alice", s.id);

    const auto copy = f.store->fork_session("alice", s.id, {});
    CHECK(copy.id != s.id);
    CHECK(copy.name == "Original");
    CHECK(copy.user_set_name);
    CHECK(copy.working_dir == "/proj");
    CHECK(copy.extension_data == original.info.extension_data);
    CHECK(copy.provider_name == "anthropic");
    CHECK(copy.model_config == original.info.model_config);
    CHECK(copy.message_count == 3);
    CHECK(f.store->load_messages("alice", copy.id) == original.conversation);

    const auto cut = f.store->fork_session("alice", s.id, {.truncate_from = 200});
    CHECK(cut.message_count == 1);
    CHECK(f.store->load_messages("alice", cut.id) ==
          std::vector<std::string>{original.conversation[0]});

    // A fork keeps growing on its own.
    f.store->append_message("alice", cut.id, text_message("user", "branch"));
    const auto branch = f.store->load_messages("alice", cut.id);
    REQUIRE(branch.size() == 2);
    CHECK(Json::parse(branch[1])["content"][0]["text"] == "branch");

    // The source is untouched and the copies are independent of it.
    CHECK(f.store->load_session("alice", s.id).conversation == original.conversation);
    f.store->delete_session("alice", s.id);
    CHECK(f.store->load_messages("alice", copy.id).size() == 3);
    CHECK(f.store->list_sessions("alice", {}).sessions.front().id == cut.id);
}

TEST_CASE("sqlite store: the WAL is checkpointed in the background and stays bounded") {
    StoreFixture f({.durability = sqlite::Durability::process_crash_safe, .checkpoint_pages = 100});
    const auto s = f.create();
    const std::string big(4000, 'x');
    std::vector<Json> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(text_message("assistant", big));
    constexpr int kBatches = 100;  // ~8 MB written, twenty times the checkpoint threshold
    for (int i = 0; i < kBatches; ++i) f.store->append_messages("alice", s.id, batch);
    // Bounded by the inline limit (400 pages, ~1.6 MB) plus one batch, whatever the timing;
    // without checkpoints it would hold all 8 MB.
    const auto wal = std::filesystem::file_size(f.dir.db().string() + "-wal");
    INFO("WAL bytes: " << wal);
    CHECK(wal < 2'500'000u);
    CHECK(f.store->get_session("alice", s.id).message_count == kBatches * 20);
}

TEST_CASE("store: replace_conversation is all or nothing") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, text_message("user", "one"));
    f.store->append_message("alice", s.id, text_message("assistant", "two"));
    const auto before = f.store->load_messages("alice", s.id);

    const std::vector<Json> bad{text_message("user", "summary"), Json::parse(R"({"role":"tool","content":[]})")};
    CHECK(error_kind([&] { f.store->replace_conversation("alice", s.id, bad); }) == ErrorKind::invalid_argument);
    CHECK(f.store->load_messages("alice", s.id) == before);

    const std::vector<Json> good{text_message("user", "summary", 1, false), text_message("assistant", "ok")};
    f.store->replace_conversation("alice", s.id, good);
    const auto after = f.store->load_messages("alice", s.id);
    REQUIRE(after.size() == 2);
    CHECK(after[0] == good[0].dump());
    CHECK(f.store->get_session("alice", s.id).message_count == 2);
    // Appends after a replace come after the new conversation.
    f.store->append_message("alice", s.id, text_message("user", "three"));
    const auto grown = f.store->load_messages("alice", s.id);
    REQUIRE(grown.size() == 3);
    CHECK(grown[0] == after[0]);
    CHECK(Json::parse(grown[2])["content"][0]["text"] == "three");
    f.store->replace_conversation("alice", s.id, {});
    CHECK(f.store->get_session("alice", s.id).message_count == 0);
    CHECK(f.store->load_messages("alice", s.id).empty());
}

TEST_CASE("store: compaction hides every stored message from the model, in its JSON and its visibility column") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, text_message("user", "one"));
    f.store->append_message("alice", s.id, text_message("assistant", "two"));
    const std::vector<Json> summary{text_message("user", "summary", 1, false), text_message("assistant", "ok", 1, false)};
    CHECK(f.store->hide_from_agent_and_append("alice", s.id, summary) == 4);

    // What a turn reads: the text and, without parsing it, whether the model sees it. The two
    // must agree, or a turn would send the model what compaction took away.
    std::vector<std::string> texts;
    std::vector<bool> seen;
    f.store->for_each_message("alice", s.id, [&](std::string_view m, bool agent_visible) {
        texts.emplace_back(m);
        seen.push_back(agent_visible);
    });
    REQUIRE(texts.size() == 4);
    CHECK(seen == std::vector<bool>{false, false, true, true});
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const Json m = Json::parse(texts[i]);
        CHECK(m["metadata"]["agentVisible"] == seen[i]);
        CHECK(m["metadata"]["userVisible"] == (i < 2)); // the user still sees the old messages, not the summary
    }
    CHECK(Json::parse(texts[0])["content"][0]["text"] == "one"); // hidden, not rewritten
}

TEST_CASE("store: import creates a fresh session from an export, all or nothing") {
    StoreFixture f;
    auto s = f.store->create_session({.owner = "alice", .working_dir = "/w", .recipe = Json{{"title", "t"}}});
    f.store->rename_session("alice", s.id, "Exported");
    f.store->add_token_usage("alice", s.id, {.input = 3, .output = 4});
    f.store->append_message("alice", s.id, text_message("user", "hello"));
    f.store->append_message("alice", s.id, text_message("assistant", "hi"));
    const auto loaded = f.store->load_session("alice", s.id);
    const Json exported = session_to_json(loaded.info, loaded.conversation);

    auto parsed = session_from_json(Json::parse(exported.dump(2)));  // export is pretty JSON
    const auto imported = f.store->import_session("bob", parsed.info, parsed.conversation);
    CHECK(imported.id != s.id);
    CHECK(imported.owner == "bob");
    CHECK(imported.name == "Exported");
    CHECK(imported.user_set_name);
    CHECK(imported.working_dir == "/w");
    CHECK(imported.recipe == Json{{"title", "t"}});
    CHECK(imported.tokens == loaded.info.tokens);
    CHECK(imported.message_count == 2);
    CHECK(imported.created_at_ms > loaded.info.created_at_ms);
    CHECK(f.store->load_messages("bob", imported.id) == loaded.conversation);

    // A bad message anywhere: no session appears and no id is consumed.
    auto broken = parsed;
    broken.conversation.push_back(Json::parse(R"({"role":"user","content":{}})"));
    const auto count = f.store->count_sessions("bob");
    CHECK(error_kind([&] { f.store->import_session("bob", broken.info, broken.conversation); }) ==
          ErrorKind::invalid_argument);
    CHECK(f.store->count_sessions("bob") == count);

    CHECK(error_kind([&] { session_from_json(Json::parse(R"({"name":5})")); }) == ErrorKind::invalid_argument);
    CHECK(error_kind([&] { session_from_json(Json::parse(R"({"conversation":{}})")); }) == ErrorKind::invalid_argument);
    // Legacy "description" for the name, and a minimal document.
    CHECK(session_from_json(Json::parse(R"({"description":"Old"})")).info.name == "Old");
    CHECK(f.store->import_session("bob", session_from_json(Json::object()).info, {}).name == "New Chat");
}

TEST_CASE("store: a visitor may call back into the store") {
    StoreFixture f;
    const auto s = f.create();
    for (int i = 0; i < 3; ++i) f.store->append_message("alice", s.id, text_message("user", std::to_string(i)));
    int visited = 0;
    f.store->for_each_message("alice", s.id, [&](std::string_view, bool) {
        ++visited;
        f.store->get_session("alice", s.id);
        f.store->load_messages("alice", s.id);
    });
    CHECK(visited == 3);
}

TEST_CASE("store: deleting a session removes its messages") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, text_message("user", "bye"));
    f.store->delete_session("alice", s.id);
    CHECK(error_kind([&] { f.store->load_messages("alice", s.id); }) == ErrorKind::not_found);
    CHECK(error_kind([&] { f.store->delete_session("alice", s.id); }) == ErrorKind::not_found);
    CHECK(f.count_rows("messages") == 0);
}
