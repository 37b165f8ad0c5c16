#include "agent/event_bus.hpp"

#include "common/error.hpp"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <random>

namespace gaggle {
namespace {

std::string next_epoch()
{
    static std::atomic<std::uint64_t> buses{0};
    return SessionEventBus::process_token() + "." + std::to_string(++buses);
}

bool parse_seq(std::string_view text, std::uint64_t& out)
{
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && p == text.data() + text.size();
}

} // namespace

const std::string& SessionEventBus::process_token()
{
    static const std::string token = [] {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        std::random_device random;
        char tag[9];
        std::snprintf(tag, sizeof tag, "%08x", static_cast<unsigned>(random()));
        return std::to_string(ms) + "x" + tag;
    }();
    return token;
}

SessionEventBus::SessionEventBus(size_t capacity, size_t max_bytes)
    : capacity_(capacity), max_bytes_(max_bytes), epoch_(next_epoch())
{
}

std::uint64_t SessionEventBus::publish(Json event, const std::string& request_id)
{
    event["chat_request_id"] = request_id;
    if (!event.contains("request_id")) event["request_id"] = request_id;
    std::string text = event.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (!outbound_) return store(std::move(text), {});
    const std::string copy = text;
    const std::uint64_t seq = store(std::move(text), {});
    outbound_(event_id(seq), copy);
    return seq;
}

void SessionEventBus::publish_relayed(std::string event_id, std::string json)
{
    store(std::move(json), std::move(event_id));
}

std::uint64_t SessionEventBus::store(std::string text, std::string origin_id)
{
    std::uint64_t seq;
    {
        std::lock_guard lock(mutex_);
        seq = ++last_seq_;
        buffered_bytes_ += text.size();
        buffer_.push_back({seq, std::move(text), std::move(origin_id)});
        while (buffer_.size() > 1 && (buffer_.size() > capacity_ || buffered_bytes_ > max_bytes_)) {
            buffered_bytes_ -= buffer_.front().json.size();
            buffer_.pop_front();
        }
    }
    cv_.notify_all();
    {
        std::lock_guard lock(listeners_mutex_);
        for (auto& [id, notify] : listeners_) notify();
    }
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

SessionEventBus::Batch SessionEventBus::buffered() const
{
    std::lock_guard lock(mutex_);
    Batch batch;
    batch.events.assign(buffer_.begin(), buffer_.end());
    batch.next_after = last_seq_;
    return batch;
}

std::uint64_t SessionEventBus::last_seq() const
{
    std::lock_guard lock(mutex_);
    return last_seq_;
}

std::uint64_t SessionEventBus::oldest_seq() const
{
    std::lock_guard lock(mutex_);
    return buffer_.empty() ? last_seq_ + 1 : buffer_.front().seq;
}

SessionEventBus::Resume SessionEventBus::resume_point(std::string_view id) const
{
    std::uint64_t seq = 0;
    if (parse_seq(id, seq)) return {false, seq};
    const auto dash = id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || !parse_seq(id.substr(dash + 1), seq))
        throw invalid_argument("Last-Event-ID must be an event id this server sent (<epoch>-<seq>) or a sequence number");
    if (id.substr(0, dash) == epoch_) return {false, seq};
    std::lock_guard lock(mutex_);
    for (auto it = buffer_.rbegin(); it != buffer_.rend(); ++it)
        if (it->origin_id == id) return {false, it->seq};
    return {true, 0};
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

bool SessionEventBus::idle() const
{
    std::lock_guard lock(mutex_);
    return active_.empty();
}

void SessionEventBus::wake_all() { cv_.notify_all(); }

std::uint64_t SessionEventBus::listen(std::function<void()> notify)
{
    std::lock_guard lock(listeners_mutex_);
    listeners_.emplace(++next_listener_, std::move(notify));
    return next_listener_;
}

void SessionEventBus::unlisten(std::uint64_t id)
{
    std::lock_guard lock(listeners_mutex_);
    listeners_.erase(id);
}

} // namespace gaggle
