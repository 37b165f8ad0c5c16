// POST /reply (the 1.24 chat stream) and POST /action-required/tool-confirmation.
#include "agent/confirmations.hpp"
#include "agent/event_queue.hpp"
#include "agent/turn_service.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "http/server.hpp"
#include "http/sse.hpp"

namespace gaggle {
namespace {

constexpr auto ping_interval = std::chrono::milliseconds(500);

// Streams the turn's events as `data:` frames with a Ping every 500 ms. A failed write means the
// client left: the turn is cancelled (stopping the provider call) and we wait for it to wind down,
// so everything it produced is persisted before the request ends.
void stream_turn(AppContext& app, TurnRequest request, Response& res)
{
    auto queue = std::make_shared<EventQueue>();
    auto turn = app.turns.start(request, [queue](const Json& e) { queue->push(e); }, [queue] { queue->close(); });
    res.header("Cache-Control", "no-cache");
    SseWriter sse(res.stream(200, "text/event-stream"));
    auto last_ping = std::chrono::steady_clock::now();
    bool connected = true;
    while (connected) {
        auto event = queue->pop(std::chrono::milliseconds(100));
        if (event) connected = sse.data(event->dump(-1, ' ', false, Json::error_handler_t::replace));
        else if (queue->finished()) break;
        if (connected && std::chrono::steady_clock::now() - last_ping >= ping_interval) {
            connected = sse.data(R"({"type":"Ping"})");
            last_ping = std::chrono::steady_clock::now();
        }
        if (HttpServer::shutting_down()) turn->cancel().cancel();
    }
    if (!connected) turn->cancel().cancel();
    turn->join();
}

} // namespace

void register_reply_routes(Router& router, AppContext& app)
{
    RouteOptions reply_options{.auth = true, .json_body = true, .max_body = 50 * 1024 * 1024};
    router.add(
        "POST", "/reply",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string session_id = fields::required_string(body, "session_id");
            auto message = body.find("user_message");
            if (message == body.end() || message->is_null()) throw unprocessable("missing field `user_message`");
            auto history = fields::optional_array(body, "override_conversation");
            if (!history) history = fields::optional_array(body, "conversation_so_far");
            stream_turn(app, prepare_turn(app, req.user_id(), session_id, *message, history), res);
        },
        reply_options);

    router.add(
        "POST", "/action-required/tool-confirmation",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string id = fields::required_string(body, "id");
            const std::string session_id = fields::required_string(body, "sessionId");
            const std::string action_text = fields::required_string(body, "action");
            const auto action = parse_confirm_action(action_text);
            if (!action)
                throw unprocessable("field `action` must be one of allow_once, always_allow, deny_once, always_deny, cancel");
            if (auto principal = fields::optional_string(body, "principalType"); principal && *principal != "Tool" && *principal != "Extension")
                throw unprocessable("field `principalType` must be Tool or Extension");
            app.sessions.get_session(req.user_id(), session_id); // another user's session is not found
            if (!app.agent_services.confirmations.deliver(session_id, id, *action))
                throw not_found("No tool confirmation is waiting for id " + id + " in this session");
            res.json(Json::object());
        },
        RouteOptions{.auth = true, .json_body = true});
}

} // namespace gaggle
