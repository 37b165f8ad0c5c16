#pragma once
// One ACP client connection: dispatches its JSON-RPC messages to the ACP methods, over the same
// agent core the REST routes use (AgentManager for sessions and their MCP servers, TurnService for
// turns, ConfirmationBroker for approvals). An ACP session is a Gaggle session of `owner`.
//
// Threads: receive() is called by the transport's reader, one message at a time; prompt turns run
// on the turn service's threads and send through the Outbox from there.
#include "acp/client_requests.hpp"
#include "acp/editor_tools.hpp"
#include "acp/jsonrpc.hpp"
#include "acp/outbox.hpp"
#include "acp/prompt_turn.hpp"
#include "app/app_context.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace gaggle::acp {

inline constexpr int protocol_version = 1;

class Connection {
public:
    Connection(AppContext& app, Outbox& out, std::string owner);
    ~Connection() { close(); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One incoming line: answered (now or, for session/prompt, when its turn ends) or, for a
    // notification or a response, acted on. Never throws.
    void receive(std::string_view line);
    // The transport is gone: every prompt turn is cancelled and waited for.
    void close();

private:
    void handle_request(const Incoming& m);
    void handle_notification(const Incoming& m);
    void handle_response(const Incoming& m);

    Json initialize(const Json& params);
    Json new_session(const Json& params);
    Json load_session(const Json& params);
    Json resume_session(const Json& params);
    Json fork_session(const Json& params);
    Json close_session(const Json& params);
    Json delete_session(const Json& params);
    // session/archive (archive = true) and session/unarchive.
    Json set_archived(const Json& params, bool archive);
    Json set_mode(const Json& params);
    Json set_title(const Json& params);
    Json set_config_option(const Json& params);
    void prompt(const Json& id, const Json& params); // answered when the turn ends
    void cancel(const Json& params);

    // A turn's actionRequired: a tool confirmation becomes session/request_permission; an MCP
    // elicitation is declined.
    void on_action_required(const std::string& session_id, const Json& action_data);
    void ask_permission(const std::string& session_id, const Json& action_data);
    void decline_elicitation(const std::string& session_id, const Json& action_data);
    void finish_prompt(const std::shared_ptr<PromptTurn>& prompt);
    void start_client_servers(const std::string& session_id, const Json& configs);
    // Opens a stored session, as the caller read it, for this client (cwd, agent, the client's MCP
    // servers) and answers with its modes and config options: what session/load and resume share.
    Json open_session(const SessionInfo& session, const std::string& cwd, const Json& servers);
    void announce_commands(const std::string& session_id);
    // The running prompt of a session on this connection, if any.
    std::shared_ptr<PromptTurn> prompt_of(const std::string& session_id);

    struct PendingPermission {
        std::string session_id;
        std::string tool_call_id;
    };

    AppContext& app_;
    Outbox& out_;
    const std::string owner_;
    ClientRequests client_requests_{out_}; // fs/* and terminal/* asked of the client
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<PromptTurn>> prompts_; // by session id
    std::map<std::int64_t, PendingPermission> permissions_;      // by our request id
    std::int64_t next_request_id_ = 1;
    bool closed_ = false;
    ClientCapabilities capabilities_;                                    // what initialize offered
    std::map<std::string, std::shared_ptr<EditorTools>> editor_tools_; // by session id, when offered
};

} // namespace gaggle::acp
