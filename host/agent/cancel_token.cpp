#include "agent/cancel_token.hpp"

namespace gaggle {

CancelToken::CancelToken()
{
    view_.struct_size = sizeof(gaggle_cancel);
    view_.ctx = this;
    view_.is_cancelled = [](const gaggle_cancel* c) -> int32_t {
        return static_cast<const CancelToken*>(c->ctx)->cancelled() ? 1 : 0;
    };
}

void CancelToken::cancel() noexcept
{
    {
        std::lock_guard lock(mutex_);
        cancelled_.store(true, std::memory_order_release);
    }
    cv_.notify_all();
}

bool CancelToken::wait_for(std::chrono::milliseconds d) const
{
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, d, [this] { return cancelled(); });
}

} // namespace gaggle
