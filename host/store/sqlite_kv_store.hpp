#pragma once
// KvStore in the `plugin_kv` table of the SQLite session database.
#include "store/kv_store.hpp"
#include "store/sqlite_database.hpp"

#include <memory>

namespace gaggle {

class SqliteKvStore final : public KvStore {
public:
    explicit SqliteKvStore(std::shared_ptr<sqlite::Database> db) : db_(std::move(db)) {}

    std::optional<std::string> get(const std::string& plugin_id, const std::string& key) override;
    void put(const std::string& plugin_id, const std::string& key, std::string_view value) override;
    bool erase(const std::string& plugin_id, const std::string& key) override;
    std::vector<std::string> list_keys(const std::string& plugin_id, const std::string& prefix) override;
    bool insert_if_absent(const std::string& plugin_id, const std::string& key, std::string_view value) override;

private:
    std::shared_ptr<sqlite::Database> db_;
};

} // namespace gaggle
