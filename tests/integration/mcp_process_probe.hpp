#pragma once
// Finding the MCP server processes a gaggle host started: every one carries its session's id in
// AGENT_SESSION_ID, so /proc tells which are alive, whatever became of the host.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>
#include <unistd.h>

namespace gaggle::test {

// Live (non-zombie) processes whose environment holds AGENT_SESSION_ID=<session_id>.
inline std::vector<pid_t> session_processes(const std::string& session_id)
{
    const std::string needle = "AGENT_SESSION_ID=" + session_id;
    std::vector<pid_t> out;
    std::error_code ec;
    for (auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string statline((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        const auto close_paren = statline.rfind(')');
        if (close_paren == std::string::npos || close_paren + 2 >= statline.size() || statline[close_paren + 2] == 'Z') continue;
        std::ifstream env(entry.path() / "environ", std::ios::binary);
        std::string data((std::istreambuf_iterator<char>(env)), std::istreambuf_iterator<char>());
        size_t start = 0;
        while (start < data.size()) {
            size_t end = data.find('\0', start);
            if (end == std::string::npos) end = data.size();
            if (data.compare(start, end - start, needle) == 0) {
                out.push_back(static_cast<pid_t>(std::stol(name)));
                break;
            }
            start = end + 1;
        }
    }
    return out;
}

// Waits (bounded, generously) until `done` holds; returns whether it did.
inline bool eventually(const std::function<bool()>& done, int seconds = 15)
{
    for (int i = 0; i < seconds * 20; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

} // namespace gaggle::test
