#include "store/sqlite_message_rows.hpp"

#include "common/error.hpp"
#include "store/sqlite_session_rows.hpp"

namespace gaggle::sqlite {

void read_messages(Connection& c, std::int64_t seq, const std::function<void(const SQLite::Column& json, bool agent_visible)>& each) {
    auto st = c.prepare("SELECT json, agent_visible FROM messages WHERE id BETWEEN ?1 AND ?2 ORDER BY id");
    st->bind(1, first_message_rowid(seq));
    st->bind(2, last_message_rowid(seq));
    while (st->executeStep()) each(st->getColumn(0), st->getColumn(1).getInt() != 0);
}

void insert_messages(Connection& c, const std::string& session_id, std::int64_t seq, std::int64_t first_ordinal,
                     const std::vector<PreparedMessage>& messages) {
    auto st = c.prepare(
        "INSERT INTO messages (session_id, message_id, created, role, user_visible, agent_visible, json, "
        "search_text, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    std::int64_t rowid = first_message_rowid(seq) + first_ordinal;
    for (const auto& m : messages) {
        st->bind(1, session_id);
        bind_optional(*st, 2, m.facts.message_id);
        st->bind(3, m.facts.created);
        st->bind(4, m.facts.role);
        st->bind(5, m.facts.user_visible ? 1 : 0);
        st->bind(6, m.facts.agent_visible ? 1 : 0);
        st->bindNoCopy(7, m.json);  // lives until exec(); messages can be megabytes
        st->bindNoCopy(8, m.facts.search_text);
        st->bind(9, rowid++);
        st->exec();
        st->reset();
    }
}

Reserved reserve_messages(Connection& c, const std::string& owner, const std::string& id, std::int64_t n,
                          bool replace_count, std::int64_t now_ms) {
    auto st = c.prepare(
        "UPDATE sessions SET message_count = CASE WHEN ?1 THEN ?2 ELSE message_count + ?2 END, "
        "last_ordinal = last_ordinal + ?2, updated_at = ?3 WHERE id = ?4 AND owner = ?5 "
        "RETURNING seq, last_ordinal, message_count");
    st->bind(1, replace_count ? 1 : 0);
    st->bind(2, n);
    st->bind(3, now_ms);
    st->bind(4, id);
    st->bind(5, owner);
    if (!st->executeStep()) throw session_not_found();
    Reserved r{st->getColumn(0).getInt64(), st->getColumn(1).getInt64() - n + 1, st->getColumn(2).getInt64()};
    if (r.first_ordinal + n - 1 > kMaxOrdinal)
        throw invalid_argument("the session has reached the maximum number of messages");
    return r;
}

} // namespace gaggle::sqlite
