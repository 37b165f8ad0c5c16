#pragma once
// The threads of one connection (a request's response stream, the server's GET stream, a resumed
// stream). A transport's send() must not wait for an answer that can take minutes, so each piece
// of network work runs on a thread of its own; finished threads are reaped on the next start, and
// stop() joins every one, so nothing of the connection runs after it is closed.
#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace gaggle::http_transport {

class BackgroundTasks {
public:
    BackgroundTasks() = default;
    BackgroundTasks(const BackgroundTasks&) = delete;
    BackgroundTasks& operator=(const BackgroundTasks&) = delete;
    ~BackgroundTasks() { stop(); }

    // [thread-safe] Runs fn on a new thread; false (fn not run) once stop() has begun.
    bool start(std::function<void()> fn)
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        reap_locked();
        auto done = std::make_shared<std::atomic<bool>>(false);
        tasks_.push_back(Task{std::thread([fn = std::move(fn), done] {
                                  try {
                                      fn();
                                  } catch (...) {
                                  }
                                  done->store(true);
                              }),
                              done});
        return true;
    }

    // [thread-safe] Joins every thread, also those started while it waits. A thread that closes its
    // own connection cannot join itself: it is detached and ends on its own.
    void stop()
    {
        for (;;) {
            Task task;
            {
                std::lock_guard lock(mutex_);
                stopping_ = true;
                if (tasks_.empty()) return;
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            if (task.thread.get_id() == std::this_thread::get_id()) task.thread.detach();
            else if (task.thread.joinable()) task.thread.join();
        }
    }

private:
    struct Task {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    void reap_locked()
    {
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            if (it->done->load()) {
                it->thread.join();
                it = tasks_.erase(it);
            } else {
                ++it;
            }
        }
    }

    std::mutex mutex_;
    bool stopping_ = false;
    std::list<Task> tasks_;
};

} // namespace gaggle::http_transport
