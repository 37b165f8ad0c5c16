#pragma once
// The OpenAPI document this server publishes: upstream goosed's 1.24 document (the contract the
// desktop's client is generated from) cut down to the routes the router really serves, plus
// Gaggle's own routes, with only the schemas those routes reach. Built from the live router, so
// it cannot drift from what is served.
#include "common/json.hpp"
#include "http/router.hpp"

namespace gaggle {

Json build_openapi_document(const Router& router);

// Normalises a template so "/sessions/{id}" and "/sessions/{session_id}" compare equal.
std::string template_shape(const std::string& path_template);

} // namespace gaggle
