// Example Gaggle feature plugin: GET /hello/{name} answers a greeting and how many times that
// name has been greeted, kept in the host's key-value store so it survives restarts.
// GET /hello/{name}/countdown streams Server-Sent Events (ABI 1.1: built with
// GAGGLE_TARGET_ABI_MINOR=1, see CMakeLists.txt).
#include <gaggle/cpp/plugin.hpp>

#include <mutex>
#include <string>

namespace {

// JSON string escaping for the few characters a name can carry that would break the output.
std::string quoted(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

class HelloFeature : public gaggle::sdk::Plugin, public gaggle::sdk::Feature {
public:
    HelloFeature(gaggle::sdk::Host host, std::string_view /*config_json*/) : Plugin(host) {}

    std::vector<gaggle::sdk::Route> routes() override
    {
        return {{"GET", "/hello/{name}"}, {"GET", "/hello/{name}/countdown"}};
    }

    gaggle::sdk::Response handle(size_t route, const gaggle::sdk::Request& request) override
    {
        const std::string name(request.param("name"));
        if (name.empty() || name.size() > 100)
            return gaggle::sdk::Response::json(R"({"message":"name must be 1..100 characters"})", 400);
        if (route == 1) return countdown(name);
        const std::string key = "count." + name;
        long count = 0;
        {
            // handle() runs concurrently (gaggle/feature.h): without the lock two requests would
            // read the same count and one greeting would be lost.
            std::lock_guard lock(counts_mutex_);
            const auto previous = host().kv_get(key.c_str());
            count = (previous ? std::stol(*previous) : 0) + 1;
            host().kv_put(key.c_str(), std::to_string(count));
        }
        host().debug("greeted " + name);
        return gaggle::sdk::Response::json("{\"greeting\":" + quoted("Hello, " + name + "!") +
                                           ",\"count\":" + std::to_string(count) + "}");
    }

private:
    // Three events, then "liftoff"; each reaches the client as it is written. A client that leaves
    // ends the stream at the next write.
    static gaggle::sdk::Response countdown(const std::string& name)
    {
        return gaggle::sdk::Response::sse([name](const gaggle::sdk::Stream& out) {
            for (int n = 3; n > 0 && !out.cancelled(); --n)
                if (!out.event("{\"n\":" + std::to_string(n) + "}", "tick")) return;
            out.event("{\"liftoff\":" + quoted(name) + "}", "done");
        });
    }

    std::mutex counts_mutex_;
};

} // namespace

GAGGLE_PLUGIN(HelloFeature, "hello", "Hello example", "1.0.0", "Greets by name; an SDK example")
