#include "agent/platform/platform_extensions.hpp"

#include "agent/platform/chatrecall_extension.hpp"
#include "agent/platform/extension_manager_extension.hpp"
#include "agent/platform/summon_extension.hpp"
#include "agent/platform/todo_extension.hpp"

namespace gaggle {

std::shared_ptr<ToolSource> make_platform_extension(const std::string& key, const PlatformHost& host)
{
    if (key == "todo") return std::make_shared<TodoExtension>();
    if (key == "chatrecall") return std::make_shared<ChatRecallExtension>();
    if (key == "extensionmanager") return std::make_shared<ExtensionManagerExtension>(host);
    if (key == "summon") return std::make_shared<SummonExtension>(host);
    return nullptr;
}

} // namespace gaggle
