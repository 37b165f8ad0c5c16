// The seed-era extension APIs, so their clients keep working. They manage the deployment's
// configured extensions (config.yaml's `extensions:`, as /config/extensions does): a change
// applies to sessions created afterwards; a running session changes its own through
// /agent/add_extension and /agent/remove_extension.
// - goose-api: GET /extensions/list {extensions: [names]}, POST /extensions/add (an
//   ExtensionConfig) and POST /extensions/remove (the name, as a JSON string), both answering
//   {error, message}.
// - the deployment guide: GET /extensions, POST /extensions/{name}/enable and /disable.
#include "agent/agent_manager.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "config/extensions_config.hpp"
#include "http/error_mapping.hpp"
#include "mcp/extension_config.hpp"

#include <optional>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

// The configured entry named `name` (as /config/extensions lists it); not_found otherwise.
Json entry_named(const ExtensionsConfig& file, const std::string& name)
{
    const Json listed = file.entries();
    for (const Json& entry : listed["extensions"])
        if (entry.value("name", std::string()) == name) return entry;
    throw not_found("Extension " + name + " is not configured");
}

// goose-api's answer: {error, message}. `change` returns why the allowlist refuses it (403), or
// throws; a failure keeps its status and says it in `message`, as every route does.
template <typename Fn>
void answer_as_goose_api(Response& res, Fn&& change)
{
    try {
        if (const std::optional<std::string> refused = change())
            return res.json(Json{{"error", true}, {"message", *refused}}, 403);
        res.json(Json{{"error", false}, {"message", nullptr}});
    } catch (const Error& e) {
        res.json(Json{{"error", true}, {"message", e.what()}}, http_status_for(e.kind()));
    }
}

// Writes the entry named `name` (bundled or configured) back with `enabled`.
void switch_entry(ExtensionsConfig& file, const std::string& name, bool enabled)
{
    Json config = entry_named(file, name);
    for (const char* field : {"enabled", "bundled"}) config.erase(field);
    file.upsert(name, config, enabled);
}

void set_enabled(ExtensionsConfig& file, const std::string& name, bool enabled, Response& res)
{
    switch_entry(file, name, enabled);
    res.json(entry_named(file, name));
}

} // namespace

void register_seed_extension_routes(Router& router, AppContext& app)
{
    auto file = std::make_shared<ExtensionsConfig>(app.config);

    router.add("GET", "/extensions", [file](Request&, Response& res) {
        const Json listed = file->entries();
        res.json(Json{{"extensions", listed["extensions"]}});
    });

    router.add("POST", "/extensions/{name}/enable", [file](Request& req, Response& res) { set_enabled(*file, req.param("name"), true, res); });
    router.add("POST", "/extensions/{name}/disable", [file](Request& req, Response& res) { set_enabled(*file, req.param("name"), false, res); });

    router.add("GET", "/extensions/list", [file](Request&, Response& res) {
        Json names = Json::array();
        const Json listed = file->entries();
        for (const Json& entry : listed["extensions"])
            if (entry.value("enabled", false)) names.push_back(entry.value("name", std::string()));
        res.json(Json{{"extensions", names}});
    });

    router.add(
        "POST", "/extensions/add",
        [file, &app](Request& req, Response& res) {
            answer_as_goose_api(res, [&]() -> std::optional<std::string> {
                const mcp::ExtensionSpec spec = mcp::parse_extension_config(fields::object(req.json()), "body");
                if (const ExtensionLauncher* launcher = app.agents.extension_launcher())
                    if (auto refused = launcher->refusal(spec)) return refused;
                file->upsert(spec.name, spec.config, true);
                return std::nullopt;
            });
        },
        json_body);

    router.add(
        "POST", "/extensions/remove",
        [file](Request& req, Response& res) {
            answer_as_goose_api(res, [&]() -> std::optional<std::string> {
                // goose-api takes the bare name as a JSON string; {"name"} is taken too.
                const Json& body = req.json();
                const std::string name = body.is_string() ? body.get<std::string>() : fields::required_string(fields::object(body), "name");
                if (file->remove(name)) return std::optional<std::string>();
                // A bundled extension the file does not name cannot be removed, only switched off.
                switch_entry(*file, name, false);
                return std::optional<std::string>();
            });
        },
        json_body);
}

} // namespace gaggle
