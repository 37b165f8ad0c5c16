#pragma once
// What a route handler sees of a request: decoded path, its {params}, query, headers, the body
// (already size- and type-checked by the dispatcher) and the authenticated user.
#include "common/json.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace gaggle {

class Request {
public:
    Request(Poco::Net::HTTPServerRequest& raw, std::string path, std::string query_string);

    const std::string& method() const noexcept { return method_; }
    const std::string& path() const noexcept { return path_; }
    const std::string& query_string() const noexcept { return query_string_; }
    const std::string& body() const noexcept { return body_; }
    const std::string& user_id() const noexcept { return user_id_; }

    // A {name} segment of the matched route; throws if the route has no such parameter (a bug).
    const std::string& param(const std::string& name) const;
    const std::map<std::string, std::string>& raw_params() const noexcept { return params_; }
    // The first value of query parameter `name` (decoded), if present.
    std::optional<std::string> query(const std::string& name) const;
    // Header value or "" (names are case-insensitive).
    std::string header(const std::string& name) const;
    bool has_header(const std::string& name) const;

    // The body parsed as JSON: 400 with a message when it is not JSON. An empty body is `null`.
    const Json& json() const;

    Poco::Net::HTTPServerRequest& raw() noexcept { return raw_; }

    // Set by the dispatcher.
    void set_params(std::map<std::string, std::string> params) { params_ = std::move(params); }
    void set_body(std::string body) { body_ = std::move(body); }
    void set_user(std::string user_id) { user_id_ = std::move(user_id); }

private:
    Poco::Net::HTTPServerRequest& raw_;
    std::string method_, path_, query_string_, body_, user_id_;
    std::map<std::string, std::string> params_;
    std::vector<std::pair<std::string, std::string>> query_;
    mutable std::optional<Json> json_;
};

} // namespace gaggle
