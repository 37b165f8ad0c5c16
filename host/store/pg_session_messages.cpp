#include "store/pg_session_store.hpp"

#include "common/error.hpp"
#include "store/message_facts.hpp"
#include "store/pg_session_rows.hpp"
#include "store/session_validation.hpp"

#include <limits>

// The message operations of PgSessionStore (pg_session_store.cpp has the session ones).
namespace gaggle {

using pg::Connection;
using pg::Params;
using pg::Result;

std::int64_t PgSessionStore::append_message(const std::string& owner, const std::string& id, const Json& message) {
    return append_messages(owner, id, std::span<const Json>(&message, 1));
}

std::int64_t PgSessionStore::append_messages(const std::string& owner, const std::string& id,
                                             std::span<const Json> messages) {
    const auto prepared = prepare_messages(messages, clock_());
    return db_->write([&](Connection& c) {
        const auto r = pg::reserve_messages(c, owner, id, static_cast<std::int64_t>(prepared.size()), false, clock_());
        pg::insert_messages(c, r.seq, r.first_ordinal, prepared);
        return r.message_count;
    });
}

namespace {

// The stored text with metadata.agentVisible = false, the rest of the message as it was (key
// order included: stored text is a compact ordered dump).
std::string hidden_from_agent(std::string_view stored) {
    Json message = Json::parse(stored.begin(), stored.end(), nullptr, false);
    if (message.is_discarded() || !message.is_object()) return std::string(stored);
    Json& metadata = message["metadata"];
    if (!metadata.is_object()) metadata = Json::object();
    metadata["agentVisible"] = false;
    return to_stored_json(message);
}

} // namespace

std::int64_t PgSessionStore::hide_from_agent_and_append(const std::string& owner, const std::string& id,
                                                         std::span<const Json> summary) {
    const auto prepared = prepare_messages(summary, clock_());
    return db_->write([&](Connection& c) {
        // Reserving first locks the session row, so no append slips in between.
        const auto r = pg::reserve_messages(c, owner, id, static_cast<std::int64_t>(prepared.size()), false, clock_());
        const Result visible = c.exec(
            "SELECT ordinal, json FROM messages WHERE session_seq = $1 AND agent_visible ORDER BY ordinal",
            Params().add(r.seq));
        if (visible.rows() > 0) {
            // Only agent_visible and json change, in one statement; the search vector stays.
            pg::ArrayLiteral ordinals, texts;
            for (int i = 0; i < visible.rows(); ++i) {
                ordinals.add(visible.text(i, 0));
                texts.add(hidden_from_agent(visible.text(i, 1)));
            }
            c.exec("UPDATE messages AS m SET agent_visible = false, json = t.j "
                   "FROM unnest($2::bigint[], $3::text[]) AS t(o, j) WHERE m.session_seq = $1 AND m.ordinal = t.o",
                   Params().add(r.seq).add(std::move(ordinals).finish()).add(std::move(texts).finish()));
        }
        pg::insert_messages(c, r.seq, r.first_ordinal, prepared);
        return r.message_count;
    });
}

void PgSessionStore::for_each_message(const std::string& owner, const std::string& id, const MessageVisitor& visit) {
    // Read in one snapshot, visited after the connection is back in the pool (see the header).
    const Result rows = db_->read([&](Connection& c) {
        const std::int64_t seq = pg::require_session(c, owner, id);
        return pg::read_messages(c, seq);
    });
    for (int i = 0; i < rows.rows(); ++i) visit(rows.text(i, 0), rows.boolean(i, 1));
}

std::vector<std::string> PgSessionStore::load_messages(const std::string& owner, const std::string& id) {
    std::vector<std::string> out;
    for_each_message(owner, id, [&](std::string_view m, bool) { out.emplace_back(m); });
    return out;
}

void PgSessionStore::replace_conversation(const std::string& owner, const std::string& id,
                                          std::span<const Json> messages) {
    const auto prepared = prepare_messages(messages, clock_());
    db_->write([&](Connection& c) {
        const auto r = pg::reserve_messages(c, owner, id, static_cast<std::int64_t>(prepared.size()), true, clock_());
        // Everything before the freshly reserved ordinals is the old conversation.
        c.exec("DELETE FROM messages WHERE session_seq = $1 AND ordinal < $2", Params().add(r.seq).add(r.first_ordinal));
        pg::insert_messages(c, r.seq, r.first_ordinal, prepared);
    });
}

std::int64_t PgSessionStore::truncate_messages(const std::string& owner, const std::string& id,
                                               std::int64_t from_created) {
    return db_->write([&](Connection& c) {
        const std::int64_t seq = pg::require_session(c, owner, id);
        const std::int64_t removed =
            c.exec("DELETE FROM messages WHERE session_seq = $1 AND created >= $2", Params().add(seq).add(from_created))
                .affected();
        if (removed > 0)
            c.exec("UPDATE sessions SET message_count = message_count - $1, updated_at = $2 WHERE seq = $3",
                   Params().add(removed).add(clock_()).add(seq));
        return removed;
    });
}

SessionInfo PgSessionStore::fork_session(const std::string& owner, const std::string& id, const ForkOptions& options) {
    return db_->write([&](Connection& c) {
        const std::int64_t seq = pg::require_session(c, owner, id);
        const std::int64_t now = clock_();
        const std::string new_id = pg::allocate_session_id(c, now);
        const std::int64_t new_seq =
            c.exec("INSERT INTO sessions (id, owner, name, user_set_name, working_dir, session_type, created_at, "
                   "updated_at, extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "
                   "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, "
                   "user_recipe_values, schedule_id, message_count, last_ordinal) "
                   "SELECT $1, owner, name, user_set_name, working_dir, session_type, $2, $2, extension_data, "
                   "input_tokens, output_tokens, total_tokens, accumulated_input_tokens, accumulated_output_tokens, "
                   "accumulated_total_tokens, provider_name, model_config, recipe, user_recipe_values, schedule_id, 0, "
                   "last_ordinal FROM sessions WHERE seq = $3 RETURNING seq",
                   Params().add(new_id).add(now).add(seq))
                .int64(0, 0);
        // Same ordinals in the new session: order and gaps are kept as they were.
        const std::int64_t copied =
            c.exec("INSERT INTO messages (session_seq, ordinal, message_id, created, role, user_visible, "
                   "agent_visible, json, search_vector) SELECT $1, ordinal, message_id, created, role, user_visible, "
                   "agent_visible, json, search_vector FROM messages WHERE session_seq = $2 AND created < $3",
                   Params().add(new_seq).add(seq).add(options.truncate_from.value_or(std::numeric_limits<std::int64_t>::max())))
                .affected();
        c.exec("UPDATE sessions SET message_count = $1 WHERE seq = $2", Params().add(copied).add(new_seq));
        return pg::fetch_session(c, owner, new_id);
    });
}

SessionInfo PgSessionStore::import_session(const std::string& owner, const SessionInfo& meta,
                                           std::span<const Json> messages) {
    validate_session_meta(meta);
    const auto prepared = prepare_messages(messages, clock_());
    return db_->write([&](Connection& c) {
        const std::int64_t now = clock_();
        SessionInfo s = meta;
        s.id = pg::allocate_session_id(c, now);
        s.owner = owner;
        s.created_at_ms = s.updated_at_ms = now;  // a new session: it lists as the newest
        s.message_count = static_cast<std::int64_t>(prepared.size());
        const std::int64_t seq = pg::insert_session(c, s);
        pg::insert_messages(c, seq, 1, prepared);
        return s;
    });
}

} // namespace gaggle
