// The developer builtin's parts: .gitignore matching, the tree walk, text_editor and the shell
// runner, including the bad input the issue lists (missing paths, ambiguous edits, binary files,
// huge outputs, commands that never end).
#include "developer/gitignore.hpp"
#include "developer/path_policy.hpp"
#include "developer/shell_runner.hpp"
#include "developer/text_editor.hpp"
#include "developer/tree_walk.hpp"
#include "extension_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>

using namespace gaggle::developer;
using gaggle::test::ext::read_file;
using gaggle::test::ext::ScratchDir;
using gaggle::test::ext::text_of;
using nlohmann::json;

namespace {

json as_json(const gaggle::mcp_server::ToolResult& r) { return {{"content", r.content}, {"isError", r.is_error}}; }
std::string text(const gaggle::mcp_server::ToolResult& r) { return text_of(as_json(r)); }

void wait_until_group_gone(pid_t pgid)
{
    // Bounded: a group that is still alive after this fails the test rather than hanging it.
    for (int i = 0; i < 500 && gaggle::test::live_processes_in_group(pgid) > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

} // namespace

TEST_CASE("gitignore: globs")
{
    CHECK(glob_match("*.o", "main.o"));
    CHECK_FALSE(glob_match("*.o", "src/main.o"));
    CHECK(glob_match("src/*.o", "src/main.o"));
    CHECK(glob_match("**/build", "build"));
    CHECK(glob_match("**/build", "a/b/build"));
    CHECK(glob_match("logs/**", "logs/a/b.txt"));
    CHECK(glob_match("a/**/b", "a/b"));
    CHECK(glob_match("a/**/b", "a/x/y/b"));
    CHECK_FALSE(glob_match("a/**/b", "a/x/c"));
    CHECK(glob_match("file?.txt", "file1.txt"));
    CHECK_FALSE(glob_match("file?.txt", "file/.txt"));
    CHECK(glob_match("[abc].md", "b.md"));
    CHECK_FALSE(glob_match("[!abc].md", "b.md"));
    CHECK(glob_match("[0-9]*.log", "7days.log"));
    CHECK(glob_match("\\*.txt", "*.txt"));
    CHECK_FALSE(glob_match("\\*.txt", "a.txt"));
    // Pathological stars stay polynomial.
    CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", std::string(3000, 'a')));
}

TEST_CASE("gitignore: rules, negation, directories only, anchoring")
{
    auto rules = IgnoreRules::parse("# comment\n\n*.log\n!keep.log\nbuild/\n/top.txt\ndocs/*.pdf\n\\#hash\n");
    CHECK(*rules.match("x.log", false));
    CHECK(*rules.match("deep/x.log", false));
    CHECK_FALSE(*rules.match("keep.log", false));
    CHECK(*rules.match("build", true));
    CHECK_FALSE(rules.match("build", false)); // a file named build is not the directory rule's business
    CHECK(*rules.match("top.txt", false));
    CHECK_FALSE(rules.match("sub/top.txt", false));
    CHECK(*rules.match("docs/a.pdf", false));
    CHECK_FALSE(rules.match("other/docs/a.pdf", false));
    CHECK(*rules.match("#hash", false));
    CHECK_FALSE(rules.match("main.cpp", false));
}

TEST_CASE("tree: hides what .gitignore hides, at every level, and finds files by pattern")
{
    ScratchDir d;
    std::filesystem::create_directories(d.path() / ".git");
    d.write(".gitignore", "build/\n*.tmp\n");
    d.write("src/main.cpp", "int main() {}\n// two\n");
    d.write("src/.gitignore", "generated.cpp\n!important.tmp\n");
    d.write("src/generated.cpp", "x\n");
    d.write("src/important.tmp", "kept by negation\n");
    d.write("src/scratch.tmp", "x\n");
    d.write("build/out.o", "x");
    d.write("README.md", "hello\n");
    d.write("blob.bin", std::string("a\0b", 3));

    TreeOptions o;
    o.root = d.path();
    const auto tree = walk_tree(o);
    CHECK(tree.find("main.cpp (2 lines)") != std::string::npos);
    CHECK(tree.find("README.md (1 lines)") != std::string::npos);
    CHECK(tree.find("important.tmp") != std::string::npos);
    CHECK(tree.find("blob.bin (binary") != std::string::npos);
    CHECK(tree.find("generated.cpp") == std::string::npos);
    CHECK(tree.find("scratch.tmp") == std::string::npos);
    CHECK(tree.find("build") == std::string::npos);
    CHECK(tree.find(".git/") == std::string::npos);
    CHECK(tree.find("hidden by .gitignore") != std::string::npos);

    o.pattern = "*.cpp";
    o.depth = 32;
    const auto found = walk_tree(o);
    CHECK(found.find("src/main.cpp") != std::string::npos);
    CHECK(found.find("generated.cpp") == std::string::npos);

    // A subfolder of the repository still honours the repository's .gitignore.
    o.root = d.path() / "src";
    o.pattern = "*.tmp";
    const auto sub = walk_tree(o);
    CHECK(sub.find("important.tmp") != std::string::npos);
    CHECK(sub.find("scratch.tmp") == std::string::npos);

    o.root = d.path() / "nope";
    CHECK(walk_tree(o).rfind("error: path does not exist", 0) == 0);
}

TEST_CASE("text_editor: write, view with ranges, str_replace, insert and undo")
{
    ScratchDir d;
    TextEditor ed;
    PathPolicy policy(d.path(), {});
    auto r = ed.run({{"command", "write"}, {"path", "notes/a.txt"}, {"file_text", "one\ntwo\nthree\n"}}, policy);
    CHECK_FALSE(r.is_error);
    CHECK(text(r).find("(3 lines)") != std::string::npos);
    CHECK(read_file(d.path() / "notes/a.txt") == "one\ntwo\nthree\n");

    r = ed.run({{"command", "view"}, {"path", (d.path() / "notes/a.txt").string()}}, policy);
    CHECK(text(r).find("(3 lines)") != std::string::npos);
    CHECK(text(r).find("     2  two") != std::string::npos);
    r = ed.run({{"command", "view"}, {"path", "notes/a.txt"}, {"view_range", {2, -1}}}, policy);
    CHECK(text(r).find("showing 2-3") != std::string::npos);
    CHECK(text(r).find("one") == std::string::npos);
    r = ed.run({{"command", "view"}, {"path", "notes/a.txt"}, {"view_range", {9, 10}}}, policy);
    CHECK(r.is_error);
    CHECK(text(r).find("view_range") != std::string::npos);

    r = ed.run({{"command", "str_replace"}, {"path", "notes/a.txt"}, {"old_str", "two"}, {"new_str", "TWO\n2.5"}}, policy);
    CHECK_FALSE(r.is_error);
    CHECK(text(r).find("line 2") != std::string::npos);
    CHECK(text(r).find("now 4 lines") != std::string::npos);
    CHECK(read_file(d.path() / "notes/a.txt") == "one\nTWO\n2.5\nthree\n");

    r = ed.run({{"command", "insert"}, {"path", "notes/a.txt"}, {"insert_line", 0}, {"new_str", "zero"}}, policy);
    CHECK_FALSE(r.is_error);
    CHECK(read_file(d.path() / "notes/a.txt") == "zero\none\nTWO\n2.5\nthree\n");
    r = ed.run({{"command", "insert"}, {"path", "notes/a.txt"}, {"insert_line", 5}, {"new_str", "four\n"}}, policy);
    CHECK(read_file(d.path() / "notes/a.txt") == "zero\none\nTWO\n2.5\nthree\nfour\n");
    r = ed.run({{"command", "insert"}, {"path", "notes/a.txt"}, {"insert_line", 99}, {"new_str", "x"}}, policy);
    CHECK(r.is_error);
    CHECK(text(r).find("insert_line") != std::string::npos);

    // Undo walks back one edit at a time, down to the file not existing.
    CHECK_FALSE(ed.run({{"command", "undo_edit"}, {"path", "notes/a.txt"}}, policy).is_error);
    CHECK(read_file(d.path() / "notes/a.txt") == "zero\none\nTWO\n2.5\nthree\n");
    ed.run({{"command", "undo_edit"}, {"path", "notes/a.txt"}}, policy);
    ed.run({{"command", "undo_edit"}, {"path", "notes/a.txt"}}, policy);
    CHECK(read_file(d.path() / "notes/a.txt") == "one\ntwo\nthree\n");
    ed.run({{"command", "undo_edit"}, {"path", "notes/a.txt"}}, policy);
    CHECK_FALSE(std::filesystem::exists(d.path() / "notes/a.txt"));
    r = ed.run({{"command", "undo_edit"}, {"path", "notes/a.txt"}}, policy);
    CHECK(r.is_error);

    // A directory is listed.
    d.write("dir/x.txt", "x");
    std::filesystem::create_directories(d.path() / "dir/sub");
    r = ed.run({{"command", "view"}, {"path", "dir"}}, policy);
    CHECK(text(r).find("sub/") != std::string::npos);
    CHECK(text(r).find("x.txt") != std::string::npos);
}

TEST_CASE("text_editor: refuses what it must, with a message that says why")
{
    ScratchDir d;
    TextEditor ed;
    PathPolicy policy(d.path(), {});
    d.write("dup.txt", "x = 1\ny = 2\nx = 1\n");
    auto r = ed.run({{"command", "str_replace"}, {"path", "dup.txt"}, {"old_str", "x = 1"}, {"new_str", "x = 3"}}, policy);
    CHECK(r.is_error);
    CHECK(text(r).find("matches 2 places") != std::string::npos);
    CHECK(text(r).find("lines 1, 3") != std::string::npos);
    CHECK(read_file(d.path() / "dup.txt") == "x = 1\ny = 2\nx = 1\n");
    r = ed.run({{"command", "str_replace"}, {"path", "dup.txt"}, {"old_str", "z = 9"}, {"new_str", ""}}, policy);
    CHECK(r.is_error);
    CHECK(text(r).find("not found") != std::string::npos);

    r = ed.run({{"command", "view"}, {"path", "missing.txt"}}, policy);
    CHECK(r.is_error);
    CHECK(text(r).find("does not exist") != std::string::npos);
    r = ed.run({{"command", "str_replace"}, {"path", "missing.txt"}, {"old_str", "a"}, {"new_str", "b"}}, policy);
    CHECK(r.is_error);

    d.write("image.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    for (const char* cmd : {"view", "str_replace", "insert", "write"}) {
        r = ed.run({{"command", cmd}, {"path", "image.png"}, {"old_str", "PNG"}, {"new_str", "x"}, {"insert_line", 0}, {"file_text", "x"}}, policy);
        CHECK(r.is_error);
        CHECK(text(r).find("binary") != std::string::npos);
    }

    // With roots, a path outside them is refused, symlinks included.
    ScratchDir outside;
    outside.write("secret.txt", "s");
    std::filesystem::create_symlink(outside.path(), d.path() / "link");
    PathPolicy rooted(d.path(), {d.path()});
    for (const auto& p : {(outside.path() / "secret.txt").string(), std::string("link/secret.txt"), std::string("../x")}) {
        r = ed.run({{"command", "view"}, {"path", p}}, rooted);
        CHECK(r.is_error);
        CHECK(text(r).find("outside the allowed roots") != std::string::npos);
    }
    CHECK_FALSE(ed.run({{"command", "view"}, {"path", "dup.txt"}}, rooted).is_error);
}

TEST_CASE("shell runner: output, exit codes, working dir")
{
    ScratchDir d;
    std::string streamed;
    ShellHooks hooks;
    hooks.output = [&](std::string_view c) { streamed += c; };
    auto r = run_shell({"pwd; echo out; echo err >&2; exit 3", d.path()}, hooks);
    CHECK(r.started);
    CHECK(r.exit_code == 3);
    CHECK(r.output == d.path().string() + "\nout\nerr\n");
    CHECK(streamed == r.output);
    CHECK(r.total_lines == 3);
    CHECK_FALSE(r.output_file);

    r = run_shell({"echo hi", d.path() / "missing"}, {});
    CHECK_FALSE(r.started);
    CHECK(r.spawn_error.find("missing") != std::string::npos);
}

TEST_CASE("shell runner: a huge output goes to a file, summarised by its tail")
{
    ScratchDir d;
    auto r = run_shell({"yes | head -c 50000000", d.path()}, {});
    CHECK(r.exit_code == 0);
    CHECK(r.total_bytes == 50000000);
    REQUIRE(r.output_file);
    CHECK(std::filesystem::file_size(*r.output_file) == 50000000);
    CHECK(r.output.size() <= ShellRequest{}.tail_limit);
    CHECK(r.output.substr(r.output.size() - 2) == "y\n");
    std::filesystem::remove(*r.output_file);
}

TEST_CASE("shell runner: a timeout and a cancel kill the whole process group")
{
    ScratchDir d;
    pid_t group = -1;
    ShellHooks hooks;
    hooks.started = [&](pid_t g) { group = g; };
    ShellRequest req{"sleep 100 & sleep 100 & echo started; sleep 100", d.path()};
    req.timeout = std::chrono::milliseconds(300);
    auto r = run_shell(req, hooks);
    CHECK(r.timed_out);
    CHECK(r.output.find("started") != std::string::npos);
    wait_until_group_gone(group);
    CHECK(gaggle::test::live_processes_in_group(group) == 0);

    std::atomic<bool> cancel{false};
    hooks.output = [&](std::string_view c) {
        if (c.find("started") != std::string_view::npos) cancel = true;
    };
    hooks.cancelled = [&] { return cancel.load(); };
    // A child that ignores SIGTERM still dies (SIGKILL follows).
    r = run_shell({"(trap '' TERM; sleep 100) & sleep 100 & echo started; wait", d.path()}, hooks);
    CHECK(r.cancelled);
    wait_until_group_gone(group);
    CHECK(gaggle::test::live_processes_in_group(group) == 0);
}
