// The plugin key-value service.
#include "store_test_support.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

using namespace gaggle;
using namespace gaggle::test;

TEST_CASE("store: plugin kv put, get, overwrite, erase") {
    StoreFixture f;
    KvStore& kv = *f.kv;
    CHECK_FALSE(kv.get("sched", "k").has_value());
    kv.put("sched", "k", "v1");
    CHECK(kv.get("sched", "k") == "v1");
    kv.put("sched", "k", "v2");
    CHECK(kv.get("sched", "k") == "v2");
    CHECK_FALSE(kv.get("other", "k").has_value());  // plugins do not see each other's keys

    const std::string binary("\0\x01\xff bytes\0", 10);
    kv.put("sched", "bin", binary);
    CHECK(kv.get("sched", "bin") == binary);
    kv.put("sched", "empty", "");
    CHECK(kv.get("sched", "empty") == std::string());

    CHECK(kv.erase("sched", "k"));
    CHECK_FALSE(kv.erase("sched", "k"));
    CHECK_FALSE(kv.get("sched", "k").has_value());
}

TEST_CASE("store: plugin kv lists keys by literal prefix") {
    StoreFixture f;
    KvStore& kv = *f.kv;
    for (const char* k : {"job:1", "job:2", "jobs", "j%b", "j_b", "other"}) kv.put("p", k, "x");
    kv.put("q", "job:3", "x");
    CHECK(kv.list_keys("p", "job:") == std::vector<std::string>{"job:1", "job:2"});
    CHECK(kv.list_keys("p", "j%") == std::vector<std::string>{"j%b"});
    CHECK(kv.list_keys("p", "j_") == std::vector<std::string>{"j_b"});
    CHECK(kv.list_keys("p", "").size() == 6);
}

TEST_CASE("store: plugin kv refuses bad input") {
    StoreFixture f;
    KvStore& kv = *f.kv;
    CHECK_THROWS_AS(kv.put("", "k", "v"), Error);
    CHECK_THROWS_AS(kv.put("p", "", "v"), Error);
    try {
        kv.put("p", "big", std::string(KvStore::max_value_bytes + 1, 'x'));
        FAIL("expected payload_too_large");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::payload_too_large);
    }
}
