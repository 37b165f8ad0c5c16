#pragma once
// goose's `_goose/dictation/*` ACP methods, answered by the dictation feature plugin's own REST
// routes (FeatureHost::call), so ACP and REST transcribe, configure and manage local models alike:
//
//   _goose/dictation/transcribe {audio, mimeType, provider}  POST /dictation/transcribe  -> {text}
//   _goose/dictation/config {}                               GET /dictation/config       -> {providers}
//   _goose/dictation/models/list {}                          GET /dictation/models       -> {models}
//   _goose/dictation/models/download {modelId}               POST /dictation/models/{id}/download
//   _goose/dictation/models/download/progress {modelId}      GET that                    -> {progress|null}
//   _goose/dictation/models/cancel {modelId}                 DELETE that
//   _goose/dictation/models/delete {modelId}                 DELETE /dictation/models/{id}
//   _goose/dictation/secret/save {provider, value}           the provider's own API key secret (elevenlabs)
//   _goose/dictation/model/select {provider, modelId}        the local model (LOCAL_WHISPER_MODEL)
//
// Fields are goose's SDK's (camelCase). The route's refusal becomes -32602 with its message (an
// unknown model -32002), its failure -32603; without the dictation plugin every method is -32603.
#include "app/app_context.hpp"
#include "common/json.hpp"

#include <optional>
#include <string>

namespace gaggle::acp {

// Any thread; blocks while the plugin works (a transcription). nullopt when `method` is not one
// of these.
std::optional<Json> call_dictation_method(AppContext& app, const std::string& owner, const std::string& method, const Json& params);

} // namespace gaggle::acp
