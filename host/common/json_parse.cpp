#include "common/json_parse.hpp"

#include "common/error.hpp"

#include <gaggle/cpp/json_depth.hpp>

namespace gaggle {

static_assert(max_json_depth == sdk::max_json_depth, "host and plugins refuse the same depth");

Json parse_untrusted_json(std::string_view text, std::string_view what)
{
    if (sdk::json_nests_deeper_than(text, max_json_depth))
        throw invalid_argument(std::string(what) + " nests deeper than " + std::to_string(max_json_depth) + " levels");
    try {
        return Json::parse(text);
    } catch (const Json::exception& e) { // parse_error, or out_of_range for a number like 1e400
        throw invalid_argument(std::string(what) + " is not valid JSON: " + e.what());
    }
}

} // namespace gaggle
