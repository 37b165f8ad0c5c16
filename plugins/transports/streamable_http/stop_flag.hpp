#pragma once
// A cancel token for one HTTP transfer, as the host's outbound HTTP service polls it: raised when
// this transfer alone should stop (the host cancelled its request) or when the whole connection
// is closing.
#include <gaggle/types.h>

#include <atomic>

namespace gaggle::http_transport {

class StopFlag {
public:
    explicit StopFlag(const std::atomic<bool>* connection_closing = nullptr) : closing_(connection_closing)
    {
        raw_.struct_size = sizeof(raw_);
        raw_.ctx = this;
        raw_.is_cancelled = &is_cancelled;
    }
    StopFlag(const StopFlag&) = delete;
    StopFlag& operator=(const StopFlag&) = delete;

    void raise() noexcept { stop_.store(true); }
    bool raised() const noexcept { return stop_.load() || (closing_ && closing_->load()); }
    const gaggle_cancel* raw() const noexcept { return &raw_; }

private:
    static int32_t GAGGLE_ABI is_cancelled(const gaggle_cancel* self) noexcept
    {
        return static_cast<const StopFlag*>(self->ctx)->raised() ? 1 : 0;
    }
    const std::atomic<bool>* closing_;
    std::atomic<bool> stop_{false};
    gaggle_cancel raw_{};
};

} // namespace gaggle::http_transport
