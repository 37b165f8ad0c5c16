#pragma once
// Access to rows of the `sessions` table: mapping to SessionInfo, binding helpers, and the
// lookups and inserts every operation shares. Internal to the SQLite engine; functions taking a
// Connection run inside the caller's transaction.
#include "common/error.hpp"
#include "store/session_types.hpp"
#include "store/sqlite_database.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>

// The select list every session read uses; read_session_row() relies on this order, and the
// trailing seq (the session's internal integer key) feeds cursors and message ranges. A macro so
// SQL stays one string literal.
#define GAGGLE_SESSION_COLUMNS                                                                  \
    "id, owner, name, user_set_name, working_dir, session_type, created_at, updated_at, "      \
    "extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "    \
    "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, " \
    "user_recipe_values, schedule_id, message_count, seq, archived_at"
// What fetch_session_counters() reads, in its order.
#define GAGGLE_SESSION_COUNTER_COLUMNS                                                          \
    "name, updated_at, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "  \
    "accumulated_output_tokens, accumulated_total_tokens, message_count"

namespace gaggle::sqlite {

inline constexpr int kSessionSeqColumn = 21;

// Messages of session `seq` have rowids (seq << 32) + ordinal, ordinal 1 .. 2^32 - 1.
inline constexpr int kOrdinalBits = 32;
inline constexpr std::int64_t kMaxOrdinal = (std::int64_t{1} << kOrdinalBits) - 1;
inline constexpr std::int64_t first_message_rowid(std::int64_t seq) { return seq << kOrdinalBits; }
inline constexpr std::int64_t last_message_rowid(std::int64_t seq) { return (seq << kOrdinalBits) | kMaxOrdinal; }
inline constexpr std::int64_t session_seq_of(std::int64_t message_rowid) { return message_rowid >> kOrdinalBits; }

SessionInfo read_session_row(SQLite::Statement& row);

void bind_optional(SQLite::Statement& st, int index, const std::optional<std::int64_t>& v);
void bind_optional(SQLite::Statement& st, int index, const std::optional<std::string>& v);
// JSON null and nullopt both bind SQL NULL.
void bind_optional(SQLite::Statement& st, int index, const std::optional<Json>& v);

// Error(not_found, "Session not found"): a missing session and another owner's look the same.
Error session_not_found();

// The owner's session (and its seq when asked); throws session_not_found().
SessionInfo fetch_session(Connection& c, const std::string& owner, const std::string& id,
                          std::int64_t* seq = nullptr);
// The counters a turn step changes (SessionCounters); throws session_not_found().
SessionCounters fetch_session_counters(Connection& c, const std::string& owner, const std::string& id);
// Just the seq; throws session_not_found().
std::int64_t require_session(Connection& c, const std::string& owner, const std::string& id);

// Next "YYYYMMDD_N" of the UTC day of now_ms. Inside the write transaction, so concurrent
// creators are serialised by the write lock and never get the same id.
std::string allocate_session_id(Connection& c, std::int64_t now_ms);
// Next seq. A deleted newest session's seq may come back; nothing refers to it any more (its
// messages and index entries went with it).
std::int64_t next_session_seq(Connection& c);
// Inserts s (id already allocated) under a fresh seq, which it returns; message_count doubles
// as last_ordinal because a new session's messages are numbered 1..n.
std::int64_t insert_session(Connection& c, const SessionInfo& s);

} // namespace gaggle::sqlite
