#include "store/store_engine.hpp"

#include "common/error.hpp"
#include "store/pg_event_log.hpp"
#include "store/pg_kv_store.hpp"
#include "store/pg_session_store.hpp"
#include "store/pg_turn_leases.hpp"
#include "store/sqlite_kv_store.hpp"
#include "store/sqlite_session_store.hpp"

namespace gaggle {

bool is_postgres_url(const std::string& url) {
    return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

Stores open_stores(const StoreSettings& settings, StoreClock clock, const std::string& instance) {
    Stores out;
    if (!settings.database_url.empty()) {
        if (!is_postgres_url(settings.database_url))
            throw invalid_argument("GAGGLE_DATABASE_URL must be a postgres:// or postgresql:// URL");
        pg::DatabaseOptions options;
        options.url = settings.database_url;
        options.pool_size = settings.pool_size;
        options.statement_timeout_ms = settings.statement_timeout_ms;
        auto database = std::make_shared<pg::Database>(options);
        out.engine = "postgres";
        out.sessions = std::make_unique<PgSessionStore>(database, std::move(clock));
        out.kv = std::make_unique<PgKvStore>(database);
        out.leases = std::make_unique<PgTurnLeases>(database);
        if (!instance.empty()) out.events = std::make_shared<PgEventLog>(database, instance);
        return out;
    }
    sqlite::DatabaseOptions options;
    options.path = settings.sqlite_path;
    if (settings.sqlite_process_crash_safe) options.durability = sqlite::Durability::process_crash_safe;
    auto database = std::make_shared<sqlite::Database>(options);
    out.engine = "sqlite";
    out.sessions = std::make_unique<SqliteSessionStore>(database, std::move(clock));
    out.kv = std::make_unique<SqliteKvStore>(database);
    return out;
}

} // namespace gaggle
