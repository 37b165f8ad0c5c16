#pragma once
// One JSON type for the whole host. Ordered, so objects keep the field order they were built or
// parsed in: stored messages round-trip byte for byte and responses read like upstream's.
#include <nlohmann/json.hpp>

namespace gaggle {
using Json = nlohmann::ordered_json;
}
