#include "acp/jsonrpc.hpp"

#include "common/error.hpp"
#include "common/json_parse.hpp"

namespace gaggle::acp {

Incoming parse_message(std::string_view line)
{
    Json j;
    try {
        j = parse_untrusted_json(line, "the message");
    } catch (const std::exception& e) {
        throw BadMessage(rpc_code::parse_error, std::string("Parse error: ") + e.what());
    }
    if (!j.is_object()) throw BadMessage(rpc_code::invalid_request, "Invalid request: a message must be a JSON object (ACP sends no batches)");
    Incoming m;
    auto id = j.find("id");
    const bool has_id = id != j.end();
    if (has_id) {
        if (!id->is_string() && !id->is_number_integer() && !id->is_null())
            throw BadMessage(rpc_code::invalid_request, "Invalid request: `id` must be a string or an integer");
        m.id = *id;
    }
    auto invalid = [&](const std::string& why) { return BadMessage(rpc_code::invalid_request, "Invalid request: " + why, m.id); };
    if (j.value("jsonrpc", Json()) != "2.0") throw invalid("`jsonrpc` must be \"2.0\"");
    auto method = j.find("method");
    if (method != j.end()) {
        if (!method->is_string() || method->get<std::string>().empty()) throw invalid("`method` must be a non-empty string");
        m.method = method->get<std::string>();
        m.kind = has_id ? Incoming::Kind::request : Incoming::Kind::notification;
        if (auto p = j.find("params"); p != j.end()) {
            if (!p->is_object() && !p->is_array() && !p->is_null()) throw invalid("`params` must be an object or an array");
            m.params = *p;
        }
        return m;
    }
    if (!has_id) throw invalid("a message needs a `method` or an `id`");
    m.kind = Incoming::Kind::response;
    if (auto e = j.find("error"); e != j.end()) m.error = *e;
    else if (auto r = j.find("result"); r != j.end()) m.result = *r;
    else throw invalid("a response needs a `result` or an `error`");
    return m;
}

Json make_response(const Json& id, Json result) { return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; }

Json make_error(const Json& id, int code, const std::string& message, const Json& data)
{
    Json error{{"code", code}, {"message", message}};
    if (!data.is_null()) error["data"] = data;
    return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

Json make_request(const Json& id, const std::string& method, Json params)
{
    return Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

Json make_notification(const std::string& method, Json params)
{
    return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

int code_for(const std::exception& e)
{
    if (auto rpc = dynamic_cast<const RpcError*>(&e)) return rpc->code();
    if (auto err = dynamic_cast<const Error*>(&e)) {
        switch (err->kind()) {
        case ErrorKind::invalid_argument:
        case ErrorKind::unprocessable:
        case ErrorKind::payload_too_large:
            return rpc_code::invalid_params;
        case ErrorKind::not_found:
            return rpc_code::resource_not_found;
        default:
            return rpc_code::internal_error;
        }
    }
    return rpc_code::internal_error;
}

} // namespace gaggle::acp
