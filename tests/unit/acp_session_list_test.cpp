// session/list over a real session store: paging by the store's cursor, the cwd filter across
// pages, and bad parameters as -32602.
#include "acp/jsonrpc.hpp"
#include "acp/session_list.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace gaggle;
using namespace gaggle::acp;
using namespace gaggle::test;

namespace {

// Every page from the first, following nextCursor; the ids in the order given.
std::vector<std::string> walk(SessionStore& store, Json params, int* pages = nullptr)
{
    std::vector<std::string> ids;
    for (int n = 1;; ++n) {
        const Json page = list_sessions(store, "alice", params);
        CHECK(page["sessions"].size() <= session_list_page);
        for (const auto& s : page["sessions"]) ids.push_back(s["sessionId"].get<std::string>());
        if (pages) *pages = n;
        if (!page.contains("nextCursor")) return ids;
        params["cursor"] = page["nextCursor"];
    }
}

int error_code(SessionStore& store, const Json& params)
{
    try {
        list_sessions(store, "alice", params);
    } catch (const RpcError& e) {
        return e.code();
    }
    return 0;
}

} // namespace

TEST_CASE("acp session/list: pages newest first, filters by cwd across pages, refuses bad input")
{
    StoreFixture f;
    std::vector<std::string> created; // oldest first
    for (int i = 0; i < 150; ++i) {
        NewSession s;
        s.owner = "alice";
        s.working_dir = i % 3 == 0 ? "/work/a" : "/work/b";
        created.push_back(f.store->create_session(s).id);
    }
    f.create("bob"); // another user's session is never listed

    int pages = 0;
    const auto all = walk(*f.store, Json::object(), &pages);
    CHECK(pages == 2);
    REQUIRE(all.size() == 150);
    CHECK(all.front() == created.back());
    CHECK(all.back() == created.front());
    CHECK(std::set<std::string>(all.begin(), all.end()).size() == 150);

    const auto in_a = walk(*f.store, Json{{"cwd", "/work/a"}});
    CHECK(in_a.size() == 50);
    for (const auto& id : in_a) CHECK(f.store->get_session("alice", id).working_dir == "/work/a");
    const Json first = list_sessions(*f.store, "alice", Json{{"cwd", "/work/a"}});
    CHECK(first["sessions"][0]["cwd"] == "/work/a");
    CHECK(first["sessions"][0]["title"] == "New Chat");
    CHECK(first["sessions"][0]["updatedAt"].get<std::string>().rfind("2026-02-12T10:00:", 0) == 0);
    CHECK(list_sessions(*f.store, "alice", Json{{"cwd", "/nowhere"}}) == Json{{"sessions", Json::array()}});

    CHECK(error_code(*f.store, Json{{"cwd", "relative"}}) == rpc_code::invalid_params);
    CHECK(error_code(*f.store, Json{{"cwd", 7}}) == rpc_code::invalid_params);
    CHECK(error_code(*f.store, Json{{"cursor", "garbage"}}) == rpc_code::invalid_params);
    CHECK(error_code(*f.store, Json{{"cursor", nullptr}}) == 0); // null is "from the start"
}
