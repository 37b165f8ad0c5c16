#pragma once
// A thin layer over one libpq connection for the PostgreSQL engine: parameters, results, a
// per-connection cache of prepared statements, and the one place where libpq failures become
// gaggle::Error. Not thread-safe: a Connection is used by one thread at a time (pg_database
// hands it out).
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gaggle::pg {

// Values for $1, $2, ... in order. Text format, except add_bytes (binary, for bytea). Text with
// a NUL byte throws Error(invalid_argument): PostgreSQL text cannot hold one.
class Params {
public:
    Params& add(std::int64_t v);
    Params& add(bool v);
    Params& add(std::string_view v);
    Params& add(const char* v) { return add(std::string_view(v)); }
    Params& add(const std::string& v) { return add(std::string_view(v)); }
    Params& add(const std::optional<std::int64_t>& v);
    Params& add(const std::optional<std::string>& v);
    Params& add_null();
    // Raw bytes bound as binary (bytea); may hold NULs.
    Params& add_bytes(std::string_view v);

    int size() const { return static_cast<int>(values_.size()); }
    const char* const* values() const;
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

private:
    void push(std::optional<std::string> v, int format);
    // Owned copies: libpq reads them during the call, and one Params may be reused.
    std::vector<std::optional<std::string>> values_;
    mutable std::vector<const char*> pointers_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

// A PostgreSQL array literal of text elements, {"a","b\"c",NULL}, bound as one parameter and
// cast in SQL ($3::bigint[]), so a batch of rows is one statement. Every element is quoted,
// with backslash and quote escaped, so any text survives.
class ArrayLiteral {
public:
    ArrayLiteral& add(std::optional<std::string_view> element);
    std::string finish() &&;

private:
    std::string text_ = "{";
    bool empty_ = true;
};

class Result {
public:
    explicit Result(PGresult* r) : r_(r, &PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    int columns() const { return PQnfields(r_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
    }
    std::string str(int row, int col) const { return std::string(text(row, col)); }
    std::int64_t int64(int row, int col) const;
    bool boolean(int row, int col) const { return text(row, col) == "t"; }
    std::optional<std::int64_t> opt_int64(int row, int col) const {
        if (is_null(row, col)) return std::nullopt;
        return int64(row, col);
    }
    std::optional<std::string> opt_str(int row, int col) const {
        if (is_null(row, col)) return std::nullopt;
        return str(row, col);
    }
    // Rows changed by INSERT/UPDATE/DELETE.
    std::int64_t affected() const;

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

// Whether an error left the connection unusable (the server went away): the pool drops it.
class Connection {
public:
    Connection(const std::string& conninfo, int statement_timeout_ms);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs sql (with $n placeholders) as a named prepared statement, prepared on first use.
    // binary_results: every column comes back in binary (bytea values as raw bytes).
    Result exec(std::string_view sql, const Params& params = {}, bool binary_results = false);
    // Statements without parameters (BEGIN, COMMIT, DDL); several may be separated by ';'.
    void run(const char* sql);

    bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

    // For a connection that LISTENs: the socket to wait on, then consume_input() (false when the
    // connection failed) and the payloads of the notifications it brought, oldest first.
    int socket() const { return PQsocket(conn_); }
    bool consume_input() { return PQconsumeInput(conn_) == 1; }
    std::optional<std::string> next_notification();

private:
    [[noreturn]] void fail(PGresult* r, std::string_view what);
    PGconn* conn_ = nullptr;
    std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// Maps a libpq failure to gaggle::Error. SQLSTATE classes: 08 (connection) and 57P0x (server
// shutting down) become unavailable (503, retry later), 57014 (statement timeout) unavailable,
// 22 (bad data, e.g. a NUL byte or invalid UTF-8 in text) invalid_argument, 40001/40P01
// (serialization failure, deadlock) a retryable error the database layer runs again.
struct RetryableError {
    std::string message;
};

} // namespace gaggle::pg
