#pragma once
// Where an ACP connection's outgoing messages go. The stdio transport writes lines to stdout; an
// HTTP transport would queue them for its stream. Implementations are thread-safe: turn threads
// send updates while the reader answers requests.
#include "common/json.hpp"

namespace gaggle::acp {

class Outbox {
public:
    virtual ~Outbox() = default;
    // Sends one JSON-RPC message. A transport that is gone drops it silently: a turn winding down
    // after its client left must not fail for that.
    virtual void send(const Json& message) = 0;
};

} // namespace gaggle::acp
