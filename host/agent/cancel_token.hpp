#pragma once
// Cancellation for one turn: set once (client gone, cancel route, shutdown), seen everywhere the
// turn waits. It also hands plugins the C view (gaggle_cancel) so a provider call or an outbound
// HTTP read stops too.
#include <gaggle/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace gaggle {

class CancelToken {
public:
    CancelToken();
    CancelToken(const CancelToken&) = delete;
    CancelToken& operator=(const CancelToken&) = delete;

    void cancel() noexcept;
    bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
    // Sleeps up to `d`; returns true early when cancelled.
    bool wait_for(std::chrono::milliseconds d) const;
    const gaggle_cancel* view() const noexcept { return &view_; }

private:
    std::atomic<bool> cancelled_{false};
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    gaggle_cancel view_{};
};

using CancelTokenPtr = std::shared_ptr<CancelToken>;

} // namespace gaggle
