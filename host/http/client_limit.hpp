#pragma once
// A cap on the connections one client address holds at once: HTTP connections and the event
// streams handed off from them alike. One client cannot take every file descriptor or worker of
// the server; over the cap its new connection is answered 429 and closed.
#include <cstddef>
#include <memory>
#include <string>

namespace gaggle {

class ClientLimit {
public:
    explicit ClientLimit(std::size_t per_client);

    // A slot for one connection from `address`, released when its last copy is destroyed (it may
    // outlive the connection, travelling with a handed-off stream, and this object). Null when the
    // address already holds `per_client` slots.
    std::shared_ptr<void> acquire(const std::string& address);
    std::size_t per_client() const noexcept;

private:
    struct Counts;
    std::shared_ptr<Counts> counts_;
};

} // namespace gaggle
