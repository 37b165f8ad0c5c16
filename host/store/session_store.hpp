#pragma once
// The durable session store: sessions and their messages, scoped by owner (user id).
//
// Contract shared by every engine:
// - thread-safe: any method may be called from any thread at any time;
// - every mutating call is one transaction; when it returns, the change is durable (except a
//   deferred TurnStep: it survives a crash of the process when the call returns, and is on
//   disk once a later durable call or sync() returns);
// - a session of another owner behaves exactly like a missing one: Error(not_found,
//   "Session not found");
// - bad input throws Error(invalid_argument) naming the field; engine trouble throws
//   Error(internal) or Error(unavailable), never an engine-specific exception;
// - messages are stored as the exact compact JSON text of the given object and returned as
//   that text, so a round trip is byte for byte.
#include "store/session_types.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gaggle {

// Receives one message's stored JSON text (the view is valid only during the call) and whether
// the model sees it (its metadata.agentVisible, kept in a column: known without parsing the text).
using MessageVisitor = std::function<void(std::string_view message_json, bool agent_visible)>;

// One step of an agent turn, applied in one transaction: the messages it completed, the token
// usage of its provider call and the session's automatic name, all or none.
struct TurnStep {
    std::span<const Json> messages{};        // validated as append_messages does
    std::optional<TokenUsage> usage{};       // as add_token_usage
    std::optional<std::string> name{};       // as SessionPatch::name (only while the user has not named it)
    // false: the step need not reach the disk before the call returns (it does reach the OS, so
    // it survives a crash of the process); the turn's next durable step or sync() makes it
    // durable, so a power loss loses at most the turn in flight.
    bool durable = true;
};

class SessionStore {
public:
    virtual ~SessionStore() = default;

    virtual SessionInfo create_session(const NewSession& session) = 0;
    virtual SessionInfo get_session(const std::string& owner, const std::string& id) = 0;
    // Metadata and conversation from one consistent snapshot.
    virtual LoadedSession load_session(const std::string& owner, const std::string& id) = 0;
    // Never reads messages.
    virtual SessionPage list_sessions(const std::string& owner, const ListQuery& query) = 0;
    virtual std::int64_t count_sessions(const std::string& owner) = 0;
    virtual void delete_session(const std::string& owner, const std::string& id) = 0;
    // The user's rename: trimmed, 1..200 characters; sets user_set_name.
    virtual SessionInfo rename_session(const std::string& owner, const std::string& id,
                                       const std::string& name) = 0;
    virtual SessionInfo update_session(const std::string& owner, const std::string& id,
                                       const SessionPatch& patch) = 0;
    // Archives the session at `at_ms` (unix ms), or unarchives it (nullopt). Changes nothing else:
    // updated_at stays, so the session keeps its place in listings. Archiving an archived session
    // keeps its first time. Throws not_found.
    virtual SessionInfo set_archived(const std::string& owner, const std::string& id,
                                     std::optional<std::int64_t> at_ms) = 0;
    virtual SessionInfo add_token_usage(const std::string& owner, const std::string& id,
                                        const TokenUsage& usage) = 0;

    // Validates (object; role user|assistant; content array of typed objects) and appends.
    // Returns the session's message_count afterwards.
    virtual std::int64_t append_message(const std::string& owner, const std::string& id,
                                        const Json& message) = 0;
    // Several messages in one transaction (all or none).
    virtual std::int64_t append_messages(const std::string& owner, const std::string& id,
                                         std::span<const Json> messages) = 0;
    // Applies one step of a turn atomically; returns what a step changes in the session, as it
    // is afterwards (throws not found for a session that is gone, an empty step included).
    virtual SessionCounters apply_turn_step(const std::string& owner, const std::string& id,
                                        const TurnStep& step) = 0;
    // Makes every change committed so far durable (the barrier after deferred steps).
    virtual void sync() = 0;
    // Streams messages in conversation order without building them all in memory. The store
    // holds a read snapshot during the walk; the visitor may call the store again.
    virtual void for_each_message(const std::string& owner, const std::string& id,
                                  const MessageVisitor& visit) = 0;
    virtual std::vector<std::string> load_messages(const std::string& owner,
                                                   const std::string& id) = 0;
    // Atomically replaces the whole conversation (override_conversation, compaction).
    virtual void replace_conversation(const std::string& owner, const std::string& id,
                                      std::span<const Json> messages) = 0;
    // Compaction in one transaction: every stored message becomes invisible to the agent
    // (metadata.agentVisible = false; text, order and search index untouched), then `summary`
    // is appended. Unlike replace_conversation it rewrites no message and no index entry.
    // Returns the session's message_count afterwards.
    virtual std::int64_t hide_from_agent_and_append(const std::string& owner, const std::string& id,
                                                    std::span<const Json> summary) = 0;
    // Drops messages whose `created` >= from_created (unix seconds); returns how many.
    virtual std::int64_t truncate_messages(const std::string& owner, const std::string& id,
                                           std::int64_t from_created) = 0;
    // Copies the session (metadata and messages, optionally truncated) under a new id.
    virtual SessionInfo fork_session(const std::string& owner, const std::string& id,
                                     const ForkOptions& options) = 0;
    // Creates a new session (fresh id and timestamps) from exported metadata and messages;
    // all or nothing.
    virtual SessionInfo import_session(const std::string& owner, const SessionInfo& meta,
                                       std::span<const Json> messages) = 0;

    // Sessions whose user-visible messages match any of the query's words (prefix match),
    // newest first. The text is user input: it is never parsed as query syntax.
    virtual std::vector<SessionInfo> search(const std::string& owner,
                                            const SearchQuery& query) = 0;
    virtual SessionInsights insights(const std::string& owner) = 0;
};

} // namespace gaggle
