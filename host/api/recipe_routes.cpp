// /recipes/*: parse, encode/decode deeplinks, scan, YAML, the recipe library (list, save,
// delete, schedule, slash command), creating a recipe from a session, and
// /agent/update_from_session (re-applying a session's recipe).
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "http/error_mapping.hpp"
#include "recipe/deeplink.hpp"
#include "recipe/hidden_unicode.hpp"
#include "recipe/recipe_document.hpp"
#include "recipe/recipe_from_session.hpp"
#include "recipe/recipe_jobs.hpp"
#include "recipe/recipe_prompt.hpp"
#include "recipe/recipe_service.hpp"
#include "recipe/recipe_yaml.hpp"
#include "recipe/render.hpp"

#include <memory>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

// The body's `recipe`, checked like a recipe file (400 naming the field).
Json body_recipe(const Json& body)
{
    auto recipe = fields::optional_object(body, "recipe");
    if (!recipe) throw unprocessable("missing field `recipe` (an object)");
    return validate_recipe(*recipe);
}

// A parse or validation failure answered the way upstream words it.
template <typename Fn>
auto with_prefix(const std::string& prefix, Fn&& fn)
{
    try {
        return fn();
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::invalid_argument) throw;
        throw invalid_argument(prefix + e.what());
    }
}

Json create_response_error(const std::string& message)
{
    return Json{{"recipe", nullptr}, {"error", message}, {"message", message}};
}

} // namespace

void register_recipe_routes(Router& router, AppContext& app)
{
    auto service = std::make_shared<RecipeService>(app.config, app.kv);
    auto jobs = std::make_shared<RecipeJobs>(app.features, app.kv);

    router.add("POST", "/recipes/parse", [](Request& req, Response& res) {
        const std::string content = fields::required_string(fields::object(req.json()), "content");
        Json recipe = with_prefix("Invalid recipe format: ", [&] {
            Json r = parse_and_validate_recipe(content);
            check_recipe_parameters(r);
            return r;
        });
        res.json(Json{{"recipe", recipe_in_field_order(recipe)}});
    }, json_body);

    router.add("POST", "/recipes/encode", [](Request& req, Response& res) {
        res.json(Json{{"deeplink", encode_recipe_deeplink(body_recipe(fields::object(req.json())))}});
    }, json_body);

    router.add("POST", "/recipes/decode", [](Request& req, Response& res) {
        const std::string link = fields::required_string(fields::object(req.json()), "deeplink");
        Json recipe = with_prefix("Invalid recipe deeplink: ", [&] { return validate_recipe(decode_recipe_deeplink(link)); });
        res.json(Json{{"recipe", recipe_in_field_order(recipe)}});
    }, json_body);

    router.add("POST", "/recipes/scan", [](Request& req, Response& res) {
        const Json recipe = body_recipe(fields::object(req.json()));
        res.json(Json{{"has_security_warnings", scan_recipe_for_hidden_characters(recipe).has_value()}});
    }, json_body);

    router.add("POST", "/recipes/to-yaml", [](Request& req, Response& res) {
        const Json recipe = with_prefix("Failed to convert recipe to YAML: ", [&] { return body_recipe(fields::object(req.json())); });
        res.json(Json{{"yaml", recipe_to_yaml(recipe)}});
    }, json_body);

    router.add("GET", "/recipes/list", [service](Request&, Response& res) {
        res.json(Json{{"manifests", service->manifests()}});
    });

    // Upstream's handler answers 200 with {id, file_name, file_path} although the 1.24 spec says 204.
    router.add("POST", "/recipes/save", [service, jobs](Request& req, Response& res) {
        const Json& body = fields::object(req.json());
        auto recipe = fields::optional_object(body, "recipe");
        if (!recipe) throw unprocessable("missing field `recipe` (an object)");
        const SavedRecipe saved = service->save(*recipe, fields::optional_string(body, "id"));
        Json answer{{"id", saved.id}, {"file_name", saved.file_name}, {"file_path", saved.file_path.string()}};
        // A scheduled recipe's job runs the text just saved from its next firing.
        if (auto warning = jobs->refresh(load_recipe_file(saved.file_path), req.user_id())) answer["warning"] = *warning;
        res.json(answer);
    }, json_body);

    router.add("POST", "/recipes/delete", [service, jobs](Request& req, Response& res) {
        const RecipeFile recipe = service->by_id(fields::required_string(fields::object(req.json()), "id"));
        jobs->forget(recipe, req.user_id());
        service->remove(recipe);
        res.empty(204);
    }, json_body);

    router.add("POST", "/recipes/slash-command", [service](Request& req, Response& res) {
        const Json& body = fields::object(req.json());
        service->set_slash_command(fields::required_string(body, "id"), fields::optional_string(body, "slash_command"));
        res.empty(200);
    }, json_body);

    // As upstream: the cron is stored on the recipe (GET /recipes/list shows it) and the
    // scheduler runs it as a job named after the recipe file (GET /schedule/list), answered
    // here. Without a scheduler plugin the cron is only stored: 202 says so.
    router.add("POST", "/recipes/schedule", [service, jobs](Request& req, Response& res) {
        const Json& body = fields::object(req.json());
        const RecipeFile recipe = service->by_id(fields::required_string(body, "id"));
        const auto cron = fields::optional_string(body, "cron_schedule");
        if (cron) check_cron_shape(*cron);
        const auto job = jobs->apply(recipe, cron, req.user_id());
        service->set_schedule(recipe, cron);
        if (job) return res.json(*job);
        if (!cron) return res.empty(200);
        res.json(Json{{"message", "The schedule '" + *cron + "' is stored on the recipe, but no scheduler plugin is "
                                  "running in this server to fire it."}},
                 202);
    }, json_body);

    // The system prompt of every turn is built from the stored session (recipe_prompt.hpp), so the
    // recipe is applied by the next turn; this checks it renders with the values given so far.
    router.add("POST", "/agent/update_from_session", [&app](Request& req, Response& res) {
        const SessionInfo session = app.sessions.get_session(req.user_id(), fields::required_string(fields::object(req.json()), "session_id"));
        if (session.recipe && session.recipe->is_object()) render_session_recipe(session, app.config);
        res.empty(200);
    }, json_body);

    router.add("POST", "/recipes/create", [&app](Request& req, Response& res) {
        const Json& body = fields::object(req.json());
        const std::string session_id = fields::required_string(body, "session_id");
        const auto author = fields::optional_object(body, "author");
        try {
            Json recipe = create_recipe_from_session(app.agent_services, req.user_id(), session_id);
            if (author) {
                Json a = Json::object();
                for (const char* k : {"contact", "metadata"})
                    if (author->contains(k) && (*author)[k].is_string()) a[k] = (*author)[k];
                recipe["author"] = a;
            }
            res.json(Json{{"recipe", recipe_in_field_order(recipe)}, {"error", nullptr}});
        } catch (const Error& e) {
            // Upstream puts the reason in `error`; `message` is every route's error field.
            if (e.kind() == ErrorKind::not_found) throw;
            res.json(create_response_error(e.what()), http_status_for(e.kind()));
        }
    }, json_body);
}

} // namespace gaggle
