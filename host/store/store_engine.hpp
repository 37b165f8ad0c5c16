#pragma once
// Chooses and opens the storage engine: SQLite in one file (the default, one machine) or
// PostgreSQL (several instances sharing one database). The only place outside the engines that
// knows there are two.
#include "store/kv_store.hpp"
#include "store/session_store.hpp"
#include "store/shared_event_log.hpp"
#include "store/store_clock.hpp"
#include "store/turn_leases.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace gaggle {

struct StoreSettings {
    // postgres://... or postgresql://... selects PostgreSQL; empty selects SQLite.
    std::string database_url{};
    std::filesystem::path sqlite_path{};
    // SQLite only: fsync at checkpoints rather than every durable commit (GAGGLE_DB_SYNC=normal).
    bool sqlite_process_crash_safe = false;
    std::size_t pool_size = 8;             // PostgreSQL connections of this instance
    int statement_timeout_ms = 30'000;     // PostgreSQL: longest wait for one statement
};

struct Stores {
    std::string engine;  // "sqlite" or "postgres"
    std::unique_ptr<SessionStore> sessions;
    std::unique_ptr<KvStore> kv;  // the plugins' key-value service, in the same database
    // Which instance runs a session's turn; null where one instance is all there is (SQLite).
    std::unique_ptr<TurnLeases> leases;
    // The event buses' log shared with other instances; null on SQLite. Its writer runs from here.
    std::shared_ptr<SharedEventLog> events;
};

// Opens and migrates the database. Throws gaggle::Error with the engine's reason (a newer
// schema, an unreachable server, a URL that names neither engine).
// `instance` names this process among the instances on one database (a new name each start).
Stores open_stores(const StoreSettings& settings, StoreClock clock = {}, const std::string& instance = {});

// Whether a URL selects PostgreSQL (and is not some other scheme given by mistake).
bool is_postgres_url(const std::string& url);

} // namespace gaggle
