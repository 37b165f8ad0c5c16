#include "agent/tool_source.hpp"

#include <algorithm>

namespace gaggle {
namespace {

std::pair<std::string, std::string> split_name(const std::string& prefixed)
{
    const auto at = prefixed.find("__");
    if (at == std::string::npos) return {"", prefixed};
    return {prefixed.substr(0, at), prefixed.substr(at + 2)};
}

} // namespace

void ToolSet::add(std::shared_ptr<ToolSource> source)
{
    std::lock_guard lock(mutex_);
    sources_.push_back(std::move(source));
}

std::shared_ptr<ToolSource> ToolSet::remove(const std::string& extension_name)
{
    std::lock_guard lock(mutex_);
    for (auto it = sources_.begin(); it != sources_.end(); ++it)
        if ((*it)->extension_name() == extension_name) {
            auto found = *it;
            sources_.erase(it);
            return found;
        }
    return nullptr;
}

std::vector<std::shared_ptr<ToolSource>> ToolSet::sources() const
{
    std::lock_guard lock(mutex_);
    return sources_;
}

bool ToolSet::empty() const
{
    std::lock_guard lock(mutex_);
    return sources_.empty();
}

Json ToolSet::provider_tools() const
{
    Json tools = Json::array();
    for (const auto& source : sources())
        for (const auto& t : source->list_tools())
            tools.push_back(Json{{"name", source->extension_name() + "__" + t.name},
                                 {"description", t.description},
                                 {"inputSchema", t.input_schema}});
    std::sort(tools.begin(), tools.end(), [](const Json& a, const Json& b) { return a["name"] < b["name"]; });
    return tools;
}

std::optional<ToolSpec> ToolSet::find(const std::string& prefixed_name) const
{
    auto [ext, tool] = split_name(prefixed_name);
    for (const auto& source : sources()) {
        if (source->extension_name() != ext) continue;
        for (auto& t : source->list_tools())
            if (t.name == tool) return t;
    }
    return std::nullopt;
}

Json ToolSet::call(const ToolContext& context, const std::string& prefixed_name, const Json& arguments) const
{
    auto [ext, tool] = split_name(prefixed_name);
    for (const auto& source : sources())
        if (source->extension_name() == ext) return source->call_tool(context, tool, arguments);
    return Json{{"content", Json::array({Json{{"type", "text"}, {"text", "Tool " + prefixed_name + " not found"}}})},
                {"isError", true}};
}

} // namespace gaggle
