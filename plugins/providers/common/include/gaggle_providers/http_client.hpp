#pragma once
// The plugins' side of the host's "gaggle.host.http/1" service: C++ callbacks over the C sink.
// Exceptions never cross the C boundary: a callback that throws stops the transfer and the
// exception is rethrown here once the host has returned.
#include <gaggle/cpp/plugin.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaggle::providers {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The first header named `name` (case-insensitive).
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
    std::string method = "POST";
    std::string url;
    Headers headers;
    std::string body;
    std::chrono::milliseconds connect_timeout{0}; // 0: host default
    std::chrono::milliseconds idle_timeout{0};    // 0: host default
};

struct HttpOutcome {
    gaggle_status status = GAGGLE_OK; // the transport's result (not the HTTP status)
    std::string message;
};

class HttpClient {
public:
    // Throws sdk::Error(UNSUPPORTED) when the host offers no outbound HTTP.
    explicit HttpClient(const sdk::Host& host);

    // Stream a response; handlers return false to stop (the call then returns CANCELLED).
    HttpOutcome perform(const HttpRequest& request, const std::function<bool(int, const Headers&)>& on_response,
                        const std::function<bool(std::string_view)>& on_data, const sdk::Cancel& cancel) const;

    // A whole (small) response body; any transport failure or non-2xx status throws sdk::Error
    // with the classified status.
    std::string fetch(const HttpRequest& request, const sdk::Cancel& cancel) const;

private:
    sdk::Host host_;
    const gaggle_host_http_v1* http_;
};

} // namespace gaggle::providers
