#pragma once
// Runs tests/peers/acp_client.mjs (an ACP client on the official SDK) for the ACP tests, and reads
// what it saw.
#include "agent_harness.hpp"
#include "node_peer.hpp"
#include "node_runtime.hpp"

#include <array>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace gaggle::test {

inline std::string shell_quoted(const std::string& s)
{
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs `command` with the shell; its standard output, and its exit code (-1 when it did not exit).
inline std::string command_output(const std::string& command, int& exit_code)
{
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
    const int status = ::pclose(pipe);
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

struct ClientRun {
    int exit_code = -1;
    Json result;
    std::string stderr_text;
};

// Runs one scenario of acp_client.mjs with a minimal environment: the server's root, the scripted
// provider, `extra`. The client starts `gaggle acp` itself.
inline ClientRun run_client(AgentHarness& h, const std::string& scenario, const std::map<std::string, std::string>& extra = {})
{
    const std::string script = GAGGLE_TEST_PEERS_DIR "/acp_client.mjs";
    peer_script("@agentclientprotocol/sdk/package.json"); // REQUIREs that the SDK is installed
    const std::string root = h.server().root().string();
    std::map<std::string, std::string> env{{"PATH", hermetic_path()},
                                           {"HOME", root},
                                           {"GOOSE_PATH_ROOT", root},
                                           {"GAGGLE_BINARY", GAGGLE_BINARY},
                                           {"ACP_CWD", root},
                                           {"GOOSE_PROVIDER", "openai"},
                                           {"GOOSE_MODEL", "gpt-4o"},
                                           {"OPENAI_HOST", h.provider().base_url()},
                                           {"OPENAI_API_KEY", "sk-test"},
                                           {"GAGGLE_PROVIDER_MAX_RETRIES", "0"},
                                           {"GAGGLE_PROVIDER_IDLE_TIMEOUT", "3"}};
    for (auto& [k, v] : extra) env[k] = v;
    const std::string err_file = root + "/acp-client-" + scenario + ".stderr";
    std::string command = "env -i";
    for (auto& [k, v] : env) command += " " + k + "=" + shell_quoted(v);
    command += " node " + shell_quoted(script) + " " + scenario + " 2>" + shell_quoted(err_file);
    ClientRun run;
    const std::string out = command_output(command, run.exit_code);
    run.stderr_text = read_text_file(err_file);
    const auto last = out.find_last_of('\n', out.size() >= 2 ? out.size() - 2 : 0);
    const std::string line = out.substr(last == std::string::npos ? 0 : last + 1);
    run.result = Json::parse(line, nullptr, false);
    INFO("client output: " << out << "\nstderr: " << run.stderr_text);
    REQUIRE(run.exit_code == 0);
    REQUIRE(run.result.is_object());
    CHECK(run.result["exitCode"] == 0); // stdin closed: gaggle acp exits cleanly, whatever came before
    return run;
}

// The session/update payloads of one kind.
inline std::vector<Json> updates_of(const Json& result, const std::string& kind)
{
    std::vector<Json> out;
    for (auto& n : result["updates"])
        if (n["update"]["sessionUpdate"] == kind) out.push_back(n["update"]);
    return out;
}

inline std::string chunk_text(const Json& result, const std::string& kind)
{
    std::string text;
    for (auto& u : updates_of(result, kind))
        if (u["content"]["type"] == "text") text += u["content"]["text"].get<std::string>();
    return text;
}

inline bool listed(AgentHarness& h, const std::string& id)
{
    const Json listing = Json::parse(h.server().get("/sessions").body);
    for (auto& s : listing["sessions"])
        if (s["id"] == id) return true;
    return false;
}


} // namespace gaggle::test
