// Prompt templates (upstream's `prompts` routes): GET /config/prompts lists every template the
// host uses with its default and the user's override; GET/PUT/DELETE /config/prompts/{name} read,
// save and reset one. An override changes what the model is sent from the next turn on.
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "config/prompt_templates.hpp"

namespace gaggle {
namespace {

Json template_json(const PromptTemplate& t)
{
    return Json{{"name", t.name},
                {"description", t.description},
                {"default_content", t.default_content},
                {"user_content", t.user_content ? Json(*t.user_content) : Json(nullptr)},
                {"is_customized", t.user_content.has_value()}};
}

} // namespace

void register_prompt_routes(Router& router, AppContext& app)
{
    router.add("GET", "/config/prompts", [&app](Request&, Response& res) {
        Json prompts = Json::array();
        for (const auto& t : PromptTemplates(app.config.paths()).list()) prompts.push_back(template_json(t));
        res.json(Json{{"prompts", prompts}});
    });

    router.add("GET", "/config/prompts/{name}", [&app](Request& req, Response& res) {
        const PromptTemplates templates(app.config.paths());
        const PromptTemplate t = templates.get(req.param("name"));
        res.json(Json{{"name", t.name},
                      {"content", templates.current(t.name)},
                      {"default_content", t.default_content},
                      {"is_customized", t.user_content.has_value()}});
    });

    router.add(
        "PUT", "/config/prompts/{name}",
        [&app](Request& req, Response& res) {
            const PromptTemplates templates(app.config.paths());
            const PromptTemplate t = templates.get(req.param("name"));
            const std::string content = fields::required_string(fields::object(req.json()), "content");
            templates.save(t.name, content);
            res.text("Saved prompt " + t.name);
        },
        RouteOptions{.auth = true, .json_body = true, .max_body = 1024 * 1024});

    router.add("DELETE", "/config/prompts/{name}", [&app](Request& req, Response& res) {
        const PromptTemplates templates(app.config.paths());
        const PromptTemplate t = templates.get(req.param("name"));
        templates.reset(t.name);
        res.text("Reset prompt " + t.name + " to its default");
    });
}

} // namespace gaggle
