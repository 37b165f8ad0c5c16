// Unit test of the echo_transport example against the SDK's stub host (sdk/testing/): the plugin's
// own sources linked in, driven through its C entry and gaggle.transport/1 table as the host does.
#include <gaggle/testing/stub_host.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <string>
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

// What the host's sink sees: the frames, in order.
struct Inbound {
    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<std::string> frames;

    static void on_frame(void* ctx, gaggle_str frame)
    {
        auto* self = static_cast<Inbound*>(ctx);
        std::lock_guard lock(self->mutex);
        self->frames.emplace_back(frame.data, frame.size);
        self->arrived.notify_all();
    }
    static void on_closed(void*, gaggle_status, const char*) {}

    // Waits for n frames; the bound only keeps a broken plugin from hanging the test.
    bool wait_for(size_t n)
    {
        std::unique_lock lock(mutex);
        return arrived.wait_for(lock, std::chrono::seconds(30), [&] { return frames.size() >= n; });
    }
};

gaggle_str text(const std::string& s) { return {s.data(), s.size()}; }
} // namespace

int main()
{
    gaggle::testing::StubHost host;
    auto plugin = host.load(gaggle_plugin_entry_v1());
    auto* transport = plugin.interface<gaggle_transport_v1>(GAGGLE_TRANSPORT_V1);
    check(transport && transport->types && std::string(transport->types[0]) == "echo", "serves the `echo` type");
    if (!transport) return 1;

    Inbound inbound;
    const gaggle_frame_sink sink{sizeof(gaggle_frame_sink), &inbound, &Inbound::on_frame, &Inbound::on_closed};
    gaggle_error err{};
    err.struct_size = sizeof err;
    gaggle_transport_conn* conn = nullptr;
    check(transport->open(plugin.handle(), text(R"({"type":"echo","name":"echo"})"), &sink, &conn, &err) == GAGGLE_OK && conn,
          "open succeeds");

    const std::vector<std::string> frames = {
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})",
        R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
        R"({"jsonrpc":"2.0","id":2,"method":"tools/list"})",
        R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello there"}}})",
        R"({"jsonrpc":"2.0","id":4,"method":"resources/list"})",
        "not json"};
    for (const auto& f : frames) check(transport->send(conn, text(f), &err) == GAGGLE_OK, "send succeeds");
    check(inbound.wait_for(5), "five answers arrive (the notification gets none)");
    {
        std::lock_guard lock(inbound.mutex);
        check(inbound.frames.size() == 5, "exactly five answers");
        if (inbound.frames.size() == 5) {
            check(inbound.frames[0].find(R"("id":1)") != std::string::npos &&
                      inbound.frames[0].find(R"("serverInfo")") != std::string::npos, "initialize is answered first");
            check(inbound.frames[1].find(R"("name":"echo")") != std::string::npos, "tools/list names the echo tool");
            check(inbound.frames[2].find(R"("text":"hello there")") != std::string::npos, "the tool echoes its text");
            check(inbound.frames[3].find("-32601") != std::string::npos, "an unknown method is a JSON-RPC error");
            check(inbound.frames[4].find("-32700") != std::string::npos, "a frame that is not JSON is a parse error");
        }
    }

    // close() with frames still queued: it returns, and nothing is delivered afterwards.
    for (int i = 0; i < 200; ++i) transport->send(conn, text(R"({"jsonrpc":"2.0","id":9,"method":"ping"})"), &err);
    transport->close(conn);
    size_t after_close = 0;
    {
        std::lock_guard lock(inbound.mutex);
        after_close = inbound.frames.size();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    {
        std::lock_guard lock(inbound.mutex);
        check(inbound.frames.size() == after_close, "no frame arrives after close() has returned");
    }

    if (failures == 0) std::printf("echo_transport: all checks passed\n");
    return failures == 0 ? 0 : 1;
}
