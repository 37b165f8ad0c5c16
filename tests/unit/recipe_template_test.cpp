// The recipe template renderer (the Jinja subset upstream recipes use) and parameter rendering.
#include "common/error.hpp"
#include "recipe/render.hpp"
#include "recipe/template.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace gaggle;
namespace tpl = gaggle::recipe_template;

namespace {

std::string rendered(const std::string& source, const Json& vars = Json::object(), const tpl::Options& o = {})
{
    return tpl::render(source, vars, o);
}

std::string error_of(const std::string& source, const Json& vars = Json::object(), const tpl::Options& o = {})
{
    try {
        tpl::render(source, vars, o);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

const std::filesystem::path fixtures = std::filesystem::path(GAGGLE_TEST_FIXTURES_DIR) / "recipes";

} // namespace

TEST_CASE("template: variables, literals and expressions")
{
    CHECK(rendered("Hello {{ name }}!", {{"name", "World"}}) == "Hello World!");
    CHECK(rendered("Hello {{name}}{{ empty }}!", {{"name", "A"}, {"empty", ""}}) == "Hello A!");
    CHECK(rendered("no template here") == "no template here");
    CHECK(rendered("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 % 4 }} {{ 1 / 2 }} {{ -3 }}") == "7 3 3 0.5 -3");
    CHECK(rendered("{{ 'a' ~ 1 ~ true }}") == "a1true");
    CHECK(rendered("{{ user.name }} {{ user['city'] }} {{ xs[1] }} {{ xs[-1] }}",
                 {{"user", {{"name", "Ada"}, {"city", "Oslo"}}}, {"xs", {1, 2, 3}}}) == "Ada Oslo 2 3");
    CHECK(rendered("{{ [1, 'two'] | join('-') }} {{ none }} {{ 2.0 }}") == "1-two none 2.0");
    CHECK(rendered("{{ 'b' in 'abc' }} {{ 3 in [1, 2] }} {{ 'k' in m }} {{ 'x' not in 'abc' }}", {{"m", {{"k", 1}}}}) ==
          "true false true true");
}

TEST_CASE("template: conditionals")
{
    const std::string t = "{% if role == 'lead' %}plan{% elif role in ['dev', 'ops'] %}build{% else %}watch{% endif %}";
    CHECK(rendered(t, {{"role", "lead"}}) == "plan");
    CHECK(rendered(t, {{"role", "ops"}}) == "build");
    CHECK(rendered(t, {{"role", "x"}}) == "watch");
    CHECK(rendered("{% if a and not b or c %}y{% endif %}", {{"a", true}, {"b", false}, {"c", false}}) == "y");
    CHECK(rendered("{% if n > 2 and n <= 5 %}mid{% endif %}", {{"n", 4}}) == "mid");
    CHECK(rendered("{% if x is defined %}d{% else %}u{% endif %}{% if y is not none %}!{% endif %}", {{"y", 1}}) == "u!");
    CHECK(rendered("{% if n is odd %}odd{% endif %}", {{"n", 3}}) == "odd");
    // Upstream's own validation fixture: a membership test against a list of long names.
    const std::string role = R"({% if user_role in ["Director, Account Management", "Senior Director, Account Management"] %}strategic{% else %}basic{% endif %})";
    CHECK(rendered(role, {{"user_role", "Director, Account Management"}}) == "strategic");
    CHECK(rendered(role, {{"user_role", "Analyst"}}) == "basic");
}

TEST_CASE("template: loops, loop variables, set and whitespace control")
{
    CHECK(rendered("{% for x in xs %}{{ loop.index }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", {{"xs", {"a", "b", "c"}}}) ==
          "1:a,2:b,3:c");
    CHECK(rendered("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", {{"xs", Json::array()}}) == "empty");
    CHECK(rendered("{% for k, v in m | items %}{{ k }}={{ v }};{% endfor %}", {{"m", {{"a", 1}, {"b", 2}}}}) == "a=1;b=2;");
    CHECK(rendered("{% for k in m %}{{ k }}{% endfor %}", {{"m", {{"a", 1}, {"b", 2}}}}) == "ab");
    CHECK(rendered("{% set greeting = 'hi ' ~ name %}{{ greeting }}", {{"name", "Bo"}}) == "hi Bo");
    CHECK(rendered("a\n  {%- if true -%}\n  b\n  {%- endif %}\nc") == "ab\nc");
    CHECK(rendered("{{- ' x ' -}}  y") == " x y");
    CHECK(rendered("x{# a comment #}y") == "xy");
    CHECK(rendered("{% raw %}{{ not rendered }}{% endraw %}") == "{{ not rendered }}");
}

TEST_CASE("template: the filters the recipe docs use")
{
    CHECK(rendered("{{ d | indent(2) }}", {{"d", "line one\nline two"}}) == "line one\n  line two");
    CHECK(rendered("{{ d | indent(2, true) }}", {{"d", "a\nb"}}) == "  a\n  b");
    CHECK(rendered("{{ s | upper }} / {{ s | trim }}", {{"s", "  hi  "}}) == "  HI   / hi");
    CHECK(rendered("{{ s | lower }} {{ s | title }} {{ 'hELLO' | capitalize }}", {{"s", "hello wORLD"}}) == "hello world Hello World Hello");
    CHECK(rendered("{{ missing | default('none given') }} {{ '' | d('x', true) }}") == "none given x");
    CHECK(rendered("{{ xs | length }} {{ 'héllo' | length }} {{ xs | first }} {{ xs | last }}", {{"xs", {3, 1, 2}}}) == "3 5 3 2");
    CHECK(rendered("{{ xs | sort | join(',') }} {{ xs | reverse | join }}", {{"xs", {3, 1, 2}}}) == "1,2,3 213");
    CHECK(rendered("{{ 'a-b-c' | replace('-', '+') }} {{ 'a,b' | split(',') | join(' ') }} {{ ' x  y ' | split | length }}") == "a+b+c a b 2");
    CHECK(rendered("{{ '42' | int + 1 }} {{ 'x' | int }} {{ '2.5' | float }} {{ 5 | string ~ '!' }}") == "43 0 2.5 5!");
    CHECK(rendered("{{ '<a & b>' | e }} {{ '<b>' | safe }}") == "&lt;a &amp; b&gt; <b>");
    CHECK(rendered("{{ 'l1\nl2' | lines | length }}") == "2");
}

TEST_CASE("template: errors name the line and the problem")
{
    CHECK(error_of("Hello {{ missing }}!") == "template error at line 1: undefined variable `missing`");
    CHECK(error_of("a\nb\n{% if missing %}x{% endif %}") == "template error at line 3: undefined variable `missing`");
    CHECK(error_of("Hello {{ unclosed").find("unexpected end of input") != std::string::npos);
    CHECK(error_of("{% if x %}never closed", {{"x", true}}).find("`{% if %}` is never closed") != std::string::npos);
    CHECK(error_of("{% for x in xs %}").find("never closed") != std::string::npos);
    CHECK(error_of("{% frobnicate %}").find("unknown tag `frobnicate`") != std::string::npos);
    CHECK(error_of("{{ x | nosuch }}", {{"x", 1}}).find("unknown filter `nosuch`") != std::string::npos);
    CHECK(error_of("{{ 1 / 0 }}").find("division by zero") != std::string::npos);
    CHECK(error_of("{% endif %}").find("unexpected `{% endif %}`") != std::string::npos);
    CHECK(error_of("{{ user.age }}", {{"user", Json::object()}}) == "template error at line 1: undefined variable `user.age`");
}

TEST_CASE("template: text that only looks like a variable is left as written, as upstream does")
{
    CHECK(rendered("Hello {{hf model org}}_{{hf model name}}!") == "Hello {{hf model org}}_{{hf model name}}!");
    CHECK(rendered("{{valid_var}} and {{invalid var}}", {{"valid_var", "Hello"}}) == "Hello and {{invalid var}}");
}

TEST_CASE("template: free variables are what the parameters must declare")
{
    CHECK(tpl::free_variables("{{ a }} {% if b %}{{ c | default(d) }}{% endif %}") == std::set<std::string>{"a", "b", "c", "d"});
    CHECK(tpl::free_variables("{% for x in xs %}{{ x }}{{ loop.index }}{% endfor %}{% set y = 1 %}{{ y }}") == std::set<std::string>{"xs"});
    CHECK(tpl::free_variables("plain").empty());
}

TEST_CASE("template: hostile input is bounded")
{
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += "{% if true %}";
    CHECK(error_of(deep).find("nested too deeply") != std::string::npos);
    std::string parens(500, '(');
    CHECK(error_of("{% if " + parens + "1 %}{% endif %}").find("nested too deeply") != std::string::npos);
    CHECK(rendered("{{ " + parens + "1 }}") == "{{ " + parens + "1 }}"); // not an expression: left as written
    // 1,000 x 1,000 iterations stop at the iteration bound.
    Json big = Json::array();
    for (int i = 0; i < 1000; ++i) big.push_back(i);
    CHECK(error_of("{% for a in xs %}{% for b in xs %}.{% endfor %}{% endfor %}", {{"xs", big}}).find("loops ran more than") !=
          std::string::npos);
    tpl::Options small;
    small.max_output_bytes = 100;
    CHECK(error_of("{% for a in xs %}{{ a }}{% endfor %}", {{"xs", big}}, small).find("exceeds 100 bytes") != std::string::npos);
}

TEST_CASE("template: include reads only below the recipe folder")
{
    tpl::Options o;
    o.include_dir = fixtures;
    CHECK(rendered("{% include 'partials/style.md' %}", {{"audience", "ops"}}, o) == "Write short sentences for ops.\n");
    CHECK(error_of("{% include '../recipes/full.yaml' %}", {}, o).find("must stay within the recipe directory") != std::string::npos);
    CHECK(error_of("{% include '/etc/hostname' %}", {}, o).find("must stay within the recipe directory") != std::string::npos);
    CHECK(error_of("{% include 'nope.md' %}", {}, o).find("not found") != std::string::npos);
    CHECK(error_of("{% include 'partials/style.md' %}").find("only available for recipes loaded from a file") != std::string::npos);

    // A symlink out of the folder is refused like `..`.
    const auto tmp = std::filesystem::temp_directory_path() / ("gaggle-tpl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(tmp / "recipe");
    std::ofstream(tmp / "secret.txt") << "secret";
    std::filesystem::create_symlink(tmp / "secret.txt", tmp / "recipe" / "link.txt");
    o.include_dir = tmp / "recipe";
    CHECK(error_of("{% include 'link.txt' %}", {}, o).find("must stay within the recipe directory") != std::string::npos);
    std::filesystem::remove_all(tmp);
}

TEST_CASE("render_recipe: parameters, defaults, recipe_dir, and every text field")
{
    Json recipe{{"title", "Trip to {{ city }}"},
                {"description", "d"},
                {"instructions", "Go to {{ city }} for {{days}} days{% if days | int > 5 %}, pack more{% endif %}"},
                {"activities", Json::array({"see {{city}}", "files in {{ recipe_dir }}"})},
                {"extensions", Json::array({Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "tool"}, {"args", Json::array({"--city={{ city }}"})}}})},
                {"parameters", Json::array({Json{{"key", "city"}, {"input_type", "string"}, {"requirement", "required"}, {"description", "where {{ not rendered }}"}},
                                            Json{{"key", "days"}, {"input_type", "number"}, {"requirement", "optional"}, {"default", "7"}, {"description", ""}}})}};
    auto out = render_recipe(recipe, {{"city", "Oslo"}}, "/r");
    CHECK(out["title"] == "Trip to Oslo");
    CHECK(out["instructions"] == "Go to Oslo for 7 days, pack more");
    CHECK(out["activities"] == Json::array({"see Oslo", "files in /r"}));
    CHECK(out["extensions"][0]["args"][0] == "--city=Oslo");
    CHECK(out["parameters"][0]["description"] == "where {{ not rendered }}");
    CHECK(render_recipe(recipe, {{"city", "Rome"}, {"days", "2"}})["instructions"] == "Go to Rome for 2 days");

    CHECK_THROWS_WITH_AS(render_recipe(recipe, {}), "Missing required parameters: city", Error);
    Json bad = recipe;
    bad["prompt"] = "line one\n{{ nope }}";
    CHECK_THROWS_WITH_AS(render_recipe(bad, {{"city", "x"}}), "`prompt`: template error at line 2: undefined variable `nope`", Error);
}

TEST_CASE("render_recipe: a file parameter's value is the file's content")
{
    const auto file = std::filesystem::temp_directory_path() / ("gaggle-param-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(file) << "notes from a file";
    Json recipe{{"title", "t"}, {"description", "d"}, {"prompt", "Summarise: {{ notes }}"},
                {"parameters", Json::array({Json{{"key", "notes"}, {"input_type", "file"}, {"requirement", "required"}, {"description", ""}}})}};
    CHECK(render_recipe(recipe, {{"notes", file.string()}})["prompt"] == "Summarise: notes from a file");
    CHECK_THROWS_WITH_AS(render_recipe(recipe, {{"notes", file.string() + ".missing"}}),
                         ("parameter `notes` names a file that cannot be read: " + file.string() + ".missing").c_str(), Error);
    std::filesystem::remove(file);
}

TEST_CASE("check_recipe_parameters: undeclared and unused parameters, as upstream validates")
{
    Json recipe{{"title", "t"}, {"description", "d"}, {"prompt", "{{ a }} {{ recipe_dir }}"},
                {"parameters", Json::array({Json{{"key", "a"}, {"input_type", "string"}, {"requirement", "required"}, {"description", ""}}})}};
    CHECK_NOTHROW(check_recipe_parameters(recipe));
    Json undeclared = recipe;
    undeclared["instructions"] = "{{ b }}";
    CHECK_THROWS_WITH_AS(check_recipe_parameters(undeclared),
                         "`parameters`: the recipe uses template variables it does not declare as parameters: b", Error);
    Json unused = recipe;
    unused["prompt"] = "nothing";
    CHECK_THROWS_WITH_AS(check_recipe_parameters(unused), "`parameters`: parameters that no template uses: a", Error);
}
