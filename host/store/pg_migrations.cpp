#include "store/pg_migrations.hpp"

#include "common/error.hpp"

#include <span>
#include <string>

namespace gaggle::pg {

namespace {

struct Migration {
    int version;
    const char* sql;
};

// v1: sessions scoped by owner, messages as exact JSON text (text, not jsonb: jsonb reorders
// keys and the store promises a byte-for-byte round trip), plugin key-value pairs. A session has
// an integer `seq`; its messages are keyed (session_seq, ordinal), so loading is one range of
// the primary key. Only on this engine: turn_leases, which instance runs a session's turn (one
// SQLite instance needs none).
constexpr const char* kV1 = R"sql(
CREATE TABLE sessions (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    owner text NOT NULL,
    name text NOT NULL DEFAULT 'New Chat',
    user_set_name boolean NOT NULL DEFAULT false,
    working_dir text NOT NULL DEFAULT '',
    session_type text NOT NULL DEFAULT 'user',
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    extension_data text NOT NULL DEFAULT '{}',
    input_tokens bigint,
    output_tokens bigint,
    total_tokens bigint,
    accumulated_input_tokens bigint,
    accumulated_output_tokens bigint,
    accumulated_total_tokens bigint,
    provider_name text,
    model_config text,
    recipe text,
    user_recipe_values text,
    schedule_id text,
    message_count bigint NOT NULL DEFAULT 0,
    last_ordinal bigint NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_owner_updated ON sessions (owner, updated_at DESC, seq);
CREATE TABLE messages (
    session_seq bigint NOT NULL REFERENCES sessions (seq) ON DELETE CASCADE,
    ordinal bigint NOT NULL,
    message_id text,
    created bigint NOT NULL,
    role text NOT NULL,
    user_visible boolean NOT NULL DEFAULT true,
    agent_visible boolean NOT NULL DEFAULT true,
    json text NOT NULL,
    PRIMARY KEY (session_seq, ordinal)
);
CREATE TABLE plugin_kv (
    plugin_id text NOT NULL,
    key text NOT NULL,
    value bytea NOT NULL,
    PRIMARY KEY (plugin_id, key)
);
CREATE TABLE turn_leases (
    session_id text PRIMARY KEY,
    holder text NOT NULL,
    expires_at timestamptz NOT NULL
);
)sql";

// v2: full-text search with PostgreSQL's own: the words of user-visible messages (extracted in
// C++ by the same function as SQLite's, then split into words by the same rule as its query)
// as a tsvector of the 'simple' configuration (lowercased, no stemming, no stop words: the
// prefix matching of SQLite's unicode61 index), indexed by GIN.
constexpr const char* kV2 = R"sql(
ALTER TABLE messages ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX messages_search ON messages USING gin (search_vector);
)sql";

// v3: a counter row per UTC day for session ids (see SQLite's v3 for why not MAX()).
constexpr const char* kV3 = R"sql(
CREATE TABLE session_day_counters (
    day text PRIMARY KEY,
    last bigint NOT NULL
);
INSERT INTO session_day_counters (day, last)
    SELECT substr(id, 1, 8), MAX(CAST(substr(id, 10) AS bigint)) FROM sessions
    WHERE id ~ '^[0-9]{8}_[1-9][0-9]{0,17}$' GROUP BY substr(id, 1, 8);
)sql";

// v4: nothing. SQLite's v4 moves its search indexing off the commit path; the GIN index of v2
// needs no such move. Kept so that one number names one schema step on both engines.
constexpr const char* kV4 = "SELECT 1";

// v5: sessions can be archived, as SQLite's v5.
constexpr const char* kV5 = "ALTER TABLE sessions ADD COLUMN archived_at bigint";

// v6 (this engine only): the events of session event buses, so that an instance streams the turns
// other instances run, and resumes a client's Last-Event-ID that another instance sent. Written
// after the fact by each instance's writer, kept for minutes (see pg_event_log.cpp). `origin`
// names the writing process; its rows are in id order as it committed them.
constexpr const char* kV6 = R"sql(
CREATE TABLE session_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id text NOT NULL,
    event_id text NOT NULL,
    origin text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_events_by_session ON session_events (session_id, event_id);
CREATE INDEX session_events_by_origin ON session_events (origin, id);
CREATE INDEX session_events_by_age ON session_events (created_at);
)sql";

constexpr Migration kMigrations[] = {{1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}, {5, kV5}, {6, kV6}};

// Any constant: every gaggle instance takes the same lock while it migrates.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7220443812345)";

bool table_exists(Connection& c, const char* name) {
    return c.exec("SELECT to_regclass($1) IS NOT NULL", Params().add(name)).boolean(0, 0);
}

} // namespace

std::int64_t current_schema_version(Connection& c) {
    if (!table_exists(c, "gaggle_schema")) return 0;
    const Result r = c.exec("SELECT version FROM gaggle_schema");
    return r.rows() == 0 ? 0 : r.int64(0, 0);
}

void migrate(Connection& c) {
    const std::int64_t latest = std::span(kMigrations).back().version;
    c.run("BEGIN");
    try {
        c.exec(kMigrationLock);
        const std::int64_t current = current_schema_version(c);
        if (current > latest)
            throw internal_error("the database schema version " + std::to_string(current) +
                                 " is newer than this gaggle supports (version " + std::to_string(latest) +
                                 "); refusing to open it. Use a newer gaggle, or a backup of the database.");
        if (current == 0 && table_exists(c, "sessions"))
            throw internal_error("the database has a 'sessions' table but no gaggle schema version; refusing to "
                                 "modify a database gaggle did not create");
        if (current < latest) {
            if (current == 0) c.run("CREATE TABLE gaggle_schema (version bigint NOT NULL); INSERT INTO gaggle_schema VALUES (0)");
            for (const auto& m : kMigrations)
                if (m.version > current) c.run(m.sql);
            c.exec("UPDATE gaggle_schema SET version = $1", Params().add(latest));
        }
        c.run("COMMIT");
    } catch (...) {
        if (!c.broken()) {
            try {
                c.run("ROLLBACK");
            } catch (...) {
                // Dropped with the connection.
            }
        }
        throw;
    }
}

} // namespace gaggle::pg
