// /config/extensions edits config.yaml through the one config writer: comments and keys the server
// does not manage survive an upsert and a removal, and the result is read back the same.
#include <doctest/doctest.h>

#include "extension_entries.hpp"
#include "server_process.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace gaggle::test;
using nlohmann::json;

namespace {

std::string read_text(const std::filesystem::path& file)
{
    std::ifstream in(file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("config extensions: an upsert and a removal keep the file's comments and other keys")
{
    TempDir root;
    const auto file = root.path() / "config" / "config.yaml";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "# my settings, written by hand\nGOOSE_TEMPERATURE: 0.5  # warm\n# the key below is mine\nmy_key: kept\n";
    ServerProcess::Options o;
    o.root = root.path();
    ServerProcess server(o);

    const json remote = {{"type", "streamable_http"}, {"name", "Remote Docs"}, {"description", "docs"},
                         {"uri", "http://127.0.0.1:9/mcp"}, {"headers", {{"Authorization", "Bearer ${DOCS_TOKEN}"}}}, {"timeout", 30}};
    auto r = server.post_json("/config/extensions", json{{"name", "Remote Docs"}, {"enabled", true}, {"config", remote}}.dump());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::string text = read_text(file);
    CHECK(text.find("# my settings, written by hand") != std::string::npos);
    CHECK(text.find("GOOSE_TEMPERATURE: 0.5  # warm") != std::string::npos);
    CHECK(text.find("# the key below is mine") != std::string::npos);
    CHECK(text.find("my_key: kept") != std::string::npos);
    CHECK(text.find("remotedocs:") != std::string::npos);

    json listed = json::parse(server.get("/config/extensions").body);
    const json mine = configured_entries(listed);
    REQUIRE(mine.size() == 1);
    CHECK(listed["extensions"][0] == mine[0]); // the file's entries come first, the bundled after
    CHECK(mine[0]["name"] == "Remote Docs");
    CHECK(mine[0]["enabled"] == true);
    CHECK(mine[0]["headers"]["Authorization"] == "Bearer ${DOCS_TOKEN}");
    CHECK(mine[0]["timeout"] == 30);
    CHECK(listed["warnings"].empty());
    // The server's own view of the file agrees with what was written.
    CHECK(json::parse(server.get("/config").body).dump().find("my_key") != std::string::npos);

    CHECK(server.request("DELETE", "/config/extensions/remotedocs").status == 200);
    text = read_text(file);
    CHECK(text.find("# my settings, written by hand") != std::string::npos);
    CHECK(text.find("# the key below is mine") != std::string::npos);
    CHECK(text.find("remotedocs") == std::string::npos);
    CHECK(configured_entries(json::parse(server.get("/config/extensions").body)).empty());
}
