// Secrets in the OS keyring, against a real Secret Service: each test starts its own session bus
// (dbus-run-session) with gnome-keyring-daemon unlocked by a password on stdin, in a scratch HOME,
// and stops both at the end. goose's layout: one item service=goose, username=secrets holding a
// JSON object of every secret.
#include "server_process.hpp"

#include "common/json.hpp"

#include <doctest/doctest.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace gaggle::test;
using gaggle::Json;

namespace {


class SecretServiceSession {
public:
    SecretServiceSession()
    {
        for (const char* tool : {"/usr/bin/dbus-run-session", "/usr/bin/gnome-keyring-daemon", "/usr/bin/secret-tool", "/usr/bin/dbus-send"})
            REQUIRE_MESSAGE(access(tool, X_OK) == 0, tool << " is missing: run scripts/setup");
        const auto script = dir_.path() / "session.sh";
        std::ofstream(script) << "echo \"$DBUS_SESSION_BUS_ADDRESS\" > \"" << (dir_.path() / "bus.tmp").string() << "\"\n"
                              << "mv \"" << (dir_.path() / "bus.tmp").string() << "\" \"" << (dir_.path() / "bus").string() << "\"\n"
                              << "printf 'test-keyring-password' | gnome-keyring-daemon --foreground --unlock --components=secrets &\n"
                              << "wait\n";
        const std::string home = dir_.path().string();
        pid_ = fork();
        if (pid_ == 0) {
            setsid(); // its own process group, so the whole session stops with one kill
            const std::string env_home = "HOME=" + home, env_data = "XDG_DATA_HOME=" + home + "/data",
                              env_runtime = "XDG_RUNTIME_DIR=" + home, env_path = "PATH=/usr/bin:/bin";
            const char* envp[] = {env_home.c_str(), env_data.c_str(), env_runtime.c_str(), env_path.c_str(), nullptr};
            const std::string script_path = script.string();
            const int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 1);
            dup2(devnull, 2);
            execle("/usr/bin/dbus-run-session", "dbus-run-session", "--", "/bin/sh", script_path.c_str(), nullptr, envp);
            _exit(127);
        }
        for (int i = 0; i < 1000 && address_.empty(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            address_ = read_text_file(dir_.path() / "bus");
            while (!address_.empty() && address_.back() == '\n') address_.pop_back();
        }
        REQUIRE_MESSAGE(!address_.empty(), "dbus-run-session did not start");
        bool ready = false;
        for (int i = 0; i < 1000 && !ready; ++i) {
            ready = run("dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner "
                        "string:org.freedesktop.secrets")
                        .find("boolean true") != std::string::npos;
            if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        REQUIRE_MESSAGE(ready, "gnome-keyring-daemon did not claim org.freedesktop.secrets");
    }
    ~SecretServiceSession()
    {
        if (pid_ > 0) {
            kill(-pid_, SIGTERM);
            int status = 0;
            waitpid(pid_, &status, 0);
        }
    }

    const std::string& address() const { return address_; }

    // A shell command on this session bus; its stdout.
    std::string run(const std::string& command) const
    {
        // Exported, not a prefix: a prefix reaches only the first command of a pipeline.
        const std::string full = "export DBUS_SESSION_BUS_ADDRESS='" + address_ + "' HOME='" + dir_.path().string() + "'; " + command + " 2>/dev/null";
        std::string out;
        FILE* pipe = popen(full.c_str(), "r");
        if (!pipe) return out;
        std::array<char, 4096> buf{};
        size_t n;
        while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
        pclose(pipe);
        return out;
    }

    // The goose/secrets item as another program (the desktop's goosed) sees it.
    Json goose_item() const
    {
        const std::string text = run("secret-tool lookup service goose username secrets");
        return text.empty() ? Json(nullptr) : Json::parse(text);
    }
    // gnome-keyring-daemon owns its bus name before the unlocked login keyring is the default
    // collection; until then a store goes nowhere, so store until it reads back.
    void store_goose_item(const Json& secrets) const
    {
        for (int i = 0; i < 100; ++i) {
            run("printf '%s' '" + secrets.dump() + "' | secret-tool store --label=goose service goose username secrets target default");
            if (goose_item() == secrets) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

private:
    TempDir dir_;
    pid_t pid_ = -1;
    std::string address_;
};

bool secret_is_set(const ServerProcess& s, const std::string& key)
{
    auto r = s.post_json("/config/read", Json{{"key", key}, {"is_secret", true}}.dump());
    REQUIRE(r.status == 200);
    return Json::parse(r.body) == true;
}

} // namespace

TEST_CASE("keyring: finds the secret the desktop stored, writes there, never leaks a value")
{
    SecretServiceSession keyring;
    const std::string desktop_key = "sk-desktop-KEYRING-abc123", new_key = "sk-ant-KEYRING-def456";
    keyring.store_goose_item(Json{{"OPENAI_API_KEY", desktop_key}});
    REQUIRE(keyring.goose_item() == Json{{"OPENAI_API_KEY", desktop_key}});

    ServerProcess::Options o;
    o.env["DBUS_SESSION_BUS_ADDRESS"] = keyring.address();
    o.env["GOOSE_LOG_LEVEL"] = "debug";
    ServerProcess server(o);
    std::string responses;
    CHECK(secret_is_set(server, "OPENAI_API_KEY"));
    CHECK_FALSE(secret_is_set(server, "ANTHROPIC_API_KEY"));

    auto r = server.post_json("/config/upsert", Json{{"key", "ANTHROPIC_API_KEY"}, {"value", new_key}, {"is_secret", true}}.dump());
    responses += r.body;
    CHECK(r.status == 200);
    CHECK(keyring.goose_item() == Json{{"OPENAI_API_KEY", desktop_key}, {"ANTHROPIC_API_KEY", new_key}});
    CHECK_FALSE(std::filesystem::exists(server.root() / "config" / "secrets.yaml"));

    r = server.post_json("/config/remove", R"({"key":"OPENAI_API_KEY","is_secret":true})");
    responses += r.body;
    CHECK(r.status == 200);
    CHECK(keyring.goose_item() == Json{{"ANTHROPIC_API_KEY", new_key}});
    CHECK_FALSE(secret_is_set(server, "OPENAI_API_KEY"));
    responses += server.get("/config").body + server.get("/config/providers").body;
    CHECK(responses.find(desktop_key) == std::string::npos);
    CHECK(responses.find(new_key) == std::string::npos);
    const std::string logs = server.all_logs();
    CHECK(logs.find("OS keyring") != std::string::npos);
    CHECK(logs.find(desktop_key) == std::string::npos);
    CHECK(logs.find(new_key) == std::string::npos);
}

TEST_CASE("keyring: GOOSE_DISABLE_KEYRING keeps secrets in secrets.yaml even when a keyring is there")
{
    SecretServiceSession keyring;
    keyring.store_goose_item(Json{{"OPENAI_API_KEY", "in-keyring"}});
    ServerProcess::Options o;
    o.env["DBUS_SESSION_BUS_ADDRESS"] = keyring.address();
    o.env["GOOSE_DISABLE_KEYRING"] = "1";
    ServerProcess server(o);
    CHECK_FALSE(secret_is_set(server, "OPENAI_API_KEY"));
    CHECK(server.post_json("/config/upsert", R"({"key":"GROQ_API_KEY","value":"g-1","is_secret":true})").status == 200);
    CHECK(read_text_file(server.root() / "config" / "secrets.yaml").find("GROQ_API_KEY") != std::string::npos);
    CHECK(keyring.goose_item() == Json{{"OPENAI_API_KEY", "in-keyring"}});
}

TEST_CASE("keyring: an unreachable bus falls back to secrets.yaml with one log line")
{
    ServerProcess::Options o;
    o.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/gaggle-test-bus";
    ServerProcess server(o);
    CHECK(server.post_json("/config/upsert", R"({"key":"K","value":"v","is_secret":true})").status == 200);
    CHECK(std::filesystem::exists(server.root() / "config" / "secrets.yaml"));
    CHECK(server.all_logs().find("keyring is not usable") != std::string::npos);
}
