#pragma once
// Coalescing of wake-ups across one burst of work on one thread.
//
// A provider's reply often arrives with many events in one network read (a fast model, or a
// proxy that buffers). Each event asks the stream writer to wake and send; done one by one, that
// is a wake, a context switch and a send per token. A WakeBatch opened around the processing of
// one read holds those wake-ups and runs each once when the batch closes, so the client gets the
// whole read's events in one write. Nothing waits longer than the burst itself: the batch closes
// before the thread blocks for more input, so a lone event (a real model's usual token) is sent
// as soon as it would have been.
#include <cstdint>

namespace gaggle {

// A wake-up to run later: `run(target, arg)`. Plain function and data, so holding one costs no
// allocation. Two held wakes with the same run, target and arg run once.
struct HeldWake {
    void (*run)(void* target, std::uint64_t arg) = nullptr;
    void* target = nullptr;
    std::uint64_t arg = 0;
};

// Any thread. True when a WakeBatch is open on the calling thread: `wake` will run when the
// outermost batch closes (the caller must not run it itself). False: the caller wakes now.
bool hold_wake(const HeldWake& wake);

// Opens a batch on the calling thread for its lifetime; batches nest, and the outermost one runs
// the held wakes when it closes, on this thread. Whoever holds a wake keeps its target alive (or
// tolerant of a stale arg) until then.
class WakeBatch {
public:
    WakeBatch() noexcept;
    ~WakeBatch();
    WakeBatch(const WakeBatch&) = delete;
    WakeBatch& operator=(const WakeBatch&) = delete;
};

} // namespace gaggle
