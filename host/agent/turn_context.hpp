#pragma once
// Everything one turn needs, gathered once at its start and passed to the parts of the loop
// (provider call, tool dispatch, compaction), so none of them reaches for globals.
#include "agent/cancel_token.hpp"
#include "agent/client_tools.hpp"
#include "agent/confirmations.hpp"
#include "agent/permissions.hpp"
#include "agent/provider_catalog.hpp"
#include "agent/tool_source.hpp"
#include "config/config.hpp"
#include "store/session_store.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace gaggle {

// Receives MessageEvent JSON objects ({"type":"Message"|"Error"|"Finish"|...}). Called from the
// turn's thread and, for tool notifications, from tool threads: implementations are thread-safe.
using EventEmitter = std::function<void(const Json& event)>;

struct AgentServices {
    SessionStore& store;
    const ProviderCatalog& providers;
    PermissionStore& permissions;
    ConfirmationBroker& confirmations;
    ElicitationBroker& elicitations;
    FrontendToolBroker& frontend_tools;
    const Config& config;
};

struct TurnContext {
    AgentServices& services;
    std::string owner;
    std::string session_id;
    SessionInfo session;           // as read at the turn's start; persist() refreshes its counters
    const ProviderEntry* provider = nullptr;
    std::string model;
    std::string mode;              // auto | approve | smart_approve | chat
    std::int64_t context_limit = 128000;
    const ToolSet& tools;
    const CancelToken& cancel;
    EventEmitter emit;
    // The whole conversation, read once when the turn starts (load_history) and kept in step
    // with the store by persist(), so a provider round never re-reads stored messages. The
    // messages read from the store stay text until something needs them parsed (compaction, a
    // retry, naming: parsed_history()); a turn that only sends them to the model never parses
    // them. Grows only by persist(); anything else that changes it goes through
    // replace_history(). Read it through parsed_history(): its first `unparsed` entries are null.
    std::vector<Json> history{};
    // history[i] as JSON text, for the provider request: the stored text of the messages read
    // from the store, the rest dumped once when first needed. Never longer than `history`.
    std::vector<std::string> history_text{};
    // Whether the model sees history[i], for the first `unparsed` messages (from the store's column).
    std::vector<bool> stored_agent_visible{};
    std::size_t unparsed = 0;
    bool unsynced = false;         // a deferred step is not yet known to be on disk

    // Stores one step (messages, usage, name) in one transaction that does not wait for the
    // disk, appends the messages to `history` and refreshes `session`.
    void persist(std::vector<Json> messages, std::optional<TokenUsage> usage = std::nullopt,
                 std::optional<std::string> name = std::nullopt);
    // The durability barrier: one fsync that makes every earlier step durable. Called before a
    // tool with side effects runs and before Finish.
    void barrier();
    // Sets the whole conversation (compaction, a retry, /clear, an override); drops history_text.
    void replace_history(std::vector<Json> messages);
    // Reads the stored conversation as text (at the turn's start, before anything is appended).
    void load_history();
    // The conversation with every message parsed (those still text are parsed now, once).
    std::vector<Json>& parsed_history();
    // The agent-visible messages as the text of one JSON array, without copying a message.
    std::string agent_visible_json();
    bool deny_on_approval = false; // TurnRequest::deny_on_approval
    bool client_runs_frontend_tools = false; // TurnRequest::client_runs_frontend_tools, when attended
    std::shared_ptr<ClientToolRunner> client_tools{}; // TurnRequest::client_tools

    // A Message event with the session's current token state.
    Json message_event(Json message) const;
    void emit_message(const Json& message) const { emit(message_event(message)); }
    void emit_error(const std::string& text) const { emit(Json{{"type", "Error"}, {"error", text}}); }
    // A status line for the user (systemNotification: inlineMessage, thinkingMessage), not stored
    // and not seen by the model.
    void emit_notification(const std::string& type, const std::string& text) const;
};

} // namespace gaggle
