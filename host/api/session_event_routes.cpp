// The session event bus (upstream 1.34): GET /sessions/{id}/events, POST /sessions/{id}/reply,
// POST /sessions/{id}/cancel. Turns run whether or not a client listens; a client that reconnects
// with Last-Event-ID is replayed what it missed.
#include "agent/turn_service.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "http/server.hpp"
#include "http/sse.hpp"

#include <ostream>

namespace gaggle {
namespace {

constexpr auto heartbeat_interval = std::chrono::seconds(2);

// "id: <epoch>-<seq>" then the event (SseWriter::with_id takes a bare number).
bool write_with_id(std::ostream& out, const std::string& id, std::string_view json)
{
    out << "id: " << id << "\ndata: " << json << "\n\n";
    out.flush();
    return out.good();
}

void stream_events(AppContext& app, Request& req, Response& res)
{
    const std::string& session_id = req.param("session_id");
    app.sessions.get_session(req.user_id(), session_id);
    auto bus = app.turns.bus(session_id);
    SessionEventBus::Resume resume{false, bus->last_seq()};
    if (req.has_header("Last-Event-ID"))
        resume = req.header("Last-Event-ID").empty() ? SessionEventBus::Resume{} : bus->resume_point(req.header("Last-Event-ID"));

    res.header("Cache-Control", "no-cache");
    std::ostream& out = res.stream(200, "text/event-stream");
    SseWriter sse(out);
    if (!sse.data(Json{{"type", "ActiveRequests"}, {"request_ids", bus->active_requests()}}.dump())) return;
    std::uint64_t after = resume.after;
    if (resume.reset) {
        // The id is from before a restart (or an evicted bus): say so, then send everything kept.
        if (!sse.data(Json{{"type", "Error"}, {"error", "Client too far behind - reload conversation"}}.dump())) return;
        auto all = bus->buffered();
        for (const auto& e : all.events)
            if (!write_with_id(out, bus->event_id(e.seq), e.json)) return;
        after = all.next_after;
    }
    auto last_beat = std::chrono::steady_clock::now();
    std::uint64_t beats = 0;
    while (!HttpServer::shutting_down()) {
        auto batch = bus->wait_after(after, std::chrono::milliseconds(250));
        if (batch.too_far_behind) {
            if (!sse.data(Json{{"type", "Error"}, {"error", "Client too far behind - reload conversation"}}.dump())) return;
        }
        for (const auto& e : batch.events)
            if (!write_with_id(out, bus->event_id(e.seq), e.json)) return;
        after = batch.next_after;
        if (std::chrono::steady_clock::now() - last_beat >= heartbeat_interval) {
            if (!sse.comment("ping " + std::to_string(++beats))) return;
            last_beat = std::chrono::steady_clock::now();
        }
    }
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
