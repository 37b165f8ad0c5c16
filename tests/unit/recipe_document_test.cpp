// Recipe documents: parsing YAML/JSON, every validation rule with its field and line, hidden
// Unicode, deeplinks, YAML output, ids and the library folders.
#include "common/error.hpp"
#include "recipe/deeplink.hpp"
#include "recipe/hidden_unicode.hpp"
#include "recipe/recipe_document.hpp"
#include "recipe/recipe_id.hpp"
#include "recipe/recipe_jobs.hpp"
#include "recipe/recipe_library.hpp"
#include "recipe/recipe_yaml.hpp"
#include "recipe/render.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace gaggle;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = fs::path(GAGGLE_TEST_FIXTURES_DIR) / "recipes";

std::string error_of(const std::string& text)
{
    try {
        parse_and_validate_recipe(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::invalid_argument);
        return e.what();
    }
    return "(no error)";
}

const std::string head = "title: T\ndescription: D\nprompt: P\n";

} // namespace

TEST_CASE("recipe files: upstream's shapes parse with every field")
{
    const Json r = load_recipe_file(fixtures / "full.yaml").recipe;
    CHECK(r["version"] == "1.0.0");
    CHECK(r["title"] == "Release readiness");
    CHECK(r["author"]["contact"] == "release-team");
    CHECK(r["parameters"].size() == 3);
    CHECK(r["parameters"][2]["options"] == Json::array({"all", "basic", "integration"}));
    CHECK(r["extensions"][1]["args"][1] == "@modelcontextprotocol/server-github");
    CHECK(r["extensions"][0]["description"] == ""); // defaulted, as upstream's adapter does
    CHECK(r["settings"]["temperature"] == 0.3);
    CHECK(r["settings"]["max_turns"] == 50);
    CHECK(r["response"]["json_schema"]["required"] == Json::array({"risk_level", "summary"}));
    CHECK(r["retry"]["checks"][0]["command"] == "test -f report.md");
    CHECK(r["sub_recipes"][0]["values"]["depth"] == "2"); // values become text
    CHECK(r["sub_recipes"][0]["path"] == (fixtures / "code_review.yaml").string()); // resolved against the file's folder
    CHECK(load_recipe_file(fixtures / "code_review.yaml").recipe["parameters"][1]["default"] == "1");
    CHECK(load_recipe_file(fixtures / "wrapped.yaml").recipe["title"] == "Wrapped");
    CHECK(load_recipe_file(fixtures / "plain.json").recipe["parameters"][0]["requirement"] == "user_prompt");
    CHECK_NOTHROW(check_recipe_parameters(r));
}

TEST_CASE("recipe files: rendered with parameters, includes and loops")
{
    const auto full = load_recipe_file(fixtures / "full.yaml");
    Json out = render_recipe(full.recipe, {{"version", "2.1"}, {"test_phases", "basic"}}, fixtures);
    CHECK(out["instructions"] == "You review release 2.1 of GAGGLE.\n\nRun only the basic phase.\n\n");
    CHECK(out["prompt"] == "Follow the instructions and write the report to " + fixtures.string() + "/report.md");
    CHECK(out["activities"][0] == "Check release 2.1");

    const auto inc = load_recipe_file(fixtures / "includes.yaml");
    CHECK(render_recipe(inc.recipe, {{"topic", "cron"}}, fixtures)["instructions"] ==
          "Write short sentences for everyone.\n\nThen write about cron.\n");
    CHECK(render_recipe(inc.recipe, {{"topic", "cron"}, {"audience", "operators"}}, fixtures)["instructions"] ==
          "Write short sentences for operators.\n\nThen write about cron.\n");
    CHECK_NOTHROW(check_recipe_parameters(inc.recipe, fixtures));

    const auto loops = load_recipe_file(fixtures / "loops.yaml");
    CHECK(render_recipe(loops.recipe, {{"items", "build, test ,ship"}}, fixtures)["prompt"] ==
          "Tasks:\n1. Build;\n2. Test;\n3. Ship\nDone.\n");
}

TEST_CASE("recipe validation: each rule names the field and the line")
{
    CHECK(error_of("description: D\nprompt: P\n") == "`title`: missing field");
    CHECK(error_of("title: T\nprompt: P\n") == "`description`: missing field");
    CHECK(error_of("title: T\ndescription: D\n") == "`prompt`: a recipe needs at least one of `instructions` or `prompt`");
    CHECK(error_of("title: T\ndescription: D\ninstructions: '  '\n") ==
          "`instructions` (line 3): a recipe needs at least one of `instructions` or `prompt`");
    CHECK(error_of("title: [a]\ndescription: D\nprompt: P\n") == "`title` (line 1): must be text, not array");
    CHECK(error_of("- a\n- b\n") == "a recipe must be a map of fields, not array");
    CHECK(error_of("title: T\n  bad: indentation\n").find("line 2") != std::string::npos);

    CHECK(error_of(head + "extensions:\n  - name: x\n") == "`extensions[0].type` (line 5): missing field");
    CHECK(error_of(head + "extensions:\n  - type: magic\n    name: x\n") ==
          "`extensions[0].type` (line 5): must be one of stdio, builtin, platform, streamable_http, sse, frontend, inline_python, not 'magic'");
    CHECK(error_of(head + "extensions:\n  - type: stdio\n    name: x\n") == "`extensions[0].cmd` (line 5): missing field");
    CHECK(error_of(head + "extensions:\n  - type: streamable_http\n    name: x\n") == "`extensions[0].uri` (line 5): missing field");
    CHECK(error_of(head + "settings:\n  temperature: hot\n") == "`settings.temperature` (line 5): must be a number");
    CHECK(error_of(head + "settings:\n  max_turns: -1\n") == "`settings.max_turns` (line 5): must be a whole number of at least 0");
    CHECK(error_of(head + "activities: [1, {a: b}]\n") == "`activities[1]` (line 4): must be text");
    CHECK(error_of(head + "author: someone\n") == "`author` (line 4): must be a map, not string");

    const std::string param = head + "parameters:\n  - key: p\n    input_type: string\n    requirement: required\n    description: d\n";
    CHECK(error_of(param) == "(no error)");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: string\n    requirement: required\n") ==
          "`parameters[0].description` (line 5): missing field");
    CHECK(error_of(head + "parameters:\n  - key: p q\n    input_type: string\n    requirement: required\n    description: d\n") ==
          "`parameters[0].key` (line 5): must be a name (letters, digits, _), not 'p q'");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: colour\n    requirement: required\n    description: d\n") ==
          "`parameters[0].input_type` (line 6): must be one of string, number, boolean, date, file, select, not 'colour'");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: string\n    requirement: maybe\n    description: d\n") ==
          "`parameters[0].requirement` (line 7): must be one of required, optional, user_prompt, not 'maybe'");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: string\n    requirement: optional\n    description: d\n") ==
          "`parameters[0].default` (line 5): an optional parameter needs a default");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: file\n    requirement: required\n    default: /etc/passwd\n    description: d\n") ==
          "`parameters[0].default` (line 8): a file parameter cannot have a default (it would read a file the user did not choose)");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: select\n    requirement: required\n    description: d\n") ==
          "`parameters[0].options` (line 5): a select parameter needs a list of options");
    CHECK(error_of(head + "parameters:\n  - key: p\n    input_type: select\n    options: [a, b]\n    requirement: optional\n    default: c\n    description: d\n") ==
          "`parameters[0].default` (line 9): 'c' is not one of the options");
    CHECK(error_of(param + "  - key: p\n    input_type: number\n    requirement: required\n    description: again\n") ==
          "`parameters[1].key` (line 9): duplicate parameter 'p' (first defined at parameters[0])");

    CHECK(error_of(head + "response:\n  json_schema: 3\n") == "`response.json_schema` (line 5): must be a JSON Schema object");
    CHECK(error_of(head + "response:\n  json_schema:\n    type: thing\n") ==
          "`response.json_schema.type` (line 6): must be one of object, array, string, number, integer, boolean, null");
    CHECK(error_of(head + "response:\n  json_schema:\n    type: object\n    properties:\n      a: {type: strin}\n") ==
          "`response.json_schema.properties.a.type` (line 8): must be one of object, array, string, number, integer, boolean, null");
    CHECK(error_of(head + "response:\n  json_schema:\n    required: a\n") == "`response.json_schema.required` (line 6): must be a list of property names");

    CHECK(error_of(head + "sub_recipes:\n  - name: s\n") == "`sub_recipes[0].path` (line 5): missing field");
    CHECK(error_of(head + "sub_recipes:\n  - name: s\n    path: p.yaml\n    sequential_when_repeated: often\n") ==
          "`sub_recipes[0].sequential_when_repeated` (line 7): must be true or false");

    CHECK(error_of(head + "retry:\n  checks: []\n") == "`retry.max_retries` (line 5): missing field");
    CHECK(error_of(head + "retry:\n  max_retries: 0\n  checks: []\n") == "`retry.max_retries` (line 5): must be a whole number of at least 1");
    CHECK(error_of(head + "retry:\n  max_retries: 2\n") == "`retry.checks` (line 5): missing field");
    CHECK(error_of(head + "retry:\n  max_retries: 2\n  checks:\n    - type: http\n      command: x\n") ==
          "`retry.checks[0].type` (line 7): must be shell, not 'http'");
    CHECK(error_of(head + "retry:\n  max_retries: 2\n  checks:\n    - type: Shell\n      command: ' '\n") ==
          "`retry.checks[0].command` (line 8): must not be empty");
    CHECK(error_of(head + "retry:\n  max_retries: 2\n  checks: []\n  timeout_seconds: 0\n") ==
          "`retry.timeout_seconds` (line 7): must be a whole number of at least 1");
}

TEST_CASE("recipe parsing: JSON text, scalars as text, and bounded nesting")
{
    Json r = parse_and_validate_recipe(R"({"title":"J","description":"d","instructions":"i","version":2})");
    CHECK(r["version"] == "2");
    CHECK(parse_and_validate_recipe(head + "version: 1.0\n")["version"] == "1.0");
    CHECK(error_of(head + "x: " + std::string(100, '[') + std::string(100, ']') + "\n").find("nests deeper than 64 levels") != std::string::npos);
    std::string dashes = head + "x:\n";
    for (int i = 0; i < 100; ++i) dashes += "- ";
    CHECK(error_of(dashes + "a\n").find("nests deeper than 64 levels") != std::string::npos);
    CHECK(error_of(std::string(5 * 1024 * 1024, ' ')).find("larger than 4 MiB") != std::string::npos);
    // Unknown fields are kept and ignored, as upstream tolerates them.
    CHECK(parse_and_validate_recipe(head + "isGlobal: true\n")["isGlobal"] == true);
}

TEST_CASE("hidden unicode: tag characters, bidi overrides and zero-width characters are found")
{
    CHECK_FALSE(find_hidden_character("plain text, emoji 👩‍👩‍👧 and accents é"));
    CHECK(find_hidden_character("a\xF3\xA0\x81\x81" "b") == char32_t(0xE0041)); // TAG LATIN CAPITAL LETTER A
    CHECK(find_hidden_character("x\xE2\x80\xAEy") == char32_t(0x202E));         // RIGHT-TO-LEFT OVERRIDE
    CHECK(find_hidden_character("x\xE2\x81\xA6y") == char32_t(0x2066));         // LEFT-TO-RIGHT ISOLATE
    CHECK(find_hidden_character("zero\xE2\x80\x8Bwidth") == char32_t(0x200B));
    CHECK_FALSE(find_hidden_character("\xFF\xFE broken utf-8"));

    Json recipe{{"title", "t"}, {"description", "d"}, {"prompt", "fine"}};
    CHECK_FALSE(scan_recipe_for_hidden_characters(recipe));
    recipe["activities"] = Json::array({"ok", "sneaky\xE2\x80\xAE"});
    auto found = scan_recipe_for_hidden_characters(recipe);
    REQUIRE(found);
    CHECK(found->field == "activities[1]");
    Json ext{{"title", "t"}, {"description", "d"}, {"prompt", "p"},
             {"extensions", Json::array({Json{{"type", "stdio"}, {"name", "x"}, {"cmd", "run"}, {"args", Json::array({"--x\xF3\xA0\x80\x81"})}}})}};
    CHECK(scan_recipe_for_hidden_characters(ext)->field == "extensions[0].args[0]");
}

TEST_CASE("deeplinks: upstream's encoding, round trips and legacy forms")
{
    // What goosed encodes for Recipe::builder().title("Test Recipe").description("A test recipe")
    // .instructions("Test instructions"): serde's field order, URL-safe base64, no padding.
    Json recipe{{"instructions", "Test instructions"}, {"title", "Test Recipe"}, {"description", "A test recipe"}, {"version", "1.0.0"}, {"prompt", nullptr}};
    const std::string link = encode_recipe_deeplink(recipe);
    CHECK(link == "eyJ2ZXJzaW9uIjoiMS4wLjAiLCJ0aXRsZSI6IlRlc3QgUmVjaXBlIiwiZGVzY3JpcHRpb24iOiJBIHRlc3QgcmVjaXBlIiwiaW5zdHJ1Y3Rpb25zIjoiVGVzdCBpbnN0cnVjdGlvbnMifQ");
    CHECK(decode_recipe_deeplink(link)["title"] == "Test Recipe");
    CHECK(decode_recipe_deeplink("goose://recipe?config=" + link + "&extra=1")["instructions"] == "Test instructions");

    const Json full = load_recipe_file(fixtures / "full.yaml").recipe;
    CHECK(decode_recipe_deeplink(encode_recipe_deeplink(full)) == recipe_in_field_order(full));
    // Legacy: standard base64 with padding, and that URL-encoded.
    CHECK(decode_recipe_deeplink("eyJ0aXRsZSI6IkRlZXAiLCJwcm9tcHQiOiI+Pj4/Pz8ifQ==")["prompt"] == ">>>???");
    CHECK(decode_recipe_deeplink("eyJ0aXRsZSI6IkRlZXAiLCJwcm9tcHQiOiI%2BPj4%2FPz8ifQ%3D%3D")["prompt"] == ">>>???");
    CHECK_THROWS_AS(decode_recipe_deeplink("goose://recipe?config=W10"), Error); // [] is no recipe
    CHECK_THROWS_AS(decode_recipe_deeplink("%%%"), Error);
}

TEST_CASE("recipe YAML: readable, and parsing it gives the recipe back")
{
    const Json full = load_recipe_file(fixtures / "full.yaml").recipe;
    const std::string yaml = recipe_to_yaml(full);
    CHECK(yaml.rfind("version: \"1.0.0\"\ntitle: \"Release readiness\"\n", 0) == 0);
    CHECK(yaml.find("instructions: |\n  You review release {{ version }}") != std::string::npos);
    CHECK(parse_and_validate_recipe(yaml) == recipe_in_field_order(full));

    Json tricky{{"version", "1.0.0"}, {"title", "true"}, {"description", "123"}, {"prompt", " leading\nand trailing \n"},
                {"activities", Json::array({"- dash", "a: b", "#hash", "null"})}};
    CHECK(parse_and_validate_recipe(recipe_to_yaml(tricky)) == tricky);
}

TEST_CASE("recipe ids are upstream's: SipHash-1-3 of the path")
{
    // Values printed by Rust's DefaultHasher for the same strings.
    CHECK(recipe_id_for_path("") == "30406ea523c53def");
    CHECK(recipe_id_for_path("/a") == "4d5e0570f59b4e45");
    CHECK(recipe_id_for_path("/home/u/.config/goose/recipes/x.yaml") == "ca6ff286f7550191");
    CHECK(recipe_id_for_path("héllo wörld 0123456789abcdef") == "3ee046f0f4b5ec74");
}

TEST_CASE("recipe library: folders, listing newest first, ids, save and bad files skipped")
{
    const fs::path root = fs::temp_directory_path() / ("gaggle-lib-" + std::to_string(::getpid()));
    fs::create_directories(root / "extra");
    fs::create_directories(root / "cwd" / ".goose" / "recipes");
    const Config config = Config::load(Paths::resolve(environment_from({{"GOOSE_PATH_ROOT", root.string()}})),
                                       environment_from({{"GOOSE_PATH_ROOT", root.string()}, {"GOOSE_RECIPE_PATH", (root / "extra").string() + ":" + (root / "missing").string()}}));
    const RecipeDirectories dirs = recipe_directories(config, root / "cwd");
    REQUIRE(dirs.search.size() == 4);
    CHECK(dirs.search[0] == root / "extra");
    CHECK(dirs.global == root / "config" / "recipes");
    CHECK(dirs.search[3] == root / "cwd" / ".goose" / "recipes");

    fs::copy_file(fixtures / "wrapped.yaml", root / "extra" / "wrapped.yaml");
    std::ofstream(root / "cwd" / ".goose" / "recipes" / "broken.yaml") << "title: [\n";
    std::ofstream(root / "extra" / "notes.txt") << "not a recipe";
    const SavedRecipe saved = save_recipe_file(dirs, load_recipe_file(fixtures / "full.yaml").recipe, std::nullopt);
    CHECK(saved.file_name == "release-readiness.yaml");
    CHECK(saved.file_path == dirs.global / "release-readiness.yaml");
    CHECK(saved.id == recipe_id_for_path(saved.file_path.string()));
    CHECK(save_recipe_file(dirs, load_recipe_file(fixtures / "full.yaml").recipe, std::nullopt).file_name == "release-readiness-2.yaml");

    auto files = list_recipe_files(dirs);
    REQUIRE(files.size() == 3);
    auto found = find_recipe_by_id(dirs, saved.id);
    REQUIRE(found);
    CHECK(found->recipe["title"] == "Release readiness");
    CHECK_FALSE(find_recipe_by_id(dirs, "0000000000000000"));
    fs::remove_all(root);
}

TEST_CASE("a scheduled recipe's job is named after its file, in the characters a job id may hold")
{
    CHECK(job_id_for_recipe_file("/r/daily-report.yaml") == "daily-report");
    CHECK(job_id_for_recipe_file("/r/Weekly Sync_2.json") == "Weekly Sync_2");
    CHECK(job_id_for_recipe_file("/r/release.notes.yaml") == "release_notes");
    CHECK(job_id_for_recipe_file("/r/caf\xC3\xA9.yaml") == "caf__");
    CHECK(job_id_for_recipe_file("/r/.yaml") == "_yaml"); // a dot file: its whole name is the stem
    CHECK(job_id_for_recipe_file("") == "recipe");
    CHECK(job_id_for_recipe_file("/r/" + std::string(300, 'a') + ".yaml").size() == 100);
}
