#pragma once
// Plain values exchanged with a SessionStore. They know nothing about SQL so that every engine
// (SQLite now, PostgreSQL later) speaks the same types, and nothing about HTTP (session_json.hpp
// turns them into the upstream wire shape).
#include "common/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

// Token counters of a session. Null (std::nullopt) means "never reported", which upstream
// serialises as JSON null, so it is kept distinct from zero.
struct TokenCounters {
    std::optional<std::int64_t> input{};
    std::optional<std::int64_t> output{};
    std::optional<std::int64_t> total{};
    std::optional<std::int64_t> accumulated_input{};
    std::optional<std::int64_t> accumulated_output{};
    std::optional<std::int64_t> accumulated_total{};

    bool operator==(const TokenCounters&) const = default;
};

// One session's metadata: everything except the messages.
struct SessionInfo {
    std::string id{};          // YYYYMMDD_N
    std::string owner{};       // user id; every store query is scoped by it
    std::string name = "New Chat";
    bool user_set_name = false;
    std::string working_dir{};
    std::string session_type = "user";
    std::int64_t created_at_ms = 0;  // unix milliseconds, UTC
    std::int64_t updated_at_ms = 0;
    Json extension_data = Json::object();
    TokenCounters tokens{};
    std::optional<std::string> provider_name{};
    std::optional<Json> model_config{};
    std::optional<Json> recipe{};
    std::optional<Json> user_recipe_values{};
    std::optional<std::string> schedule_id{};
    std::int64_t message_count = 0;
    // When the session was archived (unix ms); absent while it is not. Archived sessions keep
    // their id and history and are left out of listings that ask for that (ACP's default).
    std::optional<std::int64_t> archived_at_ms{};
};

// What one step of a turn (TurnStep) can change in its session. A turn keeps the rest of the
// session as it read it at its start, so a step reads back only these.
struct SessionCounters {
    std::string name = "New Chat";
    std::int64_t updated_at_ms = 0;
    TokenCounters tokens{};
    std::int64_t message_count = 0;
};

// A session with its conversation read in one snapshot, messages as their stored JSON text.
struct LoadedSession {
    SessionInfo info{};
    std::vector<std::string> conversation{};
};

struct NewSession {
    std::string owner{};
    std::string working_dir{};
    std::string name = "New Chat";
    std::string session_type = "user";
    Json extension_data = Json::object();
    std::optional<std::string> provider_name{};
    std::optional<Json> model_config{};
    std::optional<Json> recipe{};
    std::optional<Json> user_recipe_values{};
    std::optional<std::string> schedule_id{};
};

// A field of a patch: outer empty = leave unchanged; inner empty = set to null.
template <class T>
using Nullable = std::optional<std::optional<T>>;

struct SessionPatch {
    std::optional<std::string> working_dir{};
    std::optional<std::string> session_type{};
    // Automatic naming: applied only while the user has not named the session (see rename).
    std::optional<std::string> name{};
    Nullable<std::string> provider_name{};
    Nullable<std::string> schedule_id{};
    Nullable<Json> model_config{};
    Nullable<Json> recipe{};
    Nullable<Json> user_recipe_values{};
    // Replace extension_data wholesale (must be an object) ...
    std::optional<Json> extension_data{};
    // ... and/or merge keys into it inside the write transaction, so two threads updating
    // different extensions' state never lose each other's write. A null value removes the key.
    std::optional<Json> extension_data_merge{};
    std::optional<TokenCounters> tokens{};  // sets all six counters as given

    bool empty() const {
        return !working_dir && !session_type && !name && !provider_name && !schedule_id &&
               !model_config && !recipe && !user_recipe_values && !extension_data &&
               !extension_data_merge && !tokens;
    }
};

// Usage reported for one provider call: becomes the "last turn" counters and is added to the
// accumulated ones. total defaults to input + output.
struct TokenUsage {
    std::int64_t input = 0;
    std::int64_t output = 0;
    std::optional<std::int64_t> total{};
};

// Which sessions a listing returns by their archive state.
enum class ArchiveFilter { include, exclude, only };

// Listing is newest first (updated_at). Page with `cursor` (from the previous page's
// next_cursor; cost independent of depth) or with `offset` (cost grows with depth), not both.
struct ListQuery {
    std::size_t limit = 100;           // 1..1000
    std::optional<std::string> cursor{};
    std::size_t offset = 0;
    std::vector<std::string> session_types{};  // empty = every type
    bool include_empty = true;                // false = only sessions with >= 1 message
    ArchiveFilter archived = ArchiveFilter::include;
};

struct SessionPage {
    std::vector<SessionInfo> sessions{};
    std::optional<std::string> next_cursor{};  // absent on the last page
};

struct SearchQuery {
    std::string text{};                         // user input; never interpreted as FTS syntax
    std::size_t limit = 10;                   // 1..1000
    std::optional<std::int64_t> after{};        // message created >= after (unix seconds)
    std::optional<std::int64_t> before{};       // message created <  before (unix seconds)
};

struct ForkOptions {
    // When set, the copy keeps only messages created before this unix-seconds timestamp.
    std::optional<std::int64_t> truncate_from{};
};

struct SessionInsights {
    std::int64_t total_sessions = 0;
    std::int64_t total_tokens = 0;
};

} // namespace gaggle
