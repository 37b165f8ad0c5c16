#pragma once
// The speech models the `local` backend can use: PocketSphinx model folders (an acoustic model
// directory holding `mdef`, a language model `*.lm.bin`/`*.lm`, a pronunciation `*.dict`), found in
// the plugin's model folder or where Debian's pocketsphinx-en-us installs them.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gaggle::dictation {

struct ModelFiles {
    std::filesystem::path acoustic;  // directory with mdef, means, variances, ...
    std::filesystem::path language;  // n-gram language model
    std::filesystem::path dictionary;
};

struct ModelInfo {
    std::string id;
    std::string description;
    int size_mb = 0;
    bool recommended = false;
};

class LocalModels {
public:
    // folder: the plugin's model folder; system_folder: where the distribution installs models
    // (one subfolder per id, e.g. /usr/share/pocketsphinx/model/en-us).
    LocalModels(std::filesystem::path folder, std::filesystem::path system_folder);

    // The catalogue, in display order.
    const std::vector<ModelInfo>& catalogue() const { return catalogue_; }
    const ModelInfo* find(const std::string& id) const;

    // The files of model `id` when it is present and complete; the plugin's folder wins over the
    // system one.
    std::optional<ModelFiles> locate(const std::string& id) const;

    // GET /dictation/models: WhisperModelResponse objects (id, size_mb, url, description,
    // downloaded, recommended). url is where a download would fetch the model from.
    nlohmann::json listing(const std::string& base_url) const;

    const std::filesystem::path& folder() const { return folder_; }

private:
    std::filesystem::path folder_, system_folder_;
    std::vector<ModelInfo> catalogue_;
};

// The files of a PocketSphinx model folder, or nullopt when one of the three is missing.
std::optional<ModelFiles> model_files_in(const std::filesystem::path& dir);

} // namespace gaggle::dictation
