#pragma once
// Access to rows of the `sessions` and `messages` tables shared by the PostgreSQL engine's
// operations. Functions taking a Connection run inside the caller's transaction.
#include "store/pg_connection.hpp"
#include "store/prepared_messages.hpp"
#include "store/session_types.hpp"

#include <cstdint>
#include <string>
#include <vector>

// The select list every session read uses; read_session_row() relies on this order, the
// trailing seq feeds cursors and message ranges. As SQLite's GAGGLE_SESSION_COLUMNS.
#define GAGGLE_PG_SESSION_COLUMNS                                                               \
    "id, owner, name, user_set_name, working_dir, session_type, created_at, updated_at, "      \
    "extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "    \
    "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, recipe, " \
    "user_recipe_values, schedule_id, message_count, seq, archived_at"
// What fetch_session_counters() reads, in its order. As SQLite's GAGGLE_SESSION_COUNTER_COLUMNS.
#define GAGGLE_PG_SESSION_COUNTER_COLUMNS                                                       \
    "name, updated_at, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "  \
    "accumulated_output_tokens, accumulated_total_tokens, message_count"

namespace gaggle::pg {

inline constexpr int kSessionSeqColumn = 21;
// Ordinals stay below 2^32, as in the SQLite engine, so both refuse the same sessions.
inline constexpr std::int64_t kMaxOrdinal = (std::int64_t{1} << 32) - 1;

SessionInfo read_session_row(const Result& r, int row);

// JSON null and nullopt both bind NULL.
void add_json(Params& p, const std::optional<Json>& v);

// The owner's session (and its seq when asked); throws Error(not_found, "Session not found").
SessionInfo fetch_session(Connection& c, const std::string& owner, const std::string& id,
                          std::int64_t* seq = nullptr);
// The counters a turn step changes (SessionCounters); throws not found.
SessionCounters fetch_session_counters(Connection& c, const std::string& owner, const std::string& id);
// Just the seq; throws not found.
std::int64_t require_session(Connection& c, const std::string& owner, const std::string& id);

// Next "YYYYMMDD_N" of the UTC day of now_ms. The day counter's row lock serialises creators in
// every instance, so no two get the same id.
std::string allocate_session_id(Connection& c, std::int64_t now_ms);
// Inserts s (id allocated); returns its new seq.
std::int64_t insert_session(Connection& c, const SessionInfo& s);

struct Reserved {
    std::int64_t seq = 0;
    std::int64_t first_ordinal = 0;
    std::int64_t message_count = 0;
};

// Claims ordinals for n new messages, counts them (added to, or replacing, message_count) and
// bumps updated_at, in one statement that also locks the session row (so appends to one
// session from several instances queue) and checks it exists.
Reserved reserve_messages(Connection& c, const std::string& owner, const std::string& id, std::int64_t n,
                          bool replace_count, std::int64_t now_ms);

// Inserts messages numbered first_ordinal, first_ordinal + 1, ... in session `seq`, in one
// statement (arrays unnested server-side: one round trip however many messages).
void insert_messages(Connection& c, std::int64_t seq, std::int64_t first_ordinal,
                     const std::vector<PreparedMessage>& messages);

// The session's messages in order, in one statement: column 0 the stored JSON text, column 1
// whether the model sees the message.
Result read_messages(Connection& c, std::int64_t seq);

} // namespace gaggle::pg
