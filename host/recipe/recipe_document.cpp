#include "recipe/recipe_document.hpp"

#include "common/error.hpp"
#include "config/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace gaggle {
namespace {

constexpr std::size_t max_text_bytes = 4u * 1024u * 1024u;
constexpr int max_depth = 64;

// yaml-cpp parses nested collections recursively; refuse text that could nest deeper than we
// accept before handing it over, so a crafted document cannot exhaust the stack.
void check_nesting(const std::string& text)
{
    int brackets = 0;
    std::size_t line_start = 0;
    int line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '[' || c == '{') {
            if (++brackets > max_depth) throw invalid_argument("recipe text nests deeper than " + std::to_string(max_depth) + " levels (line " + std::to_string(line) + ")");
        } else if ((c == ']' || c == '}') && brackets > 0) {
            --brackets;
        } else if (c == '\n') {
            ++line;
            line_start = i + 1;
        } else if (i == line_start) {
            std::size_t j = i, dashes = 0;
            while (j < text.size() && (text[j] == ' ' || text[j] == '-')) dashes += text[j++] == '-';
            if (j - i > 1024 || dashes > static_cast<std::size_t>(max_depth))
                throw invalid_argument("recipe text nests deeper than " + std::to_string(max_depth) + " levels (line " + std::to_string(line) + ")");
        }
    }
}

void convert(const YAML::Node& node, const std::string& path, Json& out, RecipeLines& lines, int depth)
{
    if (depth > max_depth) throw invalid_argument("`" + path + "`: nested deeper than " + std::to_string(max_depth) + " levels");
    if (node.Mark().line >= 0) lines[path] = node.Mark().line + 1;
    switch (node.Type()) {
    case YAML::NodeType::Sequence: {
        out = Json::array();
        std::size_t i = 0;
        for (const auto& item : node) {
            Json v;
            convert(item, path + "[" + std::to_string(i++) + "]", v, lines, depth + 1);
            out.push_back(std::move(v));
        }
        break;
    }
    case YAML::NodeType::Map: {
        out = Json::object();
        for (const auto& kv : node) {
            if (!kv.first.IsScalar()) throw invalid_argument("line " + std::to_string(kv.first.Mark().line + 1) + ": map keys must be plain text");
            const std::string key = kv.first.Scalar();
            Json v;
            convert(kv.second, path.empty() ? key : path + "." + key, v, lines, depth + 1);
            out[key] = std::move(v);
        }
        break;
    }
    default: out = yaml_to_json(node);
    }
}

// ---------------------------------------------------------------- validation

class Checker {
public:
    explicit Checker(const RecipeLines& lines) : lines_(lines) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const
    {
        std::string where = "`" + path + "`";
        // The line of the field, or of the nearest enclosing one that has a line.
        for (std::string p = path; !p.empty();) {
            auto it = lines_.find(p);
            if (it != lines_.end()) {
                where += " (line " + std::to_string(it->second) + ")";
                break;
            }
            const auto cut = p.find_last_of(".[");
            p = cut == std::string::npos ? std::string() : p.substr(0, cut);
        }
        throw invalid_argument(where + ": " + what);
    }

    static std::string join(const std::string& path, const std::string& field) { return path.empty() ? field : path + "." + field; }

    // Text fields accept scalars written without quotes (`version: 1.0`, `default: 5`).
    void text(Json& obj, const std::string& path, const char* field, bool required) const
    {
        const std::string p = join(path, field);
        if (!obj.contains(field) || obj[field].is_null()) {
            if (required) fail(p, "missing field");
            if (obj.contains(field)) obj.erase(field);
            return;
        }
        Json& v = obj[field];
        if (v.is_number() || v.is_boolean()) v = v.dump();
        else if (!v.is_string()) fail(p, std::string("must be text, not ") + v.type_name());
    }

    void boolean(Json& obj, const std::string& path, const char* field) const
    {
        if (!obj.contains(field) || obj[field].is_null()) return;
        if (!obj[field].is_boolean()) fail(join(path, field), "must be true or false");
    }

    void whole(Json& obj, const std::string& path, const char* field, bool required, long long min) const
    {
        const std::string p = join(path, field);
        if (!obj.contains(field) || obj[field].is_null()) {
            if (required) fail(p, "missing field");
            return;
        }
        const Json& v = obj[field];
        if (!v.is_number_integer() || v.get<long long>() < min)
            fail(p, "must be a whole number of at least " + std::to_string(min));
    }

    void text_list(Json& obj, const std::string& path, const char* field) const
    {
        if (!obj.contains(field) || obj[field].is_null()) return;
        Json& v = obj[field];
        if (!v.is_array()) fail(join(path, field), "must be a list of text");
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i].is_number() || v[i].is_boolean()) v[i] = v[i].dump();
            else if (!v[i].is_string()) fail(join(path, field) + "[" + std::to_string(i) + "]", "must be text");
        }
    }

    Json& object(Json& obj, const std::string& path, const char* field) const
    {
        Json& v = obj[field];
        if (!v.is_object()) fail(join(path, field), std::string("must be a map, not ") + v.type_name());
        return v;
    }

    Json& list(Json& obj, const std::string& path, const char* field) const
    {
        Json& v = obj[field];
        if (!v.is_array()) fail(join(path, field), std::string("must be a list, not ") + v.type_name());
        return v;
    }

    void one_of(const Json& obj, const std::string& path, const char* field, std::initializer_list<const char*> allowed) const
    {
        const std::string v = obj[field].get<std::string>();
        std::string names;
        for (const char* a : allowed) {
            if (v == a) return;
            names += std::string(names.empty() ? "" : ", ") + a;
        }
        fail(join(path, field), "must be one of " + names + ", not '" + v + "'");
    }

    bool present(const Json& obj, const char* field) const { return obj.contains(field) && !obj[field].is_null(); }

    void extensions(Json& recipe) const
    {
        if (!present(recipe, "extensions")) return;
        Json& list_ = list(recipe, "", "extensions");
        for (std::size_t i = 0; i < list_.size(); ++i) {
            const std::string p = "extensions[" + std::to_string(i) + "]";
            Json& e = list_[i];
            if (!e.is_object()) fail(p, "must be a map with `type` and `name`");
            text(e, p, "type", true);
            text(e, p, "name", true);
            one_of(e, p, "type", {"stdio", "builtin", "platform", "streamable_http", "sse", "frontend", "inline_python"});
            if (!present(e, "description")) e["description"] = "";
            text(e, p, "description", false);
            const std::string type = e["type"];
            if (type == "stdio") {
                text(e, p, "cmd", true);
                text_list(e, p, "args");
            }
            if (type == "streamable_http" || type == "sse") text(e, p, "uri", true);
            if (type == "inline_python") text(e, p, "code", true);
            whole(e, p, "timeout", false, 0);
        }
    }

    void settings(Json& recipe) const
    {
        if (!present(recipe, "settings")) return;
        Json& s = object(recipe, "", "settings");
        text(s, "settings", "goose_provider", false);
        text(s, "settings", "goose_model", false);
        if (present(s, "temperature") && !s["temperature"].is_number()) fail("settings.temperature", "must be a number");
        whole(s, "settings", "max_turns", false, 0);
    }

    void author(Json& recipe) const
    {
        if (!present(recipe, "author")) return;
        Json& a = object(recipe, "", "author");
        text(a, "author", "contact", false);
        text(a, "author", "metadata", false);
    }

    void parameters(Json& recipe) const
    {
        if (!present(recipe, "parameters")) return;
        Json& params = list(recipe, "", "parameters");
        std::map<std::string, std::size_t> seen;
        for (std::size_t i = 0; i < params.size(); ++i) {
            const std::string p = "parameters[" + std::to_string(i) + "]";
            Json& param = params[i];
            if (!param.is_object()) fail(p, "must be a map with key, input_type, requirement and description");
            text(param, p, "key", true);
            text(param, p, "input_type", true);
            text(param, p, "requirement", true);
            text(param, p, "description", true);
            text(param, p, "default", false);
            text_list(param, p, "options");
            const std::string key = param["key"];
            if (key.empty()) fail(p + ".key", "must not be empty");
            if (!(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_'))
                fail(p + ".key", "must be a name (letters, digits, _), not '" + key + "'");
            for (char c : key)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) fail(p + ".key", "must be a name (letters, digits, _), not '" + key + "'");
            if (auto [it, fresh] = seen.emplace(key, i); !fresh)
                fail(p + ".key", "duplicate parameter '" + key + "' (first defined at parameters[" + std::to_string(it->second) + "])");
            one_of(param, p, "input_type", {"string", "number", "boolean", "date", "file", "select"});
            one_of(param, p, "requirement", {"required", "optional", "user_prompt"});
            const std::string type = param["input_type"], requirement = param["requirement"];
            const bool has_default = present(param, "default");
            if (requirement == "optional" && !has_default) fail(p + ".default", "an optional parameter needs a default");
            // Upstream: a file parameter's default would import a file the user never chose.
            if (type == "file" && has_default) fail(p + ".default", "a file parameter cannot have a default (it would read a file the user did not choose)");
            if (type == "select") {
                if (!present(param, "options") || param["options"].empty()) fail(p + ".options", "a select parameter needs a list of options");
                if (has_default) {
                    const auto& opts = param["options"];
                    if (std::find(opts.begin(), opts.end(), param["default"]) == opts.end())
                        fail(p + ".default", "'" + param["default"].get<std::string>() + "' is not one of the options");
                }
            }
        }
    }

    // A JSON Schema must at least be a schema: an object (or boolean) whose `type`, `properties`,
    // `items` and `required` have the right kinds, checked to a bounded depth.
    void schema(const Json& s, const std::string& path, int depth) const
    {
        if (depth > max_depth) fail(path, "schema nested too deeply");
        if (s.is_boolean()) return;
        if (!s.is_object()) fail(path, "must be a JSON Schema object");
        static const std::initializer_list<const char*> types = {"object", "array", "string", "number", "integer", "boolean", "null"};
        if (s.contains("type")) {
            const Json& t = s["type"];
            auto ok = [&](const Json& name) {
                return name.is_string() && std::any_of(types.begin(), types.end(), [&](const char* x) { return name == x; });
            };
            if (!(ok(t) || (t.is_array() && !t.empty() && std::all_of(t.begin(), t.end(), ok))))
                fail(path + ".type", "must be one of object, array, string, number, integer, boolean, null");
        }
        if (s.contains("properties")) {
            if (!s["properties"].is_object()) fail(path + ".properties", "must be a map of schemas");
            for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) schema(it.value(), path + ".properties." + it.key(), depth + 1);
        }
        if (s.contains("items")) schema(s["items"], path + ".items", depth + 1);
        if (s.contains("required")) {
            const Json& r = s["required"];
            if (!r.is_array() || !std::all_of(r.begin(), r.end(), [](const Json& x) { return x.is_string(); }))
                fail(path + ".required", "must be a list of property names");
        }
    }

    void response(Json& recipe) const
    {
        if (!present(recipe, "response")) return;
        Json& r = object(recipe, "", "response");
        if (present(r, "json_schema")) schema(r["json_schema"], "response.json_schema", 0);
    }

    void sub_recipes(Json& recipe) const
    {
        if (!present(recipe, "sub_recipes")) return;
        Json& subs = list(recipe, "", "sub_recipes");
        for (std::size_t i = 0; i < subs.size(); ++i) {
            const std::string p = "sub_recipes[" + std::to_string(i) + "]";
            Json& s = subs[i];
            if (!s.is_object()) fail(p, "must be a map with `name` and `path`");
            text(s, p, "name", true);
            text(s, p, "path", true);
            text(s, p, "description", false);
            boolean(s, p, "sequential_when_repeated");
            if (present(s, "values")) {
                Json& values = object(s, p, "values");
                // Upstream turns non-text values into their JSON text.
                for (auto it = values.begin(); it != values.end(); ++it)
                    if (!it.value().is_string()) it.value() = it.value().dump();
            }
        }
    }

    void retry(Json& recipe) const
    {
        if (!present(recipe, "retry")) return;
        Json& r = object(recipe, "", "retry");
        whole(r, "retry", "max_retries", true, 1);
        if (!present(r, "checks")) fail("retry.checks", "missing field");
        Json& checks = list(r, "retry", "checks");
        for (std::size_t i = 0; i < checks.size(); ++i) {
            const std::string p = "retry.checks[" + std::to_string(i) + "]";
            Json& c = checks[i];
            if (!c.is_object()) fail(p, "must be a map with `type: shell` and `command`");
            text(c, p, "type", true);
            text(c, p, "command", true);
            std::string type = c["type"];
            for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (type != "shell") fail(p + ".type", "must be shell, not '" + c["type"].get<std::string>() + "'");
            if (c["command"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos) fail(p + ".command", "must not be empty");
        }
        text(r, "retry", "on_failure", false);
        whole(r, "retry", "timeout_seconds", false, 1);
        whole(r, "retry", "on_failure_timeout_seconds", false, 1);
    }

private:
    const RecipeLines& lines_;
};

bool blank(const Json& recipe, const char* field)
{
    if (!recipe.contains(field) || !recipe[field].is_string()) return true;
    return recipe[field].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos;
}

} // namespace

RecipeText parse_recipe_text(const std::string& text)
{
    if (text.size() > max_text_bytes) throw invalid_argument("recipe text is larger than 4 MiB");
    // Before either parser: nlohmann's copies and yaml-cpp's parser both recurse.
    check_nesting(text);
    RecipeText out;
    const auto first = text.find_first_not_of(" \t\r\n");
    bool parsed = false;
    if (first != std::string::npos && text[first] == '{') {
        try {
            out.document = Json::parse(text);
            parsed = true;
        } catch (const Json::parse_error&) {
            // Not JSON: a YAML flow map, or broken; YAML says which line.
        }
    }
    if (!parsed) {
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            throw invalid_argument("line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        convert(root, "", out.document, out.lines, 0);
    }
    if (out.document.is_object() && out.document.contains("recipe") && out.document["recipe"].is_object() &&
        !out.document.contains("title")) {
        Json inner = out.document["recipe"];
        RecipeLines lines;
        for (const auto& [path, line] : out.lines)
            if (path.rfind("recipe.", 0) == 0) lines[path.substr(7)] = line;
        out.document = std::move(inner);
        out.lines = std::move(lines);
    }
    return out;
}

Json validate_recipe(const Json& input, const RecipeLines& lines)
{
    Checker c(lines);
    if (!input.is_object()) throw invalid_argument(std::string("a recipe must be a map of fields, not ") + input.type_name());
    Json recipe = input;
    if (!c.present(recipe, "version")) recipe["version"] = "1.0.0";
    c.text(recipe, "", "version", true);
    c.text(recipe, "", "title", true);
    c.text(recipe, "", "description", true);
    c.text(recipe, "", "instructions", false);
    c.text(recipe, "", "prompt", false);
    if (blank(recipe, "instructions") && blank(recipe, "prompt"))
        c.fail(recipe.contains("instructions") ? "instructions" : "prompt", "a recipe needs at least one of `instructions` or `prompt`");
    c.extensions(recipe);
    c.settings(recipe);
    c.text_list(recipe, "", "activities");
    c.author(recipe);
    c.parameters(recipe);
    c.response(recipe);
    c.sub_recipes(recipe);
    c.retry(recipe);
    c.text_list(recipe, "", "context");
    return recipe;
}

Json recipe_in_field_order(const Json& recipe)
{
    if (!recipe.is_object()) return recipe;
    static const char* order[] = {"version",    "title",  "description", "instructions", "prompt",      "extensions", "context",
                                  "settings",   "activities", "author",  "parameters",   "response",    "sub_recipes", "retry"};
    Json out = Json::object();
    for (const char* f : order)
        if (recipe.contains(f) && !recipe[f].is_null()) out[f] = recipe[f];
    for (auto it = recipe.begin(); it != recipe.end(); ++it)
        if (!out.contains(it.key()) && !it.value().is_null()) out[it.key()] = it.value();
    return out;
}

Json parse_and_validate_recipe(const std::string& text)
{
    RecipeText parsed = parse_recipe_text(text);
    return validate_recipe(parsed.document, parsed.lines);
}

} // namespace gaggle
