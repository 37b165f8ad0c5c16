// POST /reply (the 1.24 chat stream) and POST /action-required/tool-confirmation.
#include "agent/confirmations.hpp"
#include "agent/messages.hpp"
#include "agent/turn_service.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "http/stream_handoff.hpp"
#include "http/stream_writer.hpp"

#include <mutex>
#include <utility>

namespace gaggle {
namespace {

// One /reply stream in the StreamWriter: the turn's events as `data:` frames, a Ping every 500 ms,
// and the end of the response once the turn is done. A client that leaves cancels the turn
// (stopping the provider call); the turn still winds down and persists what it produced on its
// own thread, as the turn service guarantees.
class TurnFeed final : public StreamFeed {
public:
    void set_turn(std::shared_ptr<RunningTurn> turn) { turn_ = std::move(turn); }

    void attach(std::function<void()> wake) override
    {
        std::lock_guard lock(shared_->mutex);
        shared_->wake = std::move(wake);
    }
    bool pull(std::string& out) override
    {
        std::lock_guard lock(shared_->mutex);
        out += std::exchange(shared_->text, {});
        return !shared_->closed;
    }
    void detach() override
    {
        bool finished;
        {
            std::lock_guard lock(shared_->mutex);
            shared_->wake = nullptr; // under the lock: no wake runs after this returns
            finished = shared_->closed;
        }
        if (!finished && turn_) turn_->cancel().cancel(); // the client left (or the server stops)
    }
    // The turn's events wait here while the client is behind, up to the writer's bound again.
    bool overrun(std::size_t bound) override
    {
        std::lock_guard lock(shared_->mutex);
        return shared_->text.size() > bound;
    }
    std::string heartbeat(std::uint64_t) override { return "data: {\"type\":\"Ping\"}\n\n"; }
    std::chrono::milliseconds heartbeat_interval() const override { return std::chrono::milliseconds(500); }

    // What the turn's callbacks (stream_turn) fill: they may outlive the feed (a turn winding
    // down after the client left).
    struct Shared {
        std::mutex mutex;
        std::string text; // events not yet pulled
        bool closed = false;
        std::function<void()> wake;
    };
    std::shared_ptr<Shared> shared() const { return shared_; }

private:
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    std::shared_ptr<RunningTurn> turn_;
};

void stream_turn(AppContext& app, TurnRequest request, Request& req, Response& res)
{
    auto feed = std::make_unique<TurnFeed>();
    auto shared = feed->shared();
    auto push = [shared](const Json& e) {
        std::string text = "data: " + e.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n\n";
        std::lock_guard lock(shared->mutex);
        shared->text += text;
        if (shared->wake) shared->wake();
    };
    auto done = [shared] {
        std::lock_guard lock(shared->mutex);
        shared->closed = true;
        if (shared->wake) shared->wake();
    };
    auto turn = app.turns.start(request, push, done);
    feed->set_turn(turn);
    res.header("Cache-Control", "no-cache");
    try {
        hand_off_stream(req, res, std::move(feed));
    } catch (...) {
        turn->cancel().cancel(); // nobody will read it
        throw;
    }
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
            if (const auto session = deliver_turn_answer(app, req.user_id(), session_id, *message)) {
                // The turn that asked goes on in its own stream; this one only ends, as upstream's.
                res.header("Cache-Control", "no-cache");
                return res.text("data: " + Json{{"type", "Finish"}, {"reason", "stop"}, {"token_state", token_state(session->tokens)}}.dump() + "\n\n",
                                200, "text/event-stream");
            }
            auto history = fields::optional_array(body, "override_conversation");
            if (!history) history = fields::optional_array(body, "conversation_so_far");
            stream_turn(app, prepare_turn(app, req.user_id(), session_id, *message, history), req, res);
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
