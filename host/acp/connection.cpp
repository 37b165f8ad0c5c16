#include "acp/connection.hpp"

#include "acp/auth_methods.hpp"
#include "acp/dictation_methods.hpp"
#include "acp/goose_methods.hpp"
#include "acp/mcp_servers.hpp"
#include "acp/model_option.hpp"
#include "acp/params.hpp"
#include "acp/permission_request.hpp"
#include "acp/plan_updates.hpp"
#include "acp/prompt_content.hpp"
#include "acp/session_list.hpp"
#include "acp/session_modes.hpp"
#include "acp/session_updates.hpp"
#include "agent/agent_manager.hpp"
#include "agent/messages.hpp"
#include "agent/session_mode.hpp"
#include "agent/turn_service.hpp"
#include "api/turn_input.hpp"
#include "common/error.hpp"
#include "store/timestamps.hpp"
#include "mcp/extension_config.hpp"
#include "recipe/slash_command_list.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace gaggle::acp {
namespace {

const Json& object_params(const Incoming& m)
{
    if (!m.params.is_object()) throw invalid_params("`params` must be an object");
    return m.params;
}

std::string absolute_directory(const Json& params)
{
    const std::string cwd = required_string(params, "cwd");
    if (!std::filesystem::path(cwd).is_absolute()) throw invalid_params("`cwd` must be an absolute path");
    return existing_directory(cwd, "cwd");
}

const Json& required_servers(const Json& params)
{
    auto it = params.find("mcpServers");
    if (it == params.end()) throw invalid_params("`mcpServers` is required (an empty array for none)");
    return *it;
}

// Hidden messages (a compaction's summary for the model) are not part of what the user saw.
bool user_visible(const Json& message)
{
    auto meta = message.find("metadata");
    if (meta == message.end() || !meta->is_object()) return true;
    auto visible = meta->find("userVisible");
    return visible == meta->end() || !visible->is_boolean() || visible->get<bool>();
}

// Runs `f`; a session the store does not know (or that is another user's) becomes ACP's
// "Resource not found" with the session id in data, as the ACP SDKs expect.
template <class F>
auto with_session(const std::string& session_id, F&& f)
{
    try {
        return f();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) throw;
        throw RpcError(rpc_code::resource_not_found, "Session not found: " + session_id, Json{{"sessionId", session_id}});
    }
}

} // namespace

Connection::Connection(AppContext& app, Outbox& out, std::string owner) : app_(app), out_(out), owner_(std::move(owner)) {}

void Connection::receive(std::string_view line)
{
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return;
    Incoming m;
    try {
        m = parse_message(line);
    } catch (const BadMessage& e) {
        out_.send(make_error(e.id(), e.code(), e.what()));
        return;
    }
    try {
        switch (m.kind) {
        case Incoming::Kind::request: handle_request(m); break;
        case Incoming::Kind::notification: handle_notification(m); break;
        case Incoming::Kind::response: handle_response(m); break;
        }
    } catch (const std::exception& e) {
        spdlog::error("acp: {} failed: {}", m.method.empty() ? "a response" : m.method, e.what());
    }
}

void Connection::handle_request(const Incoming& m)
{
    try {
        Json result;
        if (m.method == "initialize") result = initialize(object_params(m));
        else if (m.method == "session/new") result = new_session(object_params(m));
        else if (m.method == "session/load") result = load_session(object_params(m));
        else if (m.method == "session/resume") result = resume_session(object_params(m));
        else if (m.method == "session/fork") result = fork_session(object_params(m));
        else if (m.method == "session/list") result = list_sessions(app_.sessions, owner_, object_params(m));
        else if (m.method == "session/close") result = close_session(object_params(m));
        else if (m.method == "session/delete") result = delete_session(object_params(m));
        else if (m.method == "session/archive") result = set_archived(object_params(m), true);
        else if (m.method == "session/unarchive") result = set_archived(object_params(m), false);
        else if (m.method == "session/set_mode") result = set_mode(object_params(m));
        else if (m.method == "session/set_title") result = set_title(object_params(m));
        else if (m.method == "session/set_config_option") result = set_config_option(object_params(m));
        else if (m.method == "session/prompt") return prompt(m.id, object_params(m));
        else if (auto goose = call_goose_method(app_, owner_, m.method, m.params)) result = std::move(*goose);
        else if (auto dictation = call_dictation_method(app_, owner_, m.method, m.params)) result = std::move(*dictation);
        else if (m.method == "authenticate") result = authenticate(app_.providers, app_.config, object_params(m));
        else if (m.method == "auth/status") {
            object_params(m); // refuses params that are not an object, as every method does
            result = auth_status(app_.providers, app_.config);
        }
        else throw RpcError(rpc_code::method_not_found, "Method not found: " + m.method);
        std::string opened; // a session the client just opened, told its commands after the answer
        if (m.method == "session/new") opened = result["sessionId"].get<std::string>();
        else if (m.method == "session/fork") opened = result["sessionId"].get<std::string>();
        else if (m.method == "session/load" || m.method == "session/resume") opened = m.params["sessionId"].get<std::string>();
        out_.send(make_response(m.id, std::move(result)));
        if (!opened.empty()) announce_commands(opened);
    } catch (const std::exception& e) {
        const auto* rpc = dynamic_cast<const RpcError*>(&e);
        out_.send(make_error(m.id, code_for(e), e.what(), rpc ? rpc->data() : Json()));
    }
}

void Connection::handle_notification(const Incoming& m)
{
    if (m.method == "session/cancel") cancel(m.params);
    else spdlog::debug("acp: ignoring notification {}", m.method);
}

Json Connection::initialize(const Json& params)
{
    auto version = params.find("protocolVersion");
    if (version == params.end() || !version->is_number_integer() || version->get<std::int64_t>() < 0)
        throw invalid_params("`protocolVersion` must be a non-negative integer");
    {
        std::lock_guard lock(mutex_);
        capabilities_ = client_capabilities(params);
    }
    // We speak version 1 only; answering with it lets a newer client decide whether to go on.
    return Json{{"protocolVersion", protocol_version},
                {"agentCapabilities",
                 {{"loadSession", true},
                  {"promptCapabilities", {{"image", true}, {"audio", false}, {"embeddedContext", true}}},
                  {"mcpCapabilities", {{"http", true}, {"sse", true}}},
                  // auth/status is still unstable in the ACP schema.
                  {"auth", {{"status", Json::object()}}},
                  // title is session/set_title, still unstable in the ACP schema.
                  {"sessionCapabilities",
                   {{"list", Json::object()}, {"delete", Json::object()}, {"resume", Json::object()}, {"fork", Json::object()},
                    {"close", Json::object()}, {"title", Json::object()}, {"archive", Json::object()}}}}},
                {"authMethods", auth_methods()},
                {"agentInfo", {{"name", "gaggle"}, {"title", "Gaggle"}, {"version", GAGGLE_VERSION}}}};
}

Json Connection::new_session(const Json& params)
{
    StartSessionRequest start;
    start.working_dir = absolute_directory(params);
    const Json servers = extension_configs(required_servers(params));
    const SessionInfo session = app_.agents.start(owner_, start);
    // Waits for the configured extensions, as /agent/resume with load_model_and_extensions does,
    // so the first prompt finds its tools.
    for (const auto& r : app_.agents.open(owner_, session))
        if (!r.success) spdlog::warn("acp: session {}: extension {} did not start: {}", session.id, r.name, r.error.value_or("?"));
    try {
        start_client_servers(session.id, servers);
    } catch (...) {
        // The client is told the session failed, so none is left behind for it.
        app_.agents.forget(session.id);
        app_.sessions.delete_session(owner_, session.id);
        throw;
    }
    return Json{{"sessionId", session.id},
                {"modes", mode_state(session_mode(app_.config, session))},
                {"configOptions", config_options(app_, session)}};
}

Json Connection::load_session(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const std::string cwd = absolute_directory(params);
    const Json servers = extension_configs(required_servers(params));
    const LoadedSession loaded = with_session(id, [&] { return app_.sessions.load_session(owner_, id); });
    Json answer = open_session(loaded.info, cwd, servers);
    // The history goes out before the answer, so a client has it all when load returns.
    PlanTracker plan;
    for (const auto& raw : loaded.conversation) {
        const Json message = Json::parse(raw);
        if (!user_visible(message)) continue;
        for (auto& update : message_updates(message))
            out_.send(make_notification("session/update", Json{{"sessionId", id}, {"update", std::move(update)}}));
        if (auto p = plan.after(message)) out_.send(make_notification("session/update", Json{{"sessionId", id}, {"update", std::move(*p)}}));
    }
    return answer;
}

// As load, without the history: the client still shows it.
Json Connection::resume_session(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const std::string cwd = absolute_directory(params);
    auto given = params.find("mcpServers");
    const Json servers = extension_configs(given == params.end() || given->is_null() ? Json::array() : *given);
    return open_session(with_session(id, [&] { return app_.sessions.get_session(owner_, id); }), cwd, servers);
}

Json Connection::open_session(const SessionInfo& session, const std::string& cwd, const Json& servers)
{
    const std::string& id = session.id;
    SessionInfo opened = session;
    if (session.working_dir != cwd) {
        app_.agents.update_working_dir(owner_, id, cwd);
        opened.working_dir = cwd;
    }
    app_.agents.open(owner_, opened);
    start_client_servers(id, servers);
    return Json{{"modes", mode_state(session_mode(app_.config, session))}, {"configOptions", config_options(app_, session)}};
}

// A copy of a stored session, its whole conversation included, opened for this client as
// resume opens one (cwd, the client's MCP servers). The copy is a session of its own from then on.
Json Connection::fork_session(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const std::string cwd = absolute_directory(params);
    auto given = params.find("mcpServers");
    const Json servers = extension_configs(given == params.end() || given->is_null() ? Json::array() : *given);
    const SessionInfo copy = with_session(id, [&] { return app_.sessions.fork_session(owner_, id, ForkOptions{}); });
    try {
        Json answer = open_session(copy, cwd, servers);
        answer["sessionId"] = copy.id;
        return answer;
    } catch (...) {
        // The client is told the fork failed, so no copy is left behind for it.
        app_.agents.forget(copy.id);
        app_.sessions.delete_session(owner_, copy.id);
        throw;
    }
}

// The client is done with the session: its prompt is cancelled and the agent (with the client's
// MCP servers) stops. The session stays stored.
Json Connection::close_session(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    with_session(id, [&] { return app_.sessions.get_session(owner_, id); });
    if (auto prompt = prompt_of(id)) {
        prompt->cancel();
        if (auto t = prompt->turn()) t->join();
    }
    app_.agents.forget(id);
    return Json::object();
}

Json Connection::delete_session(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    if (prompt_of(id)) throw RpcError(rpc_code::invalid_request, "a prompt is running in this session: cancel it first");
    with_session(id, [&] {
        app_.sessions.delete_session(owner_, id);
        return 0;
    });
    app_.agents.forget(id);
    return Json::object();
}

// Archiving first ends the session's work here as session/close does (the schema asks for it);
// both keep the id and the history, and only change which listings show the session.
Json Connection::set_archived(const Json& params, bool archive)
{
    const std::string id = required_string(params, "sessionId");
    if (archive) close_session(params);
    with_session(id, [&] { return app_.sessions.set_archived(owner_, id, archive ? std::optional(now_unix_ms()) : std::nullopt); });
    return Json::object();
}

// The mode is the session's own from now on, over ACP and REST alike; the next turn runs in it.
Json Connection::set_mode(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const std::string mode = requested_mode(params);
    SessionPatch patch;
    patch.extension_data_merge = session_mode_patch(mode);
    with_session(id, [&] { return app_.sessions.update_session(owner_, id, patch); });
    out_.send(make_notification("session/update", Json{{"sessionId", id}, {"update", current_mode_update(mode)}}));
    return Json::object();
}

// The model choice is the session's own from now on, as POST /agent/update_provider makes it.
Json Connection::set_config_option(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const SessionInfo session = with_session(id, [&] { return app_.sessions.get_session(owner_, id); });
    const SessionInfo changed = app_.sessions.update_session(owner_, id, config_option_patch(app_, session, params));
    return Json{{"configOptions", config_options(app_, changed)}};
}

// The user's own title, as PUT /sessions/{id}/name: automatic naming leaves it alone after.
Json Connection::set_title(const Json& params)
{
    const std::string id = required_string(params, "sessionId");
    const std::string title = required_string(params, "title");
    const SessionInfo renamed = with_session(id, [&] { return app_.sessions.rename_session(owner_, id, title); });
    out_.send(make_notification("session/update", Json{{"sessionId", id},
                                                        {"update", {{"sessionUpdate", "session_info_update"}, {"title", renamed.name}}}}));
    return Json{{"title", renamed.name}};
}

// The slash commands a prompt may start with: the builtins and the recipes bound to a command.
void Connection::announce_commands(const std::string& session_id)
{
    Json commands = Json::array();
    for (const auto& c : offered_slash_commands(app_.config, app_.kv)) {
        Json command{{"name", c.command}, {"description", c.help.empty() ? "Runs the recipe /" + c.command : c.help}};
        if (!c.builtin) command["input"] = Json{{"hint", "what the recipe's parameters should be"}};
        commands.push_back(std::move(command));
    }
    out_.send(make_notification("session/update", Json{{"sessionId", session_id},
                                                        {"update", {{"sessionUpdate", "available_commands_update"}, {"availableCommands", std::move(commands)}}}}));
}

std::shared_ptr<PromptTurn> Connection::prompt_of(const std::string& session_id)
{
    std::lock_guard lock(mutex_);
    auto it = prompts_.find(session_id);
    return it == prompts_.end() ? nullptr : it->second;
}

// The client's own MCP servers join this process's agent of the session; they are not written
// into the session's extension list, so a REST client resuming it later does not start an
// editor's servers.
void Connection::start_client_servers(const std::string& session_id, const Json& configs)
{
    if (configs.empty()) return;
    const ExtensionLauncher* launcher = app_.agents.extension_launcher();
    if (!launcher) throw RpcError(rpc_code::internal_error, "no extension launcher: MCP servers cannot start");
    const SessionInfo session = app_.sessions.get_session(owner_, session_id);
    auto agent = app_.agents.get_or_create(owner_, session_id);
    for (const auto& config : configs) {
        const auto spec = mcp::parse_extension_config(config);
        // GOOSE_ALLOWLIST holds for the client's servers as for /agent/add_extension.
        if (auto refused = launcher->refusal(spec)) throw invalid_params("MCP server " + spec.name + ": " + *refused);
        try {
            const auto r = agent->add_extension(spec, *launcher, ExtensionSession{owner_, session_id, session.working_dir});
            if (!r.success) throw std::runtime_error(r.error.value_or("it did not start"));
        } catch (const std::exception& e) {
            throw RpcError(rpc_code::internal_error, "MCP server " + spec.name + " did not start: " + e.what());
        }
    }
}

void Connection::prompt(const Json& id, const Json& params)
{
    const std::string session_id = required_string(params, "sessionId");
    auto given = params.find("prompt");
    Json message = make_message("user", prompt_to_content(given == params.end() ? Json() : *given));
    TurnRequest request = with_session(session_id, [&] { return prepare_turn(app_, owner_, session_id, std::move(message), std::nullopt); });
    request.client_runs_frontend_tools = false; // ACP has no frontendToolRequest
    {
        std::lock_guard lock(mutex_);
        if (capabilities_.read_text_file || capabilities_.write_text_file || capabilities_.terminal) {
            auto& tools = editor_tools_[session_id];
            if (!tools) tools = std::make_shared<EditorTools>(client_requests_, out_, session_id, capabilities_);
            request.client_tools = tools;
        }
    }
    auto turn = std::make_shared<PromptTurn>(id, session_id, out_,
                                             [this](const std::string& s, const Json& data) { on_action_required(s, data); });
    {
        std::lock_guard lock(mutex_);
        if (closed_) throw RpcError(rpc_code::internal_error, "the connection is closing");
        if (prompts_.count(session_id)) throw RpcError(rpc_code::invalid_request, "a prompt is already running in this session");
        prompts_[session_id] = turn;
    }
    try {
        turn->set_turn(app_.turns.start(
            request, [turn](const Json& e) { turn->on_event(e); }, [this, turn] { finish_prompt(turn); }));
    } catch (...) {
        std::lock_guard lock(mutex_);
        prompts_.erase(session_id);
        throw;
    }
}

void Connection::finish_prompt(const std::shared_ptr<PromptTurn>& prompt)
{
    {
        std::lock_guard lock(mutex_);
        if (auto it = prompts_.find(prompt->session_id()); it != prompts_.end() && it->second == prompt) prompts_.erase(it);
        // An answer that comes after the turn ended has nothing left to reach.
        for (auto it = permissions_.begin(); it != permissions_.end();)
            it = it->second.session_id == prompt->session_id() ? permissions_.erase(it) : std::next(it);
    }
    out_.send(prompt->response());
}

void Connection::cancel(const Json& params)
{
    if (!params.is_object() || !params.contains("sessionId") || !params["sessionId"].is_string()) {
        spdlog::warn("acp: session/cancel without a sessionId string");
        return;
    }
    if (auto prompt = prompt_of(params["sessionId"].get<std::string>())) prompt->cancel();
}

void Connection::on_action_required(const std::string& session_id, const Json& action_data)
{
    if (action_data.value("actionType", std::string()) == "elicitation") decline_elicitation(session_id, action_data);
    else ask_permission(session_id, action_data);
}

void Connection::decline_elicitation(const std::string& session_id, const Json& action_data)
{
    // An MCP server's question: ACP has no stable way to put it to the client yet, so the server
    // is told no at once rather than left waiting for its timeout.
    app_.agent_services.elicitations.deliver(session_id, action_data.value("id", std::string()), Json());
}

void Connection::ask_permission(const std::string& session_id, const Json& action_data)
{
    std::int64_t id;
    {
        std::lock_guard lock(mutex_);
        id = next_request_id_++;
        permissions_[id] = PendingPermission{session_id, action_data.value("id", std::string())};
    }
    out_.send(make_request(id, "session/request_permission", permission_request_params(session_id, action_data)));
}

void Connection::handle_response(const Incoming& m)
{
    if (client_requests_.deliver(m)) return;
    if (!m.id.is_number_integer()) return;
    PendingPermission pending;
    std::shared_ptr<PromptTurn> prompt;
    {
        std::lock_guard lock(mutex_);
        auto it = permissions_.find(m.id.get<std::int64_t>());
        if (it == permissions_.end()) {
            spdlog::debug("acp: a response to no request of ours (id {})", m.id.dump());
            return;
        }
        pending = std::move(it->second);
        permissions_.erase(it);
        if (auto p = prompts_.find(pending.session_id); p != prompts_.end()) prompt = p->second;
    }
    const ConfirmAction action = m.error ? ConfirmAction::cancel : action_for_answer(m.result);
    if (action == ConfirmAction::cancel && prompt) prompt->cancel();
    // Sent before the answer is delivered: the turn thread reports the call completed right after.
    if (action == ConfirmAction::allow_once || action == ConfirmAction::always_allow)
        out_.send(make_notification("session/update",
                                    Json{{"sessionId", pending.session_id}, {"update", tool_status_update(pending.tool_call_id, "in_progress")}}));
    app_.agent_services.confirmations.deliver(pending.session_id, pending.tool_call_id, action);
}

void Connection::close()
{
    std::vector<std::shared_ptr<PromptTurn>> running;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        for (auto& [id, p] : prompts_) running.push_back(p);
    }
    client_requests_.close(); // a tool waiting on the client gives up now
    for (auto& p : running) p->cancel();
    for (auto& p : running)
        if (auto t = p->turn()) t->join();
}

} // namespace gaggle::acp
