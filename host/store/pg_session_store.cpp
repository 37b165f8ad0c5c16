#include "store/pg_session_store.hpp"

#include "common/error.hpp"
#include "store/fts_query.hpp"
#include "store/message_facts.hpp"
#include "store/pg_session_rows.hpp"
#include "store/session_validation.hpp"
#include "store/store_rules.hpp"
#include "store/timestamps.hpp"

#include <limits>

// The session operations of PgSessionStore (pg_session_messages.cpp has the message ones).
namespace gaggle {

using pg::Connection;
using pg::Params;
using pg::Result;

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();

std::vector<SessionInfo> read_sessions(const Result& r) {
    std::vector<SessionInfo> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(pg::read_session_row(r, i));
    return out;
}

// Sets the last-call counters and adds to the accumulated ones; false when no such session.
bool record_usage(Connection& c, const std::string& owner, const std::string& id, const TokenUsage& usage,
                  std::int64_t total, std::int64_t now) {
    const Result r = c.exec(
        "UPDATE sessions SET input_tokens = $1, output_tokens = $2, total_tokens = $3, "
        "accumulated_input_tokens = COALESCE(accumulated_input_tokens, 0) + $1, "
        "accumulated_output_tokens = COALESCE(accumulated_output_tokens, 0) + $2, "
        "accumulated_total_tokens = COALESCE(accumulated_total_tokens, 0) + $3, "
        "updated_at = $4 WHERE id = $5 AND owner = $6",
        Params().add(usage.input).add(usage.output).add(total).add(now).add(id).add(owner));
    return r.affected() != 0;
}

} // namespace

PgSessionStore::PgSessionStore(std::shared_ptr<pg::Database> db, StoreClock clock)
    : db_(std::move(db)), clock_(clock ? std::move(clock) : StoreClock(now_unix_ms)) {}

SessionInfo PgSessionStore::create_session(const NewSession& in) {
    validate_new_session(in);
    return db_->write([&](Connection& c) {
        const std::int64_t now = clock_();
        SessionInfo s = new_session_info(in, pg::allocate_session_id(c, now), now);
        pg::insert_session(c, s);
        return s;
    });
}

SessionInfo PgSessionStore::get_session(const std::string& owner, const std::string& id) {
    return db_->read([&](Connection& c) { return pg::fetch_session(c, owner, id); });
}

LoadedSession PgSessionStore::load_session(const std::string& owner, const std::string& id) {
    return db_->read([&](Connection& c) {
        LoadedSession out;
        std::int64_t seq = 0;
        out.info = pg::fetch_session(c, owner, id, &seq);
        const Result r = pg::read_messages(c, seq);
        out.conversation.reserve(static_cast<std::size_t>(r.rows()));
        for (int i = 0; i < r.rows(); ++i) out.conversation.push_back(r.str(i, 0));
        return out;
    });
}

SessionPage PgSessionStore::list_sessions(const std::string& owner, const ListQuery& q) {
    validate_list_query(q);
    auto [after_updated, after_seq] = q.cursor ? decode_list_cursor(*q.cursor) : std::pair{kMaxInt, kMinInt};
    const std::string types = session_types_filter(q);
    return db_->read([&](Connection& c) {
        // (owner, updated_at DESC, seq) yields rows in page order; the row comparison lets a
        // cursor seek straight to its page.
        const Result r = c.exec(
            "SELECT " GAGGLE_PG_SESSION_COLUMNS " FROM sessions "
            "WHERE owner = $1 AND updated_at <= $2 AND (updated_at < $2 OR seq > $3) "
            "AND ($4 = '' OR strpos($4, ',' || session_type || ',') > 0) "
            "AND ($5 OR message_count > 0) "
            "AND ($8 = 0 OR ($8 = 1) = (archived_at IS NULL)) "
            "ORDER BY updated_at DESC, seq ASC LIMIT $6 OFFSET $7",
            Params()
                .add(owner)
                .add(after_updated)
                .add(after_seq)
                .add(types)
                .add(q.include_empty)
                .add(static_cast<std::int64_t>(q.limit) + 1)  // one extra row: is there a next page?
                .add(static_cast<std::int64_t>(q.offset))
                .add(archive_filter_code(q.archived)));
        SessionPage page;
        const int rows = std::min(r.rows(), static_cast<int>(q.limit));
        page.sessions.reserve(static_cast<std::size_t>(rows));
        for (int i = 0; i < rows; ++i) page.sessions.push_back(pg::read_session_row(r, i));
        if (r.rows() > rows)
            page.next_cursor = encode_list_cursor(page.sessions.back().updated_at_ms, r.int64(rows - 1, pg::kSessionSeqColumn));
        return page;
    });
}

std::int64_t PgSessionStore::count_sessions(const std::string& owner) {
    return db_->read([&](Connection& c) {
        return c.exec("SELECT COUNT(*) FROM sessions WHERE owner = $1", Params().add(owner)).int64(0, 0);
    });
}

void PgSessionStore::delete_session(const std::string& owner, const std::string& id) {
    db_->write([&](Connection& c) {
        // Messages and their index entries go by ON DELETE CASCADE.
        if (c.exec("DELETE FROM sessions WHERE id = $1 AND owner = $2", Params().add(id).add(owner)).affected() == 0)
            throw not_found("Session not found");
    });
}

SessionInfo PgSessionStore::rename_session(const std::string& owner, const std::string& id, const std::string& name) {
    const std::string trimmed = normalize_session_name(name);
    return db_->write([&](Connection& c) {
        const Result r = c.exec(
            "UPDATE sessions SET name = $1, user_set_name = true, updated_at = $2 WHERE id = $3 AND owner = $4",
            Params().add(trimmed).add(clock_()).add(id).add(owner));
        if (r.affected() == 0) throw not_found("Session not found");
        return pg::fetch_session(c, owner, id);
    });
}

SessionInfo PgSessionStore::set_archived(const std::string& owner, const std::string& id, std::optional<std::int64_t> at_ms) {
    return db_->write([&](Connection& c) {
        const Result r = c.exec("UPDATE sessions SET archived_at = CASE WHEN $1::bigint IS NULL THEN NULL "
                                "ELSE COALESCE(archived_at, $1::bigint) END WHERE id = $2 AND owner = $3",
                                Params().add(at_ms).add(id).add(owner));
        if (r.affected() == 0) throw not_found("Session not found");
        return pg::fetch_session(c, owner, id);
    });
}

SessionInfo PgSessionStore::update_session(const std::string& owner, const std::string& id, const SessionPatch& p) {
    validate_patch(p);
    if (p.empty()) return get_session(owner, id);
    return db_->write([&](Connection& c) {
        // FOR UPDATE: an extension_data merge reads, merges and writes under the row lock, so two
        // instances merging different keys never lose each other's write.
        std::int64_t seq = 0;
        const SessionInfo current = [&] {
            const Result r = c.exec("SELECT " GAGGLE_PG_SESSION_COLUMNS " FROM sessions WHERE id = $1 AND owner = $2 FOR UPDATE",
                                    Params().add(id).add(owner));
            if (r.rows() == 0) throw not_found("Session not found");
            seq = r.int64(0, pg::kSessionSeqColumn);
            return pg::read_session_row(r, 0);
        }();
        const bool ext_changes = p.extension_data || p.extension_data_merge;
        const TokenCounters tokens = p.tokens.value_or(TokenCounters{});
        Params params;
        params.add(p.working_dir.has_value()).add(p.working_dir);
        params.add(p.session_type.has_value()).add(p.session_type);
        params.add(p.name.has_value()).add(p.name);
        params.add(p.provider_name.has_value()).add(p.provider_name.value_or(std::nullopt));
        params.add(p.schedule_id.has_value()).add(p.schedule_id.value_or(std::nullopt));
        params.add(p.model_config.has_value());
        pg::add_json(params, p.model_config.value_or(std::nullopt));
        params.add(p.recipe.has_value());
        pg::add_json(params, p.recipe.value_or(std::nullopt));
        params.add(p.user_recipe_values.has_value());
        pg::add_json(params, p.user_recipe_values.value_or(std::nullopt));
        params.add(ext_changes).add(ext_changes ? to_stored_json(patched_extension_data(current.extension_data, p)) : "{}");
        params.add(p.tokens.has_value()).add(tokens.input).add(tokens.output).add(tokens.total);
        params.add(tokens.accumulated_input).add(tokens.accumulated_output).add(tokens.accumulated_total);
        params.add(clock_()).add(seq);
        // One statement for every patch shape: each field is "flag, value", so the SQL text and
        // its prepared statement never vary.
        c.exec("UPDATE sessions SET "
               "working_dir = CASE WHEN $1 THEN $2 ELSE working_dir END, "
               "session_type = CASE WHEN $3 THEN $4 ELSE session_type END, "
               "name = CASE WHEN $5 AND NOT user_set_name THEN $6 ELSE name END, "
               "provider_name = CASE WHEN $7 THEN $8 ELSE provider_name END, "
               "schedule_id = CASE WHEN $9 THEN $10 ELSE schedule_id END, "
               "model_config = CASE WHEN $11 THEN $12 ELSE model_config END, "
               "recipe = CASE WHEN $13 THEN $14 ELSE recipe END, "
               "user_recipe_values = CASE WHEN $15 THEN $16 ELSE user_recipe_values END, "
               "extension_data = CASE WHEN $17 THEN $18 ELSE extension_data END, "
               "input_tokens = CASE WHEN $19 THEN $20::bigint ELSE input_tokens END, "
               "output_tokens = CASE WHEN $19 THEN $21::bigint ELSE output_tokens END, "
               "total_tokens = CASE WHEN $19 THEN $22::bigint ELSE total_tokens END, "
               "accumulated_input_tokens = CASE WHEN $19 THEN $23::bigint ELSE accumulated_input_tokens END, "
               "accumulated_output_tokens = CASE WHEN $19 THEN $24::bigint ELSE accumulated_output_tokens END, "
               "accumulated_total_tokens = CASE WHEN $19 THEN $25::bigint ELSE accumulated_total_tokens END, "
               "updated_at = $26 WHERE seq = $27",
               params);
        return pg::fetch_session(c, owner, id);
    });
}

SessionInfo PgSessionStore::add_token_usage(const std::string& owner, const std::string& id, const TokenUsage& usage) {
    const std::int64_t total = checked_total(usage);
    return db_->write([&](Connection& c) {
        if (!record_usage(c, owner, id, usage, total, clock_())) throw not_found("Session not found");
        return pg::fetch_session(c, owner, id);
    });
}

SessionCounters PgSessionStore::apply_turn_step(const std::string& owner, const std::string& id, const TurnStep& step) {
    const std::int64_t total = step.usage ? checked_total(*step.usage) : 0;
    const auto prepared = prepare_messages(step.messages, clock_());
    std::optional<std::string> name;
    if (step.name) name = normalize_session_name(*step.name);
    return db_->write(
        [&](Connection& c) {
            const std::int64_t now = clock_();
            if (!prepared.empty()) {
                const auto r = pg::reserve_messages(c, owner, id, static_cast<std::int64_t>(prepared.size()), false, now);
                pg::insert_messages(c, r.seq, r.first_ordinal, prepared);
            }
            if (step.usage && !record_usage(c, owner, id, *step.usage, total, now)) throw not_found("Session not found");
            if (name)
                c.exec("UPDATE sessions SET name = $1 WHERE id = $2 AND owner = $3 AND NOT user_set_name",
                       Params().add(*name).add(id).add(owner));
            return pg::fetch_session_counters(c, owner, id);  // also the existence check of an empty step
        },
        step.durable ? pg::Commit::durable : pg::Commit::deferred);
}

void PgSessionStore::sync() { db_->sync(); }

std::vector<SessionInfo> PgSessionStore::search(const std::string& owner, const SearchQuery& q) {
    validate_page_limit(q.limit);
    const auto query = to_tsquery_text(q.text);
    if (!query) return {};
    return db_->read([&](Connection& c) {
        // Two plans, as on SQLite, because the planner cannot tell a rare word from a common one
        // behind a prefix query. First the matching messages from the GIN index, up to a cap: a
        // rare word's hits all come back, and their sessions are looked up directly. Past the cap
        // (a common word), the owner's sessions are walked newest first until enough have a hit,
        // which ends early precisely because hits are everywhere. The ranking contract of every
        // engine: updated_at DESC, then seq.
        constexpr int kLookupMessages = 2000;
        const Result hits = c.exec(
            "SELECT session_seq FROM messages WHERE search_vector @@ to_tsquery('simple', $1) "
            "AND created >= $2 AND created < $3 LIMIT $4",
            Params().add(*query).add(q.after.value_or(kMinInt)).add(q.before.value_or(kMaxInt)).add(std::int64_t{kLookupMessages}));
        if (hits.rows() < kLookupMessages) {
            pg::ArrayLiteral seqs;
            for (int i = 0; i < hits.rows(); ++i) seqs.add(hits.text(i, 0));
            return read_sessions(c.exec(
                "SELECT " GAGGLE_PG_SESSION_COLUMNS " FROM sessions WHERE owner = $1 AND seq = ANY($2::bigint[]) "
                "ORDER BY updated_at DESC, seq ASC LIMIT $3",
                Params().add(owner).add(std::move(seqs).finish()).add(static_cast<std::int64_t>(q.limit))));
        }
        return read_sessions(c.exec(
            "SELECT " GAGGLE_PG_SESSION_COLUMNS " FROM sessions AS s WHERE owner = $1 AND EXISTS ("
            "SELECT 1 FROM messages AS m WHERE m.session_seq = s.seq AND m.search_vector @@ to_tsquery('simple', $2) "
            "AND m.created >= $3 AND m.created < $4) "
            "ORDER BY updated_at DESC, seq ASC LIMIT $5",
            Params()
                .add(owner)
                .add(*query)
                .add(q.after.value_or(kMinInt))
                .add(q.before.value_or(kMaxInt))
                .add(static_cast<std::int64_t>(q.limit))));
    });
}

SessionInsights PgSessionStore::insights(const std::string& owner) {
    return db_->read([&](Connection& c) {
        const Result r = c.exec(
            "SELECT COUNT(*), COALESCE(SUM(COALESCE(accumulated_total_tokens, total_tokens, 0)), 0) "
            "FROM sessions WHERE owner = $1",
            Params().add(owner));
        return SessionInsights{r.int64(0, 0), r.int64(0, 1)};
    });
}

} // namespace gaggle
