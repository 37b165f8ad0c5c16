#pragma once
// What both engines' parts of store_bench share: the arguments, the generated conversations (the
// same text for SQLite and PostgreSQL) and the timing and printing of one operation.
#include "common/json.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace gaggle::bench {

using Clock = std::chrono::steady_clock;

struct Args {
    std::string engine = "sqlite";  // "postgres": PostgreSQL too, after SQLite, in the same run
    std::string url;                // PostgreSQL: an existing database; empty: a private server
    std::int64_t sessions = 100'000;
    std::int64_t messages = 1'000'000;
    std::string dir;
    bool keep = false;
    bool reuse = false;
};

// Pseudo-words drawn with a Zipf distribution, so the text has natural-language skew: a few
// very common words, a long tail of rare ones.
class Vocabulary {
public:
    explicit Vocabulary(std::size_t size) {
        static const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "po",
                                          "gra", "tor", "lin", "mes", "dak", "fel", "qui", "bor", "hex", "jun"};
        for (std::size_t i = 0; i < size; ++i) {
            std::string w;
            std::size_t n = i + 1;
            while (n) {
                w += syllables[n % 20];
                n /= 20;
            }
            words_.push_back(w);
        }
        double sum = 0;
        for (std::size_t r = 1; r <= size; ++r) cdf_.push_back(sum += 1.0 / static_cast<double>(r));
        for (auto& c : cdf_) c /= sum;
    }
    const std::string& word(std::mt19937_64& rng) const {
        const double u = std::uniform_real_distribution<double>(0, 1)(rng);
        auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
        return words_[std::min<std::size_t>(static_cast<std::size_t>(it - cdf_.begin()), words_.size() - 1)];
    }
    const std::string& at_rank(std::size_t r) const { return words_[r]; }
    std::string sentence(std::mt19937_64& rng, int n) const {
        std::string s;
        for (int i = 0; i < n; ++i) {
            if (i) s += ' ';
            s += word(rng);
        }
        return s;
    }

private:
    std::vector<std::string> words_;
    std::vector<double> cdf_;
};

// A conversation turn cycle: user text, assistant text + tool call, user tool result.
inline Json make_message(std::int64_t seq, std::int64_t created, const Vocabulary& vocab, std::mt19937_64& rng) {
    const int kind = static_cast<int>(seq % 3);
    const std::string id = "msg_" + std::to_string(seq);
    if (kind == 0)
        return Json{{"id", id}, {"role", "user"}, {"created", created},
                    {"content", Json::array({{{"type", "text"}, {"text", vocab.sentence(rng, 12 + int(rng() % 30))}}})},
                    {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
    if (kind == 1)
        return Json{{"id", id}, {"role", "assistant"}, {"created", created},
                    {"content", Json::array({{{"type", "text"}, {"text", vocab.sentence(rng, 20 + int(rng() % 60))}},
                                             {{"type", "toolRequest"}, {"id", "call_" + std::to_string(seq)},
                                              {"toolCall", {{"status", "success"},
                                                            {"value", {{"name", "developer__shell"},
                                                                       {"arguments", {{"command", "grep -r " + vocab.word(rng) + " src"}}}}}}}}})},
                    {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
    return Json{{"id", id}, {"role", "user"}, {"created", created},
                {"content", Json::array({{{"type", "toolResponse"}, {"id", "call_" + std::to_string(seq - 1)},
                                          {"toolResult", {{"status", "success"},
                                                          {"value", {{"content", Json::array({{{"type", "text"}, {"text", vocab.sentence(rng, 40)}}})},
                                                                     {"isError", false}}}}}}})},
                {"metadata", {{"userVisible", true}, {"agentVisible", true}}}};
}

inline const Json kExtensionData = Json::parse(
    R"({"enabled_extensions.v0":{"extensions":[{"type":"builtin","name":"developer","description":"Code editing and shell access","display_name":"Developer","timeout":300,"bundled":true,"available_tools":[]},{"type":"platform","name":"todo","description":"Task list","bundled":true,"available_tools":[]}]}})");
inline const Json kModelConfig = Json::parse(R"({"model_name":"gpt-4o","context_limit":128000,"temperature":null,"max_tokens":null,"toolshim":false})");

struct Stats {
    double median = 0, p99 = 0;
};

inline Stats measure(int reps, const std::function<void()>& op) {
    std::vector<double> ms;
    ms.reserve(static_cast<std::size_t>(reps));
    for (int i = 0; i < reps; ++i) {
        const auto t0 = Clock::now();
        op();
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
        const auto idx = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ms.size()))) - 1;
        return ms[std::min(idx, ms.size() - 1)];
    };
    return {pct(0.5), pct(0.99)};
}

inline void row(const char* name, Stats s, const Stats* base = nullptr) {
    if (base)
        std::printf("%-44s %9.3f %9.3f %11.3f %11.3f %7.2fx\n", name, s.median, s.p99, base->median, base->p99,
                    base->median > 0 ? s.median / base->median : 0.0);
    else
        std::printf("%-44s %9.3f %9.3f %11s %11s %8s\n", name, s.median, s.p99, "-", "-", "-");
}

} // namespace gaggle::bench
