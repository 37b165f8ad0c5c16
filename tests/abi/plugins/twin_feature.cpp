// A feature written with the current C++ wrapper, compiled without the CMake helper (default
// visibility, no version script). Built twice under two ids: each copy must answer with its own
// id, which only holds when the wrapper's tables and trampolines stay private to each library.
// Built with GAGGLE_TARGET_ABI_MINOR=0 or 1 it also stands for a plugin targeting that minor.
#include <gaggle/cpp/plugin.hpp>

#include <string>

namespace {

class Twin : public gaggle::sdk::Plugin, public gaggle::sdk::Feature {
public:
    Twin(gaggle::sdk::Host host, std::string_view) : Plugin(host) {}
    std::vector<gaggle::sdk::Route> routes() override { return {{"GET", "/" TWIN_ID}}; }
    gaggle::sdk::Response handle(size_t, const gaggle::sdk::Request&) override
    {
        return gaggle::sdk::Response::text(TWIN_ID);
    }
};

} // namespace

GAGGLE_PLUGIN(Twin, TWIN_ID, "Twin", "1.0.0", "A test feature built without the SDK's CMake helper")
