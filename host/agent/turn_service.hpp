#pragma once
// Runs agent turns on pooled threads, so a turn outlives the request that started it only when
// it should: a /reply turn is cancelled when its client goes away, a turn started on the event bus
// keeps running while no client listens. One turn at a time per session, whichever route started
// it (a second one is refused with conflict); a repeated bus request_id never starts a second turn.
//
// Nothing here grows with the number of sessions ever served: a session's bus (with its replay
// buffer and its remembered request ids) is dropped once it is idle, unheld and older than
// bus_idle; the remembered request ids of a live bus are capped.
#include "agent/agent_loop.hpp"
#include "agent/agent_manager.hpp"
#include "agent/event_bus.hpp"
#include "agent/turn_lease_keeper.hpp"
#include "agent/worker_pool.hpp"
#include "store/shared_event_log.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace gaggle {

class RunningTurn {
public:
    CancelToken& cancel() noexcept { return cancel_; }
    bool done() const noexcept { return done_.load(); }
    // Waits for the turn to finish.
    void join();

private:
    friend class TurnService;
    void finish();
    CancelToken cancel_;
    std::atomic<bool> done_{false};
    std::mutex mutex_;
    std::condition_variable finished_;
};

struct TurnServiceOptions {
    std::size_t max_turn_threads = 1024;  // turns running at once beyond this wait for a thread
    std::size_t idle_turn_threads = 16;   // kept parked for the next turns
    std::chrono::seconds bus_idle{300};   // an unheld, idle bus is dropped after this
    std::size_t remembered_request_ids = 256;  // per session, for the repeated-request check
};

class TurnService {
public:
    TurnService(AgentServices& services, AgentManager& agents, TurnServiceOptions options = {});
    ~TurnService() { shutdown(); }

    // Starts a turn whose events go to `emit` (called on the turn's threads); `on_done`, when
    // given, runs on the turn's thread after its last event. Throws conflict while another turn
    // of the session runs.
    std::shared_ptr<RunningTurn> start(const TurnRequest& request, EventEmitter emit, std::function<void()> on_done = {});

    // Event bus: starts the turn unless this request_id was seen before (then returns false).
    // Throws conflict when another request of the session is still running.
    bool start_on_bus(const TurnRequest& request, const std::string& request_id);
    // Cancels the session's bus turn with that request id; not_found when none is running.
    void cancel_on_bus(const std::string& session_id, const std::string& request_id);
    std::shared_ptr<SessionEventBus> bus(const std::string& session_id);
    // True while a turn of the session runs.
    bool busy(const std::string& session_id) const;
    std::size_t bus_count() const;

    // Cancels every turn and waits for them (server shutdown).
    void shutdown();

    // Several instances on one database: a turn also needs the session's lease, so a session
    // runs one turn at a time across instances. Set before the first turn; may stay null.
    void set_lease_keeper(std::shared_ptr<TurnLeaseKeeper> keeper) { leases_ = std::move(keeper); }
    // ... and the event log they share: every bus hands its events to it, relay_in() brings other
    // instances' events to the buses listened to here, and logged_after() finds where a client
    // coming from another instance resumes. Set before the first bus; may stay null.
    void set_event_log(std::shared_ptr<SharedEventLog> log) { event_log_ = std::move(log); }
    // An event another instance published: goes to the session's bus if this instance has one
    // (someone listens, or listened lately); otherwise nobody here wants it.
    void relay_in(const SharedEvent& event);
    // The session's shared events after `event_id`; nullopt without a shared log, or when the log
    // does not hold that id.
    std::optional<std::vector<SharedEvent>> logged_after(const std::string& session_id, const std::string& event_id);

private:
    struct BusState {
        std::shared_ptr<SessionEventBus> bus = std::make_shared<SessionEventBus>();
        std::string active_request;
        std::shared_ptr<RunningTurn> active;
        std::unordered_set<std::string> seen;
        std::deque<std::string> seen_order;  // oldest first, to cap `seen`
        std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
    };
    std::shared_ptr<RunningTurn> start_locked(const TurnRequest& request, std::shared_ptr<Agent> agent, EventEmitter emit,
                                              std::function<void()> on_done);
    void release(const std::string& session_id, const RunningTurn* turn);
    void evict_idle_buses_locked();
    BusState& bus_state_locked(const std::string& session_id);

    AgentServices& services_;
    AgentManager& agents_;
    TurnServiceOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable all_done_;
    std::list<std::shared_ptr<RunningTurn>> turns_;
    std::unordered_map<std::string, const RunningTurn*> busy_;  // session -> its running turn
    std::map<std::string, BusState> buses_;
    std::chrono::steady_clock::time_point last_sweep_ = std::chrono::steady_clock::now();
    bool stopping_ = false;
    std::shared_ptr<TurnLeaseKeeper> leases_;
    std::shared_ptr<SharedEventLog> event_log_;
    WorkerPool pool_;  // last: its threads stop before the rest goes
};

} // namespace gaggle
