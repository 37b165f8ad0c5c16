// The ABI as a third-party author meets it: plugins built from the frozen 1.0 headers load, and
// each deliberately broken plugin is refused with the reason that names its mistake.
#include "common/json.hpp"
#include "plugin/plugin_registry.hpp"

#include <gaggle/feature.h>
#include <gaggle/provider.h>

#include <doctest/doctest.h>

#include <map>

using namespace gaggle;

namespace {

std::string abi_dir(const std::string& folder)
{
    // Built with append rather than operator+: GCC 12 warns falsely on the latter (array-bounds).
    std::string dir = GAGGLE_TEST_ABI_DIR;
    dir.append("/").append(folder);
    return dir;
}

const PluginRecord& only_record(const PluginRegistry& r)
{
    REQUIRE(r.records().size() == 1);
    return r.records()[0];
}

PluginRecord scan_one(const std::string& folder)
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir(folder)});
    return only_record(r);
}

} // namespace

TEST_CASE("plugins built from the frozen ABI 1.0 headers load")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("good")});
    REQUIRE(r.records().size() == 2);
    for (auto& rec : r.records()) {
        INFO(rec.path << ": " << rec.refusal);
        CHECK(rec.loaded);
        CHECK(rec.refusal.empty());
        CHECK(rec.sdk_abi.major == 1);
        CHECK(rec.sdk_abi.minor == 0);
    }
    const LoadedPlugin* c = r.find("c-feature");
    REQUIRE(c);
    CHECK(c->interface_as<gaggle_feature_v1>(GAGGLE_FEATURE_V1));
    CHECK_FALSE(c->interface(GAGGLE_PROVIDER_V1));
    CHECK(r.with_interface(GAGGLE_FEATURE_V1).size() == 1);

    SUBCASE("the C++-wrapper provider streams through the 1.0 table")
    {
        const LoadedPlugin* echo = r.find("echo");
        REQUIRE(echo);
        auto* provider = echo->interface_as<gaggle_provider_v1>(GAGGLE_PROVIDER_V1);
        REQUIRE(provider);
        const gaggle_str described = provider->describe(echo->handle());
        CHECK(Json::parse(std::string(described.data, described.size))[0]["name"] == "echo");

        std::vector<Json> events;
        gaggle_provider_sink sink{sizeof(gaggle_provider_sink), &events, [](void* ctx, gaggle_str e) {
                                      static_cast<std::vector<Json>*>(ctx)->push_back(Json::parse(std::string(e.data, e.size)));
                                  }};
        const std::string request = R"({"messages":[{"role":"user","content":[{"type":"text","text":"hello big world"}]}]})";
        gaggle_error err{};
        err.struct_size = sizeof err;
        REQUIRE(provider->stream(echo->handle(), {request.data(), request.size()}, &sink, nullptr, &err) == GAGGLE_OK);
        REQUIRE(events.size() == 5);
        CHECK(events[0]["text"] == "hello ");
        CHECK(events[2]["text"] == "world");
        CHECK(events[3]["type"] == "usage");
        CHECK(events[4]["type"] == "stop");

        SUBCASE("an exception inside the plugin comes back as a status and a message")
        {
            const std::string bad = R"({"messages":[]})";
            CHECK(provider->stream(echo->handle(), {bad.data(), bad.size()}, &sink, nullptr, &err) ==
                  GAGGLE_ERR_INVALID_ARGUMENT);
            CHECK(std::string(err.message) == "no user text to echo");
        }
        SUBCASE("cancellation is honoured")
        {
            gaggle_cancel cancel{sizeof(gaggle_cancel), nullptr, [](const gaggle_cancel*) -> int32_t { return 1; }};
            CHECK(provider->stream(echo->handle(), {request.data(), request.size()}, &sink, &cancel, &err) ==
                  GAGGLE_ERR_CANCELLED);
        }
    }
}

TEST_CASE("each broken plugin is refused with its reason, and the rest keep loading")
{
    const std::map<std::string, std::string> expected{
        {"no_entry", "no gaggle_plugin_entry_v1 symbol"},
        {"other_major", "built for ABI major 2"},
        {"newer_minor", "newer than this host's"},
        {"small_struct", "smaller than the ABI 1.0 entry"},
        {"missing_slot", "missing required slot: destroy"},
        {"failing_create", "cannot reach the licence server"},
        {"bad_interface", "missing required slot: handle"},
    };
    for (auto& [folder, reason] : expected) {
        CAPTURE(folder);
        const PluginRecord rec = scan_one(folder);
        CHECK_FALSE(rec.loaded);
        CHECK(rec.refusal.find(reason) != std::string::npos);
    }

    PluginRegistry all{HostServices{}};
    std::vector<std::string> dirs;
    for (auto& [folder, _] : expected) dirs.push_back(abi_dir(folder));
    dirs.push_back(abi_dir("good"));
    all.scan(dirs);
    CHECK(all.records().size() == expected.size() + 2);
    CHECK(all.find("c-feature"));
    CHECK(all.find("echo"));
}

TEST_CASE("a second plugin with the same id is refused")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("duplicate")});
    REQUIRE(r.records().size() == 2);
    CHECK(r.records()[0].loaded);
    CHECK_FALSE(r.records()[1].loaded);
    CHECK(r.records()[1].refusal.find("duplicate id 'dup'") != std::string::npos);
}

TEST_CASE("plugins disabled by configuration are not created")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("good")}, {"echo"});
    CHECK_FALSE(r.find("echo"));
    CHECK(r.find("c-feature"));
}

TEST_CASE("inspect reads a plugin without creating it; missing folders and non-plugins are harmless")
{
    const auto good = inspect_plugin_file(abi_dir("good") + "/c_feature.so");
    CHECK(good.entry);
    CHECK(good.record.id == "c-feature");
    CHECK(good.record.kinds == std::vector<std::string>{"feature"});
    CHECK(good.record.interfaces == std::vector<std::string>{"gaggle.feature/1"});

    const auto missing = inspect_plugin_file("/nonexistent/plugin.so");
    CHECK_FALSE(missing.entry);
    CHECK(missing.record.refusal.find("cannot load library") != std::string::npos);

    PluginRegistry r{HostServices{}};
    r.scan({"/nonexistent-dir", ""});
    CHECK(r.records().empty());
}

TEST_CASE("host services reach plugins through their own host table")
{
    std::map<std::string, std::string> kv;
    HostServices s;
    s.config_get = [](const std::string& k) -> std::optional<std::string> {
        return k == "GOOSE_MODEL" ? std::optional<std::string>("m1") : std::nullopt;
    };
    s.kv_get = [&](const std::string& plugin, const std::string& key) -> std::optional<std::string> {
        auto it = kv.find(plugin + "/" + key);
        return it == kv.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    s.kv_put = [&](const std::string& plugin, const std::string& key, std::string_view v) { kv[plugin + "/" + key] = v; };
    s.kv_remove = [&](const std::string& plugin, const std::string& key) { kv.erase(plugin + "/" + key); };

    PluginRegistry r{s};
    r.scan({abi_dir("good")});
    const gaggle_host* host = r.find("echo")->host();
    REQUIRE(host->struct_size == sizeof(gaggle_host));
    CHECK(std::string(host->host_name) == "gaggle");

    auto* config = static_cast<const gaggle_host_config_v1*>(host->get_service(host, GAGGLE_HOST_CONFIG_V1));
    REQUIRE(config);
    char* model = config->get(host, "GOOSE_MODEL");
    REQUIRE(model);
    CHECK(std::string(model) == "m1");
    host->free(host, model);
    CHECK(config->get(host, "NOPE") == nullptr);
    CHECK(config->get_secret(host, "OPENAI_API_KEY") == nullptr); // no secret service function set

    auto* store = static_cast<const gaggle_host_kv_v1*>(host->get_service(host, GAGGLE_HOST_KV_V1));
    REQUIRE(store);
    CHECK(store->put(host, "k", {"v1", 2}, nullptr) == GAGGLE_OK);
    CHECK(kv.at("echo/k") == "v1"); // namespaced by plugin id
    gaggle_buffer out{};
    REQUIRE(store->get(host, "k", &out, nullptr) == GAGGLE_OK);
    CHECK(std::string(out.data, out.size) == "v1");
    host->free(host, out.data);
    CHECK(store->remove(host, "k", nullptr) == GAGGLE_OK);
    CHECK(store->get(host, "k", &out, nullptr) == GAGGLE_ERR_NOT_FOUND);

    CHECK(host->get_service(host, GAGGLE_HOST_HTTP_V1));
    CHECK(host->get_service(host, "gaggle.host.unknown/1") == nullptr);
    host->log(host, GAGGLE_LOG_DEBUG, {"from the test", 13});
}
