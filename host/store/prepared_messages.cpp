#include "store/prepared_messages.hpp"

#include "common/error.hpp"

namespace gaggle {

std::vector<PreparedMessage> prepare_messages(std::span<const Json> messages, std::int64_t now_ms) {
    std::vector<PreparedMessage> out;
    out.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        try {
            out.push_back({inspect_message(messages[i], now_ms / 1000), to_stored_json(messages[i])});
        } catch (const Error& e) {
            if (messages.size() == 1) throw;
            throw invalid_argument("messages[" + std::to_string(i) + "]: " + e.what());
        }
    }
    return out;
}

} // namespace gaggle
