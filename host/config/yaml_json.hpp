#pragma once
// YAML documents as JSON values: config.yaml and secrets.yaml are flat YAML maps whose values the
// API hands out as JSON. Plain scalars become bool/number/null when they read as one (`true`, `3`,
// `~`); quoted scalars stay strings.
#include "common/json.hpp"

#include <yaml-cpp/yaml.h>

namespace gaggle {
Json yaml_to_json(const YAML::Node& node);
}
