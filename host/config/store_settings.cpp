#include "config/store_settings.hpp"

#include "config/positive_setting.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {

StoreSettings resolve_store_settings(const Config& config) {
    StoreSettings s;
    s.database_url = config.get_string_or("GAGGLE_DATABASE_URL", "");
    s.sqlite_path = config.paths().sessions_db();
    // normal trades power-loss durability of the last commits for speed (a crashed process still
    // loses nothing); the default fsyncs every commit.
    const std::string sync = config.get_string_or("GAGGLE_DB_SYNC", "full");
    if (sync == "normal") s.sqlite_process_crash_safe = true;
    else if (sync != "full") spdlog::warn("GAGGLE_DB_SYNC must be full or normal, not '{}'; using full", sync);
    s.pool_size = positive_setting(config, "GAGGLE_DATABASE_POOL_SIZE", s.pool_size, 1024);
    s.statement_timeout_ms = static_cast<int>(
        positive_setting(config, "GAGGLE_DATABASE_TIMEOUT_MS", static_cast<std::size_t>(s.statement_timeout_ms), 3'600'000));
    return s;
}

} // namespace gaggle
