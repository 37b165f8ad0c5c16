#include "store/pg_session_rows.hpp"

#include "common/error.hpp"
#include "store/fts_query.hpp"
#include "store/message_facts.hpp"
#include "store/session_id.hpp"

namespace gaggle::pg {

namespace {

// A column the store wrote with to_stored_json(); a damaged value reads as absent rather than
// making the whole session unreadable.
std::optional<Json> opt_json(const Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    const auto text = r.text(row, col);
    Json j = Json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || j.is_null()) return std::nullopt;
    return j;
}

Error session_not_found() { return not_found("Session not found"); }

// The six token counters, in their column order (input, output, total, then the accumulated
// three), starting at column `first`.
TokenCounters read_tokens(const Result& r, int row, int first) {
    return TokenCounters{r.opt_int64(row, first),     r.opt_int64(row, first + 1), r.opt_int64(row, first + 2),
                         r.opt_int64(row, first + 3), r.opt_int64(row, first + 4), r.opt_int64(row, first + 5)};
}

} // namespace

SessionInfo read_session_row(const Result& r, int row) {
    SessionInfo s;
    s.id = r.str(row, 0);
    s.owner = r.str(row, 1);
    s.name = r.str(row, 2);
    s.user_set_name = r.boolean(row, 3);
    s.working_dir = r.str(row, 4);
    s.session_type = r.str(row, 5);
    s.created_at_ms = r.int64(row, 6);
    s.updated_at_ms = r.int64(row, 7);
    auto ext = opt_json(r, row, 8);
    s.extension_data = ext && ext->is_object() ? std::move(*ext) : Json::object();
    s.tokens = read_tokens(r, row, 9);
    s.provider_name = r.opt_str(row, 15);
    s.model_config = opt_json(r, row, 16);
    s.recipe = opt_json(r, row, 17);
    s.user_recipe_values = opt_json(r, row, 18);
    s.schedule_id = r.opt_str(row, 19);
    s.message_count = r.int64(row, 20);
    s.archived_at_ms = r.opt_int64(row, kSessionSeqColumn + 1);
    return s;
}

void add_json(Params& p, const std::optional<Json>& v) {
    if (v && !v->is_null()) p.add(to_stored_json(*v));
    else p.add_null();
}

SessionInfo fetch_session(Connection& c, const std::string& owner, const std::string& id, std::int64_t* seq) {
    const Result r = c.exec("SELECT " GAGGLE_PG_SESSION_COLUMNS " FROM sessions WHERE id = $1 AND owner = $2",
                            Params().add(id).add(owner));
    if (r.rows() == 0) throw session_not_found();
    if (seq) *seq = r.int64(0, kSessionSeqColumn);
    return read_session_row(r, 0);
}

SessionCounters fetch_session_counters(Connection& c, const std::string& owner, const std::string& id) {
    const Result r = c.exec("SELECT " GAGGLE_PG_SESSION_COUNTER_COLUMNS " FROM sessions WHERE id = $1 AND owner = $2",
                            Params().add(id).add(owner));
    if (r.rows() == 0) throw session_not_found();
    SessionCounters s;
    s.name = r.str(0, 0);
    s.updated_at_ms = r.int64(0, 1);
    s.tokens = read_tokens(r, 0, 2);
    s.message_count = r.int64(0, 8);
    return s;
}

std::int64_t require_session(Connection& c, const std::string& owner, const std::string& id) {
    const Result r = c.exec("SELECT seq FROM sessions WHERE id = $1 AND owner = $2", Params().add(id).add(owner));
    if (r.rows() == 0) throw session_not_found();
    return r.int64(0, 0);
}

std::string allocate_session_id(Connection& c, std::int64_t now_ms) {
    const std::string day = utc_day_key(now_ms);
    for (;;) {
        const Result r = c.exec(
            "INSERT INTO session_day_counters (day, last) VALUES ($1, 1) "
            "ON CONFLICT (day) DO UPDATE SET last = session_day_counters.last + 1 RETURNING last",
            Params().add(day));
        std::string id = format_session_id(day, r.int64(0, 0));
        // Only a hand-edited database can have a row past the counter; skip over it.
        if (c.exec("SELECT 1 FROM sessions WHERE id = $1", Params().add(id)).rows() == 0) return id;
    }
}

std::int64_t insert_session(Connection& c, const SessionInfo& s) {
    Params p;
    p.add(s.id).add(s.owner).add(s.name).add(s.user_set_name).add(s.working_dir).add(s.session_type);
    p.add(s.created_at_ms).add(s.updated_at_ms).add(to_stored_json(s.extension_data));
    p.add(s.tokens.input).add(s.tokens.output).add(s.tokens.total);
    p.add(s.tokens.accumulated_input).add(s.tokens.accumulated_output).add(s.tokens.accumulated_total);
    p.add(s.provider_name);
    add_json(p, s.model_config);
    add_json(p, s.recipe);
    add_json(p, s.user_recipe_values);
    p.add(s.schedule_id).add(s.message_count);
    const Result r = c.exec(
        "INSERT INTO sessions (id, owner, name, user_set_name, working_dir, session_type, created_at, "
        "updated_at, extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "
        "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, "
        "user_recipe_values, schedule_id, message_count, last_ordinal) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21) "
        "RETURNING seq",
        p);
    return r.int64(0, 0);
}

Reserved reserve_messages(Connection& c, const std::string& owner, const std::string& id, std::int64_t n,
                          bool replace_count, std::int64_t now_ms) {
    const Result r = c.exec(
        "UPDATE sessions SET message_count = CASE WHEN $1 THEN $2 ELSE message_count + $2 END, "
        "last_ordinal = last_ordinal + $2, updated_at = $3 WHERE id = $4 AND owner = $5 "
        "RETURNING seq, last_ordinal, message_count",
        Params().add(replace_count).add(n).add(now_ms).add(id).add(owner));
    if (r.rows() == 0) throw session_not_found();
    Reserved out{r.int64(0, 0), r.int64(0, 1) - n + 1, r.int64(0, 2)};
    if (out.first_ordinal + n - 1 > kMaxOrdinal)
        throw invalid_argument("the session has reached the maximum number of messages");
    return out;
}

void insert_messages(Connection& c, std::int64_t seq, std::int64_t first_ordinal,
                     const std::vector<PreparedMessage>& messages) {
    if (messages.empty()) return;
    if (messages.size() == 1) {
        // The hot path (one message per turn step) skips building arrays.
        const auto& m = messages.front();
        c.exec("INSERT INTO messages (session_seq, ordinal, message_id, created, role, user_visible, agent_visible, "
               "json, search_vector) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_tsvector('simple', $9))",
               Params()
                   .add(seq)
                   .add(first_ordinal)
                   .add(m.facts.message_id)
                   .add(m.facts.created)
                   .add(m.facts.role)
                   .add(m.facts.user_visible)
                   .add(m.facts.agent_visible)
                   .add(m.json)
                   .add(to_search_words(m.facts.search_text)));
        return;
    }
    ArrayLiteral ids, created, roles, user_visible, agent_visible, json, words;
    for (const auto& m : messages) {
        ids.add(m.facts.message_id ? std::optional<std::string_view>(*m.facts.message_id) : std::nullopt);
        created.add(std::to_string(m.facts.created));
        roles.add(m.facts.role);
        user_visible.add(m.facts.user_visible ? "t" : "f");
        agent_visible.add(m.facts.agent_visible ? "t" : "f");
        json.add(m.json);
        words.add(to_search_words(m.facts.search_text));
    }
    c.exec("INSERT INTO messages (session_seq, ordinal, message_id, created, role, user_visible, agent_visible, json, "
           "search_vector) SELECT $1, $2 + n - 1, m, c, r, u, a, j, to_tsvector('simple', w) FROM "
           "unnest($3::text[], $4::bigint[], $5::text[], $6::boolean[], $7::boolean[], $8::text[], $9::text[]) "
           "WITH ORDINALITY AS t(m, c, r, u, a, j, w, n)",
           Params()
               .add(seq)
               .add(first_ordinal)
               .add(std::move(ids).finish())
               .add(std::move(created).finish())
               .add(std::move(roles).finish())
               .add(std::move(user_visible).finish())
               .add(std::move(agent_visible).finish())
               .add(std::move(json).finish())
               .add(std::move(words).finish()));
}

Result read_messages(Connection& c, std::int64_t seq) {
    return c.exec("SELECT json, agent_visible FROM messages WHERE session_seq = $1 ORDER BY ordinal", Params().add(seq));
}

} // namespace gaggle::pg
