#include "store/pg_kv_store.hpp"

#include "common/error.hpp"
#include "store/kv_rules.hpp"

namespace gaggle {

using pg::Connection;
using pg::Params;

std::optional<std::string> PgKvStore::get(const std::string& plugin_id, const std::string& key) {
    validate_kv_ids(plugin_id, key);
    return db_->read([&](Connection& c) -> std::optional<std::string> {
        // Binary results: the bytea comes back as its raw bytes.
        const auto r = c.exec("SELECT value FROM plugin_kv WHERE plugin_id = $1 AND key = $2",
                              Params().add(plugin_id).add(key), true);
        if (r.rows() == 0) return std::nullopt;
        return r.str(0, 0);
    });
}

void PgKvStore::put(const std::string& plugin_id, const std::string& key, std::string_view value) {
    validate_kv_ids(plugin_id, key);
    validate_kv_value(value);
    db_->write([&](Connection& c) {
        c.exec("INSERT INTO plugin_kv (plugin_id, key, value) VALUES ($1, $2, $3) "
               "ON CONFLICT (plugin_id, key) DO UPDATE SET value = excluded.value",
               Params().add(plugin_id).add(key).add_bytes(value));
    });
}

bool PgKvStore::insert_if_absent(const std::string& plugin_id, const std::string& key, std::string_view value) {
    validate_kv_ids(plugin_id, key);
    validate_kv_value(value);
    // The primary key's uniqueness check is atomic across every instance on the database: of
    // concurrent inserts of one key exactly one changes a row.
    return db_->write([&](Connection& c) {
        return c.exec("INSERT INTO plugin_kv (plugin_id, key, value) VALUES ($1, $2, $3) "
                      "ON CONFLICT (plugin_id, key) DO NOTHING",
                      Params().add(plugin_id).add(key).add_bytes(value))
                   .affected() > 0;
    });
}

bool PgKvStore::erase(const std::string& plugin_id, const std::string& key) {
    validate_kv_ids(plugin_id, key);
    return db_->write([&](Connection& c) {
        return c.exec("DELETE FROM plugin_kv WHERE plugin_id = $1 AND key = $2", Params().add(plugin_id).add(key))
                   .affected() > 0;
    });
}

std::vector<std::string> PgKvStore::list_keys(const std::string& plugin_id, const std::string& prefix) {
    if (plugin_id.empty()) throw invalid_argument("plugin_id must not be empty");
    return db_->read([&](Connection& c) {
        // starts_with rather than LIKE: keys are arbitrary, and their % and _ must not match.
        // COLLATE "C": bytewise order whatever the database's collation.
        const auto r = c.exec("SELECT key FROM plugin_kv WHERE plugin_id = $1 AND starts_with(key, $2) "
                              "ORDER BY key COLLATE \"C\"",
                              Params().add(plugin_id).add(prefix));
        std::vector<std::string> keys;
        keys.reserve(static_cast<std::size_t>(r.rows()));
        for (int i = 0; i < r.rows(); ++i) keys.push_back(r.str(i, 0));
        return keys;
    });
}

} // namespace gaggle
