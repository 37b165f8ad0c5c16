#pragma once
// session/prompt's ContentBlock[] as the goose user Message the agent core takes. Only what
// initialize advertises is accepted (text, images, resource links, embedded text resources); anything
// else is an invalid_params RpcError naming the block, before a turn starts.
#include "common/json.hpp"

namespace gaggle::acp {

// The content array of the user Message; throws RpcError (invalid_params).
Json prompt_to_content(const Json& prompt);

} // namespace gaggle::acp
