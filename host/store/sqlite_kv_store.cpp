#include "store/sqlite_kv_store.hpp"

#include "common/error.hpp"
#include "store/kv_rules.hpp"

namespace gaggle {

std::optional<std::string> SqliteKvStore::get(const std::string& plugin_id, const std::string& key) {
    validate_kv_ids(plugin_id, key);
    return db_->read([&](sqlite::Connection& c) -> std::optional<std::string> {
        auto st = c.prepare("SELECT value FROM plugin_kv WHERE plugin_id = ?1 AND key = ?2");
        st->bind(1, plugin_id);
        st->bind(2, key);
        if (!st->executeStep()) return std::nullopt;
        const auto col = st->getColumn(0);
        const auto size = static_cast<std::size_t>(col.getBytes());
        if (size == 0) return std::string();
        return std::string(static_cast<const char*>(col.getBlob()), size);
    });
}

void SqliteKvStore::put(const std::string& plugin_id, const std::string& key, std::string_view value) {
    validate_kv_ids(plugin_id, key);
    validate_kv_value(value);
    db_->write([&](sqlite::Connection& c) {
        auto st = c.prepare(
            "INSERT INTO plugin_kv (plugin_id, key, value) VALUES (?1, ?2, ?3) "
            "ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value");
        st->bind(1, plugin_id);
        st->bind(2, key);
        // A blob, not text: values are opaque bytes and may hold NULs. An empty value still
        // needs a non-null pointer, or SQLite stores NULL.
        static const char empty = 0;
        st->bindNoCopy(3, value.empty() ? &empty : value.data(), static_cast<int>(value.size()));
        st->exec();
    });
}

bool SqliteKvStore::insert_if_absent(const std::string& plugin_id, const std::string& key, std::string_view value) {
    validate_kv_ids(plugin_id, key);
    validate_kv_value(value);
    // One statement is one transaction under the database's write lock, which other processes on
    // the same file take too: only one INSERT of a key can change a row.
    return db_->write([&](sqlite::Connection& c) {
        auto st = c.prepare(
            "INSERT INTO plugin_kv (plugin_id, key, value) VALUES (?1, ?2, ?3) "
            "ON CONFLICT (plugin_id, key) DO NOTHING");
        st->bind(1, plugin_id);
        st->bind(2, key);
        static const char empty = 0;
        st->bindNoCopy(3, value.empty() ? &empty : value.data(), static_cast<int>(value.size()));
        return st->exec() > 0;
    });
}

bool SqliteKvStore::erase(const std::string& plugin_id, const std::string& key) {
    validate_kv_ids(plugin_id, key);
    return db_->write([&](sqlite::Connection& c) {
        auto st = c.prepare("DELETE FROM plugin_kv WHERE plugin_id = ?1 AND key = ?2");
        st->bind(1, plugin_id);
        st->bind(2, key);
        return st->exec() > 0;
    });
}

std::vector<std::string> SqliteKvStore::list_keys(const std::string& plugin_id, const std::string& prefix) {
    if (plugin_id.empty()) throw invalid_argument("plugin_id must not be empty");
    return db_->read([&](sqlite::Connection& c) {
        // substr() rather than LIKE/GLOB: keys are arbitrary, and their % _ * ? must not match.
        auto st = c.prepare(
            "SELECT key FROM plugin_kv WHERE plugin_id = ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key");
        st->bind(1, plugin_id);
        st->bind(2, prefix);
        std::vector<std::string> keys;
        while (st->executeStep()) keys.push_back(st->getColumn(0).getString());
        return keys;
    });
}

} // namespace gaggle
