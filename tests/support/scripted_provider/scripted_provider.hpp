#pragma once
// A scripted LLM provider server for tests and benchmarks: it answers with the real wire formats
// of OpenAI, Anthropic and Ollama, played from a scenario (tests/fixtures/providers/README.md),
// and records every request it received and whether the client hung up mid-stream.
//
//   gaggle::testing::ScriptedProvider server(scenario_json);
//   const uint16_t port = server.start();          // 127.0.0.1, ephemeral port
//   ... point a provider at server.base_url() ...
//   CHECK(server.requests().at(0).json()["stream"] == true);
//
// Out-of-process users (the `scripted_provider` executable) get the same through HTTP:
// GET /_scripted/requests, POST /_scripted/scenario (replace the scenario), POST /_scripted/reset.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gaggle::testing {

struct RecordedRequest {
    std::string method, path, query, body;
    std::vector<std::pair<std::string, std::string>> headers;
    int response_index = -1;    // which scenario response answered it (-1: none left)
    bool client_closed = false; // the client closed the connection before the response ended
    bool completed = false;     // every frame of the response was written

    std::string header(std::string_view name) const; // "" when absent; case-insensitive
    nlohmann::json json() const;                      // the body parsed (null when not JSON)
    nlohmann::json to_json() const;                   // everything, for /_scripted/requests
};

class ScriptedProvider {
public:
    // `scenario` is {"responses":[...]} or just the array of responses.
    explicit ScriptedProvider(nlohmann::json scenario = nlohmann::json::array());
    static std::unique_ptr<ScriptedProvider> from_file(const std::string& path);
    ~ScriptedProvider();
    ScriptedProvider(const ScriptedProvider&) = delete;
    ScriptedProvider& operator=(const ScriptedProvider&) = delete;

    // Listen on 127.0.0.1:`port` (0: ephemeral); returns the port. Throws on failure.
    std::uint16_t start(std::uint16_t port = 0);
    // Stop listening and abort responses in flight. Idempotent; the destructor calls it.
    void stop();

    std::uint16_t port() const;
    std::string base_url() const; // "http://127.0.0.1:<port>"

    // Replace the scenario; responses not yet served are forgotten.
    void set_scenario(nlohmann::json scenario);
    std::vector<RecordedRequest> requests() const;
    void clear_requests();
    // Wait until at least `count` requests arrived.
    bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;
    // Wait until request `index` is known to have been abandoned by the client mid-stream.
    bool wait_for_client_close(std::size_t index, std::chrono::milliseconds timeout) const;
    // Wait until request `index` is finished one way or the other (written fully, or closed).
    bool wait_for_response_end(std::size_t index, std::chrono::milliseconds timeout) const;

    struct State;

private:
    std::shared_ptr<State> state_;
};

} // namespace gaggle::testing
