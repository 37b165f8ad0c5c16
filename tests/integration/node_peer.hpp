#pragma once
// An npm MCP server from tests/peers run over HTTP for one test: `node -r listen_loopback.cjs
// SCRIPT ARGS` with PORT set to a free port, in its own process group, ready once the port takes
// connections; the whole group is stopped (TERM, then KILL) when the object goes out of scope.
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace gaggle::test {

int free_port(); // server_process.cpp

class NodePeer {
public:
    NodePeer(const std::string& script, std::vector<std::string> args, std::map<std::string, std::string> env = {});
    ~NodePeer();
    NodePeer(const NodePeer&) = delete;
    NodePeer& operator=(const NodePeer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    pid_t pid() const { return pid_; }
    std::string output() const; // what the server printed (stdout and stderr)

private:
    int port_ = 0;
    pid_t pid_ = -1;
    std::string log_;
};

// The path of a file in tests/peers/node_modules; REQUIREs that it is installed.
std::string peer_script(const std::string& relative);

} // namespace gaggle::test
