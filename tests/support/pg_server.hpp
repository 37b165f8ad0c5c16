#pragma once
// A real PostgreSQL server for the tests, in a temporary folder: initdb, pg_ctl start, and
// stop plus removal at the end. Debian's `postgresql` package provides the binaries
// (scripts/setup --test-peers installs it). PostgreSQL refuses to run as root, and CI runs as
// root: then the server runs as the `postgres` user the package creates (via runuser).
// Loopback TCP on a free port, trust authentication: nothing outside this machine can reach it.
#include <libpq-fe.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace gaggle::test {

class PgServer {
public:
    // fsync=off makes the unit tests fast; benchmarks and durability tests ask for it on.
    explicit PgServer(bool fsync = false) {
        bin_ = find_bin_dir();
        std::string pattern = (std::filesystem::temp_directory_path() / "gaggle-pg-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        as_user_ = ::geteuid() == 0 ? " runuser -u postgres --" : "";
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (!pw) throw std::runtime_error("running as root needs the 'postgres' user (Debian package postgresql)");
            if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown of the test database folder failed");
        }
        port_ = free_port();
        run(bin_ + "/initdb -D " + data() + " -U gaggle --auth=trust -E UTF8 --locale=C --no-sync > " +
            (dir_ / "initdb.log").string() + " 2>&1");
        options_ = "-p " + std::to_string(port_) + " -k " + dir_.string() +
                   " -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=32MB" +
                   (fsync ? "" : " -c fsync=off -c synchronous_commit=on -c full_page_writes=off");
        start();
    }
    ~PgServer() {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    void start() {
        run(bin_ + "/pg_ctl -D " + data() + " -l " + (dir_ / "server.log").string() + " -w -t 60 -o '" + options_ +
            "' start > /dev/null");
        running_ = true;
    }
    // Fast shutdown: clients are disconnected, as in a restart or failover.
    void stop() {
        if (!running_) return;
        running_ = false;
        const std::string command = "cd / &&" + as_user_ + " " + bin_ + "/pg_ctl -D " + data() + " -m fast -w stop > /dev/null 2>&1";
        if (std::system(command.c_str()) != 0) {
            // Already stopped (or never started): nothing to do.
        }
    }

    int port() const { return port_; }
    std::string url(const std::string& database = "postgres") const {
        return "postgresql://gaggle@127.0.0.1:" + std::to_string(port_) + "/" + database;
    }

    // A fresh, empty database on this server; returns its URL.
    std::string create_database() {
        const std::string name = "t" + std::to_string(++databases_);
        execute("CREATE DATABASE " + name + " TEMPLATE template0 STRATEGY FILE_COPY");
        return url(name);
    }

    // Runs one statement as the superuser; throws with the server's message.
    void execute(const std::string& sql, const std::string& database = "postgres") const {
        PGconn* c = PQconnectdb(url(database).c_str());
        std::string error;
        if (PQstatus(c) != CONNECTION_OK) error = PQerrorMessage(c);
        else {
            PGresult* r = PQexec(c, sql.c_str());
            if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQerrorMessage(c);
            PQclear(r);
        }
        PQfinish(c);
        if (!error.empty()) throw std::runtime_error("PostgreSQL: " + error);
    }

    // The first column of the first row of a query, as text.
    std::string query_value(const std::string& sql, const std::string& database) const {
        PGconn* c = PQconnectdb(url(database).c_str());
        PGresult* r = PQexec(c, sql.c_str());
        std::string value = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        const std::string error = PQerrorMessage(c);
        PQclear(r);
        PQfinish(c);
        if (!ok) throw std::runtime_error("PostgreSQL: " + error);
        return value;
    }

private:
    std::string data() const { return (dir_ / "data").string(); }

    void run(const std::string& command) const {
        // cd /: the postgres user may not be allowed into the current directory.
        if (std::system(("cd / &&" + as_user_ + " " + command).c_str()) != 0)
            throw std::runtime_error("PostgreSQL test server: failed: " + command + " (logs in " + dir_.string() + ")");
    }

    static std::string find_bin_dir() {
        std::vector<std::filesystem::path> found;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
            if (std::filesystem::exists(e.path() / "bin" / "pg_ctl")) found.push_back(e.path() / "bin");
        if (found.empty())
            throw std::runtime_error("no PostgreSQL server binaries under /usr/lib/postgresql: install the Debian "
                                     "package postgresql (scripts/setup --test-peers does)");
        std::sort(found.begin(), found.end());
        return found.back().string();
    }

    static int free_port() {
        const int s = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
            ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(s);
            throw std::runtime_error("no free port");
        }
        ::close(s);
        return ntohs(a.sin_port);
    }

    std::string bin_;
    std::filesystem::path dir_;
    std::string as_user_;
    std::string options_;
    int port_ = 0;
    int databases_ = 0;
    bool running_ = false;
};

} // namespace gaggle::test
