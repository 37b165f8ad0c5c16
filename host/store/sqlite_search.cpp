#include "store/sqlite_search.hpp"

#include "store/sqlite_session_rows.hpp"

#include <algorithm>
#include <limits>

namespace gaggle::sqlite {
namespace {

// Messages indexed per write transaction: a few milliseconds of the writer's time.
constexpr std::int64_t kIndexBatch = 2000;

} // namespace

std::int64_t index_pending_messages(Connection& c, std::int64_t batch) {
    // The batch ends at the batch-th pending id (or the last one), read once so the two
    // statements below agree on it.
    auto bound = c.prepare("SELECT id FROM messages_fts_pending ORDER BY id LIMIT 1 OFFSET ?1");
    bound->bind(1, batch - 1);
    std::int64_t upto = std::numeric_limits<std::int64_t>::max();
    if (bound->executeStep()) upto = bound->getColumn(0).getInt64();
    auto index = c.prepare(
        "INSERT INTO messages_fts(rowid, search_text) SELECT m.id, m.search_text "
        "FROM messages_fts_pending p JOIN messages m ON m.id = p.id WHERE p.id <= ?1");
    index->bind(1, upto);
    index->exec();
    auto done = c.prepare("DELETE FROM messages_fts_pending WHERE id <= ?1");
    done->bind(1, upto);
    done->exec();
    return c.changes();
}

bool messages_pending_index(Connection& c) {
    auto st = c.prepare("SELECT EXISTS (SELECT 1 FROM messages_fts_pending)");
    return st->executeStep() && st->getColumn(0).getInt() != 0;
}

void index_all_pending_messages(Database& db) {
    while (db.read([](Connection& c) { return messages_pending_index(c); })) {
        const std::int64_t moved =
            db.write([](Connection& c) { return index_pending_messages(c, kIndexBatch); }, Commit::deferred);
        if (moved < kIndexBatch) return;
    }
}

std::vector<std::int64_t> matching_sessions(Connection& c, const std::string& match,
                                            std::optional<std::int64_t> after,
                                            std::optional<std::int64_t> before) {
    std::vector<std::int64_t> seqs;
    auto collect = [&](SQLite::Statement& st) {
        while (st.executeStep()) {
            const std::int64_t seq = session_seq_of(st.getColumn(0).getInt64());
            if (seqs.empty() || seqs.back() != seq) seqs.push_back(seq);
        }
    };
    if (!after && !before) {
        // The index alone: no message row is read.
        auto st = c.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1");
        st->bind(1, match);
        collect(*st);
    } else {
        auto st = c.prepare(
            "SELECT m.id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
            "WHERE messages_fts MATCH ?1 AND m.created >= ?2 AND m.created < ?3");
        st->bind(1, match);
        st->bind(2, after.value_or(std::numeric_limits<std::int64_t>::min()));
        st->bind(3, before.value_or(std::numeric_limits<std::int64_t>::max()));
        collect(*st);
    }
    // FTS5 returns rowids in ascending order, so this is normally a no-op.
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    return seqs;
}

std::vector<std::int64_t> newest_by_lookup(Connection& c, const std::string& owner,
                                           const std::vector<std::int64_t>& seqs, std::size_t limit) {
    struct Hit {
        std::int64_t updated_at, seq;
    };
    std::vector<Hit> mine;
    auto st = c.prepare("SELECT updated_at FROM sessions WHERE seq = ?1 AND owner = ?2");
    st->bind(2, owner);
    for (std::int64_t seq : seqs) {
        st->bind(1, seq);
        if (st->executeStep()) mine.push_back({st->getColumn(0).getInt64(), seq});
        st->reset();
    }
    const auto newer = [](const Hit& a, const Hit& b) {
        return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.seq < b.seq;
    };
    const std::size_t n = std::min(limit, mine.size());
    std::partial_sort(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(n), mine.end(), newer);
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(mine[i].seq);
    return out;
}

std::vector<std::int64_t> newest_by_walk(Connection& c, const std::string& owner,
                                         const std::vector<std::int64_t>& seqs, std::size_t limit) {
    // A covering scan of (owner, updated_at DESC, seq): no table row is read.
    auto st = c.prepare("SELECT seq FROM sessions WHERE owner = ?1 ORDER BY updated_at DESC, seq ASC");
    st->bind(1, owner);
    std::vector<std::int64_t> out;
    while (out.size() < limit && st->executeStep()) {
        const std::int64_t seq = st->getColumn(0).getInt64();
        if (std::binary_search(seqs.begin(), seqs.end(), seq)) out.push_back(seq);
    }
    return out;
}

} // namespace gaggle::sqlite
