#include "acp/client_requests.hpp"

namespace gaggle::acp {

namespace {
// How often a waiting call looks at its turn's cancellation (the token has no callback).
constexpr std::chrono::milliseconds cancel_poll{50};
} // namespace

Json ClientRequests::call(const std::string& method, Json params, const CancelToken* cancel, std::chrono::milliseconds timeout)
{
    auto pending = std::make_shared<Pending>();
    std::string id;
    {
        std::lock_guard lock(mutex_);
        if (closed_) throw ClientCallFailed("the client is gone", ClientCallFailed::Why::gone);
        id = "gaggle-" + std::to_string(next_id_++);
        pending_[id] = pending;
    }
    out_.send(make_request(id, method, std::move(params)));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
        if (pending->done) break;
        const bool cancelled = cancel && cancel->cancelled();
        if (closed_ || cancelled || std::chrono::steady_clock::now() >= deadline) {
            pending_.erase(id); // a late answer then finds nothing
            if (cancelled) throw ClientCallFailed(method + " was cancelled", ClientCallFailed::Why::cancelled);
            if (closed_) throw ClientCallFailed("the client is gone", ClientCallFailed::Why::gone);
            throw ClientCallFailed("the client did not answer " + method + " in time", ClientCallFailed::Why::timed_out);
        }
        cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(cancel_poll, deadline - std::chrono::steady_clock::now()));
    }
    if (pending->error) throw ClientCallFailed(*pending->error, ClientCallFailed::Why::refused);
    return std::move(pending->result);
}

void ClientRequests::send_only(const std::string& method, Json params)
{
    std::string id;
    {
        std::lock_guard lock(mutex_);
        if (closed_) return;
        id = "gaggle-" + std::to_string(next_id_++);
    }
    out_.send(make_request(id, method, std::move(params)));
}

bool ClientRequests::deliver(const Incoming& response)
{
    if (!response.id.is_string()) return false;
    std::lock_guard lock(mutex_);
    auto it = pending_.find(response.id.get<std::string>());
    if (it == pending_.end()) return response.id.get<std::string>().rfind("gaggle-", 0) == 0; // ours, but too late
    Pending& p = *it->second;
    p.done = true;
    if (response.error) {
        const Json& e = *response.error;
        p.error = e.is_object() && e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>()
                                                                                       : std::string("the client refused");
    } else {
        p.result = response.result;
    }
    pending_.erase(it);
    cv_.notify_all();
    return true;
}

void ClientRequests::close()
{
    std::lock_guard lock(mutex_);
    closed_ = true;
    cv_.notify_all();
}

} // namespace gaggle::acp
