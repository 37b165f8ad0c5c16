// The services ABI 1.1 adds, reached the way a plugin reaches them: through its own gaggle_host.
#include "plugin/gaggle_abi.hpp"
#include "plugin/plugin_registry.hpp"
#include "plugin/timer_service.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

#include <unistd.h>

using namespace gaggle;

namespace {

std::string abi_dir(const std::string& folder)
{
    std::string dir = GAGGLE_TEST_ABI_DIR;
    return dir.append("/").append(folder);
}

// Counts callbacks and lets the test wait for a number of them (no assertion on time).
struct Counter {
    std::mutex m;
    std::condition_variable cv;
    int fired = 0;
    static void GAGGLE_ABI tick(void* ctx, gaggle_timer_id) noexcept
    {
        auto* c = static_cast<Counter*>(ctx);
        std::lock_guard lock(c->m);
        ++c->fired;
        c->cv.notify_all();
    }
    bool wait_for_at_least(int n)
    {
        std::unique_lock lock(m);
        return cv.wait_for(lock, std::chrono::seconds(20), [&] { return fired >= n; });
    }
};

} // namespace

TEST_CASE("plugin paths: the library's folder and a private data folder made on demand")
{
    const auto data = std::filesystem::temp_directory_path() / ("gaggle-paths-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data);
    HostServices s;
    s.data_dir = data.string();
    PluginRegistry r{s};
    r.scan({abi_dir("good")});
    const gaggle_host* host = r.find("c-feature")->host();
    auto* paths = static_cast<const gaggle_host_paths_v1*>(host->get_service(host, GAGGLE_HOST_PATHS_V1));
    REQUIRE(paths);
    CHECK(std::filesystem::equivalent(paths->plugin_dir(host), abi_dir("good")));
    CHECK_FALSE(std::filesystem::exists(data / "plugins" / "c-feature"));
    gaggle_error err{};
    err.struct_size = sizeof err;
    const char* dir = paths->data_dir(host, &err);
    REQUIRE(dir);
    CHECK(std::filesystem::path(dir) == data / "plugins" / "c-feature");
    CHECK(std::filesystem::is_directory(dir));
    CHECK((std::filesystem::status(dir).permissions() & std::filesystem::perms::group_all) == std::filesystem::perms::none);

    SUBCASE("a host without a data folder says so instead of inventing one")
    {
        PluginRegistry bare{HostServices{}};
        bare.scan({abi_dir("good")});
        const gaggle_host* h = bare.find("c-feature")->host();
        auto* p = static_cast<const gaggle_host_paths_v1*>(h->get_service(h, GAGGLE_HOST_PATHS_V1));
        CHECK(p->data_dir(h, &err) == nullptr);
        CHECK(err.code == GAGGLE_ERR_UNAVAILABLE);
    }
    std::filesystem::remove_all(data);
}

TEST_CASE("timers: repeating, one-shot, cancelled; cancel waits for a running callback")
{
    PluginRegistry r{HostServices{}};
    r.scan({abi_dir("good")});
    const gaggle_host* host = r.find("c-feature")->host();
    auto* timer = static_cast<const gaggle_host_timer_v1*>(host->get_service(host, GAGGLE_HOST_TIMER_V1));
    REQUIRE(timer);
    CHECK(timer->now_ms(host) > 1'600'000'000'000);
    CHECK(timer->monotonic_ms(host) <= timer->monotonic_ms(host));

    Counter repeating, once;
    gaggle_timer_id rid = 0, oid = 0;
    REQUIRE(timer->schedule(host, 0, 1, &Counter::tick, &repeating, &rid, nullptr) == GAGGLE_OK);
    REQUIRE(timer->schedule(host, 0, 0, &Counter::tick, &once, &oid, nullptr) == GAGGLE_OK);
    CHECK(rid != oid);
    CHECK(repeating.wait_for_at_least(3));
    CHECK(once.wait_for_at_least(1));
    CHECK(timer->cancel(host, rid) == GAGGLE_OK);
    const int after_cancel = [&] {
        std::lock_guard lock(repeating.m);
        return repeating.fired;
    }();
    CHECK(timer->cancel(host, rid) == GAGGLE_ERR_NOT_FOUND);
    CHECK(timer->cancel(host, oid) == GAGGLE_ERR_NOT_FOUND); // a fired one-shot is gone

    // Proves nothing fires after cancel returned: a later timer runs after any stray one would have.
    Counter later;
    gaggle_timer_id lid = 0;
    REQUIRE(timer->schedule(host, 5, 0, &Counter::tick, &later, &lid, nullptr) == GAGGLE_OK);
    CHECK(later.wait_for_at_least(1));
    {
        std::lock_guard lock(repeating.m);
        CHECK(repeating.fired == after_cancel);
    }

    gaggle_timer_id bad = 0;
    CHECK(timer->schedule(host, 0, 0, nullptr, nullptr, &bad, nullptr) == GAGGLE_ERR_INVALID_ARGUMENT);
}

TEST_CASE("TimerService: cancel blocks until the running callback returns")
{
    TimerService timers;
    std::promise<void> entered, release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> returned{false};
    const int owner = 0;
    const auto id = timers.schedule(&owner, std::chrono::milliseconds(0), std::chrono::milliseconds(0), [&](std::uint64_t) {
        entered.set_value();
        released.wait();
        returned = true;
    });
    entered.get_future().wait();
    auto cancelling = std::async(std::launch::async, [&] { return timers.cancel(&owner, id); });
    CHECK(cancelling.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    release.set_value();
    CHECK(cancelling.get());
    CHECK(returned.load()); // cancel returned only after the callback had
}
