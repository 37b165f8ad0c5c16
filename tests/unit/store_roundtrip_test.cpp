// Every MessageContent variant (goosed-api.md §6.1) survives the store byte for byte.
#include "store_test_support.hpp"

#include "store/session_json.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace gaggle;
using namespace gaggle::test;

namespace {

// Compact JSON as the HTTP layer would produce it from a parsed request (parse + dump).
const char* const kMessages[] = {
    R"({"id":"msg_1","role":"user","created":1770890400,"content":[{"type":"text","text":"Hello \"world\" ünïcödé 🚀\n\ttab \\ back","annotations":{"audience":["user"],"priority":0.5},"_meta":{"k":1}}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"u-7","role":"user","created":1770890401,"content":[{"type":"image","data":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==","mimeType":"image/png"}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_2","role":"assistant","created":1770890402,"content":[{"type":"text","text":"Listing files."},{"type":"toolRequest","id":"call_1","toolCall":{"status":"success","value":{"name":"developer__shell","arguments":{"command":"ls -la","timeout":30}}},"metadata":{"thoughtSignature":"c2ln"},"_meta":null}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_3","role":"assistant","created":1770890403,"content":[{"type":"toolRequest","id":"call_2","toolCall":{"status":"error","error":"Could not interpret tool use parameters: expected value at line 1"}}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_4","role":"user","created":1770890404,"content":[{"type":"toolResponse","id":"call_1","toolResult":{"status":"success","value":{"content":[{"type":"text","text":"a.txt\nb.txt","annotations":{"audience":["assistant"]}},{"type":"image","data":"AAAA","mimeType":"image/gif"},{"type":"resource","resource":{"uri":"file:///a.txt","mimeType":"text/plain","text":"hi"}}],"structuredContent":{"files":2},"isError":false}}}],"metadata":{"userVisible":false,"agentVisible":true}})",
    R"({"id":"msg_5","role":"user","created":1770890405,"content":[{"type":"toolResponse","id":"call_2","toolResult":{"status":"error","error":"-32603: tool failed"}}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_6","role":"assistant","created":1770890406,"content":[{"type":"actionRequired","data":{"actionType":"toolConfirmation","id":"call_3","toolName":"developer__shell","arguments":{"command":"rm -rf build"},"prompt":"Goose would like to run a shell command"}}],"metadata":{"userVisible":true,"agentVisible":false}})",
    R"({"id":"msg_7","role":"assistant","created":1770890407,"content":[{"type":"actionRequired","data":{"actionType":"elicitation","id":"el_1","message":"Which branch?","requested_schema":{"type":"object","properties":{"branch":{"type":"string","enum":["main","dev"]}},"required":["branch"]}}}],"metadata":{"userVisible":true,"agentVisible":false}})",
    R"({"id":"msg_8","role":"user","created":1770890408,"content":[{"type":"actionRequired","data":{"actionType":"elicitationResponse","id":"el_1","user_data":{"branch":"main"}}}],"metadata":{"userVisible":false,"agentVisible":true}})",
    R"({"id":"msg_9","role":"assistant","created":1770890409,"content":[{"type":"thinking","thinking":"The user wants the tests to pass.","signature":"EqQBCkYIBxgCKkDx=="},{"type":"redactedThinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_10","role":"assistant","created":1770890410,"content":[{"type":"systemNotification","notificationType":"thinkingMessage","msg":"goose is compacting the conversation..."},{"type":"systemNotification","notificationType":"creditsExhausted","msg":"Out of credits","data":{"url":"https://example.com/top-up"}}],"metadata":{"userVisible":true,"agentVisible":false}})",
    R"({"id":"msg_11","role":"assistant","created":1770890411,"content":[{"type":"frontendToolRequest","id":"call_4","toolCall":{"status":"success","value":{"name":"ui__pick_color","arguments":{}}}}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_12","role":"assistant","created":1770890412,"content":[{"type":"reasoning","text":"First, check the build."},{"type":"text","text":"Done."}],"metadata":{"userVisible":true,"agentVisible":true}})",
    R"({"id":"msg_13","role":"assistant","created":1770890413,"content":[{"type":"toolConfirmationRequest","id":"call_5","toolName":"developer__text_editor","arguments":{"path":"/tmp/x","command":"write"},"prompt":null}],"metadata":{"userVisible":true,"agentVisible":true}})",
    // Numbers, escapes, nulls, empty containers and a missing id/metadata.
    R"({"role":"user","created":1770890414,"content":[{"type":"text","text":"\u0000\u001f end","annotations":null,"x":[1.5,-2,1e+300,0,18446744073709551615,{},[]]}]})",
};

} // namespace

TEST_CASE("store: every MessageContent variant round-trips byte for byte") {
    StoreFixture f;
    const auto s = f.create();
    std::vector<std::string> expected;
    for (const char* text : kMessages) {
        const Json parsed = Json::parse(text);
        REQUIRE(parsed.dump() == text);  // the input is canonical compact JSON
        f.store->append_message("alice", s.id, parsed);
        expected.push_back(text);
    }

    CHECK(f.store->load_messages("alice", s.id) == expected);

    std::vector<std::string> streamed;
    std::vector<bool> seen_by_agent, expected_seen;
    f.store->for_each_message("alice", s.id, [&](std::string_view m, bool agent_visible) {
        streamed.emplace_back(m);
        seen_by_agent.push_back(agent_visible);
    });
    CHECK(streamed == expected);
    // The visibility handed out beside the text is the message's own (absent metadata: seen).
    for (const auto& text : expected) {
        const Json m = Json::parse(text);
        expected_seen.push_back(m.value("metadata", Json::object()).value("agentVisible", true));
    }
    CHECK(seen_by_agent == expected_seen);
    CHECK(std::count(expected_seen.begin(), expected_seen.end(), false) > 0); // the case is covered

    const auto loaded = f.store->load_session("alice", s.id);
    CHECK(loaded.conversation == expected);
    CHECK(loaded.info.message_count == static_cast<std::int64_t>(expected.size()));

    // Reopening the database (a restart) changes nothing.
    f.store.reset();
    f.kv.reset();
    f.db.reset();
    auto reopened = f.open_again().sessions;
    CHECK(reopened->load_messages("alice", s.id) == expected);
}

TEST_CASE("store: the Session document embeds the stored messages unchanged") {
    StoreFixture f;
    const auto s = f.create();
    for (const char* text : kMessages) f.store->append_message("alice", s.id, Json::parse(text));
    const auto loaded = f.store->load_session("alice", s.id);

    const std::string spliced = session_to_json_text(loaded.info, loaded.conversation);
    const Json built = session_to_json(loaded.info, loaded.conversation);
    CHECK(spliced == built.dump());
    REQUIRE(built["conversation"].size() == std::size(kMessages));
    for (std::size_t i = 0; i < std::size(kMessages); ++i) CHECK(built["conversation"][i].dump() == kMessages[i]);
}

TEST_CASE("store: a message written with invalid UTF-8 by code is stored, not lost") {
    StoreFixture f;
    const auto s = f.create();
    Json m = text_message("user", "ok");
    m["content"][0]["text"] = std::string("bad \xff byte");
    f.store->append_message("alice", s.id, m);
    const auto stored = f.store->load_messages("alice", s.id);
    REQUIRE(stored.size() == 1);
    CHECK(Json::parse(stored[0])["content"][0]["text"] == "bad \xEF\xBF\xBD byte");
}
