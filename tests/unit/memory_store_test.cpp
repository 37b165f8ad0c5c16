// The memory builtin's store: categories as readable text files, tags, removal, bad categories.
#include "extension_test_support.hpp"
#include "memory/memory_store.hpp"

#include <doctest/doctest.h>

using gaggle::memory::MemoryStore;
using gaggle::test::ext::read_file;
using gaggle::test::ext::ScratchDir;

TEST_CASE("memory store: remember, retrieve and remove, in files a person can read")
{
    ScratchDir d;
    MemoryStore store(d.path() / "memory");
    store.remember("preferences", "Use 4 spaces\n\n\nnever tabs", {"style", "editor"});
    store.remember("preferences", "Answer in English", {});
    store.remember("build", "cmake --build build -j2", {"cmake"});

    CHECK(read_file(d.path() / "memory/preferences.txt") == "# style editor\nUse 4 spaces\nnever tabs\n\nAnswer in English\n");
    auto prefs = store.retrieve("preferences");
    REQUIRE(prefs["preferences"].size() == 2);
    CHECK(prefs["preferences"][0].tags == std::vector<std::string>{"style", "editor"});
    CHECK(prefs["preferences"][0].text == "Use 4 spaces\nnever tabs");
    CHECK(store.retrieve("*").size() == 2);
    CHECK(store.retrieve("nothing").empty());

    CHECK(store.remove_matching("preferences", "English") == 1);
    CHECK(store.retrieve("preferences")["preferences"].size() == 1);
    CHECK(store.remove_matching("preferences", "absent") == 0);
    CHECK(store.remove_category("build") == 1);
    CHECK_FALSE(std::filesystem::exists(d.path() / "memory/build.txt"));
    CHECK(store.remove_category("*") == 1);
    CHECK(store.retrieve("*").empty());

    // A file a person edited by hand is read the same way.
    d.write("memory/hand.txt", "# a\nfirst\n\n\n\nsecond\nline two\n");
    auto hand = store.retrieve("hand")["hand"];
    REQUIRE(hand.size() == 2);
    CHECK(hand[1].text == "second\nline two");
}

TEST_CASE("memory store: a category must be a plain file name")
{
    CHECK_FALSE(MemoryStore::check_category("build_commands-2"));
    for (const char* bad : {"", "../etc", "a/b", ".hidden", "sp ace"}) CHECK(MemoryStore::check_category(bad));
}

TEST_CASE("memory store: the global folder follows GOOSE_PATH_ROOT")
{
    const char* old = std::getenv("GOOSE_PATH_ROOT");
    const std::string saved = old ? old : "";
    ::setenv("GOOSE_PATH_ROOT", "/srv/goose", 1);
    CHECK(gaggle::memory::global_memory_dir() == "/srv/goose/config/memory");
    if (old) ::setenv("GOOSE_PATH_ROOT", saved.c_str(), 1);
    else ::unsetenv("GOOSE_PATH_ROOT");
}
