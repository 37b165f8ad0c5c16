#pragma once
// Shared material for the session route tests: one message of every MessageContent variant, a
// session export built from them, and a server with two users.
#include "server_process.hpp"

#include "common/json.hpp"
#include "http/auth.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace gaggle::test {

// Compact JSON texts, exactly as a client sends them; the store must hand back the same bytes.
inline std::vector<std::string> every_content_variant()
{
    return {
        R"({"id":"u1","role":"user","created":1739370000,"content":[{"type":"text","text":"Hello ünïcode ✓ \"quoted\" \\ back"}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"u2","role":"user","created":1739370001,"content":[{"type":"image","data":"iVBORw0KGgo=","mimeType":"image/png"}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"a1","role":"assistant","created":1739370002,"content":[{"type":"thinking","thinking":"Let me look.","signature":"sig=="},{"type":"redactedThinking","data":"opaque=="},{"type":"toolRequest","id":"call_1","toolCall":{"status":"success","value":{"name":"developer__shell","arguments":{"command":"ls -la","n":3,"f":1.5,"ok":true,"none":null}}}}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"u3","role":"user","created":1739370003,"content":[{"type":"toolResponse","id":"call_1","toolResult":{"status":"success","value":{"content":[{"type":"text","text":"total 0"}],"isError":false}}}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"a2","role":"assistant","created":1739370004,"content":[{"type":"actionRequired","data":{"actionType":"toolConfirmation","id":"call_2","toolName":"developer__shell","arguments":{"command":"rm -rf /tmp/x"},"prompt":null}}],"metadata":{"userVisible":true,"agentVisible":false}})",
        R"({"id":"a3","role":"assistant","created":1739370005,"content":[{"type":"actionRequired","data":{"actionType":"elicitation","id":"el_1","message":"Your name?","requested_schema":{"type":"object","properties":{"name":{"type":"string"}}}}}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"u4","role":"user","created":1739370006,"content":[{"type":"actionRequired","data":{"actionType":"elicitationResponse","id":"el_1","user_data":{"name":"Ada"}}}],"metadata":{"userVisible":false,"agentVisible":true}})",
        R"({"id":"a4","role":"assistant","created":1739370007,"content":[{"type":"systemNotification","notificationType":"thinkingMessage","msg":"goose is compacting the conversation..."},{"type":"reasoning","text":"because"}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":"a5","role":"assistant","created":1739370008,"content":[{"type":"frontendToolRequest","id":"call_3","toolCall":{"status":"error","error":"bad args"}},{"type":"toolConfirmationRequest","id":"call_4","toolName":"x__y","arguments":{},"prompt":"ok?"}],"metadata":{"userVisible":true,"agentVisible":true}})",
        R"({"id":null,"role":"assistant","created":1739370009,"content":[{"type":"text","text":"done","annotations":{"audience":["user"]},"_meta":{"k":1}}],"metadata":{"userVisible":true,"agentVisible":true}})",
    };
}

inline std::string export_document(const std::vector<std::string>& messages, const std::string& name = "Imported",
                                   const std::string& working_dir = "/tmp")
{
    std::string conversation = "[";
    for (size_t i = 0; i < messages.size(); ++i) conversation += (i ? "," : "") + messages[i];
    conversation += "]";
    return R"({"id":"20250101_9","name":")" + name + R"(","working_dir":")" + working_dir +
           R"(","session_type":"user","created_at":"2025-01-01T00:00:00Z","updated_at":"2025-01-01T00:00:00Z",)"
           R"("extension_data":{},"message_count":)" +
           std::to_string(messages.size()) + R"(,"conversation":)" + conversation + "}";
}

inline std::string import_body(const std::string& document) { return Json{{"json", document}}.dump(); }

inline std::string hex(const KeyHash& h)
{
    static const char* d = "0123456789abcdef";
    std::string out;
    for (auto b : h) {
        out += d[b >> 4];
        out += d[b & 15];
    }
    return out;
}

// A server where "alice-key" authenticates user alice beside the desktop secret (user "default").
inline ServerProcess::Options two_user_options(const std::filesystem::path& root)
{
    std::filesystem::create_directories(root / "config");
    std::ofstream(root / "config" / "config.yaml") << "GAGGLE_USERS:\n  alice: " << hex(sha256("alice-key")) << "\n";
    ServerProcess::Options o;
    o.root = root;
    return o;
}

inline HttpResult as_alice(const ServerProcess& s, const std::string& method, const std::string& path,
                           const std::string& body = "")
{
    std::map<std::string, std::string> headers{{"x-api-key", "alice-key"}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return s.request(method, path, body, headers);
}

inline HttpResult json_request(const ServerProcess& s, const std::string& method, const std::string& path,
                               const std::string& body)
{
    return s.request(method, path, body, {{"Content-Type", "application/json"}});
}

} // namespace gaggle::test
