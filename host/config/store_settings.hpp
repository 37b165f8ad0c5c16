#pragma once
// Which database the sessions live in, from the environment or config.yaml:
//
//   GAGGLE_DATABASE_URL         postgres://user:pass@host/db selects PostgreSQL, shared by every
//                               instance given the same URL; unset: SQLite under the data folder.
//   GAGGLE_DATABASE_POOL_SIZE   PostgreSQL connections this instance opens at most (default 8).
//   GAGGLE_DATABASE_TIMEOUT_MS  PostgreSQL: the longest one statement, or the wait for a free
//                               connection, may take before the request gets 503 (default 30,000).
//   GAGGLE_DB_SYNC              SQLite: full (default, fsync per durable commit) or normal.
#include "config/config.hpp"
#include "store/store_engine.hpp"

namespace gaggle {

// Throws Error(invalid_argument) naming a setting that is out of range.
StoreSettings resolve_store_settings(const Config& config);

} // namespace gaggle
