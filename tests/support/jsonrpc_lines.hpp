#pragma once
// A JSON-RPC client end over two file descriptors, newline-delimited as MCP stdio is: what the
// tests use to drive an MCP server (in-process over pipes, or a spawned `gaggle mcp NAME`).
// Header-only so both test binaries can use it.
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace gaggle::test {

class JsonRpcLines {
public:
    JsonRpcLines() = default;
    JsonRpcLines(int write_fd, int read_fd) : write_fd_(write_fd), read_fd_(read_fd) {}

    void send_raw(const std::string& line)
    {
        std::string data = line + "\n";
        size_t off = 0;
        while (off < data.size()) {
            ssize_t n = ::write(write_fd_, data.data() + off, data.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            off += static_cast<size_t>(n);
        }
    }
    void send(const nlohmann::json& frame) { send_raw(frame.dump()); }
    void request(const nlohmann::json& id, const std::string& method, nlohmann::json params = nlohmann::json::object())
    {
        send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    }
    void notify(const std::string& method, nlohmann::json params = nlohmann::json::object())
    {
        send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }

    // The next frame, or nullopt when none came within `wait` (or the other end closed).
    std::optional<nlohmann::json> next(std::chrono::milliseconds wait = std::chrono::seconds(20))
    {
        const auto until = std::chrono::steady_clock::now() + wait;
        for (;;) {
            if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return nlohmann::json::parse(line);
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
            if (left <= 0) return std::nullopt;
            pollfd p{read_fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
            char chunk[65536];
            ssize_t n = ::read(read_fd_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;
            buffer_.append(chunk, static_cast<size_t>(n));
        }
    }

    // The answer to request `id`; notifications and server requests met on the way are kept.
    std::optional<nlohmann::json> response(const nlohmann::json& id, std::chrono::milliseconds wait = std::chrono::seconds(20))
    {
        const auto until = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < until) {
            auto frame = next(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
            if (!frame) return std::nullopt;
            if (frame->contains("id") && !frame->contains("method") && (*frame)["id"] == id) return frame;
            seen.push_back(std::move(*frame));
        }
        return std::nullopt;
    }

    std::vector<nlohmann::json> seen; // frames read that were not the awaited answer

private:
    int write_fd_ = -1, read_fd_ = -1;
    std::string buffer_;
};

} // namespace gaggle::test
