// GooseApp HTML: the metadata block is found by plain search and taken out whole; malformed
// pages are refused with the reason, and an export reads back to the same app.
#include "apps/goose_app.hpp"
#include "common/error.hpp"

#include <doctest/doctest.h>

using gaggle::Json;

namespace {

std::string refusal(const std::string& html)
{
    try {
        gaggle::app_from_html(html);
    } catch (const gaggle::Error& e) {
        return e.what();
    }
    return "";
}

const std::string meta_open = "<script type=\"application/ld+json\">";

} // namespace

TEST_CASE("goose app html: refusals name what is wrong")
{
    CHECK(refusal("") == "No GooseApp JSON-LD metadata found in HTML");
    CHECK(refusal(meta_open + "{\"name\":\"x\"}") == "No GooseApp JSON-LD metadata found in HTML"); // never closed
    CHECK(refusal("<script type=\"application/ld+json\"") == "No GooseApp JSON-LD metadata found in HTML");
    CHECK(refusal(meta_open + "[1]</script>") == "The GooseApp metadata is not a JSON object");
    CHECK(refusal(meta_open + "{\"name\":\"\"}</script>") == "Missing 'name' in metadata");
    CHECK(refusal(meta_open + "{\"name\":7}</script>") == "Missing 'name' in metadata");
    CHECK(refusal(meta_open + "{\"name\":\"a/b\"}</script>").find("without slashes") != std::string::npos);
    CHECK(refusal(meta_open + "{\"name\":\"" + std::string(201, 'n') + "\"}</script>").find("at most 200") != std::string::npos);
    std::string deep = "{\"name\":\"x\",\"d\":";
    for (int i = 0; i < 10000; ++i) deep += "[";
    CHECK(refusal(meta_open + deep + "</script>").find("nests deeper than 128 levels") != std::string::npos);
}

TEST_CASE("goose app html: fields, defaults and the page without its blocks")
{
    const Json app = gaggle::app_from_html("<html><head>\n  " + meta_open +
                                           "{\"name\":\"Notes\",\"height\":500,\"mcpServers\":[\"a\",3,\"b\"]}</script>\n"
                                           "</head><body>hi</body></html>");
    CHECK(app["uri"] == "ui://apps/Notes");
    CHECK(app["mimeType"] == "text/html;profile=mcp-app");
    CHECK(app["width"] == 800); // one size given: the others take upstream's defaults
    CHECK(app["height"] == 500);
    CHECK(app["resizable"] == true);
    CHECK(app["mcpServers"] == Json::array({"a", "b"}));
    CHECK_FALSE(app.contains("prd"));
    CHECK(app["text"] == "<html><head>\n</head><body>hi</body></html>");
    // Without any size, no window properties at all.
    CHECK_FALSE(gaggle::app_from_html(meta_open + "{\"name\":\"n\"}</script>").contains("width"));
}

TEST_CASE("goose app html: export then import gives the same app, whatever the page's shape")
{
    for (const std::string page : {"<html><head><title>t</title></head><body>x</body></html>", "<html lang=\"en\"><body>x</body></html>",
                                   "<p>bare fragment</p>"}) {
        const Json app{{"uri", "ui://apps/A"}, {"name", "A"}, {"description", "d"}, {"mimeType", gaggle::mcp_app_mime_type},
                       {"text", page}, {"mcpServers", Json::array({"apps"})}, {"width", 10}, {"height", 20}, {"resizable", false},
                       {"prd", "what it is for"}};
        const Json back = gaggle::app_from_html(gaggle::app_to_html(app));
        for (const char* key : {"uri", "name", "description", "mimeType", "mcpServers", "width", "height", "resizable", "prd"})
            CHECK_MESSAGE(back[key] == app[key], (std::string(key) + " of " + page));
        // The page gains a <head> or <html> wrapper where it had none; its own content stays.
        CHECK(back["text"].get<std::string>().find(page.substr(page.find('>') + 1, 5)) != std::string::npos);
    }
}
