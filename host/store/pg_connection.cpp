#include "store/pg_connection.hpp"

#include "common/error.hpp"

#include <charconv>

namespace gaggle::pg {

void Params::push(std::optional<std::string> v, int format) {
    lengths_.push_back(v ? static_cast<int>(v->size()) : 0);
    values_.push_back(std::move(v));
    formats_.push_back(format);
}

Params& Params::add(std::int64_t v) {
    push(std::to_string(v), 0);
    return *this;
}

Params& Params::add(bool v) {
    push(std::string(v ? "t" : "f"), 0);
    return *this;
}

Params& Params::add(std::string_view v) {
    // libpq reads a text parameter up to its first NUL: refuse rather than store a cut value.
    if (v.find('\0') != std::string_view::npos)
        throw invalid_argument("text must not contain NUL characters (U+0000) when stored in PostgreSQL");
    push(std::string(v), 0);
    return *this;
}

Params& Params::add(const std::optional<std::int64_t>& v) {
    if (!v) return add_null();
    return add(*v);
}

Params& Params::add(const std::optional<std::string>& v) {
    if (!v) return add_null();
    return add(std::string_view(*v));
}

Params& Params::add_null() {
    push(std::nullopt, 0);
    return *this;
}

Params& Params::add_bytes(std::string_view v) {
    push(std::string(v), 1);
    return *this;
}

const char* const* Params::values() const {
    pointers_.clear();
    for (const auto& v : values_) pointers_.push_back(v ? v->c_str() : nullptr);
    return pointers_.data();
}

ArrayLiteral& ArrayLiteral::add(std::optional<std::string_view> element) {
    if (!empty_) text_ += ',';
    empty_ = false;
    if (!element) {
        text_ += "NULL";
        return *this;
    }
    text_ += '"';
    for (char ch : *element) {
        if (ch == '"' || ch == '\\') text_ += '\\';
        text_ += ch;
    }
    text_ += '"';
    return *this;
}

std::string ArrayLiteral::finish() && {
    text_ += '}';
    return std::move(text_);
}

std::int64_t Result::int64(int row, int col) const {
    const auto t = text(row, col);
    std::int64_t v = 0;
    const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size())
        throw internal_error("session store: the database returned a non-integer where a number belongs");
    return v;
}

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(r_.get());
    std::int64_t v = 0;
    std::from_chars(n, n + std::char_traits<char>::length(n), v);
    return v;
}

namespace {

std::string first_line(const char* message) {
    std::string m = message ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

} // namespace

Connection::Connection(const std::string& conninfo, int statement_timeout_ms) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        const std::string why = first_line(PQerrorMessage(conn_));
        PQfinish(conn_);
        conn_ = nullptr;
        throw Error(ErrorKind::unavailable, "the database is unavailable: " + why);
    }
    // UTC and UTF-8 whatever the server's defaults; a bounded wait for any one statement, so a
    // stuck database answers 503 instead of holding a request (and a pooled connection) forever.
    const std::string setup = "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET statement_timeout = " +
                              std::to_string(statement_timeout_ms) + "; SET lock_timeout = " +
                              std::to_string(statement_timeout_ms);
    try {
        run(setup.c_str());
    } catch (...) {
        PQfinish(conn_);  // the destructor does not run for a constructor that throws
        conn_ = nullptr;
        throw;
    }
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

void Connection::fail(PGresult* r, std::string_view what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string sqlstate = state ? state : "";
    std::string message = first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    if (message.empty()) message = first_line(PQerrorMessage(conn_));
    if (r) PQclear(r);
    if (sqlstate == "40001" || sqlstate == "40P01") throw RetryableError{message};
    if (broken() || sqlstate.starts_with("08") || sqlstate.starts_with("57P"))
        throw Error(ErrorKind::unavailable, "the database is unavailable: " + message);
    if (sqlstate == "57014" || sqlstate == "55P03")
        throw Error(ErrorKind::unavailable, "the database did not answer in time: " + message);
    if (sqlstate.starts_with("22")) throw invalid_argument("the database refused a value: " + message);
    throw internal_error("session store (" + std::string(what) + "): " + message);
}

Result Connection::exec(std::string_view sql, const Params& params, bool binary_results) {
    auto it = prepared_.find(std::string(sql));
    if (it == prepared_.end()) {
        std::string name = "g" + std::to_string(prepared_.size() + 1);
        const std::string text(sql);
        PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "prepare");
        PQclear(r);
        it = prepared_.emplace(text, std::move(name)).first;
    }
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), params.size(), params.values(), params.lengths(),
                                 params.formats(), binary_results ? 1 : 0);
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) fail(r, "statement");
    return Result(r);
}

void Connection::run(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, "command");
    PQclear(r);
}

std::optional<std::string> Connection::next_notification() {
    PGnotify* n = PQnotifies(conn_);
    if (!n) return std::nullopt;
    std::string payload = n->extra ? n->extra : "";
    PQfreemem(n);
    return payload;
}

} // namespace gaggle::pg
