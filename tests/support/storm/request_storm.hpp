#pragma once
// A storm of malformed requests against a running server, shared by the integration test (one
// pass over every route and every kind of bad input) and bench/storm_bench (10,000 of them).
//
// Each shot is the raw bytes of one request, sent on a fresh connection, so a shot can lie about
// its own framing (Content-Length, chunking) without spoiling the next. The routes come from the
// server's own GET /openapi.json; the fields to get wrong come from each route's request schema.
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace gaggle::storm {

using nlohmann::json;

struct Route {
    std::string method, path; // the template, e.g. /sessions/{session_id}
    std::vector<std::string> fields; // top-level properties of its JSON request body, if any
};

struct Shot {
    std::string label; // "POST /reply: truncated JSON"
    std::string bytes;
    bool half_close = false; // send end-of-file after the bytes (a body shorter than announced)
};

struct Outcome {
    int status = 0;            // 0: no answer (the connection closed or timed out first)
    bool json_message = false; // the body is a JSON object with a string "message"
};

inline std::vector<Route> routes_of(const json& openapi)
{
    std::vector<Route> out;
    const json schemas = openapi.contains("components") ? openapi["components"].value("schemas", json::object()) : json::object();
    const json paths = openapi.value("paths", json::object());
    for (auto& [path, item] : paths.items()) {
        for (auto& [method, op] : item.items()) {
            Route r{method, path, {}};
            for (auto& c : r.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            // Held for the whole route: `schema` may point into it (a copy local to the if block
            // left `schema` dangling, which ASan caught).
            const json content = op.is_object() && op.contains("requestBody") ? op["requestBody"].value("content", json::object()) : json::object();
            const json* schema = content.contains("application/json") ? &content["application/json"]["schema"] : nullptr;
            if (schema && schema->contains("$ref")) {
                const std::string ref = (*schema)["$ref"].get<std::string>();
                const std::string name = ref.substr(ref.rfind('/') + 1);
                schema = schemas.contains(name) ? &schemas[name] : nullptr;
            }
            if (schema && schema->contains("properties"))
                for (auto& [field, _] : (*schema)["properties"].items()) r.fields.push_back(field);
            out.push_back(std::move(r));
        }
    }
    return out;
}

inline std::string fill_path(const std::string& tpl, const std::string& value)
{
    std::string out;
    for (size_t i = 0; i < tpl.size();) {
        if (tpl[i] == '{') {
            const size_t end = tpl.find('}', i);
            out += value;
            i = end == std::string::npos ? tpl.size() : end + 1;
        } else {
            out += tpl[i++];
        }
    }
    return out;
}

inline std::string request_bytes(const std::string& method, const std::string& target, const std::string& headers,
                                 const std::string& body)
{
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Every kind of bad input for one route. `huge` adds the 20 MB bodies (slow to send; the bench
// sends many, the test a few).
inline std::vector<Shot> shots_for(const Route& route, const std::string& secret, const std::string& session_id, bool huge)
{
    std::vector<Shot> out;
    const std::string auth = "X-Secret-Key: " + secret + "\r\n";
    const std::string json_type = "Content-Type: application/json\r\n";
    const std::string target = fill_path(route.path, session_id);
    const std::string name = route.method + " " + route.path + ": ";
    auto add = [&](std::string label, std::string bytes, bool half_close = false) {
        out.push_back(Shot{name + label, std::move(bytes), half_close});
    };
    auto body_shot = [&](std::string label, const std::string& body, const std::string& headers = "") {
        add(std::move(label), request_bytes(route.method, target, auth + (headers.empty() ? json_type : headers), body));
    };

    // Shapes of the whole body.
    body_shot("truncated JSON", R"({"session_id": "x", "user_message": {"role": "us)");
    body_shot("not JSON", "hello");
    body_shot("empty object", "{}");
    body_shot("array body", "[1,2,3]");
    body_shot("string body", "\"just a string\"");
    body_shot("null body", "null");
    body_shot("huge number body", "1" + std::string(400, '0'));
    body_shot("deep nesting", std::string(100000, '[') + std::string(100000, ']'));
    body_shot("deep nesting, then a key", R"({"a":)" + std::string(5000, '[') + std::string(5000, ']') + R"(,"b":1})");
    body_shot("invalid UTF-8 in a string", "{\"name\": \"\xff\xfe\xc3\x28\", \"working_dir\": \"\xed\xa0\x80\"}");
    body_shot("invalid UTF-8 outside strings", "{\xff: 1}");
    body_shot("NUL bytes", std::string("{\"a\":\"\0\0\"}", 11));

    // Each field with each wrong type, and with extreme values.
    const std::vector<std::pair<std::string, std::string>> values{
        {"number", "12345"}, {"negative", "-1"}, {"float", "1.5e300"}, {"huge integer", "123456789012345678901234567890"},
        {"overflow", "1e400"}, {"string", "\"text\""}, {"empty string", "\"\""}, {"10k string", "\"" + std::string(10000, 'x') + "\""},
        {"bool", "true"}, {"null", "null"}, {"array", "[1,\"a\",null]"}, {"object", "{\"k\":{\"k\":[]}}"},
        {"array of wrong things", "[{\"role\":5,\"content\":\"x\"},7]"},
        {"message-like with wrong inner types",
         R"({"role":1,"content":[{"type":7,"text":[]}],"metadata":{"agentVisible":"yes"},"created":"now","id":5})"},
    };
    for (const auto& field : route.fields)
        for (const auto& [kind, value] : values) body_shot("field " + field + " = " + kind, "{\"" + field + "\":" + value + "}");

    // The request line and headers.
    add("10k path value", request_bytes(route.method, fill_path(route.path, std::string(10000, 'a')), auth + json_type, "{}"));
    add("10k query value", request_bytes(route.method, target + "?limit=" + std::string(10000, '9') + "&q=" + std::string(10000, '%'),
                                         auth + json_type, "{}"));
    add("invalid UTF-8 in the path", request_bytes(route.method, fill_path(route.path, "%ff%fe%c3%28"), auth + json_type, "{}"));
    add("malformed percent escape", request_bytes(route.method, target + "%zz?x=%", auth + json_type, "{}"));
    add("no auth", request_bytes(route.method, target, json_type, "{}"));
    add("wrong auth", request_bytes(route.method, target, "X-Secret-Key: nope\r\n" + json_type, "{}"));
    body_shot("text/plain", "{}", "Content-Type: text/plain\r\n");
    body_shot("multipart", "--x\r\n\r\n--x--", "Content-Type: multipart/form-data; boundary=x\r\n");
    body_shot("no content type", "{}", "X-None: 1\r\n");
    body_shot("content type with junk parameters", "{}", "Content-Type: application/json; charset=\xff;;;=\r\n");

    // Framing lies.
    add("Content-Length larger than sent",
        route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type + "Content-Length: 1000\r\n\r\n{\"a\":", true);
    add("negative Content-Length", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                                       "Content-Length: -10\r\n\r\n{}");
    add("non-numeric Content-Length", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                                          "Content-Length: ten\r\n\r\n{}");
    add("two Content-Lengths", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                                   "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}");
    add("huge Content-Length", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                                   "Content-Length: 99999999999999999999\r\n\r\n{}", true);
    add("chunked garbage", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                               "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n-5\r\n\r\n", true);
    add("chunked, never ends", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + json_type +
                                   "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n", true);
    add("garbage request line", "helloGET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    add("header without a colon", route.method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + auth + "Nonsense\r\n\r\n");
    if (huge) {
        std::string big = "{\"a\":\"" + std::string(20 * 1024 * 1024, 'x') + "\"}";
        body_shot("20 MB body", big);
    }
    return out;
}

// Sends one shot on a fresh connection and reads the answer's status and body (the headers of an
// event stream are enough: its body never ends).
// The body of a chunked response, joined (chunk extensions and trailers ignored).
inline std::string dechunk(const std::string& raw)
{
    std::string out;
    size_t pos = 0;
    while (pos < raw.size()) {
        const size_t eol = raw.find("\r\n", pos);
        if (eol == std::string::npos) break;
        const size_t size = std::strtoul(raw.c_str() + pos, nullptr, 16);
        if (size == 0 || eol + 2 + size > raw.size()) break;
        out.append(raw, eol + 2, size);
        pos = eol + 2 + size + 2;
    }
    return out;
}

inline Outcome fire(int port, const Shot& shot, int timeout_ms = 30000)
{
    Outcome out;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return out;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return out;
    }
    // Send and read at once: the server may answer (413) before it has read a large body.
    std::string got;
    size_t sent = 0;
    bool send_done = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        if (!send_done && sent == shot.bytes.size()) {
            if (shot.half_close) ::shutdown(fd, SHUT_WR);
            send_done = true;
        }
        pollfd p{fd, static_cast<short>(POLLIN | (send_done ? 0 : POLLOUT)), 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) break;
        if (p.revents & POLLOUT) {
            const ssize_t n = ::send(fd, shot.bytes.data() + sent, std::min<size_t>(shot.bytes.size() - sent, 1 << 20), MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<size_t>(n);
            else send_done = true; // the server stopped reading: its answer may still be there
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[65536];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
            const size_t head_end = got.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                const std::string head = got.substr(0, head_end);
                std::string lower = head;
                for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                if (lower.find("text/event-stream") != std::string::npos) break;
                if (lower.find("transfer-encoding: chunked") != std::string::npos && got.find("\r\n0\r\n\r\n", head_end) != std::string::npos)
                    break;
                const size_t cl = lower.find("content-length:");
                if (cl != std::string::npos &&
                    got.size() - head_end - 4 >= std::strtoull(lower.c_str() + cl + 15, nullptr, 10))
                    break;
            }
        }
    }
    ::close(fd);
    if (got.rfind("HTTP/1.", 0) != 0) return out;
    out.status = std::atoi(got.c_str() + 9);
    const size_t head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
        std::string text = got.substr(head_end + 4);
        std::string lower_head = got.substr(0, head_end);
        for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower_head.find("transfer-encoding: chunked") != std::string::npos) text = dechunk(text);
        const json body = json::parse(text, nullptr, false);
        out.json_message = body.is_object() && body.contains("message") && body["message"].is_string();
    }
    return out;
}

} // namespace gaggle::storm
