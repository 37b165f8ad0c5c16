#include "plugin/agent_service.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "plugin/host_table.hpp"

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>

// The handle a plugin holds. Its state is shared with the turn's callbacks, which may outlive an
// early release only until the turn ends (release waits for that).
struct gaggle_agent_turn {
    struct State {
        std::mutex mutex;
        std::mutex call_mutex; // on_event calls never overlap, whichever thread emits
        std::condition_variable ended_cv;
        bool ended = false;
        bool cancelled = false;
        std::string status = "completed", text, error, last_message_id;
        gaggle_agent_event_fn on_event = nullptr;
        void* ctx = nullptr;
    };
    std::shared_ptr<State> state = std::make_shared<State>();
    std::function<void()> cancel;
    std::string session_id;
};

namespace gaggle {
namespace {

gaggle_status fail(gaggle_error* err, gaggle_status code, const std::string& message) noexcept
{
    if (err && err->struct_size >= sizeof(gaggle_error)) {
        err->code = code;
        const size_t n = std::min(message.size(), sizeof(err->message) - 1);
        std::memcpy(err->message, message.data(), n);
        err->message[n] = '\0';
    }
    return code;
}

gaggle_status status_for(const Error& e) noexcept
{
    switch (e.kind()) {
    case ErrorKind::invalid_argument:
    case ErrorKind::unprocessable: return GAGGLE_ERR_INVALID_ARGUMENT;
    case ErrorKind::not_found: return GAGGLE_ERR_NOT_FOUND;
    case ErrorKind::conflict:
    case ErrorKind::unavailable: return GAGGLE_ERR_UNAVAILABLE;
    case ErrorKind::precondition: return GAGGLE_ERR_UNSUPPORTED;
    default: return GAGGLE_ERR_INTERNAL;
    }
}

std::string text_of(gaggle_str s) { return s.data ? std::string(s.data, s.size) : std::string(); }

// Follows the turn's events: the text of the last assistant message, and how the turn ended.
void observe(gaggle_agent_turn::State& st, const Json& event)
{
    const std::string type = event.value("type", "");
    if (type == "Message" && event.contains("message") && event["message"].value("role", "") == "assistant") {
        const Json& m = event["message"];
        const std::string id = m.value("id", "");
        bool has_text = false;
        std::string text;
        for (const auto& item : m.value("content", Json::array()))
            if (item.value("type", "") == "text") has_text = true, text += item.value("text", "");
        if (!has_text) return;
        // Deltas of one message share its id; a new id starts a new message.
        if (id != st.last_message_id || id.empty()) st.text.clear();
        st.last_message_id = id;
        st.text += text;
    } else if (type == "Error") {
        st.status = "failed";
        st.error = event.value("error", "the turn failed");
    }
}

gaggle_status GAGGLE_ABI create_session(const gaggle_host* host, const gaggle_agent_session_options* o,
                                        char** out_session_id, gaggle_error* err) noexcept
{
    if (!o || o->struct_size < offsetof(gaggle_agent_session_options, recipe_json) + sizeof(gaggle_str) || !out_session_id)
        return fail(err, GAGGLE_ERR_INVALID_ARGUMENT, "options and out_session_id are required");
    try {
        const HostTable& self = HostTable::of(host);
        if (!self.services().agent_create_session) return fail(err, GAGGLE_ERR_UNSUPPORTED, "this host runs no agent turns");
        PluginSessionSpec spec;
        spec.owner = o->user_id ? o->user_id : self.services().agent_default_owner;
        spec.name = o->name ? o->name : "Scheduled run";
        spec.working_dir = o->working_dir ? o->working_dir : "";
        spec.schedule_id = o->schedule_id ? o->schedule_id : "";
        spec.recipe_json = text_of(o->recipe_json);
        if (!spec.recipe_json.empty()) {
            const Json recipe = Json::parse(spec.recipe_json, nullptr, false);
            if (!recipe.is_object()) return fail(err, GAGGLE_ERR_INVALID_ARGUMENT, "recipe_json must be a JSON object");
        }
        const std::string id = self.services().agent_create_session(spec);
        *out_session_id = static_cast<char*>(std::malloc(id.size() + 1));
        if (!*out_session_id) return fail(err, GAGGLE_ERR_INTERNAL, "out of memory");
        std::memcpy(*out_session_id, id.c_str(), id.size() + 1);
        return GAGGLE_OK;
    } catch (const Error& e) {
        return fail(err, status_for(e), e.what());
    } catch (const std::exception& e) {
        return fail(err, GAGGLE_ERR_INTERNAL, e.what());
    }
}

// The user message a turn sends: the prompt, else the recipe's prompt, else its instructions;
// a recipe's instructions precede an explicit or recipe prompt.
std::string message_text(const gaggle_agent_turn_options* o)
{
    std::string prompt = text_of(o->prompt), instructions;
    const std::string recipe_text = text_of(o->recipe_json);
    if (!recipe_text.empty()) {
        const Json recipe = Json::parse(recipe_text, nullptr, false);
        if (!recipe.is_object()) throw invalid_argument("recipe_json must be a JSON object");
        if (recipe.contains("instructions") && recipe["instructions"].is_string()) instructions = recipe["instructions"];
        if (prompt.empty() && recipe.contains("prompt") && recipe["prompt"].is_string()) prompt = recipe["prompt"];
    }
    if (prompt.empty() && instructions.empty()) throw invalid_argument("prompt (or a recipe's prompt or instructions) is required");
    if (instructions.empty()) return prompt;
    if (prompt.empty()) return instructions;
    return instructions + "\n\n" + prompt;
}

gaggle_status GAGGLE_ABI start_turn(const gaggle_host* host, const char* user_id, const char* session_id,
                                    const gaggle_agent_turn_options* o, gaggle_agent_turn** out_turn,
                                    gaggle_error* err) noexcept
{
    if (!session_id || !*session_id || !out_turn || !o ||
        o->struct_size < offsetof(gaggle_agent_turn_options, ctx) + sizeof(void*))
        return fail(err, GAGGLE_ERR_INVALID_ARGUMENT, "session_id, options and out_turn are required");
    if (o->policy != GAGGLE_AGENT_POLICY_DENY_ON_APPROVAL)
        return fail(err, GAGGLE_ERR_INVALID_ARGUMENT, "policy must be GAGGLE_AGENT_POLICY_DENY_ON_APPROVAL");
    try {
        const HostTable& self = HostTable::of(host);
        if (!self.services().agent_start_turn) return fail(err, GAGGLE_ERR_UNSUPPORTED, "this host runs no agent turns");
        PluginTurnSpec spec;
        spec.owner = user_id ? user_id : self.services().agent_default_owner;
        spec.session_id = session_id;
        spec.text = message_text(o);
        spec.deny_on_approval = true;

        auto turn = std::make_unique<gaggle_agent_turn>();
        turn->session_id = session_id;
        turn->state->on_event = o->on_event;
        turn->state->ctx = o->ctx;
        std::shared_ptr<gaggle_agent_turn::State> state = turn->state;
        turn->cancel = self.services().agent_start_turn(
            spec,
            [state](const std::string& event_json) {
                const Json event = Json::parse(event_json, nullptr, false);
                gaggle_agent_event_fn fn;
                void* ctx;
                {
                    std::lock_guard lock(state->mutex);
                    if (event.is_object()) observe(*state, event);
                    fn = state->on_event;
                    ctx = state->ctx;
                }
                if (!fn) return;
                std::lock_guard calling(state->call_mutex);
                fn(ctx, gaggle_str{event_json.data(), event_json.size()});
            },
            [state] {
                std::lock_guard lock(state->mutex);
                if (state->cancelled && state->status == "completed") state->status = "cancelled";
                state->ended = true;
                state->ended_cv.notify_all();
            });
        *out_turn = turn.release();
        return GAGGLE_OK;
    } catch (const Error& e) {
        return fail(err, status_for(e), e.what());
    } catch (const std::exception& e) {
        return fail(err, GAGGLE_ERR_INTERNAL, e.what());
    }
}

void GAGGLE_ABI cancel(gaggle_agent_turn* turn) noexcept
{
    if (!turn) return;
    {
        std::lock_guard lock(turn->state->mutex);
        if (turn->state->ended) return;
        turn->state->cancelled = true;
    }
    try {
        if (turn->cancel) turn->cancel();
    } catch (...) {
    }
}

gaggle_status GAGGLE_ABI await_result(gaggle_agent_turn* turn, uint32_t timeout_ms, gaggle_buffer* out,
                                      gaggle_error* err) noexcept
{
    if (!turn || !out) return fail(err, GAGGLE_ERR_INVALID_ARGUMENT, "turn and out are required");
    try {
        auto& st = *turn->state;
        std::unique_lock lock(st.mutex);
        const auto ended = [&] { return st.ended; };
        if (timeout_ms == UINT32_MAX) st.ended_cv.wait(lock, ended);
        else if (!st.ended_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), ended))
            return fail(err, GAGGLE_ERR_TIMEOUT, "the turn is still running");
        const std::string result = Json{{"status", st.status},
                                        {"text", st.text},
                                        {"error", st.error.empty() ? Json() : Json(st.error)},
                                        {"session_id", turn->session_id}}
                                       .dump();
        out->data = static_cast<char*>(std::malloc(result.size() + 1));
        if (!out->data) return fail(err, GAGGLE_ERR_INTERNAL, "out of memory");
        std::memcpy(out->data, result.c_str(), result.size() + 1);
        out->size = result.size();
        return GAGGLE_OK;
    } catch (const std::exception& e) {
        return fail(err, GAGGLE_ERR_INTERNAL, e.what());
    }
}

void GAGGLE_ABI release(gaggle_agent_turn* turn) noexcept
{
    if (!turn) return;
    cancel(turn);
    {
        std::unique_lock lock(turn->state->mutex);
        turn->state->ended_cv.wait(lock, [&] { return turn->state->ended; });
        turn->state->on_event = nullptr;
    }
    delete turn;
}

const gaggle_host_agent_v1 table = {sizeof(gaggle_host_agent_v1), &create_session, &start_turn, &cancel, &await_result,
                                    &release};

} // namespace

const gaggle_host_agent_v1* agent_service() noexcept { return &table; }

} // namespace gaggle
