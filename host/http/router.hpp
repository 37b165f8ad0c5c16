#pragma once
// Matches a method and a decoded path against route templates such as /sessions/{session_id}/fork.
// When several templates match, the most specific wins (a literal segment beats a {param} at the
// same position), so /sessions/search is never taken for a session id.
#include "http/request.hpp"
#include "http/response.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gaggle {

using Handler = std::function<void(Request&, Response&)>;

struct RouteOptions {
    bool auth = true;                       // false only for /status and /openapi.json
    bool json_body = false;                 // requires Content-Type: application/json and a JSON body
    size_t max_body = 2 * 1024 * 1024;      // larger bodies are refused with 413 before being read
};

struct Route {
    std::string method;
    std::string path; // the template, as registered
    Handler handler;
    RouteOptions options;
};

struct RouteMatch {
    enum class Kind { found, not_found, method_not_allowed } kind = Kind::not_found;
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed; // methods serving this path, for 405's Allow header
};

class Router {
public:
    // Registers a route. Throws on a malformed template or a duplicate method+template.
    void add(std::string method, std::string path_template, Handler handler, RouteOptions options = {});
    RouteMatch match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const noexcept { return routes_; }

private:
    struct Compiled {
        std::vector<std::string> segments; // "{name}" marks a parameter
    };
    std::vector<Route> routes_;
    std::vector<Compiled> compiled_;
};

// Splits "/a/b/" into {"a","b"}; an empty path is {}.
std::vector<std::string> split_path(const std::string& path);

} // namespace gaggle
