#pragma once
// Access to rows of the `messages` table shared by the message operations. Internal to the
// SQLite engine; functions taking a Connection run inside the caller's transaction.
#include "common/json.hpp"
#include "store/prepared_messages.hpp"
#include "store/sqlite_database.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace gaggle::sqlite {

using gaggle::PreparedMessage;
using gaggle::prepare_messages;

// The session's messages in order: the stored JSON text and whether the model sees the message.
void read_messages(Connection& c, std::int64_t seq, const std::function<void(const SQLite::Column& json, bool agent_visible)>& each);

struct Reserved {
    std::int64_t seq = 0;
    std::int64_t first_ordinal = 0;
    std::int64_t message_count = 0;
};

// Claims ordinals for n new messages, counts them (added to, or replacing, message_count) and
// bumps updated_at. The owner-filtered update doubles as the existence check, saving a
// statement on the hottest write path. Ordinals are never reused, even after a replace.
Reserved reserve_messages(Connection& c, const std::string& owner, const std::string& id, std::int64_t n,
                          bool replace_count, std::int64_t now_ms);

// Inserts messages numbered first_ordinal, first_ordinal + 1, ... in session `seq`.
void insert_messages(Connection& c, const std::string& session_id, std::int64_t seq, std::int64_t first_ordinal,
                     const std::vector<PreparedMessage>& messages);

} // namespace gaggle::sqlite
