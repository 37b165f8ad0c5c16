#include "store/sqlite_session_rows.hpp"

#include "store/message_facts.hpp"
#include "store/session_id.hpp"

namespace gaggle::sqlite {

namespace {

std::optional<std::int64_t> opt_int(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

std::optional<std::string> opt_text(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return std::string(c.getText(), static_cast<std::size_t>(c.getBytes()));
}

// A column the store wrote with to_stored_json(); a damaged value reads as absent rather than
// making the whole session unreadable.
std::optional<Json> opt_json(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    const char* text = c.getText();
    Json j = Json::parse(text, text + c.getBytes(), nullptr, false);
    if (j.is_discarded() || j.is_null()) return std::nullopt;
    return j;
}

// The six token counters, in their column order (input, output, total, then the accumulated
// three), starting at column `first`.
TokenCounters read_tokens(SQLite::Statement& row, int first) {
    return TokenCounters{opt_int(row.getColumn(first)),     opt_int(row.getColumn(first + 1)),
                         opt_int(row.getColumn(first + 2)), opt_int(row.getColumn(first + 3)),
                         opt_int(row.getColumn(first + 4)), opt_int(row.getColumn(first + 5))};
}

} // namespace

SessionInfo read_session_row(SQLite::Statement& row) {
    SessionInfo s;
    s.id = row.getColumn(0).getString();
    s.owner = row.getColumn(1).getString();
    s.name = row.getColumn(2).getString();
    s.user_set_name = row.getColumn(3).getInt() != 0;
    s.working_dir = row.getColumn(4).getString();
    s.session_type = row.getColumn(5).getString();
    s.created_at_ms = row.getColumn(6).getInt64();
    s.updated_at_ms = row.getColumn(7).getInt64();
    auto ext = opt_json(row.getColumn(8));
    s.extension_data = ext && ext->is_object() ? std::move(*ext) : Json::object();
    s.tokens = read_tokens(row, 9);
    s.provider_name = opt_text(row.getColumn(15));
    s.model_config = opt_json(row.getColumn(16));
    s.recipe = opt_json(row.getColumn(17));
    s.user_recipe_values = opt_json(row.getColumn(18));
    s.schedule_id = opt_text(row.getColumn(19));
    s.message_count = row.getColumn(20).getInt64();
    s.archived_at_ms = opt_int(row.getColumn(kSessionSeqColumn + 1));
    return s;
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& v) {
    if (v) st.bind(index, *v);
    else st.bind(index);
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& v) {
    if (v) st.bind(index, *v);
    else st.bind(index);
}

void bind_optional(SQLite::Statement& st, int index, const std::optional<Json>& v) {
    if (v && !v->is_null()) st.bind(index, to_stored_json(*v));
    else st.bind(index);
}

Error session_not_found() { return not_found("Session not found"); }

SessionInfo fetch_session(Connection& c, const std::string& owner, const std::string& id, std::int64_t* seq) {
    auto st = c.prepare("SELECT " GAGGLE_SESSION_COLUMNS " FROM sessions WHERE id = ?1 AND owner = ?2");
    st->bind(1, id);
    st->bind(2, owner);
    if (!st->executeStep()) throw session_not_found();
    if (seq) *seq = st->getColumn(kSessionSeqColumn).getInt64();
    return read_session_row(*st);
}

SessionCounters fetch_session_counters(Connection& c, const std::string& owner, const std::string& id) {
    auto st = c.prepare("SELECT " GAGGLE_SESSION_COUNTER_COLUMNS " FROM sessions WHERE id = ?1 AND owner = ?2");
    st->bind(1, id);
    st->bind(2, owner);
    if (!st->executeStep()) throw session_not_found();
    SessionCounters s;
    s.name = st->getColumn(0).getString();
    s.updated_at_ms = st->getColumn(1).getInt64();
    s.tokens = read_tokens(*st, 2);
    s.message_count = st->getColumn(8).getInt64();
    return s;
}

std::int64_t require_session(Connection& c, const std::string& owner, const std::string& id) {
    auto st = c.prepare("SELECT seq FROM sessions WHERE id = ?1 AND owner = ?2");
    st->bind(1, id);
    st->bind(2, owner);
    if (!st->executeStep()) throw session_not_found();
    return st->getColumn(0).getInt64();
}

std::int64_t next_session_seq(Connection& c) {
    auto st = c.prepare("SELECT COALESCE(MAX(seq), 0) + 1 FROM sessions");
    st->executeStep();
    return st->getColumn(0).getInt64();
}

std::string allocate_session_id(Connection& c, std::int64_t now_ms) {
    const std::string day = utc_day_key(now_ms);
    for (;;) {
        std::int64_t n = 0;
        {
            auto st = c.prepare(
                "INSERT INTO session_day_counters(day, last) VALUES (?1, 1) "
                "ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last");
            st->bind(1, day);
            if (!st->executeStep()) throw internal_error("session store: id allocation returned nothing");
            n = st->getColumn(0).getInt64();
        }
        std::string id = format_session_id(day, n);
        // Only a hand-edited database can have a row past the counter; skip over it.
        auto taken = c.prepare("SELECT 1 FROM sessions WHERE id = ?1");
        taken->bind(1, id);
        if (!taken->executeStep()) return id;
    }
}

std::int64_t insert_session(Connection& c, const SessionInfo& s) {
    const std::int64_t seq = next_session_seq(c);
    auto st = c.prepare(
        "INSERT INTO sessions (id, owner, name, user_set_name, working_dir, session_type, created_at, "
        "updated_at, extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "
        "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, "
        "user_recipe_values, schedule_id, message_count, last_ordinal, seq) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?21, ?22)");
    st->bind(1, s.id);
    st->bind(2, s.owner);
    st->bind(3, s.name);
    st->bind(4, s.user_set_name ? 1 : 0);
    st->bind(5, s.working_dir);
    st->bind(6, s.session_type);
    st->bind(7, s.created_at_ms);
    st->bind(8, s.updated_at_ms);
    st->bind(9, to_stored_json(s.extension_data));
    bind_optional(*st, 10, s.tokens.input);
    bind_optional(*st, 11, s.tokens.output);
    bind_optional(*st, 12, s.tokens.total);
    bind_optional(*st, 13, s.tokens.accumulated_input);
    bind_optional(*st, 14, s.tokens.accumulated_output);
    bind_optional(*st, 15, s.tokens.accumulated_total);
    bind_optional(*st, 16, s.provider_name);
    bind_optional(*st, 17, s.model_config);
    bind_optional(*st, 18, s.recipe);
    bind_optional(*st, 19, s.user_recipe_values);
    bind_optional(*st, 20, s.schedule_id);
    st->bind(21, s.message_count);
    st->bind(22, seq);
    st->exec();
    return seq;
}

} // namespace gaggle::sqlite
