#include "apps/session_apps.hpp"

#include "agent/agent_manager.hpp"
#include "agent/mcp_extension.hpp"
#include "apps/goose_app.hpp"

#include <spdlog/spdlog.h>

namespace gaggle {
namespace {

constexpr std::size_t max_apps_per_server = 100;

Json window_of(const Json& resource)
{
    std::int64_t width = 800, height = 600;
    bool resizable = true;
    const Json meta = resource.value("_meta", Json::object());
    const Json window = meta.is_object() ? meta.value("window", Json()) : Json();
    if (window.is_object() && window.value("width", Json()).is_number_unsigned() &&
        window.value("height", Json()).is_number_unsigned() && window.value("resizable", Json()).is_boolean()) {
        width = window["width"].get<std::int64_t>();
        height = window["height"].get<std::int64_t>();
        resizable = window["resizable"].get<bool>();
    }
    return Json{{"width", width}, {"height", height}, {"resizable", resizable}};
}

std::string first_text(const Json& read)
{
    if (!read.is_object() || !read.contains("contents") || !read["contents"].is_array()) return {};
    for (const auto& c : read["contents"])
        if (c.is_object() && c.contains("text") && c["text"].is_string()) return c["text"].get<std::string>();
    return {};
}

} // namespace

std::vector<Json> session_apps(Agent& agent)
{
    std::vector<Json> apps;
    for (const auto& extension : agent.extensions()) {
        Json resources;
        try {
            resources = extension->list("resources/list", "resources");
        } catch (const std::exception&) {
            continue; // no resources, or the server is down: no apps from it
        }
        std::size_t taken = 0;
        for (const auto& r : resources) {
            if (!r.is_object() || !r.contains("uri") || !r["uri"].is_string()) continue;
            const std::string uri = r["uri"].get<std::string>();
            if (uri.rfind("ui://", 0) != 0 || ++taken > max_apps_per_server) continue;
            std::string html;
            try {
                html = first_text(extension->request("resources/read", Json{{"uri", uri}}));
            } catch (const std::exception& e) {
                spdlog::warn("apps: reading {} from {} failed: {}", uri, extension->extension_name(), e.what());
                continue;
            }
            if (html.empty()) continue;
            Json app{{"uri", uri},
                     {"name", r.contains("name") && r["name"].is_string() ? r["name"] : Json(uri)},
                     {"mimeType", mcp_app_mime_type},
                     {"text", std::move(html)},
                     {"mcpServers", Json::array({extension->extension_name()})}};
            if (r.contains("description") && r["description"].is_string()) app["description"] = r["description"];
            app.update(window_of(r));
            apps.push_back(std::move(app));
        }
    }
    return apps;
}

} // namespace gaggle
