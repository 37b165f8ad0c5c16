#include "scripted_provider/scripted_provider.hpp"

#include "scripted_provider/wire_render.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <sys/socket.h>

namespace gaggle::testing {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct ScriptedProvider::State {
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    json responses = json::array();
    std::vector<bool> served;
    std::vector<RecordedRequest> records;
    std::atomic<bool> stopping{false};

    std::mutex server_mutex; // start/stop
    std::unique_ptr<Poco::ThreadPool> pool;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    std::uint16_t port = 0;

    void set(json scenario)
    {
        if (scenario.is_object()) scenario = scenario.value("responses", json::array());
        if (!scenario.is_array()) throw std::invalid_argument("a scenario is {\"responses\":[...]} or an array");
        std::lock_guard lock(mutex);
        responses = std::move(scenario);
        served.assign(responses.size(), false);
    }

    // `match` narrows which request a response answers: method, path, path_suffix, and text the
    // body must hold (body_contains) or must not (body_lacks), so two agents asking the one
    // provider at once (a parent and its subagent) each get their own answers.
    static bool matches(const json& response, const RecordedRequest& request)
    {
        auto it = response.find("match");
        if (it == response.end()) return true;
        const json& m = *it;
        const std::string& method = request.method;
        const std::string& path = request.path;
        if (m.contains("method") && m["method"].get<std::string>() != method) return false;
        if (m.contains("path") && m["path"].get<std::string>() != path) return false;
        if (m.contains("body_contains") && request.body.find(m["body_contains"].get<std::string>()) == std::string::npos) return false;
        if (m.contains("body_lacks") && request.body.find(m["body_lacks"].get<std::string>()) != std::string::npos) return false;
        if (m.contains("path_suffix")) {
            const std::string suffix = m["path_suffix"].get<std::string>();
            if (path.size() < suffix.size() || path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
        }
        return true;
    }

    // Record the request and pick its response: the first unserved (or repeating) one that matches.
    std::pair<std::size_t, json> admit(RecordedRequest record)
    {
        std::lock_guard lock(mutex);
        json chosen;
        for (std::size_t i = 0; i < responses.size(); ++i) {
            if ((served[i] && !responses[i].value("repeat", false)) || !matches(responses[i], record)) continue;
            served[i] = true;
            record.response_index = static_cast<int>(i);
            chosen = responses[i];
            break;
        }
        records.push_back(std::move(record));
        changed.notify_all();
        return {records.size() - 1, chosen};
    }

    void update(std::size_t index, bool closed, bool completed)
    {
        std::lock_guard lock(mutex);
        if (index >= records.size()) return; // cleared meanwhile
        records[index].client_closed = records[index].client_closed || closed;
        records[index].completed = records[index].completed || completed;
        changed.notify_all();
    }
};

namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// True once the client has closed its end (readable with nothing to read) or the socket broke.
bool peer_closed(Poco::Net::StreamSocket& socket)
{
    try {
        if (!socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) return false;
        char c = 0;
        return socket.receiveBytes(&c, 1, MSG_PEEK) <= 0;
    } catch (...) {
        return true;
    }
}

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(std::shared_ptr<ScriptedProvider::State> state) : state_(std::move(state)) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
    {
        RecordedRequest record;
        record.method = request.getMethod();
        const std::string uri = request.getURI();
        const auto q = uri.find('?');
        record.path = uri.substr(0, q);
        record.query = q == std::string::npos ? "" : uri.substr(q + 1);
        for (const auto& [name, value] : request) record.headers.emplace_back(name, value);
        Poco::StreamCopier::copyToString(request.stream(), record.body);

        if (record.path.rfind("/_scripted/", 0) == 0) return control(record, response);

        const auto [index, spec] = state_->admit(record);
        auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
        if (spec.is_null()) {
            send_body(response, 500, "application/json",
                      error_body("openai", json{{"message", "scripted provider: no scripted response left for " + record.method + " " + record.path},
                                                {"type", "scripted_provider_error"}}));
            state_->update(index, false, true);
            return;
        }
        const std::string format = spec.value("format", "openai");
        const int status = spec.value("status", 200);
        if (spec.contains("headers"))
            for (const auto& [k, v] : spec["headers"].items()) response.set(k, v.is_string() ? v.get<std::string>() : v.dump());

        if (spec.contains("body")) {
            json body = spec["body"];
            // "echo_id": a JSON-RPC answer takes the id of the request it answers (a scripted MCP
            // server cannot know which id a client will use after a reconnect).
            if (spec.value("echo_id", false) && body.is_object()) {
                const json request_body = json::parse(record.body, nullptr, false);
                if (request_body.is_object() && request_body.contains("id")) body["id"] = request_body["id"];
            }
            send_body(response, status, body.is_string() ? "text/plain" : "application/json", body.is_string() ? body.get<std::string>() : body.dump());
            state_->update(index, false, true);
            return;
        }
        if (status >= 400) {
            send_body(response, status, "application/json",
                      error_body(format, spec.value("error", json{{"message", "scripted error"}, {"type", "api_error"}})));
            state_->update(index, false, true);
            return;
        }
        std::vector<Frame> frames;
        try {
            frames = render_stream(spec);
        } catch (const std::exception& e) {
            send_body(response, 500, "text/plain", std::string("scripted provider: bad scenario: ") + e.what());
            state_->update(index, false, true);
            return;
        }
        stream(index, response, socket, frames, stream_content_type(format), status);
    }

private:
    void send_body(Poco::Net::HTTPServerResponse& response, int status, const std::string& type, const std::string& body)
    {
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType(type);
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
    }

    void control(const RecordedRequest& record, Poco::Net::HTTPServerResponse& response)
    {
        if (record.path == "/_scripted/requests") {
            json all = json::array();
            std::lock_guard lock(state_->mutex);
            for (const auto& r : state_->records) all.push_back(r.to_json());
            return send_body(response, 200, "application/json", all.dump());
        }
        try {
            if (record.path == "/_scripted/scenario" && record.method == "POST") {
                state_->set(json::parse(record.body));
                return send_body(response, 200, "application/json", "{}");
            }
            if (record.path == "/_scripted/reset" && record.method == "POST") {
                std::lock_guard lock(state_->mutex);
                state_->records.clear();
                return send_body(response, 200, "application/json", "{}");
            }
        } catch (const std::exception& e) {
            return send_body(response, 400, "application/json", json{{"message", e.what()}}.dump());
        }
        send_body(response, 404, "application/json", R"({"message":"unknown scripted provider control route"})");
    }

    // Wait `ms`, watching for the client to leave; false when it did (or the server stops).
    bool wait(Poco::Net::StreamSocket& socket, int ms, const std::function<bool()>& keepalive = {}, int every = 0)
    {
        const auto until = Clock::now() + std::chrono::milliseconds(ms);
        auto next_keepalive = Clock::now() + std::chrono::milliseconds(every);
        do {
            if (state_->stopping || peer_closed(socket)) return false;
            if (every > 0 && Clock::now() >= next_keepalive) {
                if (!keepalive()) return false;
                next_keepalive += std::chrono::milliseconds(every);
            }
            if (Clock::now() >= until) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(
                5, std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count() + 1)));
        } while (true);
    }

    void stream(std::size_t index, Poco::Net::HTTPServerResponse& response, Poco::Net::StreamSocket& socket,
                const std::vector<Frame>& frames, const std::string& content_type, int status)
    {
        response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        response.setContentType(content_type);
        response.setChunkedTransferEncoding(true);
        response.set("Cache-Control", "no-cache");
        std::ostream& out = response.send();
        out.flush();
        auto write = [&](const std::string& bytes) {
            out << bytes;
            out.flush();
            return out.good();
        };
        for (const Frame& frame : frames) {
            if (frame.delay_ms > 0 && !wait(socket, frame.delay_ms)) return state_->update(index, !state_->stopping, false);
            if (frame.drop) {
                // Abort mid-body: the client sees the connection end without the final chunk.
                // shutdown, not close: the server still owns the descriptor.
                socket.shutdown();
                return;
            }
            if (!frame.bytes.empty() && !write(frame.bytes)) return state_->update(index, true, false);
            if (frame.stall_ms > 0 &&
                !wait(socket, frame.stall_ms, [&] { return write(frame.keepalive); }, frame.keepalive_every_ms))
                return state_->update(index, !state_->stopping, false);
        }
        state_->update(index, false, true);
    }

    std::shared_ptr<ScriptedProvider::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(std::shared_ptr<ScriptedProvider::State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(state_); }

private:
    std::shared_ptr<ScriptedProvider::State> state_;
};

} // namespace

// ---- RecordedRequest ---------------------------------------------------------------------------

std::string RecordedRequest::header(std::string_view name) const
{
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

nlohmann::json RecordedRequest::json() const
{
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
}

nlohmann::json RecordedRequest::to_json() const
{
    nlohmann::json h = nlohmann::json::object();
    for (const auto& [k, v] : headers) h[k] = v;
    return {{"method", method}, {"path", path}, {"query", query}, {"headers", h}, {"body", body},
            {"response_index", response_index}, {"client_closed", client_closed}, {"completed", completed}};
}

// ---- ScriptedProvider --------------------------------------------------------------------------

ScriptedProvider::ScriptedProvider(nlohmann::json scenario) : state_(std::make_shared<State>()) { state_->set(std::move(scenario)); }

std::unique_ptr<ScriptedProvider> ScriptedProvider::from_file(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open scenario " + path);
    return std::make_unique<ScriptedProvider>(nlohmann::json::parse(in));
}

ScriptedProvider::~ScriptedProvider() { stop(); }

std::uint16_t ScriptedProvider::start(std::uint16_t port)
{
    std::signal(SIGPIPE, SIG_IGN); // a client hanging up must be a failed write, not a dead test
    std::lock_guard lock(state_->server_mutex);
    if (state_->server) return state_->port;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port), 64);
    state_->port = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(false);
    params->setMaxThreads(32);
    params->setMaxQueued(64);
    state_->stopping = false;
    state_->pool = std::make_unique<Poco::ThreadPool>(2, 32);
    // The factory holds the state and the state holds the server: stop() breaks that cycle.
    state_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), *state_->pool, socket, params);
    state_->server->start();
    return state_->port;
}

void ScriptedProvider::stop()
{
    std::lock_guard lock(state_->server_mutex);
    if (!state_->server) return;
    state_->stopping = true;
    // Poco's acceptor wakes only every 250 ms to notice a stop; knocking on the port wakes it at
    // once, which keeps a test that starts and stops many servers fast.
    std::atomic<bool> stopped{false};
    std::thread knocker([&, port = state_->port] {
        while (!stopped) {
            try {
                Poco::Net::StreamSocket knock;
                knock.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 100'000));
            } catch (...) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    state_->server->stopAll(true);
    stopped = true;
    knocker.join();
    state_->pool->joinAll();
    state_->server.reset();
    state_->pool.reset();
}

std::uint16_t ScriptedProvider::port() const
{
    std::lock_guard lock(state_->server_mutex);
    return state_->server ? state_->port : 0;
}

std::string ScriptedProvider::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }

void ScriptedProvider::set_scenario(nlohmann::json scenario) { state_->set(std::move(scenario)); }

std::vector<RecordedRequest> ScriptedProvider::requests() const
{
    std::lock_guard lock(state_->mutex);
    return state_->records;
}

void ScriptedProvider::clear_requests()
{
    std::lock_guard lock(state_->mutex);
    state_->records.clear();
}

bool ScriptedProvider::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->records.size() >= count; });
}

bool ScriptedProvider::wait_for_client_close(std::size_t index, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return index < state_->records.size() && state_->records[index].client_closed; });
}

bool ScriptedProvider::wait_for_response_end(std::size_t index, std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] {
        return index < state_->records.size() && (state_->records[index].client_closed || state_->records[index].completed);
    });
}

} // namespace gaggle::testing
