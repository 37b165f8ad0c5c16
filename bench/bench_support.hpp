#pragma once
// Small helpers the benchmarks share: timing and order statistics.
#include <algorithm>
#include <chrono>
#include <vector>

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

} // namespace gaggle::bench
