#pragma once
// Settings every provider reads the same way, and small URL/header helpers for the per-provider
// ones. Values are read per call, so a config change applies to the next completion.
#include "gaggle_providers/http_client.hpp"
#include "gaggle_providers/retry.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gaggle::providers {

struct StreamSettings {
    std::chrono::milliseconds idle_timeout{60'000};    // GAGGLE_PROVIDER_IDLE_TIMEOUT (seconds)
    std::chrono::milliseconds connect_timeout{30'000}; // GAGGLE_PROVIDER_CONNECT_TIMEOUT (seconds)
    RetryPolicy retry;                                 // GAGGLE_PROVIDER_MAX_RETRIES, GAGGLE_PROVIDER_RETRY_BASE_MS
};

StreamSettings read_stream_settings(const sdk::Host& host);

// A config value that is set and not blank.
std::optional<std::string> config_value(const sdk::Host& host, const char* key);
std::optional<std::string> secret_value(const sdk::Host& host, const char* key);

// "K=V,K2=V2" (OPENAI_CUSTOM_HEADERS); blanks trimmed, malformed items skipped.
Headers parse_header_list(std::string_view text);

// "example.com" -> "https://example.com"; a value with a scheme is kept. Trailing '/' removed.
std::string with_scheme(std::string_view host, std::string_view default_scheme = "https");

// base + "/" + path with exactly one slash between them.
std::string join_url(std::string_view base, std::string_view path);

// The path part of an absolute URL ("" when it has none).
std::string url_path(std::string_view url);

} // namespace gaggle::providers
