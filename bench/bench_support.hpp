#pragma once
// Small helpers the benchmarks share: timing and order statistics.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gaggle::bench {

using Clock = std::chrono::steady_clock;

inline double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// The value at fraction q (0..1) of the sorted samples; 0 when there are none.
inline double quantile(std::vector<double> v, double q)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}
inline double median(const std::vector<double>& v) { return quantile(v, 0.5); }

// Resident set of process `pid` in KiB (0 when it is gone).
inline long rss_kb(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// CPU time process `pid` has used in its live threads, in nanoseconds (the scheduler's own
// count, /proc/<pid>/task/*/schedstat: precise where utime's 10 ms ticks are not).
inline long long cpu_ns(pid_t pid)
{
    long long total = 0;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "schedstat");
        long long ns = 0;
        if (in >> ns) total += ns;
    }
    return total;
}

// The integer given as `--name N` on the command line (the last one wins), or `fallback`.
inline long long int_option(int argc, char** argv, const char* name, long long fallback)
{
    long long value = fallback;
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], name)) value = std::atoll(argv[i + 1]);
    return value;
}

} // namespace gaggle::bench
