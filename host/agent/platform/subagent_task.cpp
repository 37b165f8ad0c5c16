#include "agent/platform/subagent_task.hpp"

#include "agent/agent_loop.hpp"
#include "agent/messages.hpp"
#include "agent/platform/final_output_tool.hpp"
#include "agent/platform/tool_text_result.hpp"
#include "agent/session_extensions.hpp"
#include "agent/session_mode.hpp"
#include "agent/turn_service.hpp"
#include "common/error.hpp"

#include <chrono>
#include <thread>

namespace gaggle {
namespace {

constexpr std::size_t max_result_text = 64 * 1024; // what comes back goes into the parent's context
constexpr std::size_t max_title = 80;

std::string clipped(std::string text, std::size_t max)
{
    if (text.size() <= max) return text;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut; // not inside a UTF-8 character
    return text.substr(0, cut) + " [...]";
}

// The names of the tools an assistant message asks for.
std::string requested_tools(const Json& message)
{
    std::string names;
    for (const auto& c : message.value("content", Json::array()))
        if (c.is_object() && c.value("type", std::string()) == "toolRequest") {
            const Json call = c.value("toolCall", Json::object());
            const Json named = call.is_object() ? call.value("value", Json::object()) : Json::object();
            if (named.is_object() && named.contains("name") && named["name"].is_string()) {
                if (!names.empty()) names += ", ";
                names += named["name"].get<std::string>();
            }
        }
    return names;
}

} // namespace

std::shared_ptr<SubagentTask> SubagentTask::start(const PlatformHost& host, SessionStore& store, const SessionInfo& parent,
                                                  const SubagentSpec& spec, std::function<void(const std::string&)> progress)
{
    if (!host.start_turn) throw Error(ErrorKind::unavailable, "this process runs no agent turns, so it cannot delegate");
    auto task = std::shared_ptr<SubagentTask>(new SubagentTask());
    task->owner_ = parent.owner;
    task->title_ = clipped(spec.recipe.value("title", std::string("Delegated task")), max_title);
    task->shared_->progress = std::move(progress);

    NewSession s;
    s.owner = parent.owner;
    s.working_dir = parent.working_dir;
    s.name = "Subagent: " + task->title_;
    s.session_type = "sub_agent";
    s.extension_data = extension_data_with(Json::object(), spec.extensions);
    // Auto, as upstream runs subagents: approving the delegation approved the work. A tool that
    // still needs a person (a permission set to ask) is denied: nobody watches this turn.
    s.extension_data.update(session_mode_patch("auto"));
    s.recipe = spec.recipe;
    s.provider_name = spec.provider ? spec.provider : parent.provider_name;
    s.model_config = parent.model_config;
    if (spec.model) {
        Json mc = parent.model_config && parent.model_config->is_object() ? *parent.model_config : Json::object();
        mc["model_name"] = *spec.model;
        s.model_config = mc;
    }
    task->session_id_ = store.create_session(s).id;

    TurnRequest request;
    request.owner = parent.owner;
    request.session_id = task->session_id_;
    request.user_message = make_message("user", Json::array({text_content(spec.prompt)}));
    request.deny_on_approval = true; // nobody watches a subagent: approvals would wait forever
    // The emitter holds only the shared part: an abandoned task's turn may outlive the task.
    task->turn_ = host.start_turn(request, [shared = task->shared_](const Json& event) {
        const std::string type = event.value("type", std::string());
        std::lock_guard lock(shared->mutex);
        if (type == "Error") shared->error = event.value("error", std::string("the subagent failed"));
        else if (type == "Message" && shared->progress && event.contains("message")) {
            const std::string tools = requested_tools(event["message"]);
            if (!tools.empty()) shared->progress("subagent calls " + tools);
        }
    });
    return task;
}

bool SubagentTask::done() const { return turn_->done(); }

bool SubagentTask::wait(const CancelToken* interrupt) const
{
    using namespace std::chrono_literals;
    while (!turn_->done()) {
        if (!interrupt) std::this_thread::sleep_for(20ms);
        else if (interrupt->wait_for(20ms)) return false;
    }
    turn_->join();
    return true;
}

void SubagentTask::cancel()
{
    {
        std::lock_guard lock(shared_->mutex);
        shared_->progress = nullptr; // the caller is gone: nothing to tell
    }
    turn_->cancel().cancel();
}

Json SubagentTask::result(SessionStore& store) const
{
    std::string error;
    {
        std::lock_guard lock(shared_->mutex);
        error = shared_->error;
    }
    const LoadedSession loaded = store.load_session(owner_, session_id_);
    Json result;
    auto final_output = loaded.info.extension_data.find(final_output_key);
    if (final_output != loaded.info.extension_data.end() && final_output->is_object() && final_output->contains("output")) {
        result = tool_text_result(clipped((*final_output)["output"].dump(), max_result_text));
    } else {
        std::string last;
        for (const auto& raw : loaded.conversation) {
            const Json m = Json::parse(raw, nullptr, false);
            if (m.is_object() && m.value("role", std::string()) == "assistant") {
                std::string text = message_text(m);
                if (!text.empty()) last = std::move(text);
            }
        }
        if (!last.empty()) result = tool_text_result(clipped(last, max_result_text));
        else if (!error.empty()) result = tool_text_result("Delegation failed: " + error, true);
        else if (turn_->cancel().cancelled()) result = tool_text_result("The delegated task was cancelled before it said anything.", true);
        else result = tool_text_result("The subagent finished without saying anything.", true);
    }
    result["_meta"] = Json{{"subagent_session_id", session_id_}};
    return result;
}

} // namespace gaggle
