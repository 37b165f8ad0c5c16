#include "acp/session_modes.hpp"

#include "acp/params.hpp"
#include "agent/permissions.hpp"

namespace gaggle::acp {
namespace {

struct ModeText {
    const char* id;
    const char* name;
    const char* description;
};

// The ids are goose's GOOSE_MODE values, so a session keeps one meaning over REST and ACP.
constexpr ModeText modes[] = {
    {"auto", "Autonomous", "Runs tools without asking"},
    {"approve", "Manual approval", "Asks before every tool call"},
    {"smart_approve", "Smart approval", "Asks before tools that may change things; read-only tools run"},
    {"chat", "Chat only", "Answers without running any tool"},
};

} // namespace

Json mode_state(const std::string& current)
{
    Json available = Json::array();
    for (const auto& m : modes) available.push_back(Json{{"id", m.id}, {"name", m.name}, {"description", m.description}});
    return Json{{"currentModeId", current}, {"availableModes", std::move(available)}};
}

std::string requested_mode(const Json& params)
{
    const std::string& id = required_string(params, "modeId");
    if (auto mode = normalise_mode(id)) return *mode;
    throw invalid_params("`modeId` must be one of auto, approve, smart_approve, chat, not \"" + id + "\"");
}

Json current_mode_update(const std::string& mode) { return Json{{"sessionUpdate", "current_mode_update"}, {"currentModeId", mode}}; }

} // namespace gaggle::acp
