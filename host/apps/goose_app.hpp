#pragma once
// A Goose App: an MCP App resource (a `ui://` HTML page) with what the desktop needs to open it
// in a window of its own, as upstream's GooseApp serializes it (camelCase, flattened):
//   {uri, name, description?, mimeType, text, mcpServers?, width?, height?, resizable?, prd?}
// An app travels as one HTML file: its metadata in a <script type="application/ld+json"> block
// ({"@context": "urn:goose.ai:schema", "@type": "GooseApp", name, description, width, height,
// resizable, mcpServers}) and its product description in <script type="application/x-goose-prd">.
#include "common/json.hpp"

#include <string>

namespace gaggle {

inline constexpr const char* mcp_app_mime_type = "text/html;profile=mcp-app";

// Reads an exported app. Throws invalid_argument naming what is missing or malformed (no
// metadata block, metadata that is not a JSON object, no `name`, a name that cannot be an id).
Json app_from_html(const std::string& html);

// The app as one HTML file that app_from_html reads back: the metadata (and prd) go into <head>.
std::string app_to_html(const Json& app);

} // namespace gaggle
