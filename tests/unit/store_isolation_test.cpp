// Owner isolation: another owner's session is indistinguishable from a missing one, for every
// operation, and nothing another owner does changes it.
#include "store_test_support.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace gaggle;
using namespace gaggle::test;

namespace {

template <class F>
void check_not_found(F&& f) {
    try {
        f();
        FAIL("expected Session not found");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
        CHECK(std::string(e.what()) == "Session not found");
    }
}

} // namespace

TEST_CASE("store: another owner's session is not found by any operation") {
    StoreFixture f;
    const auto s = f.create("alice", "secret plans");
    f.store->append_message("alice", s.id, text_message("user", "the treasure is buried under the oak"));
    f.store->add_token_usage("alice", s.id, {.input = 5, .output = 7});
    const auto before = f.store->load_session("alice", s.id);

    const std::string bob = "bob";
    const std::vector<Json> one{text_message("user", "bob was here")};
    check_not_found([&] { f.store->get_session(bob, s.id); });
    check_not_found([&] { f.store->load_session(bob, s.id); });
    check_not_found([&] { f.store->delete_session(bob, s.id); });
    check_not_found([&] { f.store->rename_session(bob, s.id, "mine"); });
    check_not_found([&] { f.store->update_session(bob, s.id, {.working_dir = "/tmp"}); });
    check_not_found([&] { f.store->update_session(bob, s.id, {}); });
    check_not_found([&] { f.store->add_token_usage(bob, s.id, {.input = 1, .output = 1}); });
    check_not_found([&] { f.store->append_message(bob, s.id, one[0]); });
    check_not_found([&] { f.store->append_messages(bob, s.id, one); });
    check_not_found([&] { f.store->for_each_message(bob, s.id, [](std::string_view, bool) {}); });
    check_not_found([&] { f.store->load_messages(bob, s.id); });
    check_not_found([&] { f.store->replace_conversation(bob, s.id, one); });
    check_not_found([&] { f.store->truncate_messages(bob, s.id, 0); });
    check_not_found([&] { f.store->fork_session(bob, s.id, {}); });

    CHECK(f.store->list_sessions(bob, {}).sessions.empty());
    CHECK(f.store->count_sessions(bob) == 0);
    CHECK(f.store->search(bob, {.text = "treasure"}).empty());
    CHECK(f.store->insights(bob).total_sessions == 0);
    CHECK(f.store->insights(bob).total_tokens == 0);

    // Alice's session is exactly as it was.
    const auto after = f.store->load_session("alice", s.id);
    CHECK(after.conversation == before.conversation);
    CHECK(after.info.name == "secret plans");
    CHECK(after.info.updated_at_ms == before.info.updated_at_ms);
    CHECK(after.info.tokens == before.info.tokens);
    CHECK(f.store->search("alice", {.text = "treasure"}).size() == 1);
    CHECK(f.store->count_sessions("alice") == 1);
}

TEST_CASE("store: listings, search and insights only see the caller's sessions") {
    StoreFixture f;
    for (int i = 0; i < 3; ++i) {
        const auto a = f.create("alice");
        f.store->append_message("alice", a.id, text_message("user", "common words"));
        f.store->add_token_usage("alice", a.id, {.input = 10, .output = 0});
    }
    const auto b = f.create("bob");
    f.store->append_message("bob", b.id, text_message("user", "common words"));
    f.store->add_token_usage("bob", b.id, {.input = 1000, .output = 0});

    for (const auto& s : f.store->list_sessions("alice", {}).sessions) CHECK(s.owner == "alice");
    CHECK(f.store->list_sessions("alice", {}).sessions.size() == 3);
    const auto hits = f.store->search("bob", {.text = "common"});
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].id == b.id);
    CHECK(f.store->insights("alice").total_sessions == 3);
    CHECK(f.store->insights("alice").total_tokens == 30);
    CHECK(f.store->insights("bob").total_tokens == 1000);

    // Forks and imports belong to the caller.
    CHECK(f.store->fork_session("bob", b.id, {}).owner == "bob");
    SessionInfo meta;
    meta.owner = "someone-else";  // ignored: the caller's owner wins
    CHECK(f.store->import_session("alice", meta, {}).owner == "alice");
    CHECK(f.store->count_sessions("someone-else") == 0);
}
