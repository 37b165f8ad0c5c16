#pragma once
// One background thread that watches every outbound transfer in flight. A blocked socket call
// cannot poll a cancel flag, so the watchdog does it for them: when a transfer is cancelled or
// misses its deadline it shuts the socket down (::shutdown wakes a blocked connect/recv/send at
// once, plain or TLS), and the transfer thread then reads why from its Watch.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace gaggle::net {

enum class StopReason : int { none, cancelled, deadline };

class TransferWatchdog {
public:
    using Clock = std::chrono::steady_clock;

    // Registration of one transfer; unregisters on destruction. After the destructor returns the
    // watchdog never touches the socket again, so the socket may then be closed safely.
    class Watch {
    public:
        ~Watch();
        Watch(const Watch&) = delete;
        Watch& operator=(const Watch&) = delete;

        // Push the deadline to now + `budget` (called on every byte of progress).
        void extend(std::chrono::milliseconds budget) noexcept;
        StopReason reason() const noexcept { return state_->reason.load(); }

    private:
        friend class TransferWatchdog;
        struct State {
            int fd = -1;
            std::function<bool()> cancelled;
            std::atomic<std::int64_t> deadline_ns{0};
            std::atomic<StopReason> reason{StopReason::none};
        };
        Watch(TransferWatchdog& owner, std::uint64_t id, std::shared_ptr<State> state)
            : owner_(owner), id_(id), state_(std::move(state)) {}
        TransferWatchdog& owner_;
        std::uint64_t id_;
        std::shared_ptr<State> state_;
    };

    // The process-wide watchdog (its thread starts on first use and lives until exit).
    static TransferWatchdog& instance();

    // Watch socket `fd` until the Watch is destroyed. `cancelled` (may be empty) is polled from
    // the watchdog thread with the watchdog's lock held (so it is never called once the Watch is
    // gone): it must be thread-safe and quick, e.g. an atomic read, and must not wait on a lock
    // the transfer's own thread may hold. The first deadline is now + `budget`.
    std::unique_ptr<Watch> watch(int fd, std::function<bool()> cancelled, std::chrono::milliseconds budget);

    // How often transfers are checked; bounds the cancel latency and the deadline precision.
    static constexpr std::chrono::milliseconds tick{20};
    // How long the watchdog keeps ticking once nothing is watched before it sleeps until the next
    // watch wakes it: a busy host's transfers then never pay for waking it, an idle host's
    // watchdog costs nothing.
    static constexpr std::chrono::milliseconds linger{2000};

private:
    TransferWatchdog();
    void run();
    void remove(std::uint64_t id);

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::uint64_t, std::shared_ptr<Watch::State>> watched_;
    std::uint64_t next_id_ = 1;
    bool idle_ = false; // the thread waits without a timeout: a new watch must wake it
    std::thread thread_;
};

} // namespace gaggle::net
