#pragma once
// Editing one top-level key of a YAML map as text, so everything else in the file (comments, key
// order, formatting of other keys) stays byte for byte. yaml-cpp would drop comments if the whole
// file went through it, so the config writer uses these and checks the result parses to what it
// meant (see ConfigFile::commit).
#include "common/json.hpp"

#include <string>

namespace gaggle {

// `key: value` as YAML (a block under the key for maps and lists), ending in a newline. Strings
// that would read back as another type (`"true"`, `"3"`, `""`) are quoted. Throws
// invalid_argument when the value nests deeper than 64 levels.
std::string yaml_entry(const std::string& key, const Json& value);

// The whole map as YAML, keys in their JSON order.
std::string yaml_document(const Json& map);

// `text` with the top-level entry `key` replaced by yaml_entry(key, value), or appended when the
// file has no such key. Comment lines at column 0 around the entry are kept.
std::string yaml_set_top_level(const std::string& text, const std::string& key, const Json& value);

// `text` without the top-level entry `key` (unchanged when there is none).
std::string yaml_remove_top_level(const std::string& text, const std::string& key);

} // namespace gaggle
