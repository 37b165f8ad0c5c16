#include "config/config.hpp"
#include "config/plugin_settings.hpp"
#include "config/server_settings.hpp"

#include "common/error.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace gaggle;

namespace {

struct Scratch {
    std::filesystem::path root;
    Scratch()
    {
        root = std::filesystem::temp_directory_path() / ("gaggle-config-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(root / "config");
    }
    ~Scratch() { std::filesystem::remove_all(root); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(root / "config" / name) << text; }
    Config load(std::map<std::string, std::string> env = {}, std::optional<std::string> file = {}) const
    {
        env["GOOSE_PATH_ROOT"] = root.string();
        auto lookup = environment_from(env);
        return Config::load(Paths::resolve(lookup), lookup, file);
    }
};

} // namespace

TEST_CASE("paths follow GOOSE_PATH_ROOT, else XDG, else HOME")
{
    auto p = Paths::resolve(environment_from({{"GOOSE_PATH_ROOT", "/r"}, {"HOME", "/h"}}));
    CHECK(p.config_dir == "/r/config");
    CHECK(p.data_dir == "/r/data");
    CHECK(p.state_dir == "/r/state");
    CHECK(p.sessions_db() == "/r/data/sessions/sessions.db");
    auto x = Paths::resolve(environment_from({{"XDG_DATA_HOME", "/x/data"}, {"HOME", "/h"}}));
    CHECK(x.data_dir == "/x/data/goose");
    CHECK(x.config_dir == "/h/.config/goose");
    CHECK(x.state_dir == "/h/.local/state/goose");
}

TEST_CASE("environment overrides config.yaml, which overrides defaults")
{
    Scratch s;
    s.write("config.yaml", "GOOSE_PROVIDER: anthropic\nGOOSE_MODEL: claude\nGOOSE_MAX_TURNS: 7\nflag: true\n"
                           "quoted: \"42\"\nextensions:\n  dev:\n    enabled: true\n");
    auto c = s.load({{"GOOSE_MODEL", "from-env"}, {"GOOSE_MAX_TURNS", "12"}});
    CHECK(c.get_string("GOOSE_PROVIDER") == std::optional<std::string>("anthropic"));
    CHECK(c.get_string("GOOSE_MODEL") == std::optional<std::string>("from-env"));
    CHECK(c.get("GOOSE_MAX_TURNS") == Json(12));
    CHECK(c.get("flag") == Json(true));
    CHECK(c.get("quoted") == Json("42"));
    CHECK(c.get("extensions")->at("dev").at("enabled") == true);
    CHECK_FALSE(c.get("MISSING"));
    CHECK(c.get_string_or("MISSING", "dflt") == "dflt");
    CHECK(c.report().present);
    CHECK(c.report().error.empty());
}

TEST_CASE("an environment value is JSON when it reads as JSON, else the text as given")
{
    Scratch s;
    auto c = s.load({{"A_URL", "http://127.0.0.1:3000"}, {"A_NUM", "5"}, {"A_HUGE", "1e400"}, {"A_LIST", "[1, 2]"},
                     {"A_HALF", "[1, 2"}, {"A_TRUE", "true"}, {"A_NULL", "null"}, {"A_QUOTED", "\"x\""}, {"A_EMPTY", ""}});
    CHECK(c.get("A_URL") == Json("http://127.0.0.1:3000"));
    CHECK(c.get("A_NUM") == Json(5));
    CHECK(c.get("A_HUGE") == Json("1e400")); // out of range: kept as text
    CHECK(c.get("A_LIST") == Json::array({1, 2}));
    CHECK(c.get("A_HALF") == Json("[1, 2"));
    CHECK(c.get("A_TRUE") == Json(true));
    CHECK(c.get("A_NULL") == Json("null"));
    CHECK(c.get("A_QUOTED") == Json("\"x\""));
    CHECK(c.get("A_EMPTY") == Json(""));
}

TEST_CASE("secrets come from the environment, then secrets.yaml, never config.yaml")
{
    Scratch s;
    s.write("config.yaml", "OPENAI_API_KEY: not-a-secret-store\n");
    s.write("secrets.yaml", "OPENAI_API_KEY: sk-file\nANTHROPIC_API_KEY: ak-file\n");
    auto c = s.load({{"ANTHROPIC_API_KEY", "ak-env"}});
    CHECK(c.get_secret("OPENAI_API_KEY") == std::optional<std::string>("sk-file"));
    CHECK(c.get_secret("ANTHROPIC_API_KEY") == std::optional<std::string>("ak-env"));
    CHECK_FALSE(c.get_secret("GROQ_API_KEY"));
}

TEST_CASE("a broken config.yaml is reported with its line and left untouched")
{
    Scratch s;
    const std::string broken = "GOOSE_PROVIDER: openai\nGOOSE_MODEL: [unclosed\nother: 1\n";
    s.write("config.yaml", broken);
    auto c = s.load();
    CHECK_FALSE(c.report().error.empty());
    CHECK(c.report().line >= 2);
    CHECK_FALSE(c.get("GOOSE_PROVIDER")); // runs on defaults
    std::ifstream in(s.root / "config" / "config.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    CHECK(text == broken);

    s.write("config.yaml", "- a list\n- not a map\n");
    CHECK_FALSE(s.load().report().error.empty());
}

TEST_CASE("server settings: flags > environment > config file > defaults")
{
    Scratch s;
    SUBCASE("defaults")
    {
        auto st = resolve_server_settings(s.load(), {});
        CHECK(st.host == "127.0.0.1");
        CHECK(st.port == 3000);
        CHECK(st.secret_generated);
        CHECK(st.secret.size() == 64);
        CHECK(st.secret != "test");
        CHECK(resolve_server_settings(s.load(), {}).secret != st.secret);
    }
    SUBCASE("config file")
    {
        s.write("config.yaml", "GOOSE_PORT: 4100\nGOOSE_HOST: 0.0.0.0\nGOOSE_SERVER__SECRET_KEY: filesecret\n");
        auto st = resolve_server_settings(s.load(), {});
        CHECK(st.port == 4100);
        CHECK(st.host == "0.0.0.0");
        CHECK(st.secret == "filesecret");
        CHECK_FALSE(st.secret_generated);
    }
    SUBCASE("environment beats the file; goosed names beat the seed-era names")
    {
        s.write("config.yaml", "GOOSE_PORT: 4100\n");
        auto st = resolve_server_settings(
            s.load({{"GOOSE_API_PORT", "4300"}, {"GOOSE_API_KEY", "seedkey"}, {"GOOSE_API_HOST", "127.0.0.2"}}), {});
        CHECK(st.port == 4300);
        CHECK(st.secret == "seedkey");
        CHECK(st.host == "127.0.0.2");
        auto both = resolve_server_settings(s.load({{"GOOSE_API_PORT", "4300"}, {"GOOSE_PORT", "4200"},
                                                    {"GOOSE_SERVER__SECRET_KEY", "desk"}, {"GOOSE_API_KEY", "seed"}}),
                                            {});
        CHECK(both.port == 4200);
        CHECK(both.secret == "desk");
    }
    SUBCASE("flags beat everything")
    {
        CommandLineOverrides flags;
        flags.port = "4500";
        flags.host = "127.0.0.3";
        auto st = resolve_server_settings(s.load({{"GOOSE_PORT", "4200"}}), flags);
        CHECK(st.port == 4500);
        CHECK(st.host == "127.0.0.3");
    }
    SUBCASE("a blank secret counts as none")
    {
        auto st = resolve_server_settings(s.load({{"GOOSE_SERVER__SECRET_KEY", "   "}}), {});
        CHECK(st.secret_generated);
    }
    SUBCASE("a bad port is refused with a clear message")
    {
        CHECK_THROWS_WITH_AS(resolve_server_settings(s.load({{"GOOSE_PORT", "abc"}}), {}),
                             doctest::Contains("port must be a number"), Error);
        CHECK_THROWS_AS(resolve_server_settings(s.load({{"GOOSE_PORT", "70000"}}), {}), Error);
    }
    SUBCASE("CORS origins and users")
    {
        const std::string hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        s.write("config.yaml", "GAGGLE_USERS:\n  alice: " + hash + "\n  bob: nothex\n");
        s.write("users.yaml", "carol: " + hash + "\n");
        auto st = resolve_server_settings(
            s.load({{"GAGGLE_CORS_ORIGINS", "https://a.example, https://b.example"},
                    {"GAGGLE_USERS_FILE", (s.root / "config" / "users.yaml").string()}}),
            {});
        CHECK(st.cors_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
        REQUIRE(st.users.size() == 2);
        CHECK(st.users[0].user_id == "alice");
        CHECK(st.users[1].user_id == "carol");
        CHECK(st.warnings.size() == 1); // bob's bad hash
    }
}

TEST_CASE("plugin settings: directories, disabled ids and per-plugin config")
{
    Scratch s;
    s.write("config.yaml", "plugins:\n  openai:\n    enabled: false\n  hello:\n    config:\n      greeting: hi\n");
    auto c = s.load({{"GAGGLE_PLUGIN_PATH", "/p1:/p2"}, {"GAGGLE_DISABLED_PLUGINS", "ollama,anthropic"}});
    auto p = resolve_plugin_settings(c, "/opt/gaggle/bin");
    CHECK(p.directories == std::vector<std::string>{"/opt/gaggle/lib/gaggle/plugins", "/p1", "/p2"});
    CHECK(p.disabled == std::set<std::string>{"openai", "ollama", "anthropic"});
    CHECK(p.config_json.at("hello") == R"({"greeting":"hi"})");
}
