#pragma once
// JSON-RPC 2.0 framing for ACP: one message per line in, one message per line out. This file
// knows the envelope (ids, methods, error objects) and nothing of ACP's methods.
#include "common/json.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gaggle::acp {

namespace rpc_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
inline constexpr int resource_not_found = -32002; // ACP: an unknown session
} // namespace rpc_code

// Thrown by a method handler to answer its request with this error; never crosses the transport.
class RpcError : public std::runtime_error {
public:
    RpcError(int code, const std::string& message, Json data = nullptr)
        : std::runtime_error(message), code_(code), data_(std::move(data)) {}
    int code() const noexcept { return code_; }
    const Json& data() const noexcept { return data_; }

private:
    int code_;
    Json data_;
};

inline RpcError invalid_params(const std::string& message) { return {rpc_code::invalid_params, message}; }

struct Incoming {
    enum class Kind { request, notification, response };
    Kind kind = Kind::notification;
    Json id;            // request and response
    std::string method; // request and notification
    Json params;        // request and notification; null when absent
    Json result;        // response
    std::optional<Json> error; // response that carries an error
};

// A line that is not a JSON-RPC 2.0 message: answered with `code` (parse_error, invalid_request)
// and the message's id when one could be read (null otherwise, as JSON-RPC says).
class BadMessage : public RpcError {
public:
    BadMessage(int code, const std::string& message, Json id = nullptr) : RpcError(code, message), id_(std::move(id)) {}
    const Json& id() const noexcept { return id_; }

private:
    Json id_;
};

// Reads one line; throws BadMessage.
Incoming parse_message(std::string_view line);

Json make_response(const Json& id, Json result);
Json make_error(const Json& id, int code, const std::string& message, const Json& data = nullptr);
Json make_request(const Json& id, const std::string& method, Json params);
Json make_notification(const std::string& method, Json params);

// The JSON-RPC code for a host error (a gaggle::Error kind): the client's mistakes are
// invalid_params, an unknown session or resource is resource_not_found, the rest internal_error.
int code_for(const std::exception& e);

} // namespace gaggle::acp
