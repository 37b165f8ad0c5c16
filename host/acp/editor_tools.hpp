#pragma once
// The developer extension's file and shell tools, run through the ACP client when it offers the
// capabilities (an editor): `developer__text_editor` reads and writes through fs/read_text_file and
// fs/write_text_file, so the agent sees and edits the editor's buffers, unsaved changes included;
// `developer__shell` runs in the editor's own terminal (terminal/create, wait_for_exit, output,
// release; terminal/kill on timeout or cancellation), shown in the tool call while it runs.
//
// What the client cannot do stays with the builtin: a directory view, a malformed call (the
// builtin's own checks answer it), an fs command without the capability it needs. Paths are the
// tool's: absolute, or relative to the session's working directory.
#include "acp/client_requests.hpp"
#include "agent/client_tools.hpp"

#include <deque>
#include <mutex>
#include <string>

namespace gaggle::acp {

struct ClientCapabilities {
    bool read_text_file = false;
    bool write_text_file = false;
    bool terminal = false;
};

// What initialize's `clientCapabilities` offers (anything malformed offers nothing).
ClientCapabilities client_capabilities(const Json& initialize_params);

class EditorTools final : public ClientToolRunner {
public:
    EditorTools(ClientRequests& requests, Outbox& out, std::string session_id, ClientCapabilities capabilities);

    // Any tool thread; several may run at once.
    std::optional<Json> run(const ToolContext& context, const std::string& tool_name, const Json& arguments) override;

private:
    std::optional<Json> text_editor(const ToolContext& context, const Json& arguments);
    std::optional<Json> shell(const ToolContext& context, const Json& arguments);
    std::string read(const std::string& path, const ToolContext& context);
    void write(const std::string& path, const std::string& content, const ToolContext& context);
    void remember(const std::string& path, std::string before);

    ClientRequests& requests_;
    Outbox& out_;
    const std::string session_id_;
    const ClientCapabilities capabilities_;
    std::mutex mutex_;
    struct Edit {
        std::string path;
        std::string before;
    };
    std::deque<Edit> undo_; // the session's last edits through the client, newest last (bounded)
};

} // namespace gaggle::acp
