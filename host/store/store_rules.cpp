#include "store/store_rules.hpp"

#include "common/error.hpp"
#include "store/session_validation.hpp"

#include <charconv>

namespace gaggle {

void validate_page_limit(std::size_t limit) {
    if (limit == 0 || limit > kMaxStorePage) throw invalid_argument("limit must be between 1 and 1000");
}

void validate_list_query(const ListQuery& q) {
    validate_page_limit(q.limit);
    if (q.cursor && q.offset != 0) throw invalid_argument("use either cursor or offset, not both");
    for (const auto& t : q.session_types) validate_session_type(t);
}

std::string encode_list_cursor(std::int64_t updated_at, std::int64_t seq) {
    return std::to_string(updated_at) + ":" + std::to_string(seq);
}

std::pair<std::int64_t, std::int64_t> decode_list_cursor(const std::string& cursor) {
    const auto colon = cursor.find(':');
    std::int64_t updated = 0, seq = 0;
    const char* end = cursor.data() + cursor.size();
    if (colon != std::string::npos) {
        auto a = std::from_chars(cursor.data(), cursor.data() + colon, updated);
        auto b = std::from_chars(cursor.data() + colon + 1, end, seq);
        if (a.ec == std::errc() && a.ptr == cursor.data() + colon && b.ec == std::errc() && b.ptr == end)
            return {updated, seq};
    }
    throw invalid_argument("cursor is not one this server issued");
}

std::int64_t archive_filter_code(ArchiveFilter filter) {
    switch (filter) {
    case ArchiveFilter::include: return 0;
    case ArchiveFilter::exclude: return 1;
    case ArchiveFilter::only: return 2;
    }
    return 0;
}

std::string session_types_filter(const ListQuery& q) {
    if (q.session_types.empty()) return {};
    std::string types = ",";
    for (const auto& t : q.session_types) {
        types += t;
        types += ',';
    }
    return types;
}

Json patched_extension_data(Json current, const SessionPatch& patch) {
    if (patch.extension_data) current = *patch.extension_data;
    if (patch.extension_data_merge) {
        for (const auto& [key, value] : patch.extension_data_merge->items()) {
            if (value.is_null()) current.erase(key);
            else current[key] = value;
        }
    }
    return current;
}

SessionInfo new_session_info(const NewSession& in, std::string id, std::int64_t now_ms) {
    SessionInfo s;
    s.id = std::move(id);
    s.owner = in.owner;
    s.name = in.name;
    s.working_dir = in.working_dir;
    s.session_type = in.session_type;
    s.created_at_ms = s.updated_at_ms = now_ms;
    s.extension_data = in.extension_data;
    s.provider_name = in.provider_name;
    s.model_config = in.model_config;
    s.recipe = in.recipe;
    s.user_recipe_values = in.user_recipe_values;
    s.schedule_id = in.schedule_id;
    return s;
}

std::int64_t checked_total(const TokenUsage& usage) {
    const std::int64_t total = usage.total.value_or(usage.input + usage.output);
    if (usage.input < 0 || usage.output < 0 || total < 0)
        throw invalid_argument("token counts must not be negative");
    return total;
}

} // namespace gaggle
