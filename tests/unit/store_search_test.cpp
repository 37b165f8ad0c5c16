// Full-text search: user input is never FTS syntax, results are the caller's sessions newest
// first, and the index follows every change to the messages.
#include "store_test_support.hpp"

#include "store/fts_query.hpp"
#include "store/sqlite_search.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <thread>

using namespace gaggle;
using namespace gaggle::test;

TEST_CASE("store: search text is turned into quoted FTS5 phrases") {
    CHECK(to_fts5_query("hello") == R"("hello"*)");
    CHECK(to_fts5_query("  two   words ") == R"("two"* OR "words"*)");
    CHECK(to_fts5_query("\"foo") == R"("""foo"*)");
    CHECK(to_fts5_query("a AND (") == R"("a"* OR "AND"*)");
    CHECK(to_fts5_query("NEAR(") == R"("NEAR(")");
    CHECK(to_fts5_query("foo.bar") == R"("foo.bar"*)");
    CHECK(to_fts5_query("col:val") == R"("col:val"*)");
    CHECK_FALSE(to_fts5_query("*").has_value());
    CHECK_FALSE(to_fts5_query("( ) \" * ^ -").has_value());
    CHECK_FALSE(to_fts5_query("").has_value());
    CHECK(to_fts5_query(std::string("nul\0byte", 8)) == R"("nul"* OR "byte"*)");
    CHECK(to_fts5_query("a b c d", 2) == R"("a"* OR "b"*)");
}

TEST_CASE("store: search text is turned into a tsquery of the same words") {
    CHECK(to_tsquery_text("hello") == "('hello':*)");
    CHECK(to_tsquery_text("  two   words ") == "('two':*) | ('words':*)");
    CHECK(to_tsquery_text("foo.bar") == "('foo' <-> 'bar':*)");
    CHECK(to_tsquery_text("foo.") == "('foo')");
    CHECK(to_tsquery_text("'; DROP") == "('drop':*)");
    CHECK(to_tsquery_text("Café CAFÉ naïve Łódź") == "('cafe':*) | ('cafe':*) | ('naive':*) | ('lodz':*)");
    CHECK(to_tsquery_text("Straße ÆSIR") == "('straße':*) | ('æsir':*)");
    CHECK(to_tsquery_text("it's") == "('it' <-> 's':*)");
    CHECK(to_tsquery_text("a & !b | c:*") == "('a':*) | ('b':*) | ('c')");
    CHECK_FALSE(to_tsquery_text("( ) \" * ^ - & | ! <->").has_value());
    CHECK(to_tsquery_text(std::string("nul\0byte", 8)) == "('nul':*) | ('byte':*)");
    CHECK(to_tsquery_text("a b c d", 2) == "('a':*) | ('b':*)");
    CHECK(to_search_words("developer__shell: 'x'!") == "developer shell x");
    CHECK(to_search_words("abc def", 5) == "abc");
}

TEST_CASE("store: hostile search input never produces an error") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, text_message("user", "foo bar AND near the NEAR operator"));
    const char* nasty[] = {"\"foo", "a AND (", "*", "NEAR(", "NEAR(foo bar)", "foo OR", "OR", "NOT", "AND",
                           "\"", "\"\"", "(", ")", "foo*", "^foo", "-foo", "+foo", "foo:bar", "{a b}:c",
                           "col : x", "'; DROP TABLE sessions; --", "\\", "\xff\xfe", "a\"b\"c", "💥 ( *",
                           "a & b", "!foo", "foo:*", "a <-> b", "'quoted'", "x:A", "(a | b"};
    for (const char* q : nasty) {
        INFO(q);
        CHECK_NOTHROW(f.store->search("alice", {.text = q}));
    }
    CHECK(f.store->search("alice", {.text = "\"foo"}).size() == 1);
    CHECK(f.store->search("alice", {.text = "a AND ("}).size() == 1);   // "AND" is a word here
    CHECK(f.store->search("alice", {.text = "NEAR("}).size() == 1);
    CHECK(f.store->search("alice", {.text = "*"}).empty());

    std::mt19937 rng(42);
    const std::string alphabet = "\"*()^:+-{}[],.'\\ ANDORNEAR foo\t";
    for (int i = 0; i < 300; ++i) {
        std::string q;
        const int len = 1 + static_cast<int>(rng() % 12);
        for (int j = 0; j < len; ++j) q += alphabet[rng() % alphabet.size()];
        INFO(q);
        CHECK_NOTHROW(f.store->search("alice", {.text = q}));
    }
}

TEST_CASE("store: search matches words and prefixes, newest session first") {
    StoreFixture f;
    const auto older = f.create();
    f.store->append_message("alice", older.id, text_message("user", "How do I configure Kubernetes ingress?"));
    const auto newer = f.create();
    f.store->append_message("alice", newer.id, text_message("assistant", "Kubernetes pods and café culture"));
    const auto unrelated = f.create();
    f.store->append_message("alice", unrelated.id, text_message("user", "Rust borrow checker"));

    auto hits = f.store->search("alice", {.text = "kubernetes"});
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].id == newer.id);
    CHECK(hits[1].id == older.id);
    CHECK(hits[0].message_count == 1);

    CHECK(f.store->search("alice", {.text = "kube"}).size() == 2);               // prefix
    CHECK(f.store->search("alice", {.text = "INGRESS"}).size() == 1);            // case
    CHECK(f.store->search("alice", {.text = "cafe"}).size() == 1);               // diacritics
    CHECK(f.store->search("alice", {.text = "ingress borrow"}).size() == 2);     // any word
    CHECK(f.store->search("alice", {.text = "kubernetes", .limit = 1}).size() == 1);
    CHECK(f.store->search("alice", {.text = "nothing-like-this"}).empty());

    // Appending to the older session makes it the newest.
    f.store->append_message("alice", older.id, text_message("user", "still there?"));
    hits = f.store->search("alice", {.text = "kubernetes"});
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].id == older.id);
}

TEST_CASE("store: search covers tool calls, skips hidden messages and honours dates") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, Json::parse(R"({"role":"assistant","created":1000,"content":[{"type":"toolRequest","id":"c","toolCall":{"status":"success","value":{"name":"developer__shell","arguments":{"command":"terraform apply"}}}}]})"));
    f.store->append_message("alice", s.id, Json::parse(R"({"role":"user","created":1001,"content":[{"type":"toolResponse","id":"c","toolResult":{"status":"success","value":{"content":[{"type":"text","text":"zanzibar output"}]}}}]})"));
    f.store->append_message("alice", s.id, text_message("assistant", "compacted summary of everything", 2000, false));
    f.store->append_message("alice", s.id, Json::parse(R"({"role":"assistant","created":3000,"content":[{"type":"thinking","thinking":"pondering quokkas","signature":"s"}]})"));

    CHECK(f.store->search("alice", {.text = "terraform"}).size() == 1);
    CHECK(f.store->search("alice", {.text = "developer__shell"}).size() == 1);
    CHECK(f.store->search("alice", {.text = "zanzibar"}).empty());    // tool output is not indexed
    CHECK(f.store->search("alice", {.text = "compacted"}).empty());   // not user-visible
    CHECK(f.store->search("alice", {.text = "quokkas"}).size() == 1);

    CHECK(f.store->search("alice", {.text = "terraform", .after = 1000}).size() == 1);
    CHECK(f.store->search("alice", {.text = "terraform", .after = 1001}).empty());
    CHECK(f.store->search("alice", {.text = "terraform", .before = 1000}).empty());
    CHECK(f.store->search("alice", {.text = "terraform", .before = 1001}).size() == 1);
}

TEST_CASE("store: the index follows replace, truncate, fork and delete") {
    StoreFixture f;
    const auto s = f.create();
    f.store->append_message("alice", s.id, text_message("user", "original aardvark", 100));
    f.store->append_message("alice", s.id, text_message("user", "later zebra", 200));

    const auto fork = f.store->fork_session("alice", s.id, {.truncate_from = 200});
    auto hits = f.store->search("alice", {.text = "zebra"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == s.id);
    CHECK(f.store->search("alice", {.text = "aardvark"}).size() == 2);

    f.store->truncate_messages("alice", s.id, 200);
    CHECK(f.store->search("alice", {.text = "zebra"}).empty());

    const std::vector<Json> replacement{text_message("user", "summary mentions platypus")};
    f.store->replace_conversation("alice", s.id, replacement);
    hits = f.store->search("alice", {.text = "aardvark"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == fork.id);
    CHECK(f.store->search("alice", {.text = "platypus"}).size() == 1);

    f.store->delete_session("alice", s.id);
    CHECK(f.store->search("alice", {.text = "platypus"}).empty());
    f.store->delete_session("alice", fork.id);
    CHECK(f.store->search("alice", {.text = "aardvark"}).empty());
}

TEST_CASE("sqlite store: both search plans pick the same newest sessions") {
    // Many sessions share a word; some share a timestamp; another owner's are mixed in.
    TempDir dir;
    std::int64_t now = 1770890400000;
    auto store = SqliteSessionStore::open({.path = dir.db(), .durability = sqlite::Durability::process_crash_safe},
                                          [&now] { return now; });
    for (int i = 0; i < 60; ++i) {
        if (i % 3 != 0) now += 1000;  // every third session ties with the previous one
        const std::string owner = i % 4 == 0 ? "bob" : "alice";
        const auto s = store->create_session({.owner = owner});
        store->append_message(owner, s.id, text_message("user", i % 5 == 0 ? "unrelated" : "shared topic"));
    }
    // The plans read the index alone; search() first indexes what waits, as done here.
    sqlite::index_all_pending_messages(*store->database());
    store->database()->read([&](sqlite::Connection& c) {
        const auto seqs = sqlite::matching_sessions(c, *to_fts5_query("shared"), std::nullopt, std::nullopt);
        CHECK(seqs.size() == 48);
        for (std::size_t limit : {1, 5, 10, 47, 48, 100}) {
            INFO(limit);
            CHECK(sqlite::newest_by_lookup(c, "alice", seqs, limit) == sqlite::newest_by_walk(c, "alice", seqs, limit));
            CHECK(sqlite::newest_by_lookup(c, "bob", seqs, limit) == sqlite::newest_by_walk(c, "bob", seqs, limit));
        }
        CHECK(sqlite::newest_by_walk(c, "carol", seqs, 10).empty());
    });
    // And the public call agrees with a listing filtered by hand.
    std::vector<std::string> expected;
    for (const auto& s : store->list_sessions("alice", {.limit = 1000}).sessions)
        if (Json::parse(store->load_messages("alice", s.id)[0])["content"][0]["text"] == "shared topic")
            expected.push_back(s.id);
    std::vector<std::string> got;
    for (const auto& s : store->search("alice", {.text = "shared", .limit = 1000})) got.push_back(s.id);
    CHECK(got == expected);
}

TEST_CASE("store: a word in thousands of messages finds the same newest sessions as a rare one would") {
    // Past a few thousand hits an engine may walk the sessions newest first instead of looking
    // the hits up (PostgreSQL does at 2,000 messages): the answer must not change.
    StoreFixture f;
    std::vector<std::string> with_word;  // alice's sessions holding "shared", oldest first
    for (int i = 0; i < 330; ++i) {
        const auto s = f.create(i % 5 == 4 ? "bob" : "alice");
        const bool has = i % 3 != 2;
        std::vector<Json> batch;
        for (int m = 0; m < 12; ++m) batch.push_back(text_message("user", has ? "a shared word" : "nothing here"));
        f.store->append_messages(s.owner, s.id, batch);
        if (has && s.owner == "alice") with_word.push_back(s.id);
    }
    for (std::size_t limit : {1u, 10u, 100u, 1000u}) {
        INFO("limit " << limit);
        const auto hits = f.store->search("alice", {.text = "shared", .limit = limit});
        std::vector<std::string> expected(with_word.rbegin(), with_word.rend());
        if (expected.size() > limit) expected.resize(limit);
        std::vector<std::string> got;
        for (const auto& s : hits) got.push_back(s.id);
        CHECK(got == expected);
    }
    CHECK(f.store->search("bob", {.text = "shared", .limit = 1000}).size() == 44);
}

namespace {

// FTS5's own consistency check of an external-content index against its table: throws when an
// entry is missing, extra or stale.
void check_index_sound(SqliteSessionStore& store) {
    store.database()->write([](sqlite::Connection& c) { c.exec("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')"); });
}

bool pending(SqliteSessionStore& store) {
    return store.database()->read([](sqlite::Connection& c) { return sqlite::messages_pending_index(c); });
}

} // namespace

TEST_CASE("sqlite store: messages are indexed off the commit path, yet a search finds each one once it is committed") {
    TempDir dir;
    // No background indexing: what is pending when is up to this test.
    auto store = SqliteSessionStore::open({.path = dir.db(), .search_index_interval = std::chrono::milliseconds(0)});
    const auto s = store->create_session({.owner = "alice"});
    store->append_message("alice", s.id, text_message("user", "the quokka smiles"));
    REQUIRE(pending(*store));
    // Committed, not yet indexed: the search indexes it first.
    auto hits = store->search("alice", {.text = "quokka"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == s.id);
    CHECK_FALSE(pending(*store));
    check_index_sound(*store);

    // Deleting messages, pending and indexed alike, leaves a sound index.
    store->append_message("alice", s.id, text_message("user", "a wombat digs"));  // pending
    const auto other = store->create_session({.owner = "alice"});
    store->append_message("alice", other.id, text_message("user", "the quokka again"));
    REQUIRE(pending(*store));
    store->delete_session("alice", s.id);  // one indexed message, one pending
    check_index_sound(*store);
    hits = store->search("alice", {.text = "quokka"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == other.id);
    CHECK(store->search("alice", {.text = "wombat"}).empty());
    check_index_sound(*store);

    // Replacing a conversation (deletes then inserts) and truncating keep it sound too.
    store->replace_conversation("alice", other.id, std::vector<Json>{text_message("user", "an echidna")});
    CHECK(store->search("alice", {.text = "quokka"}).empty());
    CHECK(store->search("alice", {.text = "echidna"}).size() == 1);
    check_index_sound(*store);
}

TEST_CASE("sqlite store: the background indexer empties the pending list by itself") {
    TempDir dir;
    auto store = SqliteSessionStore::open({.path = dir.db()});
    const auto s = store->create_session({.owner = "alice"});
    for (int i = 0; i < 50; ++i) store->append_message("alice", s.id, text_message("user", "note " + std::to_string(i)));
    bool emptied = false;
    for (int i = 0; i < 100 && !emptied; ++i) {  // bounded wait: the indexer runs every second
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        emptied = !pending(*store);
    }
    CHECK(emptied);
    check_index_sound(*store);
    CHECK(store->search("alice", {.text = "note"}).size() == 1);
}
