#pragma once
// The seam between the MCP client and a transport: whole JSON-RPC frames out, frames in, and an
// end. Transport plugins sit behind it (plugin_transports.hpp); tests can put a pipe behind it.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace gaggle::mcp {

struct FrameHandler {
    // One inbound frame. Called from a transport thread; calls never overlap for one channel.
    std::function<void(std::string_view frame)> on_frame;
    // The connection ended by itself (process exited, stream closed); at most once, never after
    // the channel's destructor has started. `reason` says why (exit status, last stderr lines).
    std::function<void(const std::string& reason)> on_closed;
};

class FrameChannel {
public:
    virtual ~FrameChannel() = default; // closes; no handler call happens after it returns
    // Sends one frame; throws std::runtime_error when the connection cannot take it.
    virtual void send(const std::string& frame) = 0;
};

using ChannelOpener = std::function<std::unique_ptr<FrameChannel>(FrameHandler handler)>;

} // namespace gaggle::mcp
