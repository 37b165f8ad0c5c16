#include "http/body_memory.hpp"

#include <malloc.h>

namespace gaggle {

bool BodyBudget::acquire(std::size_t bytes, std::chrono::milliseconds wait)
{
    std::unique_lock lock(mutex_);
    const bool fits = released_.wait_for(lock, wait, [&] { return held_ + bytes <= total_ || held_ == 0; });
    if (!fits) return false;
    held_ += bytes;
    return true;
}

void BodyBudget::release(std::size_t bytes) noexcept
{
    if (bytes == 0) return;
    {
        std::lock_guard lock(mutex_);
        held_ -= bytes;
    }
    released_.notify_all();
}

std::size_t BodyBudget::held() const noexcept
{
    std::lock_guard lock(mutex_);
    return held_;
}

bool BodyReservation::grow_to(std::size_t bytes, std::chrono::milliseconds wait)
{
    if (bytes <= bytes_) return true;
    if (!budget_.acquire(bytes - bytes_, wait)) return false;
    bytes_ = bytes;
    return true;
}

void configure_allocator_for_large_bodies() noexcept
{
    // A fixed threshold also turns off glibc's dynamic one, which after the first large free would
    // raise itself to 32 MiB and keep every later 20 MB body in a heap that never shrinks.
    mallopt(M_MMAP_THRESHOLD, static_cast<int>(large_body_bytes));
}

void return_freed_memory() noexcept { malloc_trim(0); }

} // namespace gaggle
