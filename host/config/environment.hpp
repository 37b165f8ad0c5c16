#pragma once
// Reading the process environment through one function, so config precedence can be tested with
// a map instead of mutating the real environment.
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace gaggle {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup process_environment();
EnvLookup environment_from(std::map<std::string, std::string> values);

} // namespace gaggle
