#pragma once
// store_bench's PostgreSQL part: the same sessions and messages as the SQLite part, loaded into
// PostgreSQL, and the same operations through PgSessionStore beside raw libpq baselines
// (prepared statements on a plain connection, no store code). The server is the one --url names,
// or a private one (tests/support/pg_server.hpp) with fsync on, as in production.
#include "store_bench_data.hpp"

#include "store/fts_query.hpp"
#include "store/message_facts.hpp"
#include "store/pg_session_store.hpp"
#include "store/session_id.hpp"
#include "store/timestamps.hpp"

#include "../tests/support/pg_server.hpp"

#include <memory>

namespace gaggle::bench {

// Fast setup: big multi-row statements, the search index built after the rows. Rows are exactly
// what the store writes (the same JSON text and search words).
inline void pg_bulk_load(pg::Connection& c, const Args& args, const Vocabulary& vocab, std::int64_t now_ms) {
    c.run("DROP INDEX messages_search; SET synchronous_commit = off");
    std::mt19937_64 rng(7);
    const std::string ext = kExtensionData.dump(), model = kModelConfig.dump();
    const std::int64_t span_ms = 365LL * 86'400'000;
    const std::int64_t start_ms = now_ms - span_ms - 86'400'000;
    std::string day;
    std::int64_t day_counter = 0, seq = 0;
    pg::ArrayLiteral m_session, m_ordinal, m_id, m_created, m_role, m_json, m_words;
    std::size_t pending = 0;
    auto flush_messages = [&] {
        if (pending == 0) return;
        c.exec("INSERT INTO messages (session_seq, ordinal, message_id, created, role, json, search_vector) "
               "SELECT s, o, i, cr, r, j, to_tsvector('simple', w) FROM unnest($1::bigint[], $2::bigint[], $3::text[], "
               "$4::bigint[], $5::text[], $6::text[], $7::text[]) AS t(s, o, i, cr, r, j, w)",
               pg::Params()
                   .add(std::move(m_session).finish())
                   .add(std::move(m_ordinal).finish())
                   .add(std::move(m_id).finish())
                   .add(std::move(m_created).finish())
                   .add(std::move(m_role).finish())
                   .add(std::move(m_json).finish())
                   .add(std::move(m_words).finish()));
        m_session = {}, m_ordinal = {}, m_id = {}, m_created = {}, m_role = {}, m_json = {}, m_words = {};
        pending = 0;
    };
    c.run("BEGIN");
    for (std::int64_t s = 0; s < args.sessions; ++s) {
        const std::int64_t created = start_ms + span_ms * s / args.sessions;
        const std::string d = utc_day_key(created);
        if (d != day) {
            day = d;
            day_counter = 0;
        }
        const std::string id = format_session_id(day, ++day_counter);
        const std::int64_t count = args.messages / args.sessions + (s < args.messages % args.sessions ? 1 : 0);
        c.exec("INSERT INTO sessions (seq, id, owner, name, user_set_name, working_dir, session_type, created_at, "
               "updated_at, extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, "
               "accumulated_output_tokens, accumulated_total_tokens, provider_name, model_config, message_count, "
               "last_ordinal) OVERRIDING SYSTEM VALUE VALUES ($1, $2, 'bench', $3, true, '/home/bench/project', 'user', "
               "$4, $5, $6, 1200, 300, 1500, 24000, 6000, 30000, 'openai', $7, $8, $8)",
               pg::Params()
                   .add(s + 1)
                   .add(id)
                   .add("Session about " + vocab.sentence(rng, 3))
                   .add(created)
                   .add(created + 60'000 * count)
                   .add(ext)
                   .add(model)
                   .add(count));
        c.exec("INSERT INTO session_day_counters (day, last) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET last = excluded.last",
               pg::Params().add(day).add(day_counter));
        for (std::int64_t m = 0; m < count; ++m, ++seq) {
            const Json msg = make_message(seq, created / 1000 + m * 60, vocab, rng);
            m_session.add(std::to_string(s + 1));
            m_ordinal.add(std::to_string(m + 1));
            m_id.add(msg["id"].get<std::string>());
            m_created.add(std::to_string(msg["created"].get<std::int64_t>()));
            m_role.add(msg["role"].get<std::string>());
            m_json.add(to_stored_json(msg));
            m_words.add(to_search_words(extract_search_text(msg)));
            if (++pending == 2000) flush_messages();
            if (seq % 50'000 == 49'999) {
                flush_messages();
                c.run("COMMIT; BEGIN");
                std::fprintf(stderr, "\r  loaded %lld messages", static_cast<long long>(seq + 1));
            }
        }
    }
    flush_messages();
    c.run("COMMIT");
    std::fprintf(stderr, "\r  loaded %lld messages; indexing\n", static_cast<long long>(seq));
    c.run("SET maintenance_work_mem = '256MB'; CREATE INDEX messages_search ON messages USING gin (search_vector)");
    c.exec("SELECT setval(pg_get_serial_sequence('sessions', 'seq'), $1)", pg::Params().add(args.sessions));
    c.run("VACUUM ANALYZE");
}

inline void run_postgres(const Args& args, const Vocabulary& vocab, std::int64_t now_ms) {
    std::unique_ptr<test::PgServer> own_server;
    std::string url = args.url;
    if (url.empty()) {
        own_server = std::make_unique<test::PgServer>(/*fsync=*/true);
        url = own_server->create_database();
    }
    const auto t_setup = Clock::now();
    auto db = std::make_shared<pg::Database>(pg::DatabaseOptions{.url = url, .pool_size = 4});
    pg::Connection raw(url, 30'000);
    const bool empty = raw.exec("SELECT COUNT(*) FROM sessions").int64(0, 0) == 0;
    if (empty) {
        std::fprintf(stderr, "building %lld sessions / %lld messages in PostgreSQL\n", static_cast<long long>(args.sessions),
                     static_cast<long long>(args.messages));
        pg_bulk_load(raw, args, vocab, now_ms);
    }
    const double setup_s = std::chrono::duration<double>(Clock::now() - t_setup).count();
    PgSessionStore store(db);
    const std::string owner = "bench";
    std::printf("\nstore_bench PostgreSQL: %lld sessions, %lld messages, database %s, setup %.1f s\n",
                static_cast<long long>(raw.exec("SELECT COUNT(*) FROM sessions").int64(0, 0)),
                static_cast<long long>(raw.exec("SELECT COUNT(*) FROM messages").int64(0, 0)),
                raw.exec("SELECT pg_size_pretty(pg_database_size(current_database()))").str(0, 0).c_str(), setup_s);
    std::printf("%-44s %9s %9s %11s %11s %8s\n", "operation (ms)", "median", "p99", "base median", "base p99", "ratio");

    // --- listing ---
    const Stats page = measure(200, [&] { store.list_sessions(owner, {.limit = 100}); });
    const Stats page_base = measure(200, [&] {
        const auto r = raw.exec("SELECT * FROM sessions WHERE owner = $1 ORDER BY updated_at DESC, seq LIMIT 100",
                                pg::Params().add(owner));
        for (int i = 0; i < r.rows(); ++i)
            for (int col = 0; col < r.columns(); ++col) (void)r.text(i, col);
    });
    row("list: newest page of 100", page, &page_base);
    std::optional<std::string> cursor;
    for (std::int64_t seen = 0; seen < args.sessions / 2;) {
        auto p = store.list_sessions(owner, {.limit = 1000, .cursor = cursor});
        seen += static_cast<std::int64_t>(p.sessions.size());
        cursor = p.next_cursor;
        if (!cursor) break;
    }
    row("list: page at N/2 (cursor paging)", measure(200, [&] { store.list_sessions(owner, {.limit = 100, .cursor = cursor}); }),
        &page_base);
    row("count sessions", measure(50, [&] { store.count_sessions(owner); }));

    // --- search ---
    for (auto [label, rank] : {std::pair{"search: rare word (rank 15000)", 15000}, {"search: medium word (rank 2000)", 2000},
                               {"search: common word (rank 200)", 200}}) {
        const std::string word = vocab.at_rank(static_cast<std::size_t>(std::min<std::int64_t>(rank, 19'999)));
        const Stats s = measure(20, [&] { store.search(owner, {.text = word}); });
        std::int64_t matches = 0;
        const Stats b = measure(20, [&] {
            matches = raw.exec("SELECT count(*) FROM messages WHERE search_vector @@ to_tsquery('simple', $1)",
                               pg::Params().add("'" + word + "':*"))
                          .int64(0, 0);
        });
        char name[96];
        std::snprintf(name, sizeof name, "%s, %lld msgs", label, static_cast<long long>(matches));
        row(name, s, &b);
    }
    const std::string two = vocab.at_rank(9000) + " " + vocab.at_rank(12000);
    row("search: two rare words (OR)", measure(20, [&] { store.search(owner, {.text = two}); }));

    // --- the write path: create, open, append (synchronous_commit = on per commit) ---
    std::mt19937_64 rng(99);
    row("create session", measure(200, [&] { store.create_session({.owner = owner, .working_dir = "/w"}); }));
    const auto target = store.create_session({.owner = owner, .working_dir = "/w", .extension_data = kExtensionData});
    std::int64_t seq = 10'000'000;
    std::vector<Json> pending;
    for (int i = 0; i < 2100; ++i) pending.push_back(make_message(seq++, now_ms / 1000, vocab, rng));
    std::size_t next = 0;
    for (; next < 100; ++next) store.append_message(owner, target.id, pending[next]);
    std::int64_t target_seq = raw.exec("SELECT seq FROM sessions WHERE id = $1", pg::Params().add(target.id)).int64(0, 0);
    const Stats open = measure(200, [&] { store.load_session(owner, target.id); });
    const Stats open_base = measure(200, [&] {
        const auto r = raw.exec("SELECT json FROM messages WHERE session_seq = $1 ORDER BY ordinal", pg::Params().add(target_seq));
        std::vector<std::string> out;
        for (int i = 0; i < r.rows(); ++i) out.push_back(r.str(i, 0));
    });
    row("open session of 100 messages", open, &open_base);

    // Baseline: the same row inserted in its own transaction on a plain connection, in a session
    // of its own (ordinals continue across runs on the same database).
    const std::int64_t base_seq = raw.exec("INSERT INTO sessions (id, owner, created_at, updated_at) VALUES "
                                           "('bench_raw_' || clock_timestamp(), 'bench-raw', 0, 0) RETURNING seq")
                                      .int64(0, 0);
    std::int64_t base_ordinal = 0;
    auto raw_append = [&](const Json& m) {
        raw.run("BEGIN");
        raw.exec("INSERT INTO messages (session_seq, ordinal, message_id, created, role, json, search_vector) "
                 "VALUES ($1, $2, $3, $4, $5, $6, to_tsvector('simple', $7))",
                 pg::Params()
                     .add(base_seq)
                     .add(++base_ordinal)
                     .add(m["id"].get<std::string>())
                     .add(m["created"].get<std::int64_t>())
                     .add(m["role"].get<std::string>())
                     .add(to_stored_json(m))
                     .add(to_search_words(extract_search_text(m))));
        raw.run("COMMIT");
    };
    const Stats append = measure(1000, [&] { store.append_message(owner, target.id, pending[next++]); });
    const Stats append_base = measure(1000, [&] { raw_append(pending[next++]); });
    row("append message (synchronous_commit=on)", append, &append_base);
}

} // namespace gaggle::bench
