#include "inbound_messages.hpp"

#include <gaggle/cpp/json_depth.hpp>

namespace gaggle::http_transport {
namespace {

bool answers(const Json& message, const Json& id)
{
    return message.is_object() && message.contains("id") && message["id"] == id &&
           (message.contains("result") || message.contains("error"));
}

} // namespace

bool InboundMessages::deliver(std::string_view text, Awaited& awaited, const std::function<void(const Json&)>& before)
{
    if (sdk::json_nests_deeper_than(text)) {
        awaited.rejection = "the server sent a message nested deeper than " + std::to_string(sdk::max_json_depth) + " levels";
        host_.warn("mcp http: " + awaited.rejection + " (" + std::to_string(text.size()) + " bytes); dropped");
        return false;
    }
    Json message = Json::parse(text, nullptr, false);
    if (message.is_discarded() || !(message.is_object() || message.is_array())) {
        awaited.rejection = "the server sent a message that is not a JSON-RPC object";
        host_.warn("mcp http: " + awaited.rejection + " (" + std::to_string(text.size()) + " bytes); dropped");
        return false;
    }
    bool answer = false;
    if (!awaited.id.is_null()) {
        if (message.is_array()) {
            for (const auto& m : message) answer = answer || answers(m, awaited.id);
        } else {
            answer = answers(message, awaited.id);
        }
    }
    if (before) before(message);
    std::lock_guard lock(mutex_);
    if (shut_) return false;
    sink_.frame(text);
    if (answer) awaited.answered = true;
    return true;
}

void InboundMessages::fail(const Json& id, const std::string& message, bool not_delivered)
{
    Json error = {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", -32000}, {"message", message}}}};
    if (not_delivered) error["error"]["data"] = {{"notDelivered", true}};
    const std::string text = error.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    if (!shut_) sink_.frame(text);
}

void InboundMessages::closed(const std::string& reason)
{
    std::lock_guard lock(mutex_);
    if (shut_ || closed_reported_) return;
    closed_reported_ = true;
    sink_.closed(GAGGLE_ERR_UNAVAILABLE, reason.c_str());
}

void InboundMessages::shut()
{
    std::lock_guard lock(mutex_);
    shut_ = true;
}

bool InboundMessages::is_shut() const
{
    std::lock_guard lock(mutex_);
    return shut_;
}

} // namespace gaggle::http_transport
