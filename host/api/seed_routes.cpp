// The seed-era APIs, so their clients keep working:
// - goose-api: POST /session/start {prompt}, POST /session/reply {prompt, session_id?} answer with
//   the agent's whole reply as JSON; GET /provider/config.
// - the deployment guide: POST /sessions/{id}/messages {content} streams named SSE events
//   message_chunk, tool_call, tool_result, message_complete (and error).
#include "agent/agent_manager.hpp"
#include "agent/event_queue.hpp"
#include "agent/messages.hpp"
#include "agent/provider_catalog.hpp"
#include "agent/session_extensions.hpp"
#include "agent/turn_service.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "http/sse.hpp"

#include <filesystem>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

// Runs a turn to its end and returns the assistant's text, or throws with the turn's error. A turn
// that stops to ask for a tool confirmation (approve mode) is answered at once with that request
// as `pending_confirmation` and status "awaiting_confirmation": it goes on once
// POST /action-required/tool-confirmation answers, instead of holding this HTTP thread meanwhile.
Json run_to_completion(AppContext& app, const TurnRequest& request)
{
    auto queue = std::make_shared<EventQueue>();
    auto turn = app.turns.start(request, [queue](const Json& e) { queue->push(e); }, [queue] { queue->close(); });
    std::string text, error;
    Json tool_calls = Json::array();
    Json pending;
    while (pending.is_null()) {
        auto e = queue->pop(std::chrono::milliseconds(250));
        if (!e) {
            if (queue->finished()) break;
            continue;
        }
        const std::string type = e->value("type", std::string());
        if (type == "Error") error = e->value("error", std::string());
        if (type != "Message" || (*e)["message"].value("role", "") != "assistant") continue;
        for (const auto& c : (*e)["message"]["content"]) {
            const std::string ct = c.value("type", std::string());
            if (ct == "text") text += c.value("text", std::string());
            if (ct == "toolRequest") tool_calls.push_back(c);
            if (ct == "actionRequired" && c.contains("data") && c["data"].value("actionType", "") == "toolConfirmation")
                pending = c["data"];
        }
    }
    if (!pending.is_null())
        return Json{{"session_id", request.session_id}, {"message", text}, {"status", "awaiting_confirmation"},
                    {"error", nullptr}, {"tool_calls", tool_calls}, {"pending_confirmation", pending}};
    turn->join();
    if (!error.empty() && text.empty()) throw Error(ErrorKind::bad_gateway, error);
    return Json{{"session_id", request.session_id}, {"message", text}, {"status", error.empty() ? "completed" : "error"},
                {"error", error.empty() ? Json(nullptr) : Json(error)}, {"tool_calls", tool_calls}};
}

std::string required_prompt(const Json& body)
{
    std::string prompt = fields::required_string(body, "prompt");
    if (prompt.find_first_not_of(" \t\r\n") == std::string::npos) throw invalid_argument("`prompt` must not be blank");
    return prompt;
}

// Maps MessageEvents onto the deployment guide's named events.
bool write_seed_event(SseWriter& sse, const Json& e, std::string& message_id, std::string& full_text)
{
    const std::string type = e.value("type", std::string());
    if (type == "Error") return sse.event("error", Json{{"message", e.value("error", std::string())}}.dump());
    if (type == "Finish")
        return sse.event("message_complete",
                         Json{{"message_id", message_id}, {"content", full_text}, {"token_state", e["token_state"]}}.dump());
    if (type != "Message") return true;
    const Json& m = e["message"];
    for (const auto& c : m["content"]) {
        const std::string ct = c.value("type", std::string());
        bool ok = true;
        if (ct == "text" && m.value("role", "") == "assistant") {
            message_id = m.value("id", std::string());
            full_text += c.value("text", std::string());
            ok = sse.event("message_chunk", Json{{"message_id", message_id}, {"content", c["text"]}}.dump());
        } else if (ct == "toolRequest" && c["toolCall"].value("status", "") == "success") {
            ok = sse.event("tool_call", Json{{"id", c["id"]}, {"name", c["toolCall"]["value"]["name"]},
                                             {"arguments", c["toolCall"]["value"]["arguments"]}}.dump());
        } else if (ct == "toolResponse") {
            ok = sse.event("tool_result", Json{{"id", c["id"]}, {"result", c["toolResult"]}}.dump());
        }
        if (!ok) return false;
    }
    return true;
}

} // namespace

void register_seed_routes(Router& router, AppContext& app)
{
    router.add(
        "POST", "/session/start",
        [&app](Request& req, Response& res) {
            const std::string prompt = required_prompt(fields::object(req.json()));
            NewSession s;
            s.owner = req.user_id();
            s.working_dir = std::filesystem::current_path().string();
            s.extension_data = extension_data_with(Json::object(), configured_extensions(app.config));
            const SessionInfo created = app.sessions.create_session(s);
            res.json(run_to_completion(app, prepare_turn(app, req.user_id(), created.id, user_text_message(prompt), std::nullopt)));
        },
        json_body);

    router.add(
        "POST", "/session/reply",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string prompt = required_prompt(body);
            std::string id = fields::optional_string(body, "session_id").value_or("");
            if (id.empty()) { // goose-api continued "the current session": the user's latest
                ListQuery q;
                q.limit = 1;
                auto page = app.sessions.list_sessions(req.user_id(), q);
                if (page.sessions.empty()) throw not_found("No session to reply to: call /session/start first");
                id = page.sessions[0].id;
            }
            res.json(run_to_completion(app, prepare_turn(app, req.user_id(), id, user_text_message(prompt), std::nullopt)));
        },
        json_body);

    router.add("GET", "/provider/config", [&app](Request&, Response& res) {
        const std::string name = app.config.get_string_or("GOOSE_PROVIDER", "");
        const ProviderEntry* entry = name.empty() ? nullptr : app.providers.find(name);
        Json names = Json::array();
        for (const auto& e : app.providers.entries()) names.push_back(e.name);
        res.json(Json{{"provider", name.empty() ? Json(nullptr) : Json(name)},
                      {"model", app.config.get_string("GOOSE_MODEL") ? Json(*app.config.get_string("GOOSE_MODEL")) : Json(nullptr)},
                      {"is_configured", entry ? app.providers.is_configured(*entry) : false},
                      {"available_providers", names}});
    });

    router.add(
        "POST", "/sessions/{session_id}/messages",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string content = fields::required_string(body, "content");
            if (content.find_first_not_of(" \t\r\n") == std::string::npos) throw invalid_argument("`content` must not be blank");
            TurnRequest request = prepare_turn(app, req.user_id(), req.param("session_id"), user_text_message(content), std::nullopt);
            auto queue = std::make_shared<EventQueue>();
            auto turn = app.turns.start(request, [queue](const Json& e) { queue->push(e); }, [queue] { queue->close(); });
            res.header("Cache-Control", "no-cache");
            SseWriter sse(res.stream(200, "text/event-stream"));
            std::string message_id, text;
            bool connected = true;
            while (connected) {
                auto e = queue->pop(std::chrono::milliseconds(500));
                if (e) connected = write_seed_event(sse, *e, message_id, text);
                else if (queue->finished()) break;
                else connected = sse.comment("keep-alive");
            }
            if (!connected) turn->cancel().cancel();
            turn->join();
        },
        json_body);
}

} // namespace gaggle
