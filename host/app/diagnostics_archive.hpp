#pragma once
// The bug-report bundle of GET /diagnostics/{session_id}: a zip a user can attach to an issue.
// It holds
//   session.json  the session with its conversation, as /sessions/{id}/export gives it;
//   system.json   GET /system_info's answer;
//   config.json   config.yaml's settings, with every value that may hold a credential replaced
//                 by "[redacted]" (keys naming a key, token, secret, password or auth, and every
//                 extension's envs and headers);
//   logs/...      the server's log files, the newest 2 MiB of each; only for the holder of the
//                 server's own secret (the operator), since the logs speak of every user.
// Secrets (the keyring, secrets.yaml) are never read for it.
#include "app/app_context.hpp"

#include <string>

namespace gaggle {

// [blocking] The zip's bytes. not_found for a session `owner` cannot see.
// `with_logs`: whether the logs go in (the caller decides who may read them).
std::string diagnostics_zip(const AppContext& app, const std::string& owner, const std::string& session_id, bool with_logs);

// `values` with the credential-like entries replaced (config.json above). Nesting deeper than
// 32 levels is replaced too, so no input recurses without bound.
Json redacted_config(const Json& values);

} // namespace gaggle
