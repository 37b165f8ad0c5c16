#pragma once
// Checks an interface table a plugin returned before the host calls through it: present, large
// enough for its 1.0 layout, and every required slot set. Returns the problem, or "" when sound.
#include <cstddef>
#include <string>

namespace gaggle {
std::string check_interface(const std::string& interface_id, const void* table);
}

// True when `table` (a struct starting with struct_size) is large enough to hold `member`, and the
// member is set: the one way the host reads a slot added after 1.0.
#define GAGGLE_HAS_SLOT(table, type, member)                                                         \
    ((table) && (table)->struct_size >= offsetof(type, member) + sizeof(type::member) && \
     (table)->member)
