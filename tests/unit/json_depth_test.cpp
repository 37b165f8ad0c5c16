// The nesting guard applied to every JSON text from outside (request bodies, upstream events).
#include "common/error.hpp"
#include "common/json_parse.hpp"

#include <gaggle/cpp/json_depth.hpp>

#include <doctest/doctest.h>

#include <string>

using gaggle::sdk::json_nests_deeper_than;

namespace {
std::string nested(int depth, const std::string& inner = "1")
{
    return std::string(static_cast<size_t>(depth), '[') + inner + std::string(static_cast<size_t>(depth), ']');
}
} // namespace

TEST_CASE("json depth: counts arrays and objects, not brackets inside strings")
{
    CHECK_FALSE(json_nests_deeper_than("", 0));
    CHECK_FALSE(json_nests_deeper_than("1", 0));
    CHECK(json_nests_deeper_than("[]", 0));
    CHECK_FALSE(json_nests_deeper_than(nested(3), 3));
    CHECK(json_nests_deeper_than(nested(4), 3));
    CHECK_FALSE(json_nests_deeper_than(R"({"a":{"b":[1,2]},"c":[[3]]})", 3));
    CHECK(json_nests_deeper_than(R"({"a":{"b":[[1]]}})", 3));
    CHECK_FALSE(json_nests_deeper_than(R"(["[[[[{{{{", "]]]]"])", 1));
    // An escaped quote does not end the string, an escaped backslash does not escape the quote.
    CHECK_FALSE(json_nests_deeper_than(R"(["\"[[[[", "\\"])", 1));
    CHECK(json_nests_deeper_than(R"(["\\", [[1]]])", 2));
    // Siblings do not add up: depth is how deep, not how many.
    CHECK_FALSE(json_nests_deeper_than("[[1],[2],[3],[4]]", 2));
}

TEST_CASE("parse_untrusted_json refuses deep documents with a 400 that states the limit")
{
    const int limit = gaggle::max_json_depth;
    CHECK(gaggle::parse_untrusted_json(nested(limit), "body").is_array());
    try {
        // The deep value followed by another key: the ordered_json copy that used to overflow.
        (void)gaggle::parse_untrusted_json(R"({"a":)" + nested(100000) + R"(,"b":1})", "request body");
        FAIL("a deep document was parsed");
    } catch (const gaggle::Error& e) {
        CHECK(e.kind() == gaggle::ErrorKind::invalid_argument);
        CHECK(std::string(e.what()) == "request body nests deeper than " + std::to_string(limit) + " levels");
    }
    CHECK_THROWS_AS((void)gaggle::parse_untrusted_json("{\"a\":", "request body"), gaggle::Error);
}
