#pragma once
// How much memory request bodies may hold, across every HTTP thread at once. Without a bound, 20 MB
// bodies on many threads pushed RSS from 17 MB to 570 MB, and glibc kept it after they were freed.
//
// - A global budget of body bytes: a request reserves its body's size before reading it, waits
//   briefly when the budget is spent, and is answered 503 if it stays spent.
// - Large buffers are mmapped (a fixed M_MMAP_THRESHOLD), so freeing one gives it back to the
//   system, and the heap is trimmed after a large body, so what a parse scattered is returned too.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace gaggle {

class BodyBudget {
public:
    explicit BodyBudget(std::size_t total_bytes) : total_(total_bytes) {}

    // Reserves `bytes`, waiting up to `wait` for others to release; false when it could not.
    // A single body larger than the whole budget is let through alone (when nothing else is held),
    // so a route's own limit stays the only limit on one request.
    bool acquire(std::size_t bytes, std::chrono::milliseconds wait);
    void release(std::size_t bytes) noexcept;
    std::size_t held() const noexcept;

private:
    const std::size_t total_;
    mutable std::mutex mutex_;
    std::condition_variable released_;
    std::size_t held_ = 0;
};

// RAII share of the budget; grows as a body of unknown length (chunked) arrives.
class BodyReservation {
public:
    explicit BodyReservation(BodyBudget& budget) : budget_(budget) {}
    ~BodyReservation() { budget_.release(bytes_); }
    BodyReservation(const BodyReservation&) = delete;
    BodyReservation& operator=(const BodyReservation&) = delete;

    bool grow_to(std::size_t bytes, std::chrono::milliseconds wait);
    std::size_t bytes() const noexcept { return bytes_; }

private:
    BodyBudget& budget_;
    std::size_t bytes_ = 0;
};

// Bodies from this size up are "large": their buffers are mmapped and the heap is trimmed after.
inline constexpr std::size_t large_body_bytes = 256 * 1024;

// Process-wide allocator settings for the above; call once before serving.
void configure_allocator_for_large_bodies() noexcept;
// Returns freed heap memory to the system; call after a request with a large body has ended.
void return_freed_memory() noexcept;

} // namespace gaggle
