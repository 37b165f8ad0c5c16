#include "api/openapi_document.hpp"

#include "api/openapi/embedded_openapi.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace gaggle {
namespace {

void collect_refs(const Json& node, std::set<std::string>& out)
{
    if (node.is_object()) {
        for (auto& [k, v] : node.items()) {
            if (k == "$ref" && v.is_string()) {
                const std::string ref = v.get<std::string>();
                static const std::string prefix = "#/components/schemas/";
                if (ref.rfind(prefix, 0) == 0) out.insert(ref.substr(prefix.size()));
            } else {
                collect_refs(v, out);
            }
        }
    } else if (node.is_array()) {
        for (auto& v : node) collect_refs(v, out);
    }
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

Json generic_operation()
{
    return Json{{"tags", {"plugin"}},
                {"summary", "Served by a feature plugin"},
                {"responses", {{"200", {{"description", "plugin-defined"}}}}}};
}

} // namespace

std::string template_shape(const std::string& path_template)
{
    std::string out;
    bool in_param = false;
    for (char c : path_template) {
        if (c == '{') {
            in_param = true;
            out += "{}";
        } else if (c == '}') {
            in_param = false;
        } else if (!in_param) {
            out += c;
        }
    }
    return out;
}

Json build_openapi_document(const Router& router)
{
    const Json upstream = Json::parse(embedded_upstream_openapi());
    const Json extras = Json::parse(embedded_gaggle_paths());

    // Index documented paths by shape, so our templates find upstream's whatever the param names.
    // Gaggle's own operations join upstream's path items method by method.
    std::map<std::string, std::pair<std::string, Json>> documented;
    for (auto& [path, item] : upstream["paths"].items()) documented[template_shape(path)] = {path, item};
    for (auto& [path, item] : extras.items()) {
        auto& slot = documented[template_shape(path)];
        if (slot.first.empty()) slot = {path, Json::object()};
        for (auto& [method, op] : item.items()) slot.second[method] = op;
    }

    Json doc = Json::object();
    doc["openapi"] = upstream["openapi"];
    doc["info"] = {{"title", "gaggle"},
                   {"description", "Gaggle agent host: the goosed HTTP API"},
                   {"license", {{"name", "Apache-2.0"}}},
                   {"version", upstream["info"]["version"]}};
    Json paths = Json::object();
    for (const auto& route : router.routes()) {
        const std::string method = lower(route.method);
        auto it = documented.find(template_shape(route.path));
        const std::string path = it != documented.end() ? it->second.first : route.path;
        const Json* item = it != documented.end() ? &it->second.second : nullptr;
        paths[path][method] = (item && item->contains(method)) ? (*item)[method] : generic_operation();
    }
    doc["paths"] = paths;

    // Keep the schemas the kept paths reach, transitively.
    const Json& all = upstream["components"]["schemas"];
    std::set<std::string> wanted, done;
    collect_refs(paths, wanted);
    Json schemas = Json::object();
    while (!wanted.empty()) {
        const std::string name = *wanted.begin();
        wanted.erase(wanted.begin());
        if (!done.insert(name).second || !all.contains(name)) continue;
        schemas[name] = all[name];
        std::set<std::string> more;
        collect_refs(all[name], more);
        for (auto& m : more)
            if (!done.count(m)) wanted.insert(m);
    }
    doc["components"] = {{"schemas", schemas}};
    return doc;
}

} // namespace gaggle
