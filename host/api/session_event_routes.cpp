// The session event bus (upstream 1.34): GET /sessions/{id}/events, POST /sessions/{id}/reply,
// POST /sessions/{id}/cancel. Turns run whether or not a client listens; a client that reconnects
// with Last-Event-ID is replayed what it missed.
#include "agent/turn_service.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "http/stream_handoff.hpp"
#include "http/stream_writer.hpp"

#include <unordered_set>
#include <utility>

namespace gaggle {
namespace {

const std::string reload_event = R"(data: {"type":"Error","error":"Client too far behind - reload conversation"})" "\n\n";

// "id: <epoch>-<seq>" then the event.
void append_event(std::string& out, const std::string& id, const std::string& json)
{
    out.append("id: ").append(id).append("\ndata: ").append(json).append("\n\n");
}

void append_event(std::string& out, const SessionEventBus& bus, const BusEvent& e) { append_event(out, bus.event_id(e), e.json); }

// One /events stream in the StreamWriter: pulls what the bus has after the last event sent,
// whenever the bus says it published. The bus keeps the events; the stream keeps a position.
class BusFeed final : public StreamFeed {
public:
    // `already_sent`: ids of events the opening holds (from the shared log) that the bus may
    // also deliver after `after`; each is sent once.
    BusFeed(std::shared_ptr<SessionEventBus> bus, std::string opening, std::uint64_t after,
            std::unordered_set<std::string> already_sent = {})
        : bus_(std::move(bus)), opening_(std::move(opening)), after_(after), already_sent_(std::move(already_sent))
    {
    }
    void attach(std::function<void()> wake) override
    {
        listener_ = bus_->listen(std::move(wake));
        attached_ = true;
    }
    bool pull(std::string& out) override
    {
        out += std::exchange(opening_, {});
        auto batch = bus_->wait_after(after_, std::chrono::milliseconds(0));
        if (batch.too_far_behind) out += reload_event;
        for (const auto& e : batch.events)
            if (already_sent_.empty() || !already_sent_.count(bus_->event_id(e))) append_event(out, *bus_, e);
        after_ = batch.next_after;
        return true; // the stream stays open across turns until the client or the server leaves
    }
    void detach() override
    {
        if (attached_) bus_->unlisten(listener_);
        attached_ = false;
    }
    // The bus keeps the events a throttled client has yet to get, until its replay buffer drops them.
    bool overrun(std::size_t) override { return bus_->oldest_seq() > after_ + 1; }

private:
    std::shared_ptr<SessionEventBus> bus_;
    std::string opening_; // ActiveRequests, and the replay after a reset, sent first
    std::uint64_t after_;
    std::unordered_set<std::string> already_sent_;
    std::uint64_t listener_ = 0;
    bool attached_ = false;
};

// Everything up to the first pull is decided here, on the HTTP thread, so a bad Last-Event-ID is
// still a 400; then the stream goes to the writer and this thread returns to the pool.
void stream_events(AppContext& app, Request& req, Response& res)
{
    const std::string& session_id = req.param("session_id");
    app.sessions.get_session(req.user_id(), session_id);
    auto bus = app.turns.bus(session_id);
    SessionEventBus::Resume resume{false, bus->last_seq()};
    if (req.has_header("Last-Event-ID"))
        resume = req.header("Last-Event-ID").empty() ? SessionEventBus::Resume{} : bus->resume_point(req.header("Last-Event-ID"));

    std::string opening = "data: " + Json{{"type", "ActiveRequests"}, {"request_ids", bus->active_requests()}}.dump() + "\n\n";
    std::uint64_t after = resume.after;
    std::unordered_set<std::string> already_sent;
    if (resume.reset) {
        // Another instance's id, or one from before a restart: the shared log (several instances)
        // may know where it was. The bus's position is taken first, so what the bus gets meanwhile
        // is still sent, and what both hold is sent once.
        after = bus->last_seq();
        if (auto logged = app.turns.logged_after(session_id, req.header("Last-Event-ID"))) {
            for (const auto& e : *logged) {
                append_event(opening, e.event_id, e.json);
                already_sent.insert(e.event_id);
            }
        } else {
            // Unknown here and there (an evicted bus, an expired log): say so, then send everything kept.
            opening += reload_event;
            auto all = bus->buffered();
            for (const auto& e : all.events) append_event(opening, *bus, e);
            after = all.next_after;
        }
    }
    res.header("Cache-Control", "no-cache");
    hand_off_stream(req, res, std::make_unique<BusFeed>(std::move(bus), std::move(opening), after, std::move(already_sent)));
}

} // namespace

void register_session_event_routes(Router& router, AppContext& app)
{
    router.add("GET", "/sessions/{session_id}/events", [&app](Request& req, Response& res) { stream_events(app, req, res); });

    router.add(
        "POST", "/sessions/{session_id}/reply",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string request_id = fields::required_string(body, "request_id");
            if (request_id.empty() || request_id.size() > 200) throw unprocessable("field `request_id` must be 1..200 characters");
            auto message = body.find("user_message");
            if (message == body.end() || message->is_null()) throw unprocessable("missing field `user_message`");
            // An answer a running turn waits on (an elicitation's, a frontend tool's) goes to it; nothing starts.
            if (deliver_turn_answer(app, req.user_id(), req.param("session_id"), *message))
                return res.json(Json{{"request_id", request_id}});
            TurnRequest turn = prepare_turn(app, req.user_id(), req.param("session_id"), *message,
                                            fields::optional_array(body, "override_conversation"));
            app.turns.start_on_bus(turn, request_id); // a repeated request_id starts nothing new
            res.json(Json{{"request_id", request_id}});
        },
        RouteOptions{.auth = true, .json_body = true, .max_body = 50 * 1024 * 1024});

    router.add(
        "POST", "/sessions/{session_id}/cancel",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string request_id = fields::required_string(body, "request_id");
            app.sessions.get_session(req.user_id(), req.param("session_id"));
            app.turns.cancel_on_bus(req.param("session_id"), request_id);
            res.json(Json::object());
        },
        RouteOptions{.auth = true, .json_body = true});
}

} // namespace gaggle
