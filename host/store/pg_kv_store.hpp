#pragma once
// KvStore in the `plugin_kv` table of the PostgreSQL database (values as bytea).
#include "store/kv_store.hpp"
#include "store/pg_database.hpp"

#include <memory>

namespace gaggle {

class PgKvStore final : public KvStore {
public:
    explicit PgKvStore(std::shared_ptr<pg::Database> db) : db_(std::move(db)) {}

    std::optional<std::string> get(const std::string& plugin_id, const std::string& key) override;
    void put(const std::string& plugin_id, const std::string& key, std::string_view value) override;
    bool erase(const std::string& plugin_id, const std::string& key) override;
    std::vector<std::string> list_keys(const std::string& plugin_id, const std::string& prefix) override;
    bool insert_if_absent(const std::string& plugin_id, const std::string& key, std::string_view value) override;

private:
    std::shared_ptr<pg::Database> db_;
};

} // namespace gaggle
