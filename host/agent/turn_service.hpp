#pragma once
// Runs agent turns on their own threads, so a turn outlives the request that started it only when
// it should: a /reply turn is cancelled when its client goes away, a turn started on the event bus
// keeps running while no client listens. One bus turn at a time per session; a repeated
// request_id never starts a second turn.
#include "agent/agent_loop.hpp"
#include "agent/agent_manager.hpp"
#include "agent/event_bus.hpp"

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace gaggle {

class RunningTurn {
public:
    CancelToken& cancel() noexcept { return cancel_; }
    bool done() const noexcept { return done_.load(); }
    // Waits for the turn's thread to finish.
    void join();

private:
    friend class TurnService;
    CancelToken cancel_;
    std::atomic<bool> done_{false};
    std::thread thread_;
    std::mutex join_mutex_;
};

class TurnService {
public:
    TurnService(AgentServices& services, AgentManager& agents) : services_(services), agents_(agents) {}
    ~TurnService() { shutdown(); }

    // Starts a turn whose events go to `emit` (called on the turn's threads); `on_done`, when
    // given, runs on the turn's thread after its last event.
    std::shared_ptr<RunningTurn> start(const TurnRequest& request, EventEmitter emit, std::function<void()> on_done = {});

    // Event bus: starts the turn unless this request_id was seen before (then returns false).
    // Throws conflict when another request of the session is still running.
    bool start_on_bus(const TurnRequest& request, const std::string& request_id);
    // Cancels the session's bus turn with that request id; not_found when none is running.
    void cancel_on_bus(const std::string& session_id, const std::string& request_id);
    std::shared_ptr<SessionEventBus> bus(const std::string& session_id);

    // Cancels every turn and waits for them (server shutdown).
    void shutdown();

private:
    struct BusState {
        std::shared_ptr<SessionEventBus> bus = std::make_shared<SessionEventBus>();
        std::string active_request;
        std::shared_ptr<RunningTurn> active;
        bool starting = false;
        std::set<std::string> seen;
    };
    void reap_locked();

    AgentServices& services_;
    AgentManager& agents_;
    std::mutex mutex_;
    std::list<std::shared_ptr<RunningTurn>> turns_;
    std::map<std::string, BusState> buses_;
    bool stopping_ = false;
};

} // namespace gaggle
