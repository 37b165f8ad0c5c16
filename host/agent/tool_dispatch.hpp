#pragma once
// Runs the tool calls of one model response: the permission check for each (asking the user
// when the mode or a rule says so), then every allowed call concurrently. Returns the toolResponse
// content items in the order the model asked for them.
#include "agent/provider_turn.hpp"

namespace gaggle {

struct ToolRound {
    Json responses = Json::array(); // toolResponse content items
    bool stop_turn = false;         // the user answered "cancel", or the turn was cancelled
};

ToolRound dispatch_tools(TurnContext& ctx, const std::vector<ToolCall>& calls);

} // namespace gaggle
