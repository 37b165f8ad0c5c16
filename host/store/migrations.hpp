#pragma once
// Numbered schema migrations of the SQLite session database, tracked in PRAGMA user_version.
// Released steps are never edited: a change is a new step appended to the list.
#include <SQLiteCpp/Database.h>

namespace gaggle::sqlite {

int latest_schema_version();

// Brings the database up to latest_schema_version() in one BEGIN IMMEDIATE transaction (either
// every pending step applies or none does; data is converted, never dropped). Throws
// gaggle::Error when the file's version is newer than this code knows, or when the file holds
// tables of something other than gaggle. SQLITE_BUSY propagates as SQLite::Exception so the
// caller can retry.
void migrate(SQLite::Database& db);

} // namespace gaggle::sqlite
