#include "mcp/allowlist.hpp"

#include "net/outbound_http.hpp"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace gaggle::mcp {
namespace {

std::vector<std::string> words(const std::string& line)
{
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool same_program(const std::string& listed, const std::string& given)
{
    if (listed == given) return true;
    // "node" in the list matches "/usr/bin/node" given, and the reverse: both name one program.
    return std::filesystem::path(listed).filename() == std::filesystem::path(given).filename() &&
           (listed.find('/') == std::string::npos || given.find('/') == std::string::npos);
}

bool matches(const std::vector<std::string>& listed, const std::vector<std::string>& given)
{
    if (listed.empty() || listed.size() != given.size()) return false;
    if (!same_program(listed[0], given[0])) return false;
    for (size_t i = 1; i < listed.size(); ++i)
        if (listed[i] != given[i]) return false;
    return true;
}

bool is_url(const std::string& where) { return where.rfind("http://", 0) == 0 || where.rfind("https://", 0) == 0; }

// An operator's list served over HTTP changes rarely; one fetch a minute keeps every extension
// start from waiting on the network, and a change still reaches the server soon.
constexpr auto refetch_after = std::chrono::minutes(1);
constexpr size_t max_document_bytes = 1024 * 1024;

std::string fetch(const std::string& url)
{
    net::OutboundRequest request;
    request.url = url;
    request.connect_timeout = std::chrono::seconds(10);
    request.idle_timeout = std::chrono::seconds(10);
    int status = 0;
    std::string body;
    bool too_large = false;
    net::OutboundHandlers handlers;
    handlers.on_response = [&](int s, const net::HeaderList&) {
        status = s;
        return true;
    };
    handlers.on_data = [&](std::string_view chunk) {
        if (body.size() + chunk.size() > max_document_bytes) {
            too_large = true;
            return false; // abandons the transfer
        }
        body.append(chunk);
        return true;
    };
    const net::OutboundResult result = net::perform(request, handlers);
    if (too_large) throw std::runtime_error("it is larger than 1 MiB");
    if (result.status != net::OutboundStatus::ok) throw std::runtime_error(result.message);
    if (status != 200) throw std::runtime_error("it answered HTTP " + std::to_string(status));
    return body;
}

// The document: the file, or the URL's body (fetched again after refetch_after). Throws with
// the reason when it cannot be had: an allowlist that cannot be read allows nothing.
YAML::Node load_document(const std::string& where)
{
    if (!is_url(where)) return YAML::LoadFile(where);
    struct Fetched {
        std::string text;
        std::chrono::steady_clock::time_point at;
    };
    static std::mutex mutex;
    static std::map<std::string, Fetched> cache;
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(mutex);
        auto it = cache.find(where);
        if (it != cache.end() && now - it->second.at < refetch_after) return YAML::Load(it->second.text);
    }
    std::string text = fetch(where);
    YAML::Node doc = YAML::Load(text);
    std::lock_guard lock(mutex);
    cache[where] = Fetched{std::move(text), now};
    return doc;
}

} // namespace

std::optional<std::string> allowlist_refusal(const std::optional<std::string>& allowlist, const std::string& cmd,
                                             const std::vector<std::string>& args)
{
    if (!allowlist || allowlist->empty()) return std::nullopt;
    std::vector<std::string> given = words(cmd);
    for (auto& a : args) given.push_back(a);
    std::string line;
    for (auto& w : given) line += (line.empty() ? "" : " ") + w;
    YAML::Node doc;
    try {
        doc = load_document(*allowlist);
    } catch (const std::exception& e) {
        return "the extension allowlist " + *allowlist + " cannot be read (" + e.what() + "); refusing '" + line + "'";
    }
    const YAML::Node list = doc["extensions"];
    if (list && list.IsSequence())
        for (const auto& entry : list) {
            if (!entry.IsMap() || !entry["command"] || !entry["command"].IsScalar()) continue;
            if (matches(words(entry["command"].as<std::string>()), given)) return std::nullopt;
        }
    return "the command '" + line + "' is not in the extension allowlist (GOOSE_ALLOWLIST)";
}

} // namespace gaggle::mcp
