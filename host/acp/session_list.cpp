#include "acp/session_list.hpp"

#include "acp/params.hpp"
#include "common/error.hpp"
#include "store/session_store.hpp"
#include "store/timestamps.hpp"

#include <filesystem>
#include <optional>

namespace gaggle::acp {
namespace {

// Every listed session says whether it is archived: the archive capability promises it.
Json session_info(const SessionInfo& s)
{
    return Json{{"sessionId", s.id},
                {"cwd", s.working_dir},
                {"title", s.name},
                {"updatedAt", format_rfc3339_utc(s.updated_at_ms)},
                {"archived", s.archived_at_ms.has_value()}};
}

// `archived`: absent or null is "exclude"; a value this agent does not know is -32602, as the
// schema asks, never read as the default.
ArchiveFilter archive_filter(const Json& params)
{
    auto it = params.find("archived");
    if (it == params.end() || it->is_null()) return ArchiveFilter::exclude;
    if (!it->is_string()) throw invalid_params("`archived` must be \"exclude\", \"include\" or \"only\"");
    const auto& value = it->get_ref<const std::string&>();
    if (value == "exclude") return ArchiveFilter::exclude;
    if (value == "include") return ArchiveFilter::include;
    if (value == "only") return ArchiveFilter::only;
    throw invalid_params("`archived` filter \"" + value.substr(0, 64) + "\" is not supported (exclude, include, only)");
}

} // namespace

Json list_sessions(SessionStore& store, const std::string& owner, const Json& params)
{
    const auto cwd = optional_string(params, "cwd");
    if (cwd && !std::filesystem::path(*cwd).is_absolute()) throw invalid_params("`cwd` must be an absolute path");
    ListQuery query;
    query.session_types = {"user", "scheduled"}; // what GET /sessions lists
    query.cursor = optional_string(params, "cursor");
    query.archived = archive_filter(params);

    Json sessions = Json::array();
    std::size_t scanned = 0;
    for (;;) {
        // Never past a full answer: the cursor of the last page read is where the next call goes on.
        query.limit = session_list_page - sessions.size();
        SessionPage page;
        try {
            page = store.list_sessions(owner, query);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::invalid_argument) throw invalid_params("`cursor` is not one this agent gave");
            throw;
        }
        scanned += page.sessions.size();
        for (const auto& s : page.sessions)
            if (!cwd || s.working_dir == *cwd) sessions.push_back(session_info(s));
        query.cursor = page.next_cursor;
        if (!page.next_cursor || sessions.size() == session_list_page || scanned >= session_list_scan) break;
    }
    Json response{{"sessions", std::move(sessions)}};
    if (query.cursor) response["nextCursor"] = *query.cursor;
    return response;
}

} // namespace gaggle::acp
