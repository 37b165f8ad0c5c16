#include "http_endpoint.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace gaggle::http_transport {
namespace {

using Json = nlohmann::json;

[[noreturn]] void refuse(const std::string& message) { throw sdk::Error(GAGGLE_ERR_INVALID_ARGUMENT, message); }

bool http_token(std::string_view name)
{
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

// Headers the transport sets itself: the protocol's own, and HTTP framing.
bool owned_by_transport(std::string_view name)
{
    static const std::array<std::string_view, 9> owned{"accept", "content-type", "content-length", "connection", "host",
                                                        "transfer-encoding", "mcp-session-id", "mcp-protocol-version",
                                                        "last-event-id"};
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(owned.begin(), owned.end(), lower) != owned.end();
}

} // namespace

std::string expand_variables(std::string_view text, const sdk::OpenContext& context, std::string_view where)
{
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t open = text.find("${", i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        const std::size_t close = text.find('}', open + 2);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        const std::string_view name = text.substr(open + 2, close - open - 2);
        auto it = std::find_if(context.env.begin(), context.env.end(), [&](const auto& kv) { return kv.first == name; });
        if (it == context.env.end())
            refuse(std::string(where) + " names ${" + std::string(name) +
                   "}, which is not set: add it to the extension's env_keys (a secret) or envs");
        out.append(it->second);
        i = close + 1;
    }
    return out;
}

Endpoint make_endpoint(std::string_view config_json, const sdk::OpenContext& context, const char* uri_field)
{
    const Json config = Json::parse(config_json, nullptr, false);
    if (!config.is_object()) refuse("the extension config is not a JSON object");
    Endpoint endpoint;
    endpoint.type = config.value("type", std::string());
    auto uri = config.find(uri_field);
    if (uri == config.end() || !uri->is_string()) refuse(std::string("field `") + uri_field + "` must be a URL string");
    endpoint.url = uri->get<std::string>();
    if (endpoint.url.rfind("http://", 0) != 0 && endpoint.url.rfind("https://", 0) != 0)
        refuse(std::string("field `") + uri_field + "` must be an http:// or https:// URL");
    if (endpoint.url.find_first_of("\r\n \t") != std::string::npos)
        refuse(std::string("field `") + uri_field + "` must not contain spaces or line breaks");

    if (auto headers = config.find("headers"); headers != config.end() && !headers->is_null()) {
        if (!headers->is_object()) refuse("field `headers` must be an object of strings");
        for (const auto& [name, value] : headers->items()) {
            const std::string where = "header `" + name + "`";
            if (!value.is_string()) refuse("field `headers." + name + "` must be a string");
            if (!http_token(name)) refuse(where + " is not a valid HTTP header name");
            if (owned_by_transport(name)) continue; // the protocol's own headers are ours to set
            std::string resolved = expand_variables(value.get<std::string>(), context, where);
            if (resolved.find_first_of("\r\n") != std::string::npos || resolved.find('\0') != std::string::npos)
                refuse(where + " must not contain line breaks");
            endpoint.headers.emplace_back(name, std::move(resolved));
        }
    }
    if (auto t = config.find("timeout"); t != config.end() && t->is_number_integer() && t->get<long long>() > 0)
        endpoint.timeout = std::chrono::seconds(std::min<long long>(t->get<long long>(), 86400));
    endpoint.connect_timeout = std::min(endpoint.connect_timeout, endpoint.timeout);
    return endpoint;
}

} // namespace gaggle::http_transport
