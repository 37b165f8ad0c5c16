#pragma once
// The numbered schema steps of the PostgreSQL engine. They mirror SQLite's (migrations.cpp):
// version N means the same capabilities on both engines, so an operator reads one number.
#include "store/pg_connection.hpp"

#include <cstdint>

namespace gaggle::pg {

// Brings the database to the latest version inside one transaction, under an advisory lock so
// instances starting together migrate once. Throws Error(internal) for a schema newer than
// this build or tables gaggle did not create.
void migrate(Connection& c);
std::int64_t current_schema_version(Connection& c);

} // namespace gaggle::pg
