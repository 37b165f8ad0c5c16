// Bounds of the turn machinery: the replay buffer in bytes, event ids with an epoch, and the
// pooled threads turns and tools run on.
#include "agent/event_bus.hpp"
#include "agent/worker_pool.hpp"
#include "common/error.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace gaggle;

TEST_CASE("event bus: the replay buffer is bounded in bytes as well as events, and keeps the newest")
{
    SessionEventBus bus(100, 4096);
    const std::string big(1500, 'x');
    for (int i = 0; i < 10; ++i) bus.publish(Json{{"type", "UpdateConversation"}, {"blob", big}}, "r");
    auto all = bus.buffered();
    CHECK(all.events.size() == 2); // 2 x ~1.5 KB fit in 4 KB, 3 do not
    CHECK(all.events.back().seq == 10);
    // One event larger than the whole bound is still kept (the newest always is).
    bus.publish(Json{{"type", "UpdateConversation"}, {"blob", std::string(10000, 'y')}}, "r");
    all = bus.buffered();
    REQUIRE(all.events.size() == 1);
    CHECK(all.events[0].seq == 11);
    // A listener that was at seq 5 is told it fell behind.
    CHECK(bus.wait_after(5, std::chrono::milliseconds(0)).too_far_behind);
}

TEST_CASE("event bus: ids are <epoch>-<seq>; ids of another epoch ask for a reset")
{
    SessionEventBus a, b;
    CHECK(a.epoch() != b.epoch()); // a new bus (after a restart or an eviction) is a new epoch
    const std::string id = a.event_id(7);
    CHECK(id == a.epoch() + "-7");
    auto same = a.resume_point(id);
    CHECK_FALSE(same.reset);
    CHECK(same.after == 7);
    auto bare = a.resume_point("12");
    CHECK_FALSE(bare.reset);
    CHECK(bare.after == 12);
    CHECK(a.resume_point(b.event_id(7)).reset);
    CHECK(a.resume_point("1700000000000.1-3").reset);
    for (const char* bad : {"abc", "-3", "x-", "1-2-x", "1.5"}) {
        INFO(bad);
        CHECK_THROWS_AS(a.resume_point(bad), Error);
    }
}

TEST_CASE("event bus: another instance's events keep their ids; our own go to the shared log")
{
    SessionEventBus here, there;
    std::vector<std::pair<std::string, std::string>> logged;
    here.set_outbound([&](const std::string& id, const std::string& json) { logged.emplace_back(id, json); });

    const auto own = here.publish(Json{{"type", "Message"}}, "r1");
    REQUIRE(logged.size() == 1);
    CHECK(logged[0].first == here.event_id(own));
    CHECK(Json::parse(logged[0].second)["chat_request_id"] == "r1");

    // Relayed: a position here, the other instance's id, and never logged again from here.
    const std::string remote_id = there.event_id(there.publish(Json{{"type", "Message"}}, "r2"));
    here.publish_relayed(remote_id, R"({"type":"Finish"})");
    CHECK(logged.size() == 1);
    auto batch = here.wait_after(own, std::chrono::milliseconds(0));
    REQUIRE(batch.events.size() == 1);
    CHECK(here.event_id(batch.events[0]) == remote_id);
    CHECK(batch.events[0].json == R"({"type":"Finish"})");

    // A client bringing that id here resumes after it; an id of the other instance that this bus
    // never carried still asks for a reset (or the shared log).
    auto at = here.resume_point(remote_id);
    CHECK_FALSE(at.reset);
    CHECK(at.after == batch.events[0].seq);
    CHECK(here.resume_point(there.event_id(99)).reset);
    CHECK(SessionEventBus::process_token() == here.epoch().substr(0, here.epoch().find('.')));
}

TEST_CASE("worker pool: threads are reused, bounded, and every job runs")
{
    WorkerPool pool(3, 3);
    std::atomic<int> ran{0};
    std::mutex m;
    std::set<std::thread::id> ids;
    for (int round = 0; round < 20; ++round) {
        std::atomic<int> done{0};
        for (int i = 0; i < 2; ++i)
            pool.submit([&] {
                {
                    std::lock_guard lock(m);
                    ids.insert(std::this_thread::get_id());
                }
                ++ran;
                ++done;
            });
        while (done < 2) std::this_thread::yield();
    }
    CHECK(ran == 40);
    CHECK(pool.threads() <= 3);
    CHECK(ids.size() <= 3); // 40 jobs, at most 3 threads ever
    // More blocking jobs than threads: the extra ones wait for a thread instead of adding one.
    std::atomic<bool> release{false};
    std::atomic<int> started{0};
    for (int i = 0; i < 5; ++i)
        pool.submit([&] {
            ++started;
            while (!release) std::this_thread::yield();
        });
    while (started < 3) std::this_thread::yield();
    CHECK(pool.threads() == 3);
    release = true;
    pool.shutdown();
    CHECK(started == 5);
}
