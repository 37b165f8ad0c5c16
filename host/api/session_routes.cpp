// /sessions/*: history, rename, delete, export/import, fork, search, insights, extensions,
// recipe values, and the seed deployment API's POST /sessions.
#include "agent/agent_manager.hpp"
#include "agent/session_extensions.hpp"
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/render.hpp"
#include "store/session_json.hpp"
#include "store/timestamps.hpp"

#include <charconv>

namespace gaggle {
namespace {

const RouteOptions json_body{.auth = true, .json_body = true};

// A query parameter that must be a whole number in [min, max] when present.
std::optional<long long> int_query(const Request& req, const char* name, long long min, long long max)
{
    auto text = req.query(name);
    if (!text) return std::nullopt;
    long long v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || p != text->data() + text->size() || v < min || v > max)
        throw invalid_argument(std::string("query parameter `") + name + "` must be a whole number from " +
                               std::to_string(min) + " to " + std::to_string(max) + ", got '" + *text + "'");
    return v;
}

std::optional<std::int64_t> date_query(const Request& req, const char* name)
{
    auto text = req.query(name);
    if (!text || text->empty()) return std::nullopt;
    auto ms = parse_rfc3339(*text);
    if (!ms) throw invalid_argument(std::string("query parameter `") + name + "` must be an RFC 3339 date, got '" + *text + "'");
    return *ms / 1000;
}

std::string sessions_array(const std::vector<SessionInfo>& sessions)
{
    std::string out = "[";
    for (size_t i = 0; i < sessions.size(); ++i) {
        if (i) out += ',';
        out += session_to_json(sessions[i]).dump();
    }
    return out + "]";
}

// GET /sessions: upstream lists user and scheduled sessions that have messages, newest first, all
// of them. ?limit= and ?cursor= page it instead (next_cursor tells where to go on);
// ?include_empty=true also lists sessions with no message yet.
void list_sessions(AppContext& app, Request& req, Response& res)
{
    ListQuery q;
    q.session_types = {"user", "scheduled"};
    if (auto empty = req.query("include_empty")) {
        if (*empty != "true" && *empty != "false") throw invalid_argument("query parameter `include_empty` must be true or false");
        q.include_empty = *empty == "true";
    } else {
        q.include_empty = false;
    }
    const auto limit = int_query(req, "limit", 1, 1000);
    if (limit) {
        q.limit = static_cast<size_t>(*limit);
        q.cursor = req.query("cursor");
        SessionPage page = app.sessions.list_sessions(req.user_id(), q);
        std::string out = "{\"sessions\":" + sessions_array(page.sessions);
        if (page.next_cursor) out += ",\"next_cursor\":" + Json(*page.next_cursor).dump();
        res.json_text(out + "}");
        return;
    }
    q.limit = 1000;
    std::string out = "{\"sessions\":[";
    bool first = true;
    while (true) {
        SessionPage page = app.sessions.list_sessions(req.user_id(), q);
        for (const auto& s : page.sessions) {
            if (!first) out += ',';
            first = false;
            out += session_to_json(s).dump();
        }
        if (!page.next_cursor) break;
        q.cursor = page.next_cursor;
    }
    res.json_text(out + "]}");
}

void fork_session(AppContext& app, Request& req, Response& res)
{
    const Json& body = fields::object(req.json());
    const bool truncate = fields::required_bool(body, "truncate");
    const bool copy = fields::required_bool(body, "copy");
    const auto timestamp = fields::optional_int(body, "timestamp");
    if (truncate && !timestamp) throw invalid_argument("`timestamp` is required when `truncate` is true");
    const std::string& id = req.param("session_id");
    std::string result = id;
    if (copy) {
        ForkOptions options;
        if (truncate) options.truncate_from = *timestamp;
        result = app.sessions.fork_session(req.user_id(), id, options).id;
    } else if (truncate) {
        app.sessions.truncate_messages(req.user_id(), id, *timestamp);
    } else {
        app.sessions.get_session(req.user_id(), id); // 404 for an unknown id, as for the others
    }
    res.json(Json{{"sessionId", result}});
}

void import_session(AppContext& app, Request& req, Response& res)
{
    const Json& body = fields::object(req.json());
    ParsedSession parsed = session_from_export_text(fields::required_string(body, "json"), "json");
    const SessionInfo created = app.sessions.import_session(req.user_id(), parsed.info, parsed.conversation);
    const LoadedSession loaded = app.sessions.load_session(req.user_id(), created.id);
    res.json_text(session_to_json_text(loaded.info, loaded.conversation));
}

void search_sessions(AppContext& app, Request& req, Response& res)
{
    SearchQuery q;
    auto text = req.query("query");
    if (!text || text->find_first_not_of(" \t\r\n") == std::string::npos)
        throw invalid_argument("query parameter `query` is required and must not be blank");
    q.text = *text;
    q.limit = static_cast<size_t>(std::min<long long>(int_query(req, "limit", 1, 1000000).value_or(10), 50));
    q.after = date_query(req, "after_date");
    q.before = date_query(req, "before_date");
    if (q.after && q.before && *q.after >= *q.before)
        throw invalid_argument("`after_date` must be earlier than `before_date`");
    res.json_text(sessions_array(app.sessions.search(req.user_id(), q)));
}

void update_recipe_values(AppContext& app, Request& req, Response& res)
{
    const Json& body = fields::object(req.json());
    auto values_json = fields::optional_object(body, "userRecipeValues");
    if (!values_json) throw unprocessable("missing field `userRecipeValues`");
    std::map<std::string, std::string> values;
    for (auto& [k, v] : values_json->items()) {
        if (!v.is_string()) throw unprocessable("field `userRecipeValues." + k + "` must be a string");
        values[k] = v.get<std::string>();
    }
    const std::string& id = req.param("session_id");
    const SessionInfo session = app.sessions.get_session(req.user_id(), id);
    if (!session.recipe || session.recipe->is_null()) throw not_found("Session has no recipe");
    // 400 on missing parameters, before any write; recipe_dir is the library, as upstream.
    Json rendered = render_recipe(*session.recipe, values, recipe_directories(app.config, {}).global);
    SessionPatch patch;
    patch.user_recipe_values = std::optional<Json>(*values_json);
    app.sessions.update_session(req.user_id(), id, patch);
    res.json(Json{{"recipe", rendered}});
}

// The seed deployment API: POST /sessions {cwd, name?} -> 201 Session.
void create_session(AppContext& app, Request& req, Response& res)
{
    const Json& body = fields::object(req.json());
    NewSession s;
    s.owner = req.user_id();
    s.working_dir = existing_directory(fields::required_string(body, "cwd"), "cwd");
    const auto name = fields::optional_string(body, "name");
    s.extension_data = extension_data_with(Json::object(), configured_extensions(app.config));
    if (auto provider = app.config.get_string("GOOSE_PROVIDER")) s.provider_name = *provider;
    SessionInfo created = app.sessions.create_session(s);
    if (name) created = app.sessions.rename_session(req.user_id(), created.id, *name);
    res.json(session_to_json(created), 201);
}

} // namespace

void register_session_routes(Router& router, AppContext& app)
{
    router.add("GET", "/sessions", [&app](Request& req, Response& res) { list_sessions(app, req, res); });
    router.add("POST", "/sessions", [&app](Request& req, Response& res) { create_session(app, req, res); }, json_body);

    router.add("GET", "/sessions/{session_id}", [&app](Request& req, Response& res) {
        const LoadedSession s = app.sessions.load_session(req.user_id(), req.param("session_id"));
        res.json_text(session_to_json_text(s.info, s.conversation));
    });

    router.add("DELETE", "/sessions/{session_id}", [&app](Request& req, Response& res) {
        app.sessions.delete_session(req.user_id(), req.param("session_id"));
        app.agents.forget(req.param("session_id"));
        res.empty(200);
    });

    router.add(
        "PUT", "/sessions/{session_id}/name",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            app.sessions.rename_session(req.user_id(), req.param("session_id"), fields::required_string(body, "name"));
            res.empty(200);
        },
        json_body);

    // The export is the Session document (with conversation) as a JSON-encoded string, as upstream.
    router.add("GET", "/sessions/{session_id}/export", [&app](Request& req, Response& res) {
        const LoadedSession s = app.sessions.load_session(req.user_id(), req.param("session_id"));
        res.json(Json(session_to_json_text(s.info, s.conversation)));
    });

    RouteOptions import_options = json_body;
    import_options.max_body = 25 * 1024 * 1024;
    router.add("POST", "/sessions/import", [&app](Request& req, Response& res) { import_session(app, req, res); },
               import_options);

    router.add("POST", "/sessions/{session_id}/fork", [&app](Request& req, Response& res) { fork_session(app, req, res); },
               json_body);

    router.add("GET", "/sessions/search", [&app](Request& req, Response& res) { search_sessions(app, req, res); });

    router.add("GET", "/sessions/insights", [&app](Request& req, Response& res) {
        res.json(insights_to_json(app.sessions.insights(req.user_id())));
    });

    router.add("GET", "/sessions/{session_id}/extensions", [&app](Request& req, Response& res) {
        const SessionInfo s = app.sessions.get_session(req.user_id(), req.param("session_id"));
        res.json(Json{{"extensions", session_extensions(s, app.config)}});
    });

    router.add("PUT", "/sessions/{session_id}/user_recipe_values",
               [&app](Request& req, Response& res) { update_recipe_values(app, req, res); }, json_body);
}

} // namespace gaggle
