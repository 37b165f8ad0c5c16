// Claims in the plugin key-value store: insert-if-absent, exactly one winner per key even when
// several stores (as several processes) share one file, and the "gaggle.host.kv_claim/1" service
// that hands it to plugins.
#include "store_test_support.hpp"

#include "common/error.hpp"
#include "plugin/gaggle_abi.hpp"
#include "plugin/plugin_registry.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

using namespace gaggle;
using namespace gaggle::test;

TEST_CASE("store: a kv claim stores only when the key is absent")
{
    StoreFixture f;
    KvStore& kv = *f.kv;
    CHECK(kv.insert_if_absent("sched", "run/a/1", "first"));
    CHECK_FALSE(kv.insert_if_absent("sched", "run/a/1", "second"));
    CHECK(kv.get("sched", "run/a/1") == "first");
    CHECK(kv.insert_if_absent("other", "run/a/1", "theirs")); // plugins have their own keys
    CHECK_THROWS_AS(kv.insert_if_absent("sched", "", "v"), Error);
}

TEST_CASE("store: of racing claimants on one database, as two processes, exactly one wins each key")
{
    StoreFixture f;
    auto second = f.open_again().kv;
    KvStore &a = *f.kv, &b = *second;
    constexpr int kKeys = 100, kThreads = 4;
    std::vector<std::atomic<int>> wins(kKeys);
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            KvStore& kv = t % 2 ? a : b;
            for (int k = 0; k < kKeys; ++k) try {
                    if (kv.insert_if_absent("sched", "occurrence/" + std::to_string(k), "t" + std::to_string(t))) ++wins[k];
                } catch (const std::exception&) {
                    ++failures;
                }
        });
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    int exactly_once = 0;
    for (auto& w : wins) exactly_once += w == 1 ? 1 : 0;
    CHECK(exactly_once == kKeys);
}

TEST_CASE("plugin kv_claim service: claim and list through the plugin's own gaggle_host")
{
    StoreFixture f;
    KvStore& kv = *f.kv;
    HostServices s;
    s.kv_claim = [&](const std::string& p, const std::string& k, std::string_view v) { return kv.insert_if_absent(p, k, v); };
    s.kv_list = [&](const std::string& p, const std::string& prefix) { return kv.list_keys(p, prefix); };
    PluginRegistry r{s};
    r.scan({GAGGLE_TEST_ABI_DIR "/good"});
    const gaggle_host* host = r.find("c-feature")->host();
    auto* api = static_cast<const gaggle_host_kv_claim_v1*>(host->get_service(host, GAGGLE_HOST_KV_CLAIM_V1));
    REQUIRE(api);
    REQUIRE(api->struct_size >= sizeof(gaggle_host_kv_claim_v1));
    gaggle_error err{};
    err.struct_size = sizeof err;

    int32_t claimed = -1;
    CHECK(api->claim(host, "run/j/2", gaggle_str{"x", 1}, &claimed, &err) == GAGGLE_OK);
    CHECK(claimed == 1);
    CHECK(api->claim(host, "run/j/2", gaggle_str{"y", 1}, &claimed, &err) == GAGGLE_OK);
    CHECK(claimed == 0);
    CHECK(api->claim(host, "run/j/1", gaggle_str{"", 0}, &claimed, &err) == GAGGLE_OK);
    CHECK(kv.get("c-feature", "run/j/2") == "x");
    CHECK(api->claim(host, "", gaggle_str{"x", 1}, &claimed, &err) == GAGGLE_ERR_INVALID_ARGUMENT);
    CHECK(api->claim(host, "k", gaggle_str{"x", 1}, nullptr, &err) == GAGGLE_ERR_INVALID_ARGUMENT);

    gaggle_buffer out{nullptr, 0};
    REQUIRE(api->list_keys(host, "run/j/", &out, &err) == GAGGLE_OK);
    CHECK(std::string(out.data, out.size) == std::string("run/j/1\0run/j/2\0", 16));
    host->free(host, out.data);
    REQUIRE(api->list_keys(host, "none/", &out, &err) == GAGGLE_OK);
    CHECK(out.size == 0);
    CHECK(out.data == nullptr);

    SUBCASE("a host without a store says so")
    {
        PluginRegistry bare{HostServices{}};
        bare.scan({GAGGLE_TEST_ABI_DIR "/good"});
        const gaggle_host* h = bare.find("c-feature")->host();
        auto* b = static_cast<const gaggle_host_kv_claim_v1*>(h->get_service(h, GAGGLE_HOST_KV_CLAIM_V1));
        CHECK(b->claim(h, "k", gaggle_str{"x", 1}, &claimed, &err) == GAGGLE_ERR_UNSUPPORTED);
    }
}
