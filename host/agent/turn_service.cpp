#include "agent/turn_service.hpp"

#include "common/error.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

void RunningTurn::join()
{
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return done_.load(); });
}

void RunningTurn::finish()
{
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    finished_.notify_all();
}

namespace {

// GAGGLE_BUS_IDLE_SECONDS (a whole number >= 0) overrides how long an idle bus is kept.
TurnServiceOptions configured(const Config& config, TurnServiceOptions options)
{
    if (auto v = config.get("GAGGLE_BUS_IDLE_SECONDS"); v && v->is_number_integer() && v->get<std::int64_t>() >= 0)
        options.bus_idle = std::chrono::seconds(v->get<std::int64_t>());
    return options;
}

} // namespace

TurnService::TurnService(AgentServices& services, AgentManager& agents, TurnServiceOptions options)
    : services_(services), agents_(agents), options_(configured(services.config, options)),
      pool_(options.max_turn_threads, options.idle_turn_threads)
{
}

std::shared_ptr<RunningTurn> TurnService::start(const TurnRequest& request, EventEmitter emit, std::function<void()> on_done)
{
    auto agent = agents_.get_or_create(request.owner, request.session_id);
    std::lock_guard lock(mutex_);
    return start_locked(request, std::move(agent), std::move(emit), std::move(on_done));
}

std::shared_ptr<RunningTurn> TurnService::start_locked(const TurnRequest& request, std::shared_ptr<Agent> agent,
                                                       EventEmitter emit, std::function<void()> on_done)
{
    if (stopping_) throw Error(ErrorKind::unavailable, "the server is shutting down");
    if (busy_.count(request.session_id))
        throw conflict("a turn is already running in this session; wait for it to finish or cancel it");
    // Under mutex_, so no other turn of the session can start here between the check and the take.
    if (leases_) leases_->take(request.session_id);
    auto turn = std::make_shared<RunningTurn>();
    busy_[request.session_id] = turn.get();
    turns_.push_back(turn);
    pool_.submit([this, request, agent = std::move(agent), emit = std::move(emit), on_done = std::move(on_done), turn] {
        const std::string session_id = request.session_id;
        // The session is free again from its Finish on, so a client that answers the Finish
        // with its next message is never refused.
        auto forward = [&](const Json& e) {
            if (const auto type = e.find("type"); type != e.end() && type->is_string() && type->get_ref<const std::string&>() == "Finish")
                release(session_id, turn.get());
            emit(e);
        };
        try {
            run_turn(services_, request, agent->tools(), turn->cancel(), forward);
        } catch (const std::exception& e) {
            spdlog::error("turn for session {} ended abnormally: {}", session_id, e.what());
        }
        release(session_id, turn.get());
        if (on_done) on_done();
        turn->finish();
        std::lock_guard lock(mutex_);
        turns_.remove(turn);
        all_done_.notify_all();
    });
    return turn;
}

void TurnService::release(const std::string& session_id, const RunningTurn* turn)
{
    bool released = false;
    {
        std::lock_guard lock(mutex_);
        auto it = busy_.find(session_id);
        if (it != busy_.end() && it->second == turn) {
            busy_.erase(it);
            released = true;
        }
    }
    if (released && leases_) leases_->give_back(session_id);
}

bool TurnService::start_on_bus(const TurnRequest& request, const std::string& request_id)
{
    auto agent = agents_.get_or_create(request.owner, request.session_id);
    std::lock_guard lock(mutex_);
    evict_idle_buses_locked();
    BusState& state = bus_state_locked(request.session_id);
    state.last_used = std::chrono::steady_clock::now();
    if (state.seen.count(request_id)) return false;
    if (busy_.count(request.session_id))
        throw conflict("a turn is already running in this session" +
                       (state.active_request.empty() ? std::string() : " (request " + state.active_request + ")"));
    auto bus = state.bus;
    bus->set_active(request_id, true);
    // The bus outlives listeners: events are kept for replay whether or not anyone listens.
    // The request stops being active when its turn ends, whether it finished or failed.
    try {
        state.active = start_locked(request, std::move(agent),
                                    [bus, request_id](const Json& event) { bus->publish(event, request_id); },
                                    [bus, request_id] { bus->set_active(request_id, false); });
    } catch (...) {
        bus->set_active(request_id, false);
        throw;
    }
    state.active_request = request_id;
    state.seen.insert(request_id);
    state.seen_order.push_back(request_id);
    while (state.seen_order.size() > options_.remembered_request_ids) {
        state.seen.erase(state.seen_order.front());
        state.seen_order.pop_front();
    }
    return true;
}

void TurnService::cancel_on_bus(const std::string& session_id, const std::string& request_id)
{
    std::lock_guard lock(mutex_);
    auto it = buses_.find(session_id);
    // A turn stops counting as running at its Finish (release() runs before the Finish is
    // published), so a client that saw the Finish and cancels gets 404, never a late 200.
    auto holder = busy_.find(session_id);
    const bool running = it != buses_.end() && it->second.active_request == request_id && it->second.active &&
                         holder != busy_.end() && holder->second == it->second.active.get();
    if (!running) throw not_found("No running request " + request_id + " in this session");
    it->second.active->cancel().cancel();
}

std::shared_ptr<SessionEventBus> TurnService::bus(const std::string& session_id)
{
    std::lock_guard lock(mutex_);
    evict_idle_buses_locked();
    BusState& state = bus_state_locked(session_id);
    state.last_used = std::chrono::steady_clock::now();
    return state.bus;
}

TurnService::BusState& TurnService::bus_state_locked(const std::string& session_id)
{
    auto [it, created] = buses_.try_emplace(session_id);
    if (created && event_log_)
        it->second.bus->set_outbound([log = event_log_, session_id](const std::string& event_id, const std::string& json) {
            log->append(session_id, event_id, json);
        });
    return it->second;
}

void TurnService::relay_in(const SharedEvent& event)
{
    std::shared_ptr<SessionEventBus> bus;
    {
        std::lock_guard lock(mutex_);
        auto it = buses_.find(event.session_id);
        if (it == buses_.end()) return;
        bus = it->second.bus;
    }
    bus->publish_relayed(event.event_id, event.json);
}

std::optional<std::vector<SharedEvent>> TurnService::logged_after(const std::string& session_id, const std::string& event_id)
{
    if (!event_log_) return std::nullopt;
    return event_log_->after(session_id, event_id);
}

bool TurnService::busy(const std::string& session_id) const
{
    std::lock_guard lock(mutex_);
    return busy_.count(session_id) > 0;
}

std::size_t TurnService::bus_count() const
{
    std::lock_guard lock(mutex_);
    return buses_.size();
}

// A bus can go when no turn of its session runs, no listener holds it (the map's is the only
// reference) and it was last used longer ago than bus_idle. At most one sweep a second.
void TurnService::evict_idle_buses_locked()
{
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sweep_ < std::chrono::seconds(1)) return;
    last_sweep_ = now;
    for (auto it = buses_.begin(); it != buses_.end();) {
        const BusState& s = it->second;
        const bool held = s.bus.use_count() > 1;
        if (!held && !busy_.count(it->first) && s.bus->idle() && now - s.last_used >= options_.bus_idle) it = buses_.erase(it);
        else ++it;
    }
}

void TurnService::shutdown()
{
    {
        std::unique_lock lock(mutex_);
        stopping_ = true;
        for (auto& [id, state] : buses_) state.bus->wake_all();
        for (auto& t : turns_) t->cancel().cancel();
        all_done_.wait(lock, [&] { return turns_.empty(); });
    }
    pool_.shutdown();
}

} // namespace gaggle
