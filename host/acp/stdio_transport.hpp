#pragma once
// `gaggle acp`: ACP over stdio for editors (Zed and the like spawn the agent and talk to it on
// its stdin/stdout), newline-delimited JSON-RPC 2.0, one client per process.
#include "config/server_settings.hpp"

namespace gaggle::acp {

// Serves until stdin closes; returns the exit code. stdout carries JSON-RPC only: anything else
// the process might print goes to stderr.
int run_stdio(const CommandLineOverrides& flags);

} // namespace gaggle::acp
