#include "plugin/call_secret.hpp"

namespace gaggle {
namespace {
thread_local ScopedCallSecret* innermost = nullptr;
} // namespace

ScopedCallSecret::ScopedCallSecret(std::string name, std::string value)
    : outer_(innermost), name_(std::move(name)), value_(std::move(value))
{
    innermost = this;
}

ScopedCallSecret::~ScopedCallSecret()
{
    innermost = outer_;
}

std::optional<std::string> call_secret(const std::string& name)
{
    for (const ScopedCallSecret* s = innermost; s; s = s->outer_)
        if (s->name_ == name) return s->value_;
    return std::nullopt;
}

} // namespace gaggle
