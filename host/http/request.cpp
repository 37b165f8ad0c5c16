#include "http/request.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <algorithm>

namespace gaggle {
namespace {

std::vector<std::pair<std::string, std::string>> parse_query(const std::string& qs)
{
    std::vector<std::pair<std::string, std::string>> out;
    size_t start = 0;
    while (start <= qs.size()) {
        size_t end = qs.find('&', start);
        if (end == std::string::npos) end = qs.size();
        const std::string part = qs.substr(start, end - start);
        if (!part.empty()) {
            const size_t eq = part.find('=');
            std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
            for (auto* s : {&key, &value}) std::replace(s->begin(), s->end(), '+', ' ');
            std::string k, v;
            try {
                Poco::URI::decode(key, k);
                Poco::URI::decode(value, v);
            } catch (const std::exception&) {
                throw invalid_argument("malformed query string");
            }
            out.emplace_back(std::move(k), std::move(v));
        }
        start = end + 1;
    }
    return out;
}

} // namespace

Request::Request(Poco::Net::HTTPServerRequest& raw, std::string path, std::string query_string)
    : raw_(raw), method_(raw.getMethod()), path_(std::move(path)), query_string_(std::move(query_string)),
      query_(parse_query(query_string_))
{
}

const std::string& Request::param(const std::string& name) const
{
    auto it = params_.find(name);
    if (it == params_.end()) throw internal_error("route has no parameter " + name);
    return it->second;
}

std::optional<std::string> Request::query(const std::string& name) const
{
    for (auto& [k, v] : query_)
        if (k == name) return v;
    return std::nullopt;
}

std::string Request::header(const std::string& name) const { return raw_.get(name, ""); }
bool Request::has_header(const std::string& name) const { return raw_.has(name); }

const Json& Request::json() const
{
    if (!json_) {
        if (body_.empty()) {
            json_ = Json(nullptr);
        } else {
            json_ = parse_untrusted_json(body_, "request body");
        }
    }
    return *json_;
}

} // namespace gaggle
