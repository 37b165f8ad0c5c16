#include "apps/goose_app.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"

namespace gaggle {
namespace {

constexpr const char* metadata_type = "application/ld+json";
constexpr const char* prd_type = "application/x-goose-prd";
constexpr std::size_t max_name = 200;

struct ScriptBlock {
    std::size_t begin = std::string::npos; // of "<script"
    std::size_t end = 0;                   // after "</script>"
    std::string body;
};

// The first <script type="TYPE" ...>...</script> block, found by plain search: the HTML is the
// client's, so no backtracking matcher runs over it.
ScriptBlock find_script(const std::string& html, const std::string& type)
{
    const std::string open = "<script type=\"" + type + "\"";
    ScriptBlock b;
    const std::size_t at = html.find(open);
    if (at == std::string::npos) return b;
    const std::size_t body = html.find('>', at + open.size());
    if (body == std::string::npos) return b;
    const std::size_t close = html.find("</script>", body + 1);
    if (close == std::string::npos) return b;
    b.begin = at;
    b.end = close + 9;
    b.body = html.substr(body + 1, close - body - 1);
    const auto first = b.body.find_first_not_of(" \t\r\n");
    const auto last = b.body.find_last_not_of(" \t\r\n");
    b.body = first == std::string::npos ? std::string() : b.body.substr(first, last - first + 1);
    return b;
}

// The HTML with the block taken out, with the indent before it and the line break after it, so
// an exported app imports back to the very page it was.
std::string without(const std::string& html, const ScriptBlock& b)
{
    if (b.begin == std::string::npos) return html;
    std::size_t begin = b.begin, end = b.end;
    while (begin > 0 && (html[begin - 1] == ' ' || html[begin - 1] == '\t')) --begin;
    if (end < html.size() && html[end] == '\n') ++end;
    return html.substr(0, begin) + html.substr(end);
}

} // namespace

Json app_from_html(const std::string& html)
{
    const ScriptBlock meta = find_script(html, metadata_type);
    if (meta.begin == std::string::npos) throw invalid_argument("No GooseApp JSON-LD metadata found in HTML");
    const Json m = parse_untrusted_json(meta.body, "The GooseApp metadata");
    if (!m.is_object()) throw invalid_argument("The GooseApp metadata is not a JSON object");
    if (!m.contains("name") || !m["name"].is_string() || m["name"].get<std::string>().empty())
        throw invalid_argument("Missing 'name' in metadata");
    const std::string name = m["name"].get<std::string>();
    if (name.size() > max_name || name.find_first_of("/\\\r\n") != std::string::npos)
        throw invalid_argument("The app's 'name' must be at most 200 characters, without slashes or line breaks");

    Json app{{"uri", "ui://apps/" + name}, {"name", name}, {"mimeType", mcp_app_mime_type}};
    if (m.contains("description") && m["description"].is_string()) app["description"] = m["description"];
    const bool sized = m.contains("width") || m.contains("height") || m.contains("resizable");
    if (sized) {
        auto dimension = [&](const char* key, std::int64_t fallback) {
            return m.contains(key) && m[key].is_number_unsigned() ? m[key].get<std::int64_t>() : fallback;
        };
        app["width"] = dimension("width", 800);
        app["height"] = dimension("height", 600);
        app["resizable"] = m.contains("resizable") && m["resizable"].is_boolean() ? m["resizable"].get<bool>() : true;
    }
    Json servers = Json::array();
    if (m.contains("mcpServers") && m["mcpServers"].is_array())
        for (const auto& s : m["mcpServers"])
            if (s.is_string()) servers.push_back(s);
    app["mcpServers"] = servers;
    const ScriptBlock prd = find_script(html, prd_type);
    if (prd.begin != std::string::npos) app["prd"] = prd.body;
    std::string clean = without(html, meta);
    clean = without(clean, find_script(clean, prd_type));
    app["text"] = std::move(clean);
    return app;
}

std::string app_to_html(const Json& app)
{
    const std::string html = app.value("text", std::string());
    Json meta{{"@context", "urn:goose.ai:schema"}, {"@type", "GooseApp"}, {"name", app.value("name", std::string())}};
    if (app.contains("description") && app["description"].is_string()) meta["description"] = app["description"];
    for (const char* key : {"width", "height", "resizable"})
        if (app.contains(key)) meta[key] = app[key];
    if (app.contains("mcpServers") && app["mcpServers"].is_array() && !app["mcpServers"].empty())
        meta["mcpServers"] = app["mcpServers"];
    std::string scripts = "  <script type=\"" + std::string(metadata_type) + "\">\n" + meta.dump(2) + "\n  </script>\n";
    if (app.contains("prd") && app["prd"].is_string() && !app["prd"].get<std::string>().empty())
        scripts += "  <script type=\"" + std::string(prd_type) + "\">\n" + app["prd"].get<std::string>() + "\n  </script>\n";

    if (const auto head = html.find("</head>"); head != std::string::npos)
        return html.substr(0, head) + scripts + html.substr(head);
    if (const auto tag = html.find("<html"); tag != std::string::npos) {
        if (const auto close = html.find('>', tag); close != std::string::npos)
            return html.substr(0, close + 1) + "\n<head>\n" + scripts + "</head>" + html.substr(close + 1);
    }
    return "<html>\n<head>\n" + scripts + "</head>\n<body>\n" + html + "\n</body>\n</html>";
}

} // namespace gaggle
