#include "store/migrations.hpp"

#include "common/error.hpp"
#include "common/json.hpp"
#include "store/message_facts.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <span>
#include <string>

namespace gaggle::sqlite {

namespace {

struct Migration {
    int version;
    void (*apply)(SQLite::Database& db);
};

// v1: sessions scoped by owner, messages as exact JSON text, plugin key-value pairs.
// Timestamps are unix milliseconds (sessions) and unix seconds (messages, as in Message.created).
// A session also has a compact integer `seq`; its messages have rowids (seq << 32) + ordinal, so
// one session's messages are one contiguous, ordered range of the table (loading is a range
// scan) and a full-text hit names its session without reading the message row.
void v1_base_schema(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT 'New Chat',
    user_set_name INTEGER NOT NULL DEFAULT 0,
    working_dir TEXT NOT NULL DEFAULT '',
    session_type TEXT NOT NULL DEFAULT 'user',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    extension_data TEXT NOT NULL DEFAULT '{}',
    input_tokens INTEGER,
    output_tokens INTEGER,
    total_tokens INTEGER,
    accumulated_input_tokens INTEGER,
    accumulated_output_tokens INTEGER,
    accumulated_total_tokens INTEGER,
    provider_name TEXT,
    model_config TEXT,
    recipe TEXT,
    user_recipe_values TEXT,
    schedule_id TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    last_ordinal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_owner_updated ON sessions(owner, updated_at DESC, seq);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_id TEXT,
    created INTEGER NOT NULL,
    role TEXT NOT NULL,
    user_visible INTEGER NOT NULL DEFAULT 1,
    agent_visible INTEGER NOT NULL DEFAULT 1,
    json TEXT NOT NULL
);
CREATE INDEX messages_by_session ON messages(session_id);
CREATE TABLE plugin_kv (
    plugin_id TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (plugin_id, key)
) WITHOUT ROWID;
)sql");
}

// v2: full-text search. v1 had none, so search meant scanning every message's JSON (the
// upstream problem #11287). The plain text of user-visible messages is extracted in C++ (the
// same function append uses) into messages.search_text, indexed by an external-content FTS5
// table kept in sync by triggers. Messages without searchable text (tool results, hidden
// history) stay out of the index.
void v2_full_text_search(SQLite::Database& db) {
    db.exec("ALTER TABLE messages ADD COLUMN search_text TEXT NOT NULL DEFAULT ''");

    SQLite::Statement select(
        db, "SELECT id, json FROM messages WHERE id > ? AND user_visible <> 0 ORDER BY id LIMIT 1000");
    SQLite::Statement update(db, "UPDATE messages SET search_text = ? WHERE id = ?");
    std::int64_t last = -1;
    for (bool more = true; more;) {
        more = false;
        select.bind(1, last);
        while (select.executeStep()) {
            more = true;
            last = select.getColumn(0).getInt64();
            const Json message = Json::parse(select.getColumn(1).getString(), nullptr, false);
            const std::string text = extract_search_text(message);
            if (text.empty()) continue;
            update.bind(1, text);
            update.bind(2, last);
            update.exec();
            update.reset();
        }
        select.reset();
    }

    db.exec(R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
    search_text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.search_text <> '' BEGIN
    INSERT INTO messages_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.search_text <> '' BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text)
        SELECT 'delete', old.id, old.search_text WHERE old.search_text <> '';
    INSERT INTO messages_fts(rowid, search_text)
        SELECT new.id, new.search_text WHERE new.search_text <> '';
END;
INSERT INTO messages_fts(rowid, search_text) SELECT id, search_text FROM messages WHERE search_text <> '';
)sql");
}

// v3: a counter row per UTC day for session ids. v1 took MAX() over the day's ids, which
// scanned every session of the day and handed out again the id of a deleted newest session
// (a client still holding the old id would then open someone else's conversation).
void v3_session_day_counters(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE session_day_counters (
    day TEXT PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO session_day_counters(day, last)
    SELECT substr(id, 1, 8), MAX(CAST(substr(id, 10) AS INTEGER)) FROM sessions
    WHERE id GLOB '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]_[1-9]*'
    GROUP BY substr(id, 1, 8);
)sql");
}

// v4: messages are indexed for search in batches, off the commit path. With v2's insert trigger
// every commit wrote a new FTS5 segment (its data, index and docsize pages), about doubling the
// WAL frames a turn's fsync must flush. Now a message with searchable text gets a row in
// messages_fts_pending in its own transaction (one small page), and sqlite_search's indexer
// moves pending messages into the index in batches: in the background, and before every search,
// so a search still sees every committed message. An indexed message's entry is removed on
// delete and replaced on update as before; a pending one only leaves the pending table.
void v4_deferred_search_index(SQLite::Database& db) {
    db.exec(R"sql(
CREATE TABLE messages_fts_pending (id INTEGER PRIMARY KEY);
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.search_text <> '' BEGIN
    INSERT INTO messages_fts_pending(id) VALUES (new.id);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.search_text <> '' BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text)
        SELECT 'delete', old.id, old.search_text
        WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id);
    DELETE FROM messages_fts_pending WHERE id = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF search_text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, search_text)
        SELECT 'delete', old.id, old.search_text
        WHERE old.search_text <> '' AND NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id);
    DELETE FROM messages_fts_pending WHERE id = old.id;
    INSERT INTO messages_fts_pending(id) SELECT new.id WHERE new.search_text <> '';
END;
)sql");
}

// v5: sessions can be archived (ACP's session/archive): the time, null while not archived.
void v5_archived_sessions(SQLite::Database& db) { db.exec("ALTER TABLE sessions ADD COLUMN archived_at INTEGER"); }

constexpr Migration kMigrations[] = {
    {1, v1_base_schema},
    {2, v2_full_text_search},
    {3, v3_session_day_counters},
    {4, v4_deferred_search_index},
    {5, v5_archived_sessions},
};

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

// A file with tables but version 0 was not made by gaggle (e.g. upstream goose's own
// sessions.db): refuse rather than create our tables beside or over someone else's.
void refuse_foreign(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1");
    if (q.executeStep())
        throw internal_error("the file has tables (e.g. '" + q.getColumn(0).getString() +
                             "') but no gaggle schema version; refusing to modify a database "
                             "gaggle did not create");
}

} // namespace

int latest_schema_version() { return std::span(kMigrations).back().version; }

void migrate(SQLite::Database& db) {
    const int latest = latest_schema_version();
    // Cheap check outside a transaction: the common case (up to date) takes no write lock.
    if (user_version(db) == latest) return;

    db.exec("BEGIN IMMEDIATE");
    try {
        const int current = user_version(db);  // again, now that no one else can change it
        if (current > latest)
            throw internal_error("the database schema version " + std::to_string(current) +
                                 " is newer than this gaggle supports (version " +
                                 std::to_string(latest) +
                                 "); refusing to open it. Use a newer gaggle, or a backup of the "
                                 "database.");
        if (current == 0) refuse_foreign(db);
        for (const auto& m : kMigrations)
            if (m.version > current) m.apply(db);
        // Appended rather than `"literal" + std::to_string(...)`: GCC 12 at -O3 reports a false
        // -Warray-bounds inside the inlined operator+(const char*, string&&).
        std::string set_version = "PRAGMA user_version = ";
        set_version += std::to_string(latest);
        db.exec(set_version);
        db.exec("COMMIT");
    } catch (...) {
        if (sqlite3_get_autocommit(db.getHandle()) == 0) {
            try {
                db.exec("ROLLBACK");
            } catch (...) {
                // The connection is closed next anyway, which rolls back too.
            }
        }
        throw;
    }
}

} // namespace gaggle::sqlite
