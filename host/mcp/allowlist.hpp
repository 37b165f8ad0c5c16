#pragma once
// GOOSE_ALLOWLIST: when set, the stdio commands an extension may run. The value names a YAML file,
// or an http(s) URL serving one (fetched again at most once a minute; one that cannot be fetched
// or read allows nothing),
//   extensions:
//     - id: everything
//       command: npx -y @modelcontextprotocol/server-everything
// and a command line is allowed only when it equals a listed command exactly (words compared after
// collapsing whitespace; the program may be given by path or by name). Extra arguments are not
// allowed past the listed ones, so nothing can be injected. Unset: everything is allowed.
#include <optional>
#include <string>
#include <vector>

namespace gaggle::mcp {

// nullopt when `cmd args...` may run; else the reason, for a 403 message.
std::optional<std::string> allowlist_refusal(const std::optional<std::string>& allowlist, const std::string& cmd,
                                             const std::vector<std::string>& args);

} // namespace gaggle::mcp
