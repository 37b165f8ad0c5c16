#include "store/sqlite_session_store.hpp"

#include "common/error.hpp"
#include "store/fts_query.hpp"
#include "store/session_validation.hpp"
#include "store/sqlite_message_rows.hpp"
#include "store/sqlite_search.hpp"
#include "store/sqlite_session_rows.hpp"
#include "store/store_rules.hpp"
#include "store/timestamps.hpp"

#include <limits>

namespace gaggle {

using sqlite::Connection;
using sqlite::fetch_session;
using sqlite::insert_session;
using sqlite::allocate_session_id;
using sqlite::read_messages;
using sqlite::session_not_found;
using sqlite::kLookupHits;
using sqlite::matching_sessions;
using sqlite::newest_by_lookup;
using sqlite::newest_by_walk;

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();

} // namespace

SqliteSessionStore::SqliteSessionStore(std::shared_ptr<sqlite::Database> db, StoreClock clock)
    : db_(std::move(db)),
      clock_(clock ? std::move(clock) : StoreClock(now_unix_ms)),
      indexer_(db_->options().search_index_interval.count() > 0
                   ? std::make_unique<sqlite::SearchIndexer>(*db_, db_->options().search_index_interval)
                   : nullptr) {}

std::unique_ptr<SqliteSessionStore> SqliteSessionStore::open(const sqlite::DatabaseOptions& options, StoreClock clock) {
    return std::make_unique<SqliteSessionStore>(std::make_shared<sqlite::Database>(options), std::move(clock));
}

SessionInfo SqliteSessionStore::create_session(const NewSession& in) {
    validate_new_session(in);
    return db_->write([&](Connection& c) {
        const std::int64_t now = clock_();
        SessionInfo s = new_session_info(in, allocate_session_id(c, now), now);
        insert_session(c, s);
        return s;
    });
}

SessionInfo SqliteSessionStore::get_session(const std::string& owner, const std::string& id) {
    return db_->read([&](Connection& c) { return fetch_session(c, owner, id); });
}

LoadedSession SqliteSessionStore::load_session(const std::string& owner, const std::string& id) {
    return db_->read([&](Connection& c) {
        LoadedSession out;
        std::int64_t seq = 0;
        out.info = fetch_session(c, owner, id, &seq);
        out.conversation.reserve(static_cast<std::size_t>(out.info.message_count));
        read_messages(c, seq, [&](const SQLite::Column& json, bool) { out.conversation.push_back(json.getString()); });
        return out;
    });
}

SessionPage SqliteSessionStore::list_sessions(const std::string& owner, const ListQuery& q) {
    validate_list_query(q);
    auto [after_updated, after_seq] = q.cursor ? decode_list_cursor(*q.cursor) : std::pair{kMaxInt, kMinInt};
    const std::string types = session_types_filter(q);  // one bound value instead of a variable IN list

    return db_->read([&](Connection& c) {
        // The (owner, updated_at DESC, seq) index yields rows in page order, and the range on
        // updated_at lets a cursor seek straight to its page.
        auto st = c.prepare(
            "SELECT " GAGGLE_SESSION_COLUMNS " FROM sessions "
            "WHERE owner = ?1 AND updated_at <= ?2 AND (updated_at < ?2 OR seq > ?3) "
            "AND (?4 = '' OR instr(?4, ',' || session_type || ',') > 0) "
            "AND (?5 OR message_count > 0) "
            "AND (?8 = 0 OR (?8 = 1) = (archived_at IS NULL)) "
            "ORDER BY updated_at DESC, seq ASC LIMIT ?6 OFFSET ?7");
        st->bind(1, owner);
        st->bind(2, after_updated);
        st->bind(3, after_seq);
        st->bind(4, types);
        st->bind(5, q.include_empty ? 1 : 0);
        st->bind(6, static_cast<std::int64_t>(q.limit) + 1);  // one extra row: is there a next page?
        st->bind(7, static_cast<std::int64_t>(q.offset));
        st->bind(8, archive_filter_code(q.archived));
        SessionPage page;
        page.sessions.reserve(q.limit);
        std::int64_t last_seq = 0;
        while (st->executeStep()) {
            if (page.sessions.size() == q.limit) {
                page.next_cursor = encode_list_cursor(page.sessions.back().updated_at_ms, last_seq);
                break;
            }
            page.sessions.push_back(sqlite::read_session_row(*st));
            last_seq = st->getColumn(sqlite::kSessionSeqColumn).getInt64();
        }
        return page;
    });
}

std::int64_t SqliteSessionStore::count_sessions(const std::string& owner) {
    return db_->read([&](Connection& c) {
        auto st = c.prepare("SELECT COUNT(*) FROM sessions WHERE owner = ?1");
        st->bind(1, owner);
        st->executeStep();
        return st->getColumn(0).getInt64();
    });
}

void SqliteSessionStore::delete_session(const std::string& owner, const std::string& id) {
    db_->write([&](Connection& c) {
        // Messages go by ON DELETE CASCADE, their index entries by the FTS triggers.
        auto st = c.prepare("DELETE FROM sessions WHERE id = ?1 AND owner = ?2");
        st->bind(1, id);
        st->bind(2, owner);
        if (st->exec() == 0) throw session_not_found();
    });
}

SessionInfo SqliteSessionStore::rename_session(const std::string& owner, const std::string& id,
                                               const std::string& name) {
    const std::string trimmed = normalize_session_name(name);
    return db_->write([&](Connection& c) {
        {
            auto st = c.prepare(
                "UPDATE sessions SET name = ?1, user_set_name = 1, updated_at = ?2 WHERE id = ?3 AND owner = ?4");
            st->bind(1, trimmed);
            st->bind(2, clock_());
            st->bind(3, id);
            st->bind(4, owner);
            if (st->exec() == 0) throw session_not_found();
        }
        return fetch_session(c, owner, id);
    });
}

SessionInfo SqliteSessionStore::set_archived(const std::string& owner, const std::string& id,
                                             std::optional<std::int64_t> at_ms) {
    return db_->write([&](Connection& c) {
        {
            auto st = c.prepare("UPDATE sessions SET archived_at = CASE WHEN ?1 IS NULL THEN NULL "
                                "ELSE COALESCE(archived_at, ?1) END WHERE id = ?2 AND owner = ?3");
            sqlite::bind_optional(*st, 1, at_ms);
            st->bind(2, id);
            st->bind(3, owner);
            if (st->exec() == 0) throw session_not_found();
        }
        return fetch_session(c, owner, id);
    });
}

SessionInfo SqliteSessionStore::update_session(const std::string& owner, const std::string& id,
                                               const SessionPatch& p) {
    validate_patch(p);
    if (p.empty()) return get_session(owner, id);
    return db_->write([&](Connection& c) {
        const SessionInfo current = fetch_session(c, owner, id);
        const bool ext_changes = p.extension_data || p.extension_data_merge;
        // One statement for every patch shape: each field is "flag, value", so the SQL text and
        // its prepared statement never vary.
        {
            auto st = c.prepare(
                "UPDATE sessions SET "
                "working_dir = CASE WHEN ?1 THEN ?2 ELSE working_dir END, "
                "session_type = CASE WHEN ?3 THEN ?4 ELSE session_type END, "
                "name = CASE WHEN ?5 AND user_set_name = 0 THEN ?6 ELSE name END, "
                "provider_name = CASE WHEN ?7 THEN ?8 ELSE provider_name END, "
                "schedule_id = CASE WHEN ?9 THEN ?10 ELSE schedule_id END, "
                "model_config = CASE WHEN ?11 THEN ?12 ELSE model_config END, "
                "recipe = CASE WHEN ?13 THEN ?14 ELSE recipe END, "
                "user_recipe_values = CASE WHEN ?15 THEN ?16 ELSE user_recipe_values END, "
                "extension_data = CASE WHEN ?17 THEN ?18 ELSE extension_data END, "
                "input_tokens = CASE WHEN ?19 THEN ?20 ELSE input_tokens END, "
                "output_tokens = CASE WHEN ?19 THEN ?21 ELSE output_tokens END, "
                "total_tokens = CASE WHEN ?19 THEN ?22 ELSE total_tokens END, "
                "accumulated_input_tokens = CASE WHEN ?19 THEN ?23 ELSE accumulated_input_tokens END, "
                "accumulated_output_tokens = CASE WHEN ?19 THEN ?24 ELSE accumulated_output_tokens END, "
                "accumulated_total_tokens = CASE WHEN ?19 THEN ?25 ELSE accumulated_total_tokens END, "
                "updated_at = ?26 WHERE id = ?27 AND owner = ?28");
            auto flag = [&](int i, bool set) { st->bind(i, set ? 1 : 0); };
            flag(1, p.working_dir.has_value());
            sqlite::bind_optional(*st, 2, p.working_dir);
            flag(3, p.session_type.has_value());
            sqlite::bind_optional(*st, 4, p.session_type);
            flag(5, p.name.has_value());
            sqlite::bind_optional(*st, 6, p.name);
            flag(7, p.provider_name.has_value());
            sqlite::bind_optional(*st, 8, p.provider_name.value_or(std::nullopt));
            flag(9, p.schedule_id.has_value());
            sqlite::bind_optional(*st, 10, p.schedule_id.value_or(std::nullopt));
            flag(11, p.model_config.has_value());
            sqlite::bind_optional(*st, 12, p.model_config.value_or(std::nullopt));
            flag(13, p.recipe.has_value());
            sqlite::bind_optional(*st, 14, p.recipe.value_or(std::nullopt));
            flag(15, p.user_recipe_values.has_value());
            sqlite::bind_optional(*st, 16, p.user_recipe_values.value_or(std::nullopt));
            flag(17, ext_changes);
            st->bind(18, ext_changes ? to_stored_json(patched_extension_data(current.extension_data, p)) : "{}");
            const TokenCounters tokens = p.tokens.value_or(TokenCounters{});
            flag(19, p.tokens.has_value());
            sqlite::bind_optional(*st, 20, tokens.input);
            sqlite::bind_optional(*st, 21, tokens.output);
            sqlite::bind_optional(*st, 22, tokens.total);
            sqlite::bind_optional(*st, 23, tokens.accumulated_input);
            sqlite::bind_optional(*st, 24, tokens.accumulated_output);
            sqlite::bind_optional(*st, 25, tokens.accumulated_total);
            st->bind(26, clock_());
            st->bind(27, id);
            st->bind(28, owner);
            st->exec();
        }
        return fetch_session(c, owner, id);
    });
}

namespace {

// Sets the last-call counters and adds to the accumulated ones; false when no such session.
bool record_usage(Connection& c, const std::string& owner, const std::string& id, const TokenUsage& usage,
                  std::int64_t total, std::int64_t now) {
    auto st = c.prepare(
        "UPDATE sessions SET input_tokens = ?1, output_tokens = ?2, total_tokens = ?3, "
        "accumulated_input_tokens = COALESCE(accumulated_input_tokens, 0) + ?1, "
        "accumulated_output_tokens = COALESCE(accumulated_output_tokens, 0) + ?2, "
        "accumulated_total_tokens = COALESCE(accumulated_total_tokens, 0) + ?3, "
        "updated_at = ?4 WHERE id = ?5 AND owner = ?6");
    st->bind(1, usage.input);
    st->bind(2, usage.output);
    st->bind(3, total);
    st->bind(4, now);
    st->bind(5, id);
    st->bind(6, owner);
    return st->exec() != 0;
}

} // namespace

SessionInfo SqliteSessionStore::add_token_usage(const std::string& owner, const std::string& id,
                                                const TokenUsage& usage) {
    const std::int64_t total = checked_total(usage);
    return db_->write([&](Connection& c) {
        if (!record_usage(c, owner, id, usage, total, clock_())) throw session_not_found();
        return fetch_session(c, owner, id);
    });
}

SessionCounters SqliteSessionStore::apply_turn_step(const std::string& owner, const std::string& id,
                                                const TurnStep& step) {
    const std::int64_t total = step.usage ? checked_total(*step.usage) : 0;
    const auto prepared = sqlite::prepare_messages(step.messages, clock_());
    std::optional<std::string> name;
    if (step.name) name = normalize_session_name(*step.name);
    return db_->write(
        [&](Connection& c) {
            const std::int64_t now = clock_();
            if (!prepared.empty()) {
                const auto r = sqlite::reserve_messages(c, owner, id, static_cast<std::int64_t>(prepared.size()), false, now);
                sqlite::insert_messages(c, id, r.seq, r.first_ordinal, prepared);
            }
            if (step.usage && !record_usage(c, owner, id, *step.usage, total, now)) throw session_not_found();
            if (name) {
                auto st = c.prepare("UPDATE sessions SET name = ?1 WHERE id = ?2 AND owner = ?3 AND user_set_name = 0");
                st->bind(1, *name);
                st->bind(2, id);
                st->bind(3, owner);
                st->exec();
            }
            return fetch_session_counters(c, owner, id);  // also the existence check of an empty step
        },
        step.durable ? sqlite::Commit::durable : sqlite::Commit::deferred);
}

void SqliteSessionStore::sync() { db_->sync(); }

std::vector<SessionInfo> SqliteSessionStore::search(const std::string& owner, const SearchQuery& q) {
    validate_page_limit(q.limit);
    const auto match = to_fts5_query(q.text);
    if (!match) return {};
    // Every committed message is found: what the background indexer has not reached yet is
    // indexed now.
    sqlite::index_all_pending_messages(*db_);
    return db_->read([&](Connection& c) {
        const std::vector<std::int64_t> hits = matching_sessions(c, *match, q.after, q.before);
        const std::vector<std::int64_t> top = hits.size() <= kLookupHits
                                                  ? newest_by_lookup(c, owner, hits, q.limit)
                                                  : newest_by_walk(c, owner, hits, q.limit);
        std::vector<SessionInfo> out;
        out.reserve(top.size());
        auto st = c.prepare("SELECT " GAGGLE_SESSION_COLUMNS " FROM sessions WHERE seq = ?1");
        for (std::int64_t seq : top) {
            st->bind(1, seq);
            if (st->executeStep()) out.push_back(sqlite::read_session_row(*st));
            st->reset();
        }
        return out;
    });
}

SessionInsights SqliteSessionStore::insights(const std::string& owner) {
    return db_->read([&](Connection& c) {
        auto st = c.prepare(
            "SELECT COUNT(*), COALESCE(SUM(COALESCE(accumulated_total_tokens, total_tokens, 0)), 0) "
            "FROM sessions WHERE owner = ?1");
        st->bind(1, owner);
        st->executeStep();
        return SessionInsights{st->getColumn(0).getInt64(), st->getColumn(1).getInt64()};
    });
}

} // namespace gaggle
