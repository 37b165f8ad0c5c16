#include "http/auth.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/String.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace gaggle {

KeyHash sha256(const std::string& text)
{
    KeyHash out{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
    return out;
}

std::optional<KeyHash> parse_key_hash(const std::string& hex)
{
    if (hex.size() != 64) return std::nullopt;
    KeyHash out{};
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < 32; ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    return out;
}

Authenticator::Authenticator(const std::string& desktop_secret, std::vector<UserKey> users)
{
    if (!desktop_secret.empty()) users_.push_back(UserKey{default_user_id, sha256(desktop_secret)});
    for (auto& u : users) users_.push_back(std::move(u));
}

std::optional<std::string> Authenticator::presented_key(const Poco::Net::HTTPServerRequest& request)
{
    if (request.has("X-Secret-Key")) return request.get("X-Secret-Key");
    if (request.has("Authorization")) {
        const std::string& value = request.get("Authorization");
        static const std::string bearer = "Bearer ";
        if (value.size() > bearer.size() && Poco::icompare(value.substr(0, bearer.size()), bearer) == 0)
            return value.substr(bearer.size());
    }
    if (request.has("x-api-key")) return request.get("x-api-key");
    return std::nullopt;
}

std::optional<std::string> Authenticator::user_for_key(const std::string& key) const
{
    if (key.empty()) return std::nullopt;
    // Hashing first makes every comparison the same length; every user is compared so the time
    // taken does not depend on which one (if any) matched.
    const KeyHash presented = sha256(key);
    const std::string* found = nullptr;
    for (const auto& u : users_)
        if (CRYPTO_memcmp(presented.data(), u.key_sha256.data(), presented.size()) == 0 && !found) found = &u.user_id;
    if (!found) return std::nullopt;
    return *found;
}

std::optional<std::string> Authenticator::authenticate(const Poco::Net::HTTPServerRequest& request) const
{
    const auto key = presented_key(request);
    if (!key) return std::nullopt;
    return user_for_key(*key);
}

} // namespace gaggle
