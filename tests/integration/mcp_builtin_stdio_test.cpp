// `gaggle mcp developer|memory` as a real process over stdio: raw JSON-RPC frames written to its
// stdin (so the core is tested without npm), then the real @modelcontextprotocol/inspector-cli
// as an external client when the npm peers are installed (scripts/setup).
#include "../support/jsonrpc_lines.hpp"
#include "../support/process_groups.hpp"
#include "server_process.hpp"

#include <doctest/doctest.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

using gaggle::test::JsonRpcLines;
using gaggle::test::TempDir;
using gaggle::test::read_text_file;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// `gaggle mcp NAME` with pipes on stdin/stdout, started in `cwd` with extra environment.
class McpChild {
public:
    McpChild(const std::string& name, const fs::path& cwd, std::map<std::string, std::string> env = {})
    {
        int in[2], out[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
        std::vector<std::string> vars;
        for (char** e = environ; *e; ++e) vars.emplace_back(*e);
        for (auto& [k, v] : env) vars.push_back(k + "=" + v);
        std::vector<char*> envp;
        for (auto& v : vars) envp.push_back(v.data());
        envp.push_back(nullptr);
        std::string bin = GAGGLE_BINARY, mcp = "mcp", n = name;
        char* argv[] = {bin.data(), mcp.data(), n.data(), nullptr};
        REQUIRE(::posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv, envp.data()) == 0);
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        in_ = in[1];
        out_ = out[0];
        rpc = JsonRpcLines(in_, out_);
    }
    ~McpChild()
    {
        close_input();
        if (pid_ > 0 && wait_exit(10000) < 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(out_);
    }
    void close_input()
    {
        if (in_ >= 0) ::close(in_);
        in_ = -1;
    }
    // The exit status once the process ends within `ms`, else -1.
    int wait_exit(int ms)
    {
        for (int i = 0; i < ms / 10; ++i) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return -1;
    }
    json initialize(json caps = json::object())
    {
        rpc.request(0, "initialize", {{"protocolVersion", "2025-11-25"}, {"capabilities", caps}, {"clientInfo", {{"name", "itest"}, {"version", "1"}}}});
        auto r = rpc.response(0);
        REQUIRE(r);
        rpc.notify("notifications/initialized");
        return (*r)["result"];
    }
    json call(int id, const std::string& tool, json args)
    {
        rpc.request(id, "tools/call", {{"name", tool}, {"arguments", std::move(args)}});
        auto r = rpc.response(id);
        REQUIRE(r);
        REQUIRE(r->contains("result"));
        return (*r)["result"];
    }
    pid_t pid() const { return pid_; }

    JsonRpcLines rpc;

private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
};

std::string text_of(const json& result)
{
    std::string out;
    for (const auto& c : result.value("content", json::array())) out += c.value("text", "");
    return out;
}

bool is_error(const json& result) { return result.value("isError", false); }


void wait_until_group_gone(pid_t pgid)
{
    for (int i = 0; i < 500 && gaggle::test::live_processes_in_group(pgid) > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// Runs `cmd` with sh; returns its exit code and standard output.
std::pair<int, std::string> run_shell_command(const std::string& cmd)
{
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::array<char, 4096> buf{};
    std::string out;
    while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

} // namespace

TEST_CASE("gaggle mcp: an unknown server name is a clear error and exit 2")
{
    const auto [status, out] = run_shell_command(std::string(GAGGLE_BINARY) + " mcp nosuch 2>&1 </dev/null");
    CHECK(status == 2);
    CHECK(out.find("no builtin MCP server named 'nosuch'") != std::string::npos);
    CHECK(out.find("developer") != std::string::npos);
}

TEST_CASE("gaggle mcp developer over raw stdio: tools, edits on disk, bad input")
{
    TempDir dir;
    McpChild s("developer", dir.path());
    auto init = s.initialize();
    CHECK(init["protocolVersion"] == "2025-11-25");
    CHECK(init["serverInfo"]["name"] == "developer");

    s.rpc.request(1, "tools/list");
    auto list = s.rpc.response(1);
    REQUIRE(list);
    std::map<std::string, json> tools;
    for (const auto& t : (*list)["result"]["tools"]) tools[t["name"]] = t;
    REQUIRE(tools.count("shell"));
    REQUIRE(tools.count("text_editor"));
    REQUIRE(tools.count("tree"));
    CHECK(tools["shell"]["annotations"]["destructiveHint"] == true);
    CHECK(tools["shell"]["annotations"]["readOnlyHint"] == false);
    CHECK(tools["text_editor"]["annotations"]["destructiveHint"] == true);
    CHECK(tools["tree"]["annotations"]["readOnlyHint"] == true);
    CHECK(tools["text_editor"]["inputSchema"]["properties"].contains("old_str"));

    // The shell runs in the server's working dir; its output streams as log notifications.
    auto r = s.call(2, "shell", {{"command", "pwd; echo streamed-line"}});
    CHECK(text_of(r) == dir.path().string() + "\nstreamed-line\n");
    bool streamed = false;
    for (const auto& f : s.rpc.seen)
        streamed = streamed || (f.value("method", "") == "notifications/message" && f["params"]["data"].get<std::string>().find("streamed-line") != std::string::npos);
    CHECK(streamed);

    // An edit lands on disk; an ambiguous one changes nothing.
    std::ofstream(dir.path() / "code.py") << "a = 1\nb = 1\n";
    r = s.call(3, "text_editor", {{"command", "str_replace"}, {"path", "code.py"}, {"old_str", "b = 1"}, {"new_str", "b = 2"}});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(dir.path() / "code.py") == "a = 1\nb = 2\n");
    r = s.call(4, "text_editor", {{"command", "str_replace"}, {"path", "code.py"}, {"old_str", " = "}, {"new_str", "="}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("matches 2 places") != std::string::npos);
    CHECK(read_text_file(dir.path() / "code.py") == "a = 1\nb = 2\n");

    r = s.call(5, "text_editor", {{"command", "view"}, {"path", "/nonexistent/file.txt"}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("does not exist") != std::string::npos);
    std::ofstream(dir.path() / "bin.dat", std::ios::binary) << std::string("\0\1\2", 3);
    r = s.call(6, "text_editor", {{"command", "view"}, {"path", "bin.dat"}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("binary") != std::string::npos);
    r = s.call(7, "text_editor", {{"command", "explode"}, {"path", "code.py"}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("'command'") != std::string::npos);

    // A huge output is summarised with the path of the file holding all of it.
    r = s.call(8, "shell", {{"command", "yes | head -c 50000000"}});
    CHECK_FALSE(is_error(r));
    const auto summary = text_of(r);
    CHECK(summary.size() < 20000);
    const auto at = summary.find("/gaggle-shell-");
    REQUIRE(at != std::string::npos);
    const auto start = summary.rfind(' ', at) + 1;
    const fs::path file = summary.substr(start, summary.find(' ', at) - start);
    CHECK(fs::file_size(file) == 50000000);
    fs::remove(file);

    r = s.call(9, "shell", {{"command", "sleep 100"}, {"timeout_secs", 1}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("timed out") != std::string::npos);

    r = s.call(10, "tree", json::object());
    CHECK(text_of(r).find("code.py (2 lines)") != std::string::npos);
}

TEST_CASE("gaggle mcp developer: cancelling a shell call kills the command and everything it started")
{
    TempDir dir;
    McpChild s("developer", dir.path());
    s.initialize();
    s.rpc.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
                {"params", {{"name", "shell"}, {"arguments", {{"command", "sleep 100 & sleep 100 & echo group=$$; wait"}}}, {"_meta", {{"progressToken", "p1"}}}}}});
    pid_t group = -1;
    bool progress = false;
    while (group < 0 || !progress) {
        auto f = s.rpc.next();
        REQUIRE(f);
        if (f->value("method", "") == "notifications/progress") progress = (*f)["params"]["progressToken"] == "p1";
        if (f->value("method", "") == "notifications/message") {
            const auto data = (*f)["params"]["data"].get<std::string>();
            if (auto at = data.find("group="); at != std::string::npos) group = std::stoi(data.substr(at + 6));
        }
    }
    REQUIRE(gaggle::test::live_processes_in_group(group) >= 2);
    s.rpc.notify("notifications/cancelled", {{"requestId", 1}, {"reason", "test"}});
    wait_until_group_gone(group);
    CHECK(gaggle::test::live_processes_in_group(group) == 0);
    // The server lives on, and never answers the cancelled request.
    s.rpc.request(2, "ping");
    REQUIRE(s.rpc.response(2));
    for (const auto& f : s.rpc.seen) CHECK_FALSE((f.contains("id") && f["id"] == 1 && !f.contains("method")));
}

TEST_CASE("gaggle mcp developer: closing stdin ends the server and the commands still running")
{
    TempDir dir;
    McpChild s("developer", dir.path());
    s.initialize();
    s.rpc.send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"}, {"params", {{"name", "shell"}, {"arguments", {{"command", "echo group=$$; sleep 100"}}}}}});
    pid_t group = -1;
    while (group < 0) {
        auto f = s.rpc.next();
        REQUIRE(f);
        const auto data = f->value("params", json::object()).value("data", "");
        if (auto at = data.find("group="); at != std::string::npos) group = std::stoi(data.substr(at + 6));
    }
    s.close_input();
    CHECK(s.wait_exit(20000) == 0);
    wait_until_group_gone(group);
    CHECK(gaggle::test::live_processes_in_group(group) == 0);
}

TEST_CASE("gaggle mcp developer: the client's roots are the working dir and the fence")
{
    TempDir cwd, root, outside;
    std::ofstream(outside.path() / "secret.txt") << "s";
    McpChild s("developer", cwd.path());
    s.initialize({{"roots", {{"listChanged", false}}}});
    auto ask = s.rpc.next();
    REQUIRE(ask);
    REQUIRE((*ask)["method"] == "roots/list");
    s.rpc.send({{"jsonrpc", "2.0"}, {"id", (*ask)["id"]}, {"result", {{"roots", {{{"uri", "file://" + root.path().string()}}}}}}});
    CHECK(text_of(s.call(1, "shell", {{"command", "pwd"}})) == fs::canonical(root.path()).string() + "\n");
    auto r = s.call(2, "text_editor", {{"command", "view"}, {"path", (outside.path() / "secret.txt").string()}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("outside the allowed roots") != std::string::npos);
    r = s.call(3, "text_editor", {{"command", "write"}, {"path", "inside.txt"}, {"file_text", "ok\n"}});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(root.path() / "inside.txt") == "ok\n");
}

TEST_CASE("gaggle mcp memory over raw stdio: local and global memories as text files")
{
    TempDir dir, goose_root;
    McpChild s("memory", dir.path(), {{"GOOSE_PATH_ROOT", goose_root.path().string()}});
    s.initialize();
    auto r = s.call(1, "remember_memory", {{"category", "build"}, {"data", "use ninja"}, {"tags", {"cmake"}}, {"is_global", false}});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(dir.path() / ".goose/memory/build.txt") == "# cmake\nuse ninja\n");
    r = s.call(2, "remember_memory", {{"category", "me"}, {"data", "likes tea"}, {"is_global", true}});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(goose_root.path() / "config/memory/me.txt") == "likes tea\n");
    CHECK(text_of(s.call(3, "retrieve_memories", {{"category", "*"}, {"is_global", false}})).find("use ninja") != std::string::npos);
    CHECK(text_of(s.call(4, "retrieve_memories", {{"category", "me"}, {"is_global", true}})).find("likes tea") != std::string::npos);
    r = s.call(5, "remember_memory", {{"category", "../escape"}, {"data", "x"}, {"is_global", false}});
    CHECK(is_error(r));
    CHECK(text_of(r).find("'category'") != std::string::npos);
    CHECK_FALSE(is_error(s.call(6, "remove_specific_memory", {{"category", "build"}, {"memory_content", "ninja"}, {"is_global", false}})));
    CHECK_FALSE(fs::exists(dir.path() / ".goose/memory/build.txt"));
    r = s.call(7, "remove_memory_category", {{"category", "*"}, {"is_global", true}});
    CHECK(text_of(r) == "Removed 1 category");

    // A new server quotes the saved memories in its instructions.
    s.call(8, "remember_memory", {{"category", "style"}, {"data", "two-space indent"}, {"is_global", false}});
    McpChild again("memory", dir.path(), {{"GOOSE_PATH_ROOT", goose_root.path().string()}});
    CHECK(again.initialize()["instructions"].get<std::string>().find("two-space indent") != std::string::npos);
}

// --- the real inspector-cli as an external MCP client ------------------------------------------

namespace {

const fs::path peers_dir = fs::path(GAGGLE_TEST_FIXTURES_DIR).parent_path() / "peers";

std::string quote(const std::string& s)
{
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs inspector-cli against `gaggle mcp NAME` in `work` and parses its JSON output.
json inspect(const fs::path& work, const std::string& server, const std::vector<std::string>& args)
{
    const auto cli = peers_dir / "node_modules/@modelcontextprotocol/inspector-cli/build/index.js";
    std::string cmd = "cd " + quote(work.string()) + " && node " + quote(cli.string()) + " " + quote(GAGGLE_BINARY) + " mcp " + server;
    for (const auto& a : args) cmd += " " + quote(a);
    cmd += " 2>/dev/null";
    const auto [status, out] = run_shell_command(cmd);
    INFO("inspector-cli output: " << out);
    REQUIRE(status == 0);
    return json::parse(out);
}

bool inspector_installed()
{
    return fs::exists(peers_dir / "node_modules/@modelcontextprotocol/inspector-cli/build/index.js") && std::system("node --version >/dev/null 2>&1") == 0;
}

} // namespace

TEST_CASE("inspector-cli drives gaggle mcp developer and memory")
{
    if (!inspector_installed()) {
        MESSAGE("npm peers not installed (scripts/setup runs npm ci --prefix tests/peers): inspector-cli test skipped");
        return;
    }
    // inspector-cli 1.0.3 reads ../package.json relative to its working dir: give it one.
    TempDir dir;
    std::ofstream(dir.path() / "package.json") << "{}";
    const fs::path work = dir.path() / "work";
    fs::create_directories(work);
    std::ofstream(work / "hello.txt") << "hello\nworld\n";

    auto list = inspect(work, "developer", {"--method", "tools/list"});
    std::vector<std::string> names;
    for (const auto& t : list["tools"]) names.push_back(t["name"]);
    CHECK(names == std::vector<std::string>{"shell", "text_editor", "tree"});

    auto r = inspect(work, "developer", {"--method", "tools/call", "--tool-name", "shell", "--tool-arg", "command=echo from-inspector; cat hello.txt"});
    CHECK(text_of(r) == "from-inspector\nhello\nworld\n");
    r = inspect(work, "developer", {"--method", "tools/call", "--tool-name", "text_editor", "--tool-arg", "command=str_replace", "path=hello.txt", "old_str=world", "new_str=there"});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(work / "hello.txt") == "hello\nthere\n");
    r = inspect(work, "developer", {"--method", "tools/call", "--tool-name", "text_editor", "--tool-arg", "command=view", "path=missing.txt"});
    CHECK(is_error(r));

    list = inspect(work, "memory", {"--method", "tools/list"});
    CHECK(list["tools"].size() == 4);
    r = inspect(work, "memory", {"--method", "tools/call", "--tool-name", "remember_memory", "--tool-arg", "category=notes", "data=from the inspector", "is_global=false"});
    CHECK_FALSE(is_error(r));
    CHECK(read_text_file(work / ".goose/memory/notes.txt") == "from the inspector\n");
    r = inspect(work, "memory", {"--method", "tools/call", "--tool-name", "retrieve_memories", "--tool-arg", "category=notes", "is_global=false"});
    CHECK(text_of(r).find("from the inspector") != std::string::npos);
}
