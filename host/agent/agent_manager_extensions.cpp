// Editing a session's extensions: the running agent and the list stored with the session change
// together, so a session reopened later (or on another instance) runs what its user chose.
#include "agent/agent_manager.hpp"

#include "agent/session_extensions.hpp"
#include "common/error.hpp"

namespace gaggle {
namespace {

// The session's list with `spec`'s config put in place of an entry of the same key (or appended).
Json with_extension(Json list, const mcp::ExtensionSpec& spec)
{
    if (!list.is_array()) list = Json::array();
    for (auto& e : list)
        if (e.is_object() && mcp::extension_key(e.value("name", std::string())) == spec.key) {
            e = spec.config;
            return list;
        }
    list.push_back(spec.config);
    return list;
}

void store_extension_list(SessionStore& store, const std::string& owner, const std::string& session_id, const Json& list)
{
    SessionPatch patch;
    patch.extension_data_merge = extension_data_with(Json::object(), list);
    store.update_session(owner, session_id, patch);
}

} // namespace

void AgentManager::add_extension(const std::string& owner, const std::string& session_id, const mcp::ExtensionSpec& spec)
{
    const SessionInfo session = store_.get_session(owner, session_id); // not_found for another owner's
    auto agent = get_or_create(owner, session_id);
    if (!launcher_) throw Error(ErrorKind::unavailable, "no transport plugins are loaded");
    const ExtensionLoadResult result = agent->add_extension(spec, *launcher_, ExtensionSession{owner, session_id, session.working_dir});
    if (!result.success) {
        agent->remove_extension(spec.key); // a failed start is not kept half-added
        throw Error(ErrorKind::bad_gateway, "Failed to add extension " + spec.name + ": " + result.error.value_or("unknown error"));
    }
    store_extension_list(store_, owner, session_id, with_extension(session_extensions(session, config_), spec));
}

void AgentManager::remove_extension(const std::string& owner, const std::string& session_id, const std::string& name)
{
    const std::string key = mcp::extension_key(name);
    const SessionInfo session = store_.get_session(owner, session_id);
    bool removed = false;
    if (loaded(session_id)) removed = get_or_create(owner, session_id)->remove_extension(key);
    const Json list = session_extensions(session, config_);
    Json kept = Json::array();
    for (auto& e : list)
        if (!(e.is_object() && mcp::extension_key(e.value("name", std::string())) == key)) kept.push_back(e);
    if (kept.size() != list.size()) {
        store_extension_list(store_, owner, session_id, kept);
        removed = true;
    }
    if (!removed) throw not_found("Extension " + name + " is not part of session " + session_id);
}

} // namespace gaggle
