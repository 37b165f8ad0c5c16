#include "common/wake_batch.hpp"

#include <algorithm>
#include <vector>

namespace gaggle {
namespace {

struct ThreadBatch {
    int depth = 0;
    std::vector<HeldWake> held;
};

thread_local ThreadBatch batch;

bool same(const HeldWake& a, const HeldWake& b) { return a.run == b.run && a.target == b.target && a.arg == b.arg; }

} // namespace

bool hold_wake(const HeldWake& wake)
{
    if (batch.depth == 0) return false;
    // A burst wakes few distinct streams (usually one), so a linear search beats a set.
    if (std::none_of(batch.held.begin(), batch.held.end(), [&](const HeldWake& h) { return same(h, wake); }))
        batch.held.push_back(wake);
    return true;
}

WakeBatch::WakeBatch() noexcept { ++batch.depth; }

WakeBatch::~WakeBatch()
{
    if (--batch.depth > 0) return;
    // Swapped out first: a wake that opens a batch of its own must not see these again.
    std::vector<HeldWake> due;
    due.swap(batch.held);
    for (const HeldWake& w : due) w.run(w.target, w.arg);
    due.clear();
    if (batch.held.empty()) batch.held.swap(due); // keep the capacity for the next burst
}

} // namespace gaggle
