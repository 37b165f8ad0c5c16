#include "http/router.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace gaggle {
namespace {

bool is_param(const std::string& segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

std::vector<std::string> split_path(const std::string& path)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        if (end > start) out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

void Router::add(std::string method, std::string path_template, Handler handler, RouteOptions options)
{
    static const char* methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    if (std::find(std::begin(methods), std::end(methods), method) == std::end(methods))
        throw invalid_argument("unsupported route method '" + method + "'");
    if (path_template.empty() || path_template.front() != '/')
        throw invalid_argument("route template must start with '/': " + path_template);
    Compiled c{split_path(path_template)};
    for (auto& s : c.segments)
        if ((s.find('{') != std::string::npos || s.find('}') != std::string::npos) && !is_param(s))
            throw invalid_argument("malformed route segment '" + s + "' in " + path_template);
    // Two templates that differ only in parameter names would shadow each other.
    auto same_shape = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (is_param(a[i]) != is_param(b[i]) || (!is_param(a[i]) && a[i] != b[i])) return false;
        return true;
    };
    for (size_t i = 0; i < routes_.size(); ++i)
        if (routes_[i].method == method && same_shape(compiled_[i].segments, c.segments))
            throw invalid_argument("route registered twice: " + method + " " + path_template);
    routes_.push_back(Route{std::move(method), std::move(path_template), std::move(handler), options});
    compiled_.push_back(std::move(c));
}

RouteMatch Router::match(const std::string& method, const std::string& path) const
{
    const auto segments = split_path(path);
    RouteMatch result;
    // Specificity: a bit per segment position, literal = 1, earlier positions weigh more.
    long best_score = -1;
    for (size_t i = 0; i < routes_.size(); ++i) {
        const auto& tpl = compiled_[i].segments;
        if (tpl.size() != segments.size()) continue;
        long score = 0;
        bool ok = true;
        for (size_t s = 0; s < tpl.size() && ok; ++s) {
            if (is_param(tpl[s])) {
                ok = !segments[s].empty();
                score <<= 1;
            } else {
                ok = tpl[s] == segments[s];
                score = (score << 1) | 1;
            }
        }
        if (!ok) continue;
        const auto& route = routes_[i];
        if (std::find(result.allowed.begin(), result.allowed.end(), route.method) == result.allowed.end())
            result.allowed.push_back(route.method);
        if (route.method != method || score <= best_score) continue;
        best_score = score;
        result.kind = RouteMatch::Kind::found;
        result.route = &route;
        result.params.clear();
        for (size_t s = 0; s < tpl.size(); ++s)
            if (is_param(tpl[s])) result.params[tpl[s].substr(1, tpl[s].size() - 2)] = segments[s];
    }
    if (result.kind != RouteMatch::Kind::found && !result.allowed.empty())
        result.kind = RouteMatch::Kind::method_not_allowed;
    return result;
}

} // namespace gaggle
