#pragma once
// The Jinja subset that recipes are written in. Upstream renders recipes with MiniJinja (Jinja2
// syntax); Debian 12 ships no Jinja engine for C++ (its C++ template libraries are Mustache and
// CTemplate, whose syntax and logic-less model cannot read an upstream recipe's `{% if %}`), so
// this is a small renderer of the part recipes use:
//   {{ expr }}  {% if / elif / else / endif %}  {% for x in xs %} ... {% else %} {% endfor %}
//   {% for k, v in map | items %}  {% set x = expr %}  {% include "file" %}  {% raw %}  {# #}
//   whitespace control ({%- -%} {{- -}}), literals, lists, attribute and index access, and / or /
//   not, comparisons, `in`, `is [not] defined|none|string|number|odd|even`, + - * / // % and ~;
//   `loop.index|index0|first|last|length|revindex`; the MiniJinja filters the recipe docs name
//   (upper lower title capitalize trim indent default|d length|count join replace first last
//   int float string safe escape|e list split lines reverse sort items).
// Undefined variables are an error (MiniJinja's strict mode, as upstream renders), except under
// `is defined` and `default`. A `{{ ... }}` whose inside is not an expression (`{{hf model}}`)
// is left as it is, as upstream does. Everything is bounded: nesting depth, output size, loop
// iterations and include depth, so a hostile recipe cannot exhaust the host.
#include "common/json.hpp"

#include <filesystem>
#include <set>
#include <string>

namespace gaggle::recipe_template {

struct Options {
    // `{% include %}` reads files below this directory only (no absolute paths, no `..`, no
    // symlink out of it); empty refuses every include.
    std::filesystem::path include_dir;
    std::size_t max_output_bytes = 4u * 1024u * 1024u;
};

// Renders `source` with `variables` (a JSON object). Throws invalid_argument naming the line and
// the problem ("line 3: undefined variable `name`").
std::string render(const std::string& source, const Json& variables, const Options& options = {});

// The variables the template reads without defining them itself (for targets, set, `loop` are
// excluded): what the recipe's parameters must declare. Throws invalid_argument on syntax errors.
std::set<std::string> free_variables(const std::string& source, const Options& options = {});

// Whether the text holds template syntax at all (cheap check to skip plain strings).
bool has_template_syntax(const std::string& text);

} // namespace gaggle::recipe_template
