#pragma once
// A secret that exists for one plugin call on one thread: the API key a client offers to
// POST /config/detect-provider is never stored, yet a 1.1 provider must not receive it inside the
// request JSON. The host names it in the request (connection.api_key_secret), holds it here for the
// call, and gaggle.host.config/1's get_secret answers it on the calling thread until the scope ends.
#include <optional>
#include <string>

namespace gaggle {

// The name a call-scoped API key goes by; no configuration key can have it (lower case, dots).
inline constexpr const char* call_api_key_secret = "gaggle.call.api_key";

class ScopedCallSecret {
public:
    ScopedCallSecret(std::string name, std::string value);
    ~ScopedCallSecret();
    ScopedCallSecret(const ScopedCallSecret&) = delete;
    ScopedCallSecret& operator=(const ScopedCallSecret&) = delete;

private:
    ScopedCallSecret* outer_; // an enclosing scope on this thread, restored at the end
    std::string name_, value_;
    friend std::optional<std::string> call_secret(const std::string& name);
};

// The value of a call-scoped secret held by this thread, innermost scope first.
std::optional<std::string> call_secret(const std::string& name);

} // namespace gaggle
