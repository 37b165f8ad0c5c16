#pragma once
// Whether any live (non-zombie) process is still in a process group: how the tests check that a
// cancelled or timed-out shell call killed everything it started. Zombies are skipped because
// they are dead already; reaping them is their new parent's business (PID 1 here may not reap).
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/types.h>

namespace gaggle::test {

inline int live_processes_in_group(pid_t pgid)
{
    int live = 0;
    DIR* proc = ::opendir("/proc");
    if (!proc) return -1;
    while (dirent* e = ::readdir(proc)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 2));
        char state = 0;
        long ppid = 0, group = 0;
        fields >> state >> ppid >> group;
        if (group == pgid && state != 'Z' && state != 'X') ++live;
    }
    ::closedir(proc);
    return live;
}

} // namespace gaggle::test
