// POST /telemetry/event: the desktop's fire-and-forget UI events, answered 202 as upstream.
// Nothing leaves the machine. Events are kept only when the user opted in
// (GOOSE_TELEMETRY_ENABLED: true), as JSON lines in <state>/telemetry/events.jsonl, which is
// rotated to events.jsonl.1 past 1 MiB so it never grows without bound. Otherwise they are
// validated and dropped.
#include "api/fields.hpp"
#include "api/routes.hpp"
#include "common/error.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace gaggle {
namespace {

constexpr std::uintmax_t rotate_at_bytes = 1024 * 1024;

bool opted_in(const Config& config)
{
    const auto v = config.get("GOOSE_TELEMETRY_ENABLED");
    return v && ((v->is_boolean() && v->get<bool>()) || (v->is_string() && v->get<std::string>() == "true"));
}

void keep_event(const std::filesystem::path& dir, const Json& event)
{
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto file = dir / "events.jsonl";
    if (std::filesystem::file_size(file, ec) >= rotate_at_bytes && !ec) std::filesystem::rename(file, dir / "events.jsonl.1", ec);
    std::ofstream out(file, std::ios::app);
    out << event.dump() << '\n';
}

} // namespace

void register_telemetry_routes(Router& router, AppContext& app)
{
    router.add(
        "POST", "/telemetry/event",
        [&app](Request& req, Response& res) {
            const Json& body = fields::object(req.json());
            const std::string name = fields::required_string(body, "event_name");
            if (name.empty() || name.size() > 200) throw unprocessable("field `event_name` must be 1..200 characters");
            Json properties = Json::object();
            if (auto p = body.find("properties"); p != body.end() && !p->is_null()) {
                if (!p->is_object()) throw unprocessable("field `properties` must be an object");
                properties = *p;
            }
            if (opted_in(app.config)) {
                const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
                keep_event(app.config.paths().state_dir / "telemetry",
                           Json{{"event_name", name}, {"properties", properties}, {"user", req.user_id()}, {"at", now}});
            }
            res.empty(202);
        },
        RouteOptions{.auth = true, .json_body = true, .max_body = 64 * 1024});
}

} // namespace gaggle
