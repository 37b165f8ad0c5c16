#include "agent/platform/platform_extensions.hpp"

#include "agent/platform/chatrecall_extension.hpp"

namespace gaggle {

std::shared_ptr<ToolSource> make_platform_extension(const std::string& key)
{
    if (key == "chatrecall") return std::make_shared<ChatRecallExtension>();
    return nullptr;
}

} // namespace gaggle
