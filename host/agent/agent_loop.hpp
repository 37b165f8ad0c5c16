#pragma once
// One turn of the agent: the user's message in, the model and tools round and round until the
// model stops, everything streamed out as MessageEvents and persisted as it completes.
//
// Ends with exactly one Finish once the loop has started (also after an Error mid-way or a
// cancellation); a failure before it starts (unknown session, no provider) is a single Error.
#include "agent/client_tools.hpp"
#include "agent/turn_context.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace gaggle {

struct TurnRequest {
    std::string owner;
    std::string session_id;
    Json user_message;
    std::optional<std::vector<Json>> override_conversation; // replaces the stored history first
    // An unattended turn (a plugin's, "gaggle.host.agent/1"): tools needing approval are denied.
    bool deny_on_approval = false;
    // The client reads goosed's message stream and can run a frontend extension's tools (an ACP
    // client or an unattended turn cannot: such calls answer the model an error at once).
    bool client_runs_frontend_tools = true;
    // The client runs some tool calls itself (ACP fs/* and terminal/*); null: the host runs all.
    std::shared_ptr<ClientToolRunner> client_tools{};
};

void run_turn(AgentServices& services, const TurnRequest& request, const ToolSet& tools, const CancelToken& cancel,
              const EventEmitter& emit);

// The provider and model a session uses: its own, else GOOSE_PROVIDER / GOOSE_MODEL, else the
// provider's default model. Throws gaggle::Error (precondition) naming what is missing.
std::pair<const ProviderEntry*, std::string> resolve_provider(const AgentServices& services, const SessionInfo& session);

} // namespace gaggle
