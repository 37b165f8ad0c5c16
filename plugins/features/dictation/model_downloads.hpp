#pragma once
// Downloads of local speech models from a configurable base URL, in the background, with goose's
// progress shape (bytes, percent, speed, ETA), cancellation, SHA-256 verification and resume.
//
// A model `id` is published as <base>/<id>/manifest.json:
//   {"files": [{"path": "en-us/mdef", "size": 2959176, "sha256": "<64 hex>"}, ...]}
// and each file at <base>/<id>/<path>. Files land in <folder>/models/<id>.partial/ and the folder
// is renamed to <folder>/models/<id> once every file matches its checksum. A cancelled or failed
// download keeps what it verified or received, and the next POST resumes with a Range request.
#include "local_models.hpp"

#include <gaggle/cpp/plugin.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace gaggle::dictation {

struct DownloadJob;

class ModelDownloads {
public:
    ModelDownloads(sdk::Host host, const LocalModels& models, std::string base_url);
    ~ModelDownloads(); // cancels and joins every download
    ModelDownloads(const ModelDownloads&) = delete;
    ModelDownloads& operator=(const ModelDownloads&) = delete;

    // Starts downloading `id` on a background thread. Throws DictationError(400) for an unknown
    // model, a download already running, or no base URL configured.
    void start(const std::string& id);
    // goose's DownloadProgress for the latest download of `id`; nullopt when there was none.
    std::optional<nlohmann::json> progress(const std::string& id) const;
    // Cancels a running download; false when none is running.
    bool cancel(const std::string& id);
    // Removes a downloaded model from the plugin's folder; false when it has none (a model the
    // system installed is not the plugin's to delete). Throws DictationError(400) while it downloads.
    bool remove(const std::string& id);

private:
    sdk::Host host_;
    const LocalModels& models_;
    std::string base_url_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<DownloadJob>> jobs_;
};

} // namespace gaggle::dictation
