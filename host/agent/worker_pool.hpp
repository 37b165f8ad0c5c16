#pragma once
// A pool of reusable threads for long-running jobs (agent turns, tool calls). A job runs on an
// idle thread, else on a new one while fewer than max_threads exist, else waits in the queue.
// Threads stay parked for reuse (up to max_idle) so a steady stream of turns creates none.
// Jobs may block for minutes (a provider stream, a confirmation), which is why it grows on demand
// instead of having a fixed size; max_threads bounds it.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gaggle {

class WorkerPool {
public:
    WorkerPool(std::size_t max_threads, std::size_t max_idle);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // [thread-safe] Runs job on a pool thread. Jobs must not throw (an escaping exception is
    // logged and dropped). After shutdown() the job is not run.
    void submit(std::function<void()> job);
    // Runs the queued jobs, then stops and joins every thread.
    void shutdown();

    std::size_t threads() const;

private:
    void work();

    const std::size_t max_threads_, max_idle_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    std::vector<std::thread> threads_;
    std::vector<std::thread::id> retired_;  // threads that exited for lack of work, to join
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

} // namespace gaggle
