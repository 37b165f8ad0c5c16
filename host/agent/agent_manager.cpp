#include "agent/agent_manager.hpp"

#include "agent/platform/final_output_tool.hpp"
#include "agent/session_extensions.hpp"
#include "common/error.hpp"

#include <filesystem>

namespace gaggle {

Json extension_results_json(const std::vector<ExtensionLoadResult>& results)
{
    Json out = Json::array();
    for (const auto& r : results)
        out.push_back(Json{{"name", r.name}, {"success", r.success}, {"error", r.error ? Json(*r.error) : Json(nullptr)}});
    return out;
}

Agent::Agent(std::string owner, std::string session_id, PlatformFactory platform)
    : owner_(std::move(owner)), session_id_(std::move(session_id)), platform_(std::move(platform))
{
}

std::string existing_directory(const std::string& dir, const char* field)
{
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec))
        throw invalid_argument(std::string(field) + " is not an existing directory: '" + dir + "'");
    return std::filesystem::absolute(dir, ec).lexically_normal().string();
}

SessionInfo AgentManager::start(const std::string& owner, const StartSessionRequest& request)
{
    NewSession s;
    s.owner = owner;
    s.working_dir = existing_directory(request.working_dir, "working_dir");
    Json extensions;
    if (request.recipe && request.recipe->contains("extensions") && (*request.recipe)["extensions"].is_array())
        extensions = (*request.recipe)["extensions"];
    else if (request.extension_overrides) {
        extensions = *request.extension_overrides;
        for (size_t i = 0; i < extensions.size(); ++i)
            mcp::parse_extension_config(extensions[i], "extension_overrides[" + std::to_string(i) + "]");
    }
    else
        extensions = configured_extensions(config_);
    s.extension_data = extension_data_with(Json::object(), extensions);
    s.recipe = request.recipe;
    if (auto provider = config_.get_string("GOOSE_PROVIDER")) s.provider_name = *provider;
    // No agent yet: a session costs nothing until it is opened (resume, a turn, its tools), so a
    // client that creates many sessions does not start a developer server for each.
    return store_.create_session(s);
}

ResumeResult AgentManager::resume(const std::string& owner, const std::string& session_id, bool load)
{
    ResumeResult r;
    r.session = store_.load_session(owner, session_id);
    if (load) r.extension_results = open(owner, r.session.info);
    else get_or_create(owner, session_id);
    return r;
}

std::vector<ExtensionLoadResult> AgentManager::open(const std::string& owner, const SessionInfo& session)
{
    return load_model_and_extensions(*get_or_create(owner, session.id), session);
}

std::vector<ExtensionLoadResult> AgentManager::load_model_and_extensions(Agent& agent, const SessionInfo& session)
{
    if (bind_provider_) bind_provider_(agent.owner(), session);
    const Json configs = session_extensions(session, config_);
    // All start at once; the results wait for each, so the slowest bounds the wait, not the sum.
    agent.begin_extensions(configs, launcher_.get(), ExtensionSession{agent.owner(), session.id, session.working_dir});
    return agent.extension_results(configs);
}

void AgentManager::stop_all()
{
    std::map<std::string, Slot> agents;
    {
        std::lock_guard lock(mutex_);
        agents.swap(agents_);
    }
    for (auto& [id, slot] : agents) slot.agent->stop_extensions();
}

std::vector<ExtensionLoadResult> AgentManager::restart(const std::string& owner, const std::string& session_id)
{
    const SessionInfo session = store_.get_session(owner, session_id);
    forget(session_id);
    auto agent = get_or_create(owner, session_id);
    return load_model_and_extensions(*agent, session);
}

void AgentManager::stop(const std::string& owner, const std::string& session_id)
{
    std::shared_ptr<Agent> dropped; // released after the lock: stopping its servers takes a moment
    std::lock_guard lock(mutex_);
    auto it = agents_.find(session_id);
    if (it == agents_.end() || it->second.agent->owner() != owner) throw not_found("Session not found");
    dropped = std::move(it->second.agent);
    agents_.erase(it);
}

void AgentManager::update_working_dir(const std::string& owner, const std::string& session_id, const std::string& dir)
{
    SessionPatch patch;
    patch.working_dir = existing_directory(dir, "working_dir");
    store_.update_session(owner, session_id, patch);
    // The agent runs its tools in the working dir: drop it so the next use starts fresh there.
    forget(session_id);
}

void AgentManager::forget(const std::string& session_id)
{
    std::shared_ptr<Agent> dropped; // released after the lock: stopping its servers takes a moment
    std::lock_guard lock(mutex_);
    if (auto it = agents_.find(session_id); it != agents_.end()) {
        dropped = std::move(it->second.agent);
        agents_.erase(it);
    }
}

std::shared_ptr<Agent> AgentManager::get_or_create(const std::string& owner, const std::string& session_id)
{
    std::shared_ptr<Agent> agent;
    std::vector<std::shared_ptr<Agent>> evicted; // released after the lock: stopping servers takes a moment
    {
        std::lock_guard lock(mutex_);
        evict_idle_locked(evicted);
        auto& slot = agents_[session_id];
        slot.last_used = std::chrono::steady_clock::now();
        if (slot.agent) return slot.agent;
        slot.agent = agent = std::make_shared<Agent>(
            owner, session_id, [this](const std::string& key) { return make_platform_extension(key, PlatformHost{*this, config_, start_turn_}); });
    }
    // A new agent brings up its session's extensions in the background; a turn that lists tools
    // waits for the ones still starting.
    try {
        const SessionInfo session = store_.get_session(owner, session_id);
        agent->begin_extensions(session_extensions(session, config_), launcher_.get(),
                                ExtensionSession{owner, session_id, session.working_dir});
        if (auto schema = recipe_response_schema(session)) agent->add_session_source(std::make_shared<FinalOutputTool>(*schema));
    } catch (const Error&) {
        // No such session (yet): the caller reports that; there is nothing to start.
    }
    return agent;
}

// Drops agents nobody has used for GAGGLE_AGENT_IDLE_SECONDS (default 30 min) and that no turn
// or request holds; their extensions stop when the last reference goes.
void AgentManager::evict_idle_locked(std::vector<std::shared_ptr<Agent>>& evicted)
{
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sweep_ < std::chrono::seconds(1)) return;
    last_sweep_ = now;
    std::int64_t idle_seconds = 1800;
    if (auto v = config_.get("GAGGLE_AGENT_IDLE_SECONDS"); v && v->is_number_integer() && v->get<std::int64_t>() >= 0)
        idle_seconds = v->get<std::int64_t>();
    for (auto it = agents_.begin(); it != agents_.end();) {
        if (it->second.agent.use_count() == 1 && now - it->second.last_used >= std::chrono::seconds(idle_seconds)) {
            evicted.push_back(std::move(it->second.agent));
            it = agents_.erase(it);
        } else {
            ++it;
        }
    }
}

std::size_t AgentManager::loaded_count() const
{
    std::lock_guard lock(mutex_);
    return agents_.size();
}

bool AgentManager::loaded(const std::string& session_id) const
{
    std::lock_guard lock(mutex_);
    return agents_.count(session_id) > 0;
}

} // namespace gaggle
