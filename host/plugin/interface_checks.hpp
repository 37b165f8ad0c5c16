#pragma once
// Checks an interface table a plugin returned before the host calls through it: present, large
// enough for its 1.0 layout, and every required slot set. Returns the problem, or "" when sound.
#include <string>

namespace gaggle {
std::string check_interface(const std::string& interface_id, const void* table);
}
