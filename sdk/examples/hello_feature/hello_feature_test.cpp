// Unit test of the hello_feature example against the SDK's stub host (sdk/testing/): no server,
// the plugin's own sources linked in, driven through its C entry like the host does.
#include <gaggle/testing/stub_host.hpp>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

extern "C" const gaggle_plugin_entry* gaggle_plugin_entry_v1(void);

namespace {
int failures = 0;
void check(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "FAILED: %s\n", what);
        ++failures;
    }
}
} // namespace

int main()
{
    gaggle::testing::StubHost host;
    auto plugin = host.load(gaggle_plugin_entry_v1());

    auto first = plugin.get("/hello/ann");
    check(first.status == 200, "GET /hello/ann answers 200");
    check(first.body == R"({"greeting":"Hello, ann!","count":1})", "the first greeting counts 1");
    check(plugin.get("/hello/ann").body.find("\"count\":2") != std::string::npos, "the second counts 2");
    check(host.kv().at("count.ann") == "2", "the count is kept in the key-value store");
    check(plugin.get("/nope").status == 404, "an unknown path is not routed");

    // Concurrent requests must not lose counts (the example serialises its read-modify-write).
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&plugin] {
            for (int i = 0; i < 50; ++i) plugin.get("/hello/bo");
        });
    for (auto& t : threads) t.join();
    check(host.kv().at("count.bo") == "400", "400 concurrent greetings count 400");

    std::printf("%s\n", failures ? "hello_feature_test: FAILED" : "hello_feature_test: ok");
    return failures ? 1 : 0;
}
