#pragma once
// The Node.js the npm peers run on. Where the system's nodejs is older than the pinned peers need
// (Debian 12 ships 18), scripts/setup installs a pinned Node 20 in tests/peers/node20. ctest puts
// its bin folder first on this process's PATH (tests/CMakeLists.txt), so popen("node …") finds it;
// processes a test starts with a PATH of its own get it from hermetic_path().
#include <string>

#include <unistd.h>

namespace gaggle::test {

// The PATH given to the processes the tests start (the server, the ACP client): the system's bin
// folders only, after the pinned Node 20's when it is installed.
inline std::string hermetic_path()
{
    const std::string node20 = GAGGLE_TEST_PEERS_DIR "/node20/bin";
    const std::string node = node20 + "/node";
    return (::access(node.c_str(), X_OK) == 0 ? node20 + ":" : std::string()) + "/usr/bin:/bin";
}

} // namespace gaggle::test
