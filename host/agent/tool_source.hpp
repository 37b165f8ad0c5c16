#pragma once
// Where the agent loop gets tools from. The MCP client (next wave) is one ToolSource per
// extension; platform extensions built into the host (todo) are others. The loop only sees
// this interface: it lists tools and calls them by their prefixed name `extension__tool`.
#include "agent/cancel_token.hpp"
#include "common/json.hpp"
#include "store/session_store.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace gaggle {

struct ToolSpec {
    std::string name;        // without the extension prefix
    std::string description;
    Json input_schema = Json{{"type", "object"}, {"properties", Json::object()}};
    bool read_only = false;  // MCP annotations.readOnlyHint
};

// What a tool call may touch: its session (for state kept in extension_data) and working dir.
struct ToolContext {
    std::string owner;
    std::string session_id;
    std::string working_dir;
    std::string tool_request_id;
    SessionStore* store = nullptr;
    const CancelToken* cancel = nullptr;
    // Forwards an MCP notification (progress, logging) for this call to the client.
    std::function<void(const Json& notification)> notify;
    // Asks the person driving the turn for structured input (the params of an MCP
    // elicitation/create) and blocks for the answer: an MCP ElicitResult, {action: accept,
    // content} or {action: decline|cancel}. It gives up (cancel) when the turn is cancelled or
    // `abandoned` (polled; may be empty) turns true. Empty when nobody can answer (an unattended
    // turn). Called on a thread of the MCP client while this call is in flight.
    std::function<Json(const Json& params, const std::function<bool()>& abandoned)> elicit;
    // Runs `prefixed_name` in the client driving the turn (a frontend extension's tool) and blocks
    // for its CallToolResult, at most `timeout` (the extension's own). Empty when no client can
    // run it (an unattended turn, a direct /agent/call_tool). Called on the thread running this call.
    std::function<Json(const std::string& prefixed_name, const Json& arguments, std::chrono::seconds timeout)> run_on_client;
};

class ToolSource {
public:
    virtual ~ToolSource() = default;
    virtual const std::string& extension_name() const = 0;
    virtual std::vector<ToolSpec> list_tools() = 0;
    // Returns an MCP CallToolResult {content:[...], isError}. Throwing is a tool error too.
    virtual Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) = 0;
    // What the extension tells the model about using it (MCP `instructions`); empty for none.
    virtual std::string instructions() const { return {}; }
};

// All tool sources of one session, addressed by `extension__tool`. Sources may be added and
// removed while a turn runs (add_extension): every read works on a snapshot of the list.
class ToolSet {
public:
    void add(std::shared_ptr<ToolSource> source);
    // Removes the source named `extension_name`; returns it (null when none).
    std::shared_ptr<ToolSource> remove(const std::string& extension_name);
    std::vector<std::shared_ptr<ToolSource>> sources() const;
    // Tools in the provider's shape, sorted by name (stable prompts cache better).
    Json provider_tools() const;
    // nullopt when no extension serves `prefixed_name`.
    std::optional<ToolSpec> find(const std::string& prefixed_name) const;
    Json call(const ToolContext& context, const std::string& prefixed_name, const Json& arguments) const;
    bool empty() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::shared_ptr<ToolSource>> sources_;
};

} // namespace gaggle
