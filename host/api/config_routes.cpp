// Config keys and the config file: GET /config, POST /config/read|upsert|remove,
// GET /config/validate, POST /config/init|backup|recover; per-tool permission rules of the
// calling user: POST /config/permissions. Success bodies that upstream sends as
// JSON-encoded strings ("Upserted key X") are sent the same way. A secret's value never leaves:
// /config/read answers whether it is set.
#include "agent/turn_context.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "config/canonical_models.hpp"
#include "config/client_config_access.hpp"
#include "config/config_key.hpp"
#include "config/plugin_settings.hpp"

#include <filesystem>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

std::string config_key(const Json& body) { return checked_config_key(fields::required_string(body, "key")); }

// init-config.yaml as upstream looks for it: beside the executable, then in the install's share dir.
std::optional<std::filesystem::path> init_config_seed()
{
    const auto exe = executable_dir();
    for (const auto& candidate : {exe / "init-config.yaml", exe / ".." / "share" / "gaggle" / "init-config.yaml"}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    }
    return std::nullopt;
}

struct ToolRule {
    std::string tool;
    PermissionLevel level;
};

// Every rule checked before any is applied, so a bad entry changes nothing.
std::vector<ToolRule> tool_rules(const Json& body)
{
    auto list = fields::optional_array(body, "tool_permissions");
    if (!list) throw unprocessable("missing field `tool_permissions`");
    if (list->size() > 10000) throw invalid_argument("field `tool_permissions` has more than 10000 entries");
    std::vector<ToolRule> rules;
    for (const auto& item : *list) {
        if (!item.is_object()) throw unprocessable("each entry of `tool_permissions` must be an object");
        const std::string tool = fields::required_string(item, "tool_name");
        if (tool.empty()) throw invalid_argument("field `tool_name` must not be empty");
        const std::string level = fields::required_string(item, "permission");
        auto parsed = parse_permission_level(level);
        if (!parsed) throw unprocessable("field `permission` must be always_allow, ask_before or never_allow, not '" + level + "'");
        rules.push_back({tool, *parsed});
    }
    return rules;
}

} // namespace

void register_config_routes(Router& router, AppContext& app)
{
    router.add("GET", "/config", [&app](Request&, Response& res) { res.json(Json{{"config", app.config.file_values()}}); });

    router.add(
        "POST", "/config/read",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string key = config_key(body);
            const bool is_secret = fields::required_bool(body, "is_secret");
            if (key == "model-limits") return res.json(canonical_model_limits());
            res.json(client_config_value(app.config, key, is_secret));
        },
        json_body);

    router.add(
        "POST", "/config/upsert",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string key = config_key(body);
            const bool is_secret = fields::required_bool(body, "is_secret");
            if (!body.contains("value")) throw unprocessable("missing field `value`");
            set_client_config_value(app.config, key, body["value"], is_secret);
            res.json("Upserted key " + key);
        },
        json_body);

    router.add(
        "POST", "/config/remove",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string key = config_key(body);
            const bool is_secret = fields::required_bool(body, "is_secret");
            remove_client_config_value(app.config, key, is_secret);
            res.json("Removed key " + key);
        },
        json_body);

    router.add("GET", "/config/validate", [&app](Request&, Response& res) {
        if (auto problem = app.config.validate()) throw unprocessable(*problem);
        res.json("Config file is valid");
    });

    router.add(
        "POST", "/config/permissions",
        [&app](Request& req, Response& res) {
            for (const auto& rule : tool_rules(fields::object(req.json())))
                app.agent_services.permissions.set_rule(req.user_id(), rule.tool, rule.level);
            res.json("Permissions updated");
        },
        json_body);

    router.add("POST", "/config/init", [&app](Request&, Response& res) { res.json(app.config.init_from(init_config_seed())); });
    router.add("POST", "/config/backup", [&app](Request&, Response& res) { res.json(app.config.backup()); });
    router.add("POST", "/config/recover", [&app](Request&, Response& res) { res.json(app.config.recover()); });
}

} // namespace gaggle
