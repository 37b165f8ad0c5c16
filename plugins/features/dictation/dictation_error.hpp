#pragma once
// A failure the client should see with a specific HTTP status and {"message": ...}. Thrown inside
// the plugin only; the route handler turns it into a response, so nothing crosses the ABI.
#include <stdexcept>
#include <string>

namespace gaggle::dictation {

class DictationError : public std::runtime_error {
public:
    DictationError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

} // namespace gaggle::dictation
