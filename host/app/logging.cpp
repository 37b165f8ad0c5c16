#include "app/logging.hpp"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace gaggle {

std::string log_level_name(const EnvLookup& env)
{
    static const char* known[] = {"trace", "debug", "info", "warn", "error", "off"};
    auto valid = [](const std::string& s) {
        for (auto* k : known)
            if (s == k) return true;
        return s == "warning" || s == "critical";
    };
    if (auto v = env("GOOSE_LOG_LEVEL"); v && valid(*v)) return *v;
    if (auto v = env("RUST_LOG")) {
        std::stringstream ss(*v);
        std::string part;
        while (std::getline(ss, part, ','))
            if (part.find('=') == std::string::npos && valid(part)) return part;
    }
    return "info";
}

void setup_logging(const EnvLookup& env, const std::filesystem::path& log_dir)
{
    std::vector<spdlog::sink_ptr> sinks;
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
    sinks.push_back(console);
    std::string file_problem;
    try {
        std::filesystem::create_directories(log_dir);
        auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>((log_dir / "gaggle.log").string(),
                                                                           10 * 1024 * 1024, 5);
        file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l [%t] %v");
        sinks.push_back(file);
    } catch (const std::exception& e) {
        file_problem = e.what();
    }
    auto logger = std::make_shared<spdlog::logger>("gaggle", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::from_str(log_level_name(env)));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    if (!file_problem.empty()) spdlog::warn("no log file under {}: {}", log_dir.string(), file_problem);
}

} // namespace gaggle
