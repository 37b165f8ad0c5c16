#include "local_models.hpp"

namespace gaggle::dictation {
namespace fs = std::filesystem;

std::optional<ModelFiles> model_files_in(const fs::path& dir)
{
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return std::nullopt;
    ModelFiles files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const fs::path& p = entry.path();
        const std::string name = p.filename().string();
        auto ends_with = [&](const std::string& suffix) {
            return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (entry.is_directory(ec) && fs::exists(p / "mdef", ec)) files.acoustic = p;
        // A phonetic LM ("*-phone.lm.bin") recognises phones, not words: never the word model.
        else if ((ends_with(".lm.bin") || ends_with(".lm")) && name.find("-phone.") == std::string::npos)
            files.language = p;
        else if (ends_with(".dict")) files.dictionary = p;
    }
    if (files.acoustic.empty() || files.language.empty() || files.dictionary.empty()) return std::nullopt;
    return files;
}

LocalModels::LocalModels(fs::path folder, fs::path system_folder)
    : folder_(std::move(folder)), system_folder_(std::move(system_folder))
{
    catalogue_.push_back({"en-us",
                          "CMU Sphinx US English: continuous acoustic model, 130k-word general language model "
                          "(PocketSphinx; Debian pocketsphinx-en-us). Offline, about real time on one core.",
                          37, true});
}

const ModelInfo* LocalModels::find(const std::string& id) const
{
    for (auto& m : catalogue_)
        if (m.id == id) return &m;
    return nullptr;
}

std::optional<ModelFiles> LocalModels::locate(const std::string& id) const
{
    if (!find(id)) return std::nullopt;
    if (auto own = model_files_in(folder_ / "models" / id)) return own;
    return model_files_in(system_folder_ / id);
}

nlohmann::json LocalModels::listing(const std::string& base_url) const
{
    nlohmann::json out = nlohmann::json::array();
    for (auto& m : catalogue_) {
        out.push_back({{"id", m.id},
                       {"size_mb", m.size_mb},
                       {"url", base_url.empty() ? std::string() : base_url + "/" + m.id + "/manifest.json"},
                       {"description", m.description},
                       {"downloaded", locate(m.id).has_value()},
                       {"recommended", m.recommended}});
    }
    return out;
}

} // namespace gaggle::dictation
