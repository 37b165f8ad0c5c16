#include "store/sqlite_session_store.hpp"

#include "common/error.hpp"
#include "store/session_validation.hpp"
#include "store/sqlite_message_rows.hpp"
#include "store/sqlite_session_rows.hpp"

#include <limits>

// The message operations of SqliteSessionStore (sqlite_session_store.cpp has the session ones).
namespace gaggle {

using namespace sqlite;

std::int64_t SqliteSessionStore::append_message(const std::string& owner, const std::string& id,
                                                const Json& message) {
    return append_messages(owner, id, std::span<const Json>(&message, 1));
}

std::int64_t SqliteSessionStore::append_messages(const std::string& owner, const std::string& id,
                                                 std::span<const Json> messages) {
    const auto prepared = prepare_messages(messages, clock_());
    return db_->write([&](Connection& c) {
        const auto n = static_cast<std::int64_t>(prepared.size());
        const Reserved r = reserve_messages(c, owner, id, n, false, clock_());
        insert_messages(c, id, r.seq, r.first_ordinal, prepared);
        return r.message_count;
    });
}

std::int64_t SqliteSessionStore::hide_from_agent_and_append(const std::string& owner, const std::string& id,
                                                             std::span<const Json> summary) {
    const auto prepared = prepare_messages(summary, clock_());
    return db_->write([&](Connection& c) {
        const std::int64_t seq = require_session(c, owner, id);
        {
            // Only agent_visible and json change: the FTS triggers fire on search_text alone.
            auto st = c.prepare(
                "UPDATE messages SET agent_visible = 0, json = json_set(json, '$.metadata.agentVisible', json('false')) "
                "WHERE id BETWEEN ?1 AND ?2 AND agent_visible = 1");
            st->bind(1, first_message_rowid(seq));
            st->bind(2, last_message_rowid(seq));
            st->exec();
        }
        const auto n = static_cast<std::int64_t>(prepared.size());
        const Reserved r = reserve_messages(c, owner, id, n, false, clock_());
        insert_messages(c, id, r.seq, r.first_ordinal, prepared);
        return r.message_count;
    });
}

void SqliteSessionStore::for_each_message(const std::string& owner, const std::string& id,
                                          const MessageVisitor& visit) {
    db_->read([&](Connection& c) {
        const std::int64_t seq = require_session(c, owner, id);
        read_messages(c, seq, [&](const SQLite::Column& json, bool agent_visible) {
            visit(std::string_view(json.getText(), static_cast<std::size_t>(json.getBytes())), agent_visible);
        });
    });
}

std::vector<std::string> SqliteSessionStore::load_messages(const std::string& owner, const std::string& id) {
    std::vector<std::string> out;
    for_each_message(owner, id, [&](std::string_view m, bool) { out.emplace_back(m); });
    return out;
}

void SqliteSessionStore::replace_conversation(const std::string& owner, const std::string& id,
                                              std::span<const Json> messages) {
    const auto prepared = prepare_messages(messages, clock_());
    db_->write([&](Connection& c) {
        const auto n = static_cast<std::int64_t>(prepared.size());
        const Reserved r = reserve_messages(c, owner, id, n, true, clock_());
        {
            // Everything before the freshly reserved ordinals is the old conversation.
            auto del = c.prepare("DELETE FROM messages WHERE id BETWEEN ?1 AND ?2");
            del->bind(1, first_message_rowid(r.seq));
            del->bind(2, first_message_rowid(r.seq) + r.first_ordinal - 1);
            del->exec();
        }
        insert_messages(c, id, r.seq, r.first_ordinal, prepared);
    });
}

std::int64_t SqliteSessionStore::truncate_messages(const std::string& owner, const std::string& id,
                                                   std::int64_t from_created) {
    return db_->write([&](Connection& c) {
        const std::int64_t seq = require_session(c, owner, id);
        std::int64_t removed = 0;
        {
            auto st = c.prepare("DELETE FROM messages WHERE id BETWEEN ?1 AND ?2 AND created >= ?3");
            st->bind(1, first_message_rowid(seq));
            st->bind(2, last_message_rowid(seq));
            st->bind(3, from_created);
            removed = st->exec();
        }
        if (removed > 0) {
            auto st = c.prepare(
                "UPDATE sessions SET message_count = message_count - ?1, updated_at = ?2 WHERE seq = ?3");
            st->bind(1, removed);
            st->bind(2, clock_());
            st->bind(3, seq);
            st->exec();
        }
        return removed;
    });
}

SessionInfo SqliteSessionStore::fork_session(const std::string& owner, const std::string& id,
                                             const ForkOptions& options) {
    return db_->write([&](Connection& c) {
        const std::int64_t seq = require_session(c, owner, id);
        const std::int64_t now = clock_();
        const std::string new_id = allocate_session_id(c, now);
        const std::int64_t new_seq = next_session_seq(c);
        {
            auto st = c.prepare(
                "INSERT INTO sessions (id, seq, owner, name, user_set_name, working_dir, session_type, created_at, "
                "updated_at, extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "
                "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, "
                "user_recipe_values, schedule_id, message_count, last_ordinal) "
                "SELECT ?1, ?2, owner, name, user_set_name, working_dir, session_type, ?3, ?3, extension_data, "
                "input_tokens, output_tokens, total_tokens, accumulated_input_tokens, accumulated_output_tokens, "
                "accumulated_total_tokens, provider_name, model_config, recipe, user_recipe_values, schedule_id, 0, "
                "last_ordinal FROM sessions WHERE seq = ?4");
            st->bind(1, new_id);
            st->bind(2, new_seq);
            st->bind(3, now);
            st->bind(4, seq);
            st->exec();
        }
        std::int64_t copied = 0;
        {
            // Same ordinals in the new session's range: order and gaps are kept as they were.
            auto st = c.prepare(
                "INSERT INTO messages (id, session_id, message_id, created, role, user_visible, agent_visible, json, "
                "search_text) SELECT ?1 + (id - ?2), ?3, message_id, created, role, user_visible, agent_visible, "
                "json, search_text FROM messages WHERE id BETWEEN ?2 AND ?4 AND created < ?5 ORDER BY id");
            st->bind(1, first_message_rowid(new_seq));
            st->bind(2, first_message_rowid(seq));
            st->bind(3, new_id);
            st->bind(4, last_message_rowid(seq));
            st->bind(5, options.truncate_from.value_or(std::numeric_limits<std::int64_t>::max()));
            copied = st->exec();
        }
        {
            auto st = c.prepare("UPDATE sessions SET message_count = ?1 WHERE seq = ?2");
            st->bind(1, copied);
            st->bind(2, new_seq);
            st->exec();
        }
        return fetch_session(c, owner, new_id);
    });
}

SessionInfo SqliteSessionStore::import_session(const std::string& owner, const SessionInfo& meta,
                                               std::span<const Json> messages) {
    validate_session_meta(meta);
    const auto prepared = prepare_messages(messages, clock_());
    return db_->write([&](Connection& c) {
        const std::int64_t now = clock_();
        SessionInfo s = meta;
        s.id = allocate_session_id(c, now);
        s.owner = owner;
        s.created_at_ms = s.updated_at_ms = now;  // a new session: it lists as the newest
        s.message_count = static_cast<std::int64_t>(prepared.size());
        const std::int64_t seq = insert_session(c, s);
        insert_messages(c, s.id, seq, 1, prepared);
        return s;
    });
}

} // namespace gaggle
