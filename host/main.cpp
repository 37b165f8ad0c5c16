// gaggle: the command line. `gaggle agent` serves the goosed HTTP API (the Goose desktop spawns
// `goosed agent`, and the install puts a goosed name beside this binary); `gaggle plugins ...`
// shows what plugins are found and why any is refused.
#include "acp/stdio_transport.hpp"
#include "app/application.hpp"
#include "builtin_servers.hpp"
#include "config/plugin_settings.hpp"
#include "mcp/conformance_client.hpp"
#include "plugin/plugin_registry.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <sys/resource.h>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* usage = R"(gaggle: a plugin-architecture agent host serving the goosed HTTP API

usage:
  gaggle [--host ADDR] [--port N] [--config FILE] agent   serve (like `goosed agent`)
  gaggle [--config FILE] plugins list                     every plugin found, loaded or refused
  gaggle plugins inspect FILE                             check one plugin library: loads it
                                                          (dlopen runs its static constructors) and
                                                          reads its entry, but never calls create()
  gaggle mcp developer|memory                             serve a builtin MCP server over stdio
  gaggle mcp-client URL                                   run the MCP conformance scenario named in
                                                          MCP_CONFORMANCE_SCENARIO against URL
  gaggle [--config FILE] acp                              speak ACP (Agent Client Protocol) on stdio, for
                                                          editors; sessions are the server's sessions
  gaggle --version

environment: GOOSE_HOST, GOOSE_PORT, GOOSE_SERVER__SECRET_KEY (or GOOSE_API_HOST, GOOSE_API_PORT,
GOOSE_API_KEY), GOOSE_PATH_ROOT, GOOSE_LOG_LEVEL, GAGGLE_PLUGIN_PATH, GAGGLE_DISABLED_PLUGINS
)";

struct Args {
    gaggle::CommandLineOverrides flags;
    std::vector<std::string> words;
    bool version = false, help = false;
};

// Flags may stand before or after the command, as `goosed agent` users expect either.
Args parse(int argc, char** argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(std::string(name) + " needs a value");
            return argv[++i];
        };
        if (arg == "--host") a.flags.host = value("--host");
        else if (arg == "--port") a.flags.port = value("--port");
        else if (arg == "--config") a.flags.config_file = value("--config");
        else if (arg == "--version" || arg == "-V") a.version = true;
        else if (arg == "--help" || arg == "-h") a.help = true;
        else if (arg.rfind("--", 0) == 0) throw std::invalid_argument("unknown option " + arg);
        else a.words.push_back(arg);
    }
    return a;
}

std::string join(const std::vector<std::string>& items)
{
    std::string out;
    for (auto& s : items) out += (out.empty() ? "" : ",") + s;
    return out.empty() ? "-" : out;
}

void print_record(const gaggle::PluginRecord& r)
{
    std::cout << (r.loaded ? "loaded  " : "refused ") << (r.id.empty() ? "?" : r.id) << " "
              << (r.version.empty() ? "?" : r.version) << "  kinds=" << join(r.kinds)
              << "  interfaces=" << join(r.interfaces) << "  abi=" << r.sdk_abi.major << "." << r.sdk_abi.minor << "."
              << r.sdk_abi.patch << "\n    " << r.path << "\n";
    if (!r.refusal.empty()) std::cout << "    reason: " << r.refusal << "\n";
}

int plugins_list(const gaggle::CommandLineOverrides& flags)
{
    auto env = gaggle::process_environment();
    const auto config = gaggle::Config::load(gaggle::Paths::resolve(env), env, flags.config_file);
    const auto settings = gaggle::resolve_plugin_settings(config, gaggle::executable_dir());
    gaggle::HostServices services;
    services.config_get = [&](const std::string& k) { return config.get_string(k); };
    services.secret_get = [&](const std::string& k) { return config.get_secret(k); };
    gaggle::PluginRegistry registry(services);
    registry.scan(settings.directories, settings.disabled, [&](const std::string& id) {
        auto it = settings.config_json.find(id);
        return it == settings.config_json.end() ? std::string("{}") : it->second;
    });
    std::cout << "plugin directories: " << join(settings.directories) << "\n";
    if (registry.records().empty()) std::cout << "no plugins found\n";
    for (const auto& r : registry.records()) print_record(r);
    return 0;
}

int plugins_inspect(const std::string& file)
{
    // Said up front because it matters for an untrusted file: dlopen runs its initialisers.
    std::cout << "loading " << file << " to read its entry (its static constructors run; create() is not called)\n";
    const auto found = gaggle::inspect_plugin_file(file);
    print_record(found.record);
    if (found.entry) std::cout << "    name: " << found.record.name << "\n    description: " << found.record.description << "\n";
    return found.entry ? 0 : 1;
}

int agent(const gaggle::CommandLineOverrides& flags)
{
    // Block the stop signals in every thread (threads inherit the mask) and wait for them here,
    // so shutdown runs on the main thread in a normal context, not inside a signal handler.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up is a failed write, not a dead server
    // Each open stream is a socket: take every file descriptor the system lets us have.
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    gaggle::Application app(gaggle::process_environment(), flags);
    app.start();
    int signal = 0;
    sigwait(&stop_signals, &signal);
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    app.stop();
    return 0;
}

// `gaggle mcp NAME`: stdout carries JSON-RPC only, so every message for a person goes to stderr.
int mcp_server(const std::vector<std::string>& words)
{
    const auto names = gaggle::extensions::builtin_server_names();
    if (words.size() == 2)
        if (auto rc = gaggle::extensions::serve_builtin(words[1])) return *rc;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    if (words.size() != 2) std::fprintf(stderr, "gaggle: mcp needs one server name (%s)\n", list.c_str());
    else std::fprintf(stderr, "gaggle: no builtin MCP server named '%s' (there are: %s)\n", words[1].c_str(), list.c_str());
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    Args args;
    try {
        args = parse(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gaggle: %s\n\n%s", e.what(), usage);
        return 2;
    }
    if (args.version) {
        std::printf("gaggle %s (plugin ABI %d.%d.%d)\n", GAGGLE_VERSION, GAGGLE_ABI_VERSION_MAJOR,
                    GAGGLE_ABI_VERSION_MINOR, GAGGLE_ABI_VERSION_PATCH);
        return 0;
    }
    if (args.help || args.words.empty()) {
        std::fputs(usage, args.help ? stdout : stderr);
        return args.help ? 0 : 2;
    }
    try {
        const auto& w = args.words;
        if (w[0] == "agent" && w.size() == 1) return agent(args.flags);
        if (w[0] == "plugins" && w.size() == 2 && w[1] == "list") return plugins_list(args.flags);
        if (w[0] == "plugins" && w.size() == 3 && w[1] == "inspect") return plugins_inspect(w[2]);
        if (w[0] == "mcp") return mcp_server(w);
        if (w[0] == "acp" && w.size() == 1) return gaggle::acp::run_stdio(args.flags);
        if (w[0] == "mcp-client" && w.size() == 2) {
            const char* scenario = std::getenv("MCP_CONFORMANCE_SCENARIO");
            return gaggle::mcp::run_conformance_client(args.flags, w[1], scenario ? scenario : "");
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gaggle: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "gaggle: unknown command '%s'\n\n%s", args.words[0].c_str(), usage);
    return 2;
}
