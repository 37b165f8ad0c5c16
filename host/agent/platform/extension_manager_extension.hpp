#pragma once
// The "extensionmanager" platform extension: lets the model see which extensions this deployment
// offers (config.yaml's and the bundled ones), switch them on or off for its own session, and
// list and read the resources of the session's MCP extensions. It only switches on extensions an
// operator configured or Gaggle ships: the model cannot make up a command to run, and the
// allowlist (GOOSE_ALLOWLIST) applies as it does to /agent/add_extension.
// Tools: extensionmanager__search_available_extensions, extensionmanager__manage_extensions
// {action: enable|disable, extension_name}, extensionmanager__list_resources {extension_name?},
// extensionmanager__read_resource {uri, extension_name?}.
#include "agent/platform/platform_extensions.hpp"

namespace gaggle {

class ExtensionManagerExtension final : public ToolSource {
public:
    explicit ExtensionManagerExtension(const PlatformHost& host) : host_(host) {}

    const std::string& extension_name() const override;
    std::vector<ToolSpec> list_tools() override;
    Json call_tool(const ToolContext& context, const std::string& tool, const Json& arguments) override;

private:
    Json search_available(const ToolContext& ctx);
    Json manage(const ToolContext& ctx, const Json& arguments);
    Json list_resources(const ToolContext& ctx, const Json& arguments);
    Json read_resource(const ToolContext& ctx, const Json& arguments);

    PlatformHost host_;
};

} // namespace gaggle
