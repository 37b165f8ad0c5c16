#include "http/auth.hpp"

#include <doctest/doctest.h>

using namespace gaggle;

TEST_CASE("the desktop secret is the default user; extra users map by key hash")
{
    const auto alice_hash = sha256("alice-key");
    Authenticator auth("desktop-secret", {UserKey{"alice", alice_hash}});
    CHECK(auth.user_for_key("desktop-secret") == std::optional<std::string>("default"));
    CHECK(auth.user_for_key("alice-key") == std::optional<std::string>("alice"));
    CHECK_FALSE(auth.user_for_key("desktop-secre"));
    CHECK_FALSE(auth.user_for_key("desktop-secret "));
    CHECK_FALSE(auth.user_for_key(""));
    CHECK_FALSE(auth.user_for_key("test"));
}

TEST_CASE("an empty desktop secret admits nobody")
{
    Authenticator auth("", {});
    CHECK_FALSE(auth.user_for_key(""));
    CHECK_FALSE(auth.user_for_key("anything"));
}

TEST_CASE("key hashes parse from 64 hex digits only")
{
    const auto h = sha256("abc");
    std::string hex;
    for (auto b : h) {
        static const char* d = "0123456789abcdef";
        hex += d[b >> 4];
        hex += d[b & 15];
    }
    CHECK(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(parse_key_hash(hex) == h);
    CHECK(parse_key_hash("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") == h);
    CHECK_FALSE(parse_key_hash(hex.substr(1)));
    CHECK_FALSE(parse_key_hash(std::string(64, 'g')));
}
