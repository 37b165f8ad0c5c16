#include "recipe/recipe_id.hpp"

#include <cstdint>
#include <cstdio>

namespace gaggle {
namespace {

std::uint64_t rotl(std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
    std::uint64_t v0 = 0x736f6d6570736575ULL, v1 = 0x646f72616e646f6dULL, v2 = 0x6c7967656e657261ULL, v3 = 0x7465646279746573ULL;
    void round()
    {
        v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
        v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
        v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
        v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    }
    void block(std::uint64_t m)
    {
        v3 ^= m;
        round(); // SipHash-1-3: one compression round
        v0 ^= m;
    }
};

std::uint64_t siphash13_zero_key(const std::string& bytes)
{
    SipState s;
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t m = 0;
        for (int k = 0; k < 8; ++k) m |= std::uint64_t(static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)])) << (8 * k);
        s.block(m);
    }
    std::uint64_t last = std::uint64_t(n & 0xff) << 56;
    for (std::size_t k = 0; i + k < n; ++k) last |= std::uint64_t(static_cast<unsigned char>(bytes[i + k])) << (8 * k);
    s.block(last);
    s.v2 ^= 0xff;
    for (int r = 0; r < 3; ++r) s.round(); // three finalisation rounds
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

} // namespace

std::string recipe_id_for_path(const std::string& path)
{
    // Rust's `str::hash` writes the bytes, then 0xFF so "ab","c" and "a","bc" differ.
    const std::uint64_t h = siphash13_zero_key(path + '\xff');
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

} // namespace gaggle
