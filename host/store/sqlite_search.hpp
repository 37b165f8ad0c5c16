#pragma once
// Full-text search plan of the SQLite engine, in two steps: which sessions have a matching
// message (from the FTS index alone: a hit's rowid names its session), then which of those
// are the caller's newest. Internal to SqliteSessionStore.
#include "store/sqlite_database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::sqlite {

// Messages wait in messages_fts_pending until they are indexed (migration v4).
// Moves up to `batch` pending messages into the index; run inside a write transaction. Returns
// how many it took (fewer than `batch`: none is left).
std::int64_t index_pending_messages(Connection& c, std::int64_t batch);
// Whether a message waits to be indexed (a read).
bool messages_pending_index(Connection& c);
// Indexes every pending message, one write transaction per batch, so a large backlog (a bulk
// import) never holds the writer for long at a time.
void index_all_pending_messages(Database& db);

// Up to this many matching sessions, step two looks each one up (~3 us each); beyond, it walks
// the caller's sessions newest first (~0.05 us each, covering index) until enough match, which
// with this many matches is expected to stop early, and at worst reads the owner's index once.
inline constexpr std::size_t kLookupHits = 256;

// Sorted, distinct seqs of sessions with an indexed (user-visible) message matching `match`
// (an FTS5 expression from to_fts5_query) and created in [after, before).
std::vector<std::int64_t> matching_sessions(Connection& c, const std::string& match,
                                            std::optional<std::int64_t> after,
                                            std::optional<std::int64_t> before);

// The owner's sessions among `seqs`, newest first (updated_at DESC, seq ASC), at most limit.
// Same answer, two costs: lookup is O(seqs); walk is O(owner's sessions newer than the
// limit-th match), cheap when many sessions match.
std::vector<std::int64_t> newest_by_lookup(Connection& c, const std::string& owner,
                                           const std::vector<std::int64_t>& seqs, std::size_t limit);
std::vector<std::int64_t> newest_by_walk(Connection& c, const std::string& owner,
                                         const std::vector<std::int64_t>& seqs, std::size_t limit);

} // namespace gaggle::sqlite
