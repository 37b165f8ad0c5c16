#pragma once
// Helpers for the tests of the builtin MCP servers (extensions/): a scratch folder, and an
// in-process server served over pipes with a JSON-RPC client end.
#include "../support/jsonrpc_lines.hpp"
#include "../support/process_groups.hpp"
#include "common/mcp_server.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <unistd.h>

namespace gaggle::test::ext {

class ScratchDir {
public:
    ScratchDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "gaggle-ext-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = std::filesystem::canonical(pattern);
    }
    ~ScratchDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& rel, const std::string& text) const
    {
        auto p = path_ / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

private:
    std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Serves `server` on a thread over two pipes; the destructor closes the client's end (end of
// input for the server) and joins.
class PipedServer {
public:
    explicit PipedServer(mcp_server::Server& server)
    {
        if (::pipe(to_server_) != 0 || ::pipe(from_server_) != 0) throw std::runtime_error("pipe failed");
        thread_ = std::thread([&server, this] {
            server.serve(to_server_[0], from_server_[1], std::chrono::milliseconds(0));
            ::close(from_server_[1]);
        });
        client = JsonRpcLines(to_server_[1], from_server_[0]);
    }
    ~PipedServer()
    {
        ::close(to_server_[1]);
        thread_.join();
        ::close(to_server_[0]);
        ::close(from_server_[0]);
    }
    nlohmann::json initialize(const std::string& version = "2025-06-18", nlohmann::json caps = nlohmann::json::object())
    {
        client.request(0, "initialize", {{"protocolVersion", version}, {"capabilities", caps}, {"clientInfo", {{"name", "unit"}, {"version", "1"}}}});
        auto r = client.response(0);
        client.notify("notifications/initialized");
        return r ? *r : nlohmann::json();
    }
    // tools/call and its answer's result (null when no answer came).
    nlohmann::json call(int id, const std::string& tool, nlohmann::json args)
    {
        client.request(id, "tools/call", {{"name", tool}, {"arguments", std::move(args)}});
        auto r = client.response(id);
        return r && r->contains("result") ? (*r)["result"] : nlohmann::json();
    }

    JsonRpcLines client;

private:
    int to_server_[2] = {-1, -1}, from_server_[2] = {-1, -1};
    std::thread thread_;
};

inline std::string text_of(const nlohmann::json& result)
{
    std::string out;
    if (result.is_object() && result.contains("content"))
        for (const auto& c : result["content"]) out += c.value("text", "");
    return out;
}

} // namespace gaggle::test::ext
