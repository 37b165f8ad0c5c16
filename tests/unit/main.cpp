// The unit test runner. Logs below error level are silenced (refusal warnings are expected in ABI
// tests); set GAGGLE_TEST_LOG=debug to see them.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

int main(int argc, char** argv)
{
    const char* level = std::getenv("GAGGLE_TEST_LOG");
    spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::err);
    doctest::Context context(argc, argv);
    return context.run();
}
