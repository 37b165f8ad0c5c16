#include "agent/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace gaggle {

WorkerPool::WorkerPool(std::size_t max_threads, std::size_t max_idle)
    : max_threads_(std::max<std::size_t>(1, max_threads)), max_idle_(max_idle)
{
}

WorkerPool::~WorkerPool() { shutdown(); }

void WorkerPool::submit(std::function<void()> job)
{
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    // Join threads that left for lack of work, so the vector holds only live ones.
    for (auto id : retired_) {
        auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
        if (it != threads_.end()) {
            it->join();
            threads_.erase(it);
        }
    }
    retired_.clear();
    queue_.push_back(std::move(job));
    if (idle_ >= queue_.size()) wake_.notify_one();
    else if (threads_.size() < max_threads_) threads_.emplace_back([this] { work(); });
}

void WorkerPool::work()
{
    std::unique_lock lock(mutex_);
    for (;;) {
        ++idle_;
        // A parked thread beyond max_idle leaves after a while without work.
        const bool woke = wake_.wait_for(lock, std::chrono::seconds(30), [&] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (queue_.empty()) {
            if (stopping_) return;
            if (!woke && idle_ >= max_idle_) {
                retired_.push_back(std::this_thread::get_id());
                return;
            }
            continue;
        }
        auto job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        try {
            job();
        } catch (const std::exception& e) {
            spdlog::error("a pooled job ended abnormally: {}", e.what());
        } catch (...) {
            spdlog::error("a pooled job ended abnormally");
        }
        lock.lock();
    }
}

void WorkerPool::shutdown()
{
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        threads.swap(threads_);
        retired_.clear();
    }
    wake_.notify_all();
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

std::size_t WorkerPool::threads() const
{
    std::lock_guard lock(mutex_);
    return threads_.size();
}

} // namespace gaggle
