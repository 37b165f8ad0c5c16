#pragma once
// Messages validated and serialised before a write transaction starts, so every engine holds
// its locks only for the inserts themselves.
#include "common/json.hpp"
#include "store/message_facts.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gaggle {

struct PreparedMessage {
    MessageFacts facts;
    std::string json;
};

// Throws Error(invalid_argument) naming the message ("messages[3]: ...") in a batch.
std::vector<PreparedMessage> prepare_messages(std::span<const Json> messages, std::int64_t now_ms);

} // namespace gaggle
