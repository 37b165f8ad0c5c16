#include "agent/turn_service.hpp"

#include "common/error.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

void RunningTurn::join()
{
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<RunningTurn> TurnService::start(const TurnRequest& request, EventEmitter emit, std::function<void()> on_done)
{
    auto agent = agents_.get_or_create(request.owner, request.session_id);
    auto turn = std::make_shared<RunningTurn>();
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorKind::unavailable, "the server is shutting down");
    reap_locked();
    turn->thread_ = std::thread([this, request, agent, emit = std::move(emit), on_done = std::move(on_done), turn = turn.get()] {
        try {
            run_turn(services_, request, agent->tools(), turn->cancel(), emit);
        } catch (const std::exception& e) {
            spdlog::error("turn for session {} ended abnormally: {}", request.session_id, e.what());
        }
        turn->done_ = true;
        if (on_done) on_done();
    });
    turns_.push_back(turn);
    return turn;
}

bool TurnService::start_on_bus(const TurnRequest& request, const std::string& request_id)
{
    std::shared_ptr<SessionEventBus> bus;
    {
        std::lock_guard lock(mutex_);
        BusState& state = buses_[request.session_id];
        if (state.seen.count(request_id)) return false;
        if (state.starting || (state.active && !state.active->done()))
            throw conflict("a turn is already running in this session (request " + state.active_request + ")");
        state.seen.insert(request_id);
        state.starting = true; // holds the session's slot until the turn is recorded below
        state.active_request = request_id;
        bus = state.bus;
    }
    bus->set_active(request_id, true);
    std::shared_ptr<RunningTurn> turn;
    try {
        // The bus outlives listeners: events are kept for replay whether or not anyone listens.
        // The request stops being active when its thread ends, whether it finished or failed.
        turn = start(request, [bus, request_id](const Json& event) { bus->publish(event, request_id); },
                     [bus, request_id] { bus->set_active(request_id, false); });
    } catch (...) {
        bus->set_active(request_id, false);
        std::lock_guard lock(mutex_);
        buses_[request.session_id].starting = false;
        throw;
    }
    std::lock_guard lock(mutex_);
    BusState& state = buses_[request.session_id];
    state.active = turn;
    state.starting = false;
    return true;
}

void TurnService::cancel_on_bus(const std::string& session_id, const std::string& request_id)
{
    std::lock_guard lock(mutex_);
    auto it = buses_.find(session_id);
    if (it == buses_.end() || it->second.active_request != request_id || !it->second.active || it->second.active->done())
        throw not_found("No running request " + request_id + " in this session");
    it->second.active->cancel().cancel();
}

std::shared_ptr<SessionEventBus> TurnService::bus(const std::string& session_id)
{
    std::lock_guard lock(mutex_);
    return buses_[session_id].bus;
}

void TurnService::reap_locked()
{
    for (auto it = turns_.begin(); it != turns_.end();) {
        if ((*it)->done()) {
            (*it)->join();
            it = turns_.erase(it);
        } else {
            ++it;
        }
    }
}

void TurnService::shutdown()
{
    std::list<std::shared_ptr<RunningTurn>> turns;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        turns.swap(turns_);
        for (auto& [id, state] : buses_) state.bus->wake_all();
    }
    for (auto& t : turns) t->cancel().cancel();
    for (auto& t : turns) t->join();
}

} // namespace gaggle
