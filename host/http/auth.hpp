#pragma once
// Who is calling. The desktop's single secret is one user ("default"); an operator may add more
// users, each with their own key (stored as a SHA-256 hash). A key is accepted from X-Secret-Key
// (the desktop), Authorization: Bearer (scripts) or x-api-key (goose-api clients), and compared in
// constant time so response timing says nothing about how much of a guess was right.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace gaggle {

using KeyHash = std::array<uint8_t, 32>;

struct UserKey {
    std::string user_id;
    KeyHash key_sha256{};
};

inline constexpr const char* default_user_id = "default";

KeyHash sha256(const std::string& text);
// Parses 64 hex digits; nullopt when malformed.
std::optional<KeyHash> parse_key_hash(const std::string& hex);

class Authenticator {
public:
    Authenticator(const std::string& desktop_secret, std::vector<UserKey> users);

    // The user the request's key belongs to, or nullopt (answer 401).
    std::optional<std::string> authenticate(const Poco::Net::HTTPServerRequest& request) const;
    std::optional<std::string> user_for_key(const std::string& key) const;

    // The key a request presents, in the order the three client styles send it.
    static std::optional<std::string> presented_key(const Poco::Net::HTTPServerRequest& request);

private:
    std::vector<UserKey> users_; // the desktop secret first
};

} // namespace gaggle
