#include "agent/event_bus.hpp"

namespace gaggle {

std::uint64_t SessionEventBus::publish(Json event, const std::string& request_id)
{
    event["chat_request_id"] = request_id;
    if (!event.contains("request_id")) event["request_id"] = request_id;
    std::string text = event.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::uint64_t seq;
    {
        std::lock_guard lock(mutex_);
        seq = ++last_seq_;
        buffer_.push_back({seq, std::move(text)});
        while (buffer_.size() > capacity_) buffer_.pop_front();
    }
    cv_.notify_all();
    return seq;
}

SessionEventBus::Batch SessionEventBus::wait_after(std::uint64_t after, std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return last_seq_ > after; });
    Batch batch;
    batch.next_after = after;
    if (last_seq_ <= after) return batch;
    if (!buffer_.empty() && buffer_.front().seq > after + 1) {
        batch.too_far_behind = true;
        batch.next_after = last_seq_;
        return batch;
    }
    for (const auto& e : buffer_)
        if (e.seq > after) batch.events.push_back(e);
    batch.next_after = last_seq_;
    return batch;
}

std::uint64_t SessionEventBus::last_seq() const
{
    std::lock_guard lock(mutex_);
    return last_seq_;
}

void SessionEventBus::set_active(const std::string& request_id, bool active)
{
    std::lock_guard lock(mutex_);
    if (active) active_.insert(request_id);
    else active_.erase(request_id);
}

std::vector<std::string> SessionEventBus::active_requests() const
{
    std::lock_guard lock(mutex_);
    return {active_.begin(), active_.end()};
}

void SessionEventBus::wake_all() { cv_.notify_all(); }

} // namespace gaggle
