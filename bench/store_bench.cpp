// Session store benchmark: builds a database of N sessions / M messages (default 100,000 /
// 1,000,000) and prints latencies of the operations the desktop drives — list a page, search,
// open a session, append a message — beside a raw-SQLite baseline measured in the same run.
// Prints figures only; never fails on time.
//
//   store_bench [--engine sqlite|postgres] [--url URL] [--sessions N] [--messages M] [--dir PATH] [--keep] [--reuse]
// --reuse measures an existing --dir database (from --keep) without rebuilding it. --engine
// postgres then builds the same data in PostgreSQL (the database at --url, else a private server
// with fsync on) and prints its figures beside raw libpq baselines, after SQLite's.
#include "store_bench_data.hpp"
#include "store_bench_postgres.hpp"

#include "store/message_facts.hpp"
#include "store/session_id.hpp"
#include "store/sqlite_search.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/timestamps.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace gaggle;
using namespace gaggle::bench;

namespace {

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        auto next = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "missing value for %s\n", argv[i]);
                std::exit(2);
            }
            return std::string(argv[++i]);
        };
        if (!std::strcmp(argv[i], "--sessions")) a.sessions = std::stoll(next());
        else if (!std::strcmp(argv[i], "--messages")) a.messages = std::stoll(next());
        else if (!std::strcmp(argv[i], "--dir")) a.dir = next();
        else if (!std::strcmp(argv[i], "--keep")) a.keep = true;
        else if (!std::strcmp(argv[i], "--reuse")) a.reuse = true;
        else if (!std::strcmp(argv[i], "--engine")) a.engine = next();
        else if (!std::strcmp(argv[i], "--url")) a.url = next();
        else {
            std::fprintf(stderr, "usage: %s [--engine sqlite|postgres] [--url postgres://...] [--sessions N] [--messages M] [--dir PATH] [--keep] [--reuse]\n", argv[0]);
            std::exit(2);
        }
    }
    a.sessions = std::max<std::int64_t>(a.sessions, 10);
    a.messages = std::max<std::int64_t>(a.messages, a.sessions);
    return a;
}

// Fast setup: one connection, big transactions, no fsync. Rows are exactly what the store
// writes (same JSON text and search text functions); they wait for the search index as the
// store's own would, and main() has the store index them before measuring.
void bulk_load(const std::filesystem::path& path, const Args& args, const Vocabulary& vocab, std::int64_t now_ms) {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA synchronous=OFF");
    db.exec("PRAGMA cache_size=-262144");
    SQLite::Statement ins_session(db,
        "INSERT INTO sessions (id, owner, name, user_set_name, working_dir, session_type, created_at, updated_at, "
        "extension_data, input_tokens, output_tokens, total_tokens, accumulated_input_tokens, accumulated_output_tokens, "
        "accumulated_total_tokens, provider_name, model_config, message_count, last_ordinal, seq) "
        "VALUES (?1, 'bench', ?2, 1, '/home/bench/project', 'user', ?3, ?4, ?5, 1200, 300, 1500, 24000, 6000, "
        "30000, 'openai', ?6, ?7, ?7, ?8)");
    // Message rowids as the store numbers them: (session seq << 32) + ordinal.
    SQLite::Statement ins_message(db,
        "INSERT INTO messages (session_id, message_id, created, role, user_visible, agent_visible, json, search_text, id) "
        "VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)");
    SQLite::Statement counter(db,
        "INSERT INTO session_day_counters(day, last) VALUES (?, ?) ON CONFLICT(day) DO UPDATE SET last = excluded.last");

    std::mt19937_64 rng(7);
    const std::string ext = kExtensionData.dump(), model = kModelConfig.dump();
    const std::int64_t span_ms = 365LL * 86'400'000;
    const std::int64_t start_ms = now_ms - span_ms - 86'400'000;  // ends a day before the measured writes
    std::string day;
    std::int64_t day_counter = 0, seq = 0;
    db.exec("BEGIN");
    for (std::int64_t s = 0; s < args.sessions; ++s) {
        const std::int64_t created = start_ms + span_ms * s / args.sessions;
        const std::string d = utc_day_key(created);
        if (d != day) {
            day = d;
            day_counter = 0;
        }
        const std::string id = format_session_id(day, ++day_counter);
        const std::int64_t count = args.messages / args.sessions + (s < args.messages % args.sessions ? 1 : 0);
        const std::int64_t updated = created + 60'000 * count;
        ins_session.bind(1, id);
        ins_session.bind(2, "Session about " + vocab.sentence(rng, 3));
        ins_session.bind(3, created);
        ins_session.bind(4, updated);
        ins_session.bind(5, ext);
        ins_session.bind(6, model);
        ins_session.bind(7, count);
        ins_session.bind(8, s + 1);
        ins_session.exec();
        ins_session.reset();
        counter.bind(1, day);
        counter.bind(2, day_counter);
        counter.exec();
        counter.reset();
        for (std::int64_t m = 0; m < count; ++m, ++seq) {
            const Json msg = make_message(seq, created / 1000 + m * 60, vocab, rng);
            const std::string json = to_stored_json(msg);
            const std::string text = extract_search_text(msg);
            ins_message.bind(1, id);
            ins_message.bind(2, msg["id"].get<std::string>());
            ins_message.bind(3, msg["created"].get<std::int64_t>());
            ins_message.bind(4, msg["role"].get<std::string>());
            ins_message.bind(5, json);
            ins_message.bind(6, text);
            ins_message.bind(7, ((s + 1) << 32) + m + 1);
            ins_message.exec();
            ins_message.reset();
            if (seq % 50'000 == 49'999) {
                db.exec("COMMIT");
                db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
                db.exec("BEGIN");
                std::fprintf(stderr, "\r  loaded %lld messages", static_cast<long long>(seq + 1));
            }
        }
    }
    db.exec("COMMIT");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("ANALYZE");
    std::fprintf(stderr, "\r  loaded %lld messages\n", static_cast<long long>(seq));
}

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gaggle-store-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        std::exit(1);
    }
    return pattern;
}

} // namespace

int main(int argc, char** argv) {
    const Args args = parse_args(argc, argv);
    const std::filesystem::path dir = args.dir.empty() ? make_temp_dir() : std::filesystem::path(args.dir);
    const std::filesystem::path path = dir / "sessions.db";
    const Vocabulary vocab(20'000);
    const std::int64_t now_ms = now_unix_ms();
    double setup_s = 0;
    if (!(args.reuse && std::filesystem::exists(path))) {
        std::filesystem::remove(path);
        std::filesystem::remove(path.string() + "-wal");
        std::filesystem::remove(path.string() + "-shm");
        std::fprintf(stderr, "building %lld sessions / %lld messages in %s\n", static_cast<long long>(args.sessions),
                     static_cast<long long>(args.messages), path.c_str());
        const auto t_setup = Clock::now();
        SqliteSessionStore::open({.path = path});  // creates the schema
        bulk_load(path, args, vocab, now_ms);
        // What the store's background indexer does after a bulk import, done before timing.
        sqlite::index_all_pending_messages(*SqliteSessionStore::open({.path = path})->database());
        setup_s = std::chrono::duration<double>(Clock::now() - t_setup).count();
    }

    auto store = SqliteSessionStore::open({.path = path});
    const std::string owner = "bench";
    std::printf("store_bench: %lld sessions, %lld messages, db %.0f MB, setup %.1f s\n",
                static_cast<long long>(args.sessions), static_cast<long long>(args.messages),
                static_cast<double>(std::filesystem::file_size(path)) / 1e6, setup_s);
    std::printf("%-44s %9s %9s %11s %11s %8s\n", "operation (ms)", "median", "p99", "base median", "base p99", "ratio");

    // Raw-SQLite baselines run on their own connection over the same file.
    SQLite::Database raw(path.string(), SQLite::OPEN_READWRITE, 5000);
    raw.exec("PRAGMA synchronous=FULL");

    // --- listing ---
    const Stats page = measure(200, [&] { store->list_sessions(owner, {.limit = 100}); });
    SQLite::Statement raw_page(raw, "SELECT * FROM sessions WHERE owner = ? ORDER BY updated_at DESC LIMIT 100");
    const Stats page_base = measure(200, [&] {
        raw_page.bind(1, owner);
        // Every column read, as the store does (minus turning them into SessionInfo).
        while (raw_page.executeStep())
            for (int c = 0; c < raw_page.getColumnCount(); ++c) (void)raw_page.getColumn(c).getText();
        raw_page.reset();
    });
    row("list: newest page of 100", page, &page_base);

    const auto deep_offset = static_cast<std::size_t>(args.sessions / 2);
    const Stats deep = measure(50, [&] { store->list_sessions(owner, {.limit = 100, .offset = deep_offset}); });
    row("list: page at offset N/2 (offset paging)", deep);
    std::optional<std::string> cursor;
    for (std::size_t seen = 0; seen < deep_offset;) {  // walk to the middle by cursor
        auto p = store->list_sessions(owner, {.limit = 1000, .cursor = cursor});
        seen += p.sessions.size();
        cursor = p.next_cursor;
        if (!cursor) break;
    }
    const Stats deep_cursor = measure(200, [&] { store->list_sessions(owner, {.limit = 100, .cursor = cursor}); });
    row("list: page at N/2 (cursor paging)", deep_cursor, &page_base);
    row("count sessions", measure(50, [&] { store->count_sessions(owner); }));

    // --- search ---
    SQLite::Statement raw_search(raw, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?");
    for (auto [label, rank] : {std::pair{"search: rare word (rank 15000)", 15000}, {"search: medium word (rank 2000)", 2000},
                               {"search: common word (rank 200)", 200}}) {
        const std::string word = vocab.at_rank(static_cast<std::size_t>(std::min<std::int64_t>(rank, 19'999)));
        std::size_t hits = 0;
        const Stats s = measure(20, [&] { hits = store->search(owner, {.text = word}).size(); });
        std::int64_t matches = 0;
        const Stats b = measure(20, [&] {
            raw_search.bind(1, "\"" + word + "\"*");
            raw_search.executeStep();
            matches = raw_search.getColumn(0).getInt64();
            raw_search.reset();
        });
        char name[96];
        std::snprintf(name, sizeof name, "%s, %lld msgs", label, static_cast<long long>(matches));
        row(name, s, &b);
        (void)hits;
    }
    const std::string two = vocab.at_rank(9000) + " " + vocab.at_rank(12000);
    row("search: two rare words (OR)", measure(20, [&] { store->search(owner, {.text = two}); }));

    // --- the real write path: create, append (fsync per commit) ---
    std::mt19937_64 rng(99);
    row("create session", measure(200, [&] { store->create_session({.owner = owner, .working_dir = "/w"}); }));
    const auto target = store->create_session({.owner = owner, .working_dir = "/w", .extension_data = kExtensionData});
    std::int64_t seq = 10'000'000;
    std::vector<Json> pending;
    for (int i = 0; i < 4100; ++i) pending.push_back(make_message(seq++, now_ms / 1000, vocab, rng));
    std::size_t next = 0;
    for (; next < 100; ++next) store->append_message(owner, target.id, pending[next]);  // warm-up; session of 100
    const Stats open = measure(200, [&] { store->load_session(owner, target.id); });
    SQLite::Statement raw_open(raw, "SELECT json FROM messages WHERE session_id = ? ORDER BY id");
    const Stats open_base = measure(200, [&] {
        raw_open.bind(1, target.id);
        std::vector<std::string> out;
        while (raw_open.executeStep()) out.push_back(raw_open.getColumn(0).getString());
        raw_open.reset();
    });
    row("open session of 100 messages", open, &open_base);

    // Baseline: the same row INSERTed (search-index trigger included) in its own transaction on a plain
    // connection, in a rowid range no session uses (continued across --reuse runs).
    SQLite::Statement top(raw, "SELECT COALESCE(MAX(id), ?1) FROM messages WHERE id >= ?1");
    top.bind(1, std::int64_t{1} << 61);
    top.executeStep();
    std::int64_t base_rowid = top.getColumn(0).getInt64() + 1;
    top.reset();
    SQLite::Statement raw_insert(raw,
        "INSERT INTO messages (session_id, message_id, created, role, user_visible, agent_visible, json, search_text, id) "
        "VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?)");
    auto raw_append = [&](const Json& m) {
        raw.exec("BEGIN IMMEDIATE");
        raw_insert.bind(1, target.id);
        raw_insert.bind(2, m["id"].get<std::string>());
        raw_insert.bind(3, m["created"].get<std::int64_t>());
        raw_insert.bind(4, m["role"].get<std::string>());
        raw_insert.bind(5, to_stored_json(m));
        raw_insert.bind(6, extract_search_text(m));
        raw_insert.bind(7, base_rowid++);
        raw_insert.exec();
        raw_insert.reset();
        raw.exec("COMMIT");
    };

    const Stats append = measure(1000, [&] { store->append_message(owner, target.id, pending[next++]); });
    const Stats append_base = measure(1000, [&] { raw_append(pending[next++]); });
    row("append message (synchronous=FULL, default)", append, &append_base);
    {
        auto relaxed = SqliteSessionStore::open({.path = path, .durability = sqlite::Durability::process_crash_safe});
        raw.exec("PRAGMA synchronous=NORMAL");
        const Stats a = measure(1000, [&] { relaxed->append_message(owner, target.id, pending[next++]); });
        const Stats b = measure(1000, [&] { raw_append(pending[next++]); });
        row("append message (synchronous=NORMAL)", a, &b);
    }

    store.reset();
    if (!args.keep && args.dir.empty()) std::filesystem::remove_all(dir);
    if (args.engine == "postgres") run_postgres(args, vocab, now_ms);
    else if (args.engine != "sqlite") {
        std::fprintf(stderr, "--engine must be sqlite or postgres\n");
        return 2;
    }
    return 0;
}
