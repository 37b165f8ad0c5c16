// SDK 1.1's loader rules as a plugin author meets them: the target minor a plugin declares decides
// which hosts load it, two plugins built without the CMake helper stay apart, the host hands out
// only interfaces a plugin declared, and a feature's failure status becomes the right HTTP class.
#include "plugin/plugin_registry.hpp"
#include "plugin/plugin_status.hpp"

#include "../abi/frozen_host_v1_0.hpp"

#include <gaggle/cpp/plugin.hpp>
#include <gaggle/feature.h>
#include <gaggle/provider.h>

#include <doctest/doctest.h>

#include <string>

using namespace gaggle;

namespace {

std::string abi_file(const std::string& folder, const std::string& file)
{
    std::string path = GAGGLE_TEST_ABI_DIR;
    path.append("/").append(folder).append("/").append(file);
    return path;
}
std::string abi_dir(const std::string& folder)
{
    std::string path = GAGGLE_TEST_ABI_DIR;
    return path.append("/").append(folder);
}

// A responder that keeps what a feature writes.
struct Captured {
    int status = 200;
    std::string body;
};
gaggle_http_responder capture_into(Captured& c)
{
    gaggle_http_responder r{};
    r.struct_size = sizeof r;
    r.ctx = &c;
    r.set_status = [](void* ctx, int32_t s) { static_cast<Captured*>(ctx)->status = s; };
    r.set_header = [](void*, const char*, const char*) {};
    r.write = [](void* ctx, gaggle_str chunk) -> gaggle_status {
        static_cast<Captured*>(ctx)->body.append(chunk.data, chunk.size);
        return GAGGLE_OK;
    };
    return r;
}

Captured call_feature(const LoadedPlugin* plugin)
{
    auto* feature = plugin->interface_as<gaggle_feature_v1>(GAGGLE_FEATURE_V1);
    REQUIRE(feature);
    gaggle_http_request_view rq{};
    rq.struct_size = sizeof rq;
    rq.method = "GET";
    rq.path = "/";
    rq.query = "";
    rq.user_id = "u";
    Captured out;
    const gaggle_http_responder rs = capture_into(out);
    gaggle_error err{};
    err.struct_size = sizeof err;
    REQUIRE(feature->handle(plugin->handle(), 0, &rq, &rs, &err) == GAGGLE_OK);
    return out;
}

} // namespace

TEST_CASE("a plugin declares the minor it targets, not the SDK it was built with")
{
    PluginRegistry current{HostServices{}};
    current.scan({abi_dir("target_1_0"), abi_dir("target_1_1")});
    REQUIRE(current.records().size() == 2);
    for (auto& rec : current.records()) {
        INFO(rec.path << ": " << rec.refusal);
        CHECK(rec.loaded);
    }
    CHECK(current.records()[0].sdk_abi.minor == 0);
    CHECK(current.records()[1].sdk_abi.minor == 1);

    SUBCASE("a host frozen at 1.0 loads the 1.0 target and refuses the 1.1 one")
    {
        CHECK(frozen_v1_0_host_refusal(abi_file("target_1_0", "target_1_0.so")).empty());
        CHECK(frozen_v1_0_host_refusal(abi_file("target_1_1", "target_1_1.so")).find("newer than this host's 1.0") !=
              std::string::npos);
    }
    SUBCASE("a registry that claims 1.0 refuses the 1.1 target with one clear reason")
    {
        PluginRegistry old_host{HostServices{}, gaggle_version{1, 0, 0}};
        old_host.scan({abi_dir("target_1_0"), abi_dir("target_1_1")});
        REQUIRE(old_host.records().size() == 2);
        CHECK(old_host.records()[0].loaded);
        CHECK_FALSE(old_host.records()[1].loaded);
        CHECK(old_host.records()[1].refusal.find("targets ABI 1.1.0, newer than this host's 1.0.0") != std::string::npos);
    }
    SUBCASE("a 1.1 target serves growable routes2; a 1.0 target's table stops before it")
    {
        auto* t11 = current.find("target-1-1")->interface_as<gaggle_feature_v1>(GAGGLE_FEATURE_V1);
        REQUIRE(t11);
        REQUIRE(t11->struct_size == sizeof(gaggle_feature_v1));
        size_t count = 0;
        const gaggle_route2* const* routes = t11->routes2(current.find("target-1-1")->handle(), &count);
        REQUIRE(count == 1);
        CHECK(routes[0]->struct_size == sizeof(gaggle_route2));
        CHECK(std::string(routes[0]->path) == "/target-1-1");
        auto* t10 = current.find("target-1-0")->interface_as<gaggle_feature_v1>(GAGGLE_FEATURE_V1);
        CHECK(t10->struct_size == offsetof(gaggle_feature_v1, routes2));
    }
}

TEST_CASE("two wrapper plugins built without the CMake helper keep their own tables")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("twins")});
    const LoadedPlugin* a = r.find("twin-a");
    const LoadedPlugin* b = r.find("twin-b");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->interface(GAGGLE_FEATURE_V1) != b->interface(GAGGLE_FEATURE_V1));
    CHECK(call_feature(a).body == "twin-a");
    CHECK(call_feature(b).body == "twin-b");
}

TEST_CASE("the host hands out only interfaces a plugin declared")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("undeclared")});
    const LoadedPlugin* p = r.find("undeclared");
    REQUIRE(p);
    CHECK(r.with_interface(GAGGLE_FEATURE_V1).size() == 1);
    CHECK(r.with_interface(GAGGLE_PROVIDER_V1).empty());
    CHECK(p->interface(GAGGLE_PROVIDER_V1) == nullptr);
}

TEST_CASE("a feature's failure status maps to its HTTP class")
{
    CHECK(error_kind_for(GAGGLE_ERR_INVALID_ARGUMENT) == ErrorKind::invalid_argument);
    CHECK(error_kind_for(GAGGLE_ERR_NOT_FOUND) == ErrorKind::not_found);
    CHECK(error_kind_for(GAGGLE_ERR_UNSUPPORTED) == ErrorKind::not_found);
    CHECK(error_kind_for(GAGGLE_ERR_UNAVAILABLE) == ErrorKind::unavailable);
    CHECK(error_kind_for(GAGGLE_ERR_RATE_LIMITED) == ErrorKind::rate_limited);
    CHECK(error_kind_for(GAGGLE_ERR_SERVER) == ErrorKind::bad_gateway);
    CHECK(error_kind_for(GAGGLE_ERR_INTERNAL) == ErrorKind::internal);
    CHECK(error_kind_for(-1000) == ErrorKind::internal);
}

TEST_CASE("Host::service refuses a table smaller than the layout the plugin compiled")
{
    static gaggle_host_kv_v1 small{};
    small.struct_size = offsetof(gaggle_host_kv_v1, remove); // a host whose kv table lacks remove
    static gaggle_host_kv_v1 full{};
    full.struct_size = sizeof full;
    static bool give_small = true;
    gaggle_host host{};
    host.struct_size = sizeof host;
    host.get_service = [](const gaggle_host*, const char*) -> const void* {
        return give_small ? static_cast<const void*>(&small) : static_cast<const void*>(&full);
    };
    const sdk::Host view(&host);
    CHECK(view.service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1) == nullptr);
    give_small = false;
    CHECK(view.service<gaggle_host_kv_v1>(GAGGLE_HOST_KV_V1) == &full);
}
