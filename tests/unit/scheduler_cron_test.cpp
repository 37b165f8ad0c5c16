// The scheduler plugin's cron parser, checked against an independent implementation: Debian's
// python3-croniter computes the next occurrence of thousands of generated expressions from
// thousands of instants, in UTC and in a zone with a half-hour offset. croniter writes seconds as
// a sixth field at the end where upstream goose (and we) put them first; the test converts.
// (Built only with the shipped plugins: the parser lives in plugins/features/scheduler.)
#if __has_include("cron_expression.hpp")
#include "cron_expression.hpp"

#include <doctest/doctest.h>

#include <absl/time/civil_time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using gaggle::scheduler::CronError;
using gaggle::scheduler::CronExpression;
using gaggle::scheduler::load_time_zone;

namespace {

constexpr const char* python = "/usr/bin/python3";

// Generates expressions from the grammar both implementations share.
class ExpressionGenerator {
public:
    explicit ExpressionGenerator(unsigned seed) : rng_(seed) {}

    // {ours, croniter's}
    std::pair<std::string, std::string> next()
    {
        if (pick(25) == 0) {
            static const char* macros[] = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly", "@midnight", "@DAILY"};
            const std::string m = macros[pick(8)];
            return {m, m};
        }
        // croniter 1.3.5 misreads weekday 7 (Sunday) in its six-field form, and its `*/N` and `N/M`
        // there run up to 7: six-field cases spell Sunday 0 and step only bounded ranges.
        const bool six = pick(3) == 0;
        const std::string minute = field(0, 59, nullptr), hour = field(0, 23, nullptr), day = field(1, 31, nullptr),
                          month = field(1, 12, months), weekday = field(0, six ? 6 : 7, weekdays, six);
        std::string five = minute + " " + hour + " " + day + " " + month + " " + weekday;
        if (six) {
            const std::string second = field(0, 59, nullptr);
            return {second + " " + five, five + " " + second};
        }
        return {five, five};
    }

private:
    static constexpr const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
    static constexpr const char* weekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    int between(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

    std::string value(int lo, int hi, const char* const* names, int v)
    {
        // Names only for values that have one (7 is Sunday's second number).
        if (names && pick(3) == 0 && v - lo < (hi == 7 ? 7 : hi - lo + 1)) {
            std::string n = names[v - lo];
            if (pick(2) == 0) n[0] = static_cast<char>(n[0] - 'a' + 'A');
            return n;
        }
        return std::to_string(v);
    }

    std::string element(int lo, int hi, const char* const* names, bool bounded_steps)
    {
        int kind = pick(7);
        if (bounded_steps && (kind == 1 || kind == 5)) kind = 2;
        switch (kind) {
        case 0: return "*";
        case 1: return "*/" + std::to_string(between(1, (hi - lo) / 2 + 2));
        case 2: return value(lo, hi, names, between(lo, hi));
        case 3:
        case 4: {
            const int a = between(lo, hi), b = between(a, hi);
            std::string r = value(lo, hi, names, a) + "-" + value(lo, hi, names, b);
            if (pick(2) == 0) r += "/" + std::to_string(between(1, (hi - lo) / 3 + 2));
            return r;
        }
        case 5: return std::to_string(between(lo, hi)) + "/" + std::to_string(between(1, (hi - lo) / 2 + 2));
        default: return std::to_string(between(lo, hi));
        }
    }

    std::string field(int lo, int hi, const char* const* names, bool bounded_steps = false)
    {
        if (pick(3) == 0) return "*"; // common in real crons, and it decides day-or-weekday matching
        std::string f = element(lo, hi, names, bounded_steps);
        for (int n = pick(4) == 0 ? pick(3) + 1 : 0; n > 0; --n) f += "," + element(lo, hi, names, bounded_steps);
        return f;
    }

    std::mt19937 rng_;
};

struct Case {
    std::string ours, theirs, zone;
    int64_t start = 0;
};

// Runs croniter over the cases; one answer per case: epoch seconds, "ERR" (a malformed
// expression) or "NODATE" (croniter accepted it but gave up searching).
std::vector<std::string> croniter_answers(const std::vector<Case>& cases)
{
    const auto dir = std::filesystem::temp_directory_path() / ("gaggle-cron-oracle-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream in(dir / "cases.tsv");
        for (auto& c : cases) in << c.theirs << '\t' << c.zone << '\t' << c.start << '\n';
        std::ofstream script(dir / "oracle.py");
        script << "import sys\n"
                  "from datetime import datetime\n"
                  "from zoneinfo import ZoneInfo\n"
                  "from croniter import croniter, CroniterBadDateError\n"
                  "out = open(sys.argv[2], 'w')\n"
                  "for line in open(sys.argv[1]):\n"
                  "    expr, zone, start = line.rstrip('\\n').split('\\t')\n"
                  "    try:\n"
                  "        t = croniter(expr, datetime.fromtimestamp(int(start), ZoneInfo(zone))).get_next(float)\n"
                  "        out.write('%d\\n' % int(t))\n"
                  "    except CroniterBadDateError:\n"
                  "        out.write('NODATE\\n')\n"
                  "    except Exception:\n"
                  "        out.write('ERR\\n')\n";
    }
    // Appended piece by piece: GCC 12 at -O2 warns falsely (-Warray-bounds) on a chain of operator+.
    std::string command = python;
    for (const char* file : {"oracle.py", "cases.tsv", "answers.txt"}) {
        command += ' ';
        command += (dir / file).string();
    }
    const int rc = std::system(command.c_str());
    std::vector<std::string> answers;
    std::ifstream out(dir / "answers.txt");
    for (std::string line; std::getline(out, line);) answers.push_back(line);
    std::filesystem::remove_all(dir);
    REQUIRE_MESSAGE(rc == 0, "python3-croniter is needed (scripts/setup installs it)");
    return answers;
}

std::string ours(const Case& c)
{
    try {
        const auto next = CronExpression::parse(c.ours).next_after(absl::FromUnixSeconds(c.start), load_time_zone(c.zone));
        return next ? std::to_string(absl::ToUnixSeconds(*next)) : "NONE";
    } catch (const CronError&) {
        return "ERR";
    }
}

} // namespace

TEST_CASE("cron next occurrences agree with croniter over thousands of expressions and instants")
{
    ExpressionGenerator generate(20261126);
    std::mt19937_64 instants(7);
    std::vector<Case> cases;
    const char* zones[] = {"UTC", "Asia/Kolkata"};
    for (int i = 0; i < 2500; ++i) {
        const auto [mine, theirs] = generate.next();
        for (int k = 0; k < 3; ++k) {
            // 2001..2035; every other instant on a whole minute, where "strictly after" matters.
            int64_t start = std::uniform_int_distribution<int64_t>(978307200, 2082758400)(instants);
            if (k % 2 == 0) start -= start % 60;
            cases.push_back(Case{mine, theirs, zones[(i + k) % 2], start});
        }
    }
    const auto answers = croniter_answers(cases);
    REQUIRE(answers.size() == cases.size());
    int compared = 0, mismatches = 0, oracle_gave_up = 0, malformed = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        const std::string mine = ours(cases[i]);
        // croniter's search gives up on some sparse expressions (day 31 or a weekday in a month
        // without a 31st: it tries the day alone first and fails); nothing to compare then.
        if (answers[i] == "NODATE") {
            ++oracle_gave_up;
            continue;
        }
        ++compared;
        if (mine == "ERR" && answers[i] == "ERR") ++malformed;
        if (mine != answers[i] && ++mismatches <= 20)
            FAIL_CHECK("'" << cases[i].ours << "' in " << cases[i].zone << " after " << cases[i].start << ": ours " << mine
                           << ", croniter " << answers[i]);
    }
    MESSAGE("compared " << compared << " cases (" << malformed << " malformed for both); croniter gave up on " << oracle_gave_up);
    CHECK(mismatches == 0);
    CHECK(compared > 7000);
    CHECK(oracle_gave_up < static_cast<int>(cases.size()) / 50);
}

TEST_CASE("cron parse errors name the field")
{
    const char* bad[] = {"", "* * * *", "* * * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
                         "* * * 13 *", "* * * * 8", "5-2 * * * *", "*/0 * * * *", "a * * * *", "@often", "1,,2 * * * *",
                         "-1 * * * *", "* * * foo *", "L * * * *", "* * * * mon#2", "? * * * *", "1-2-3 * * * *",
                         "61 * * * * *", "0 0 12 1/0 * *"};
    for (const char* text : bad) {
        INFO("expression: '" << text << "'");
        CHECK_THROWS_AS(CronExpression::parse(text), CronError);
    }
    try {
        CronExpression::parse("0 25 * * *");
        FAIL("accepted hour 25");
    } catch (const CronError& e) {
        CHECK(std::string(e.what()).find("hour") != std::string::npos);
    }
}

TEST_CASE("six fields put seconds first, as upstream goose writes them")
{
    const auto utc = load_time_zone("UTC");
    const absl::Time start = absl::FromCivil(absl::CivilSecond(2026, 1, 1, 10, 0, 0), utc);
    CHECK(*CronExpression::parse("* * * * * *").next_after(start, utc) == start + absl::Seconds(1));
    CHECK(*CronExpression::parse("15 * * * * *").next_after(start, utc) == start + absl::Seconds(15));
    CHECK(*CronExpression::parse("*/5 * * * *").next_after(start, utc) == start + absl::Minutes(5));
    CHECK(!CronExpression::parse("0 0 30 2 *").next_after(start, utc));
}

TEST_CASE("a time skipped by daylight saving fires at the change; a repeated one fires once")
{
    const auto ny = load_time_zone("America/New_York");
    const auto utc = load_time_zone("UTC");
    // 2024-03-10: 02:00 EST jumps to 03:00 EDT (07:00 UTC), so 02:30 does not exist that day.
    const auto skipped = CronExpression::parse("30 2 * * *");
    const absl::Time before_spring = absl::FromCivil(absl::CivilSecond(2024, 3, 10, 0, 0, 0), ny);
    CHECK(*skipped.next_after(before_spring, ny) == absl::FromCivil(absl::CivilSecond(2024, 3, 10, 7, 0, 0), utc));
    // 2024-11-03: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice; it fires at the first.
    const auto repeated = CronExpression::parse("30 1 * * *");
    const absl::Time before_fall = absl::FromCivil(absl::CivilSecond(2024, 11, 3, 0, 0, 0), ny);
    const absl::Time first = *repeated.next_after(before_fall, ny);
    CHECK(first == absl::FromCivil(absl::CivilSecond(2024, 11, 3, 5, 30, 0), utc));
    CHECK(*repeated.next_after(first, ny) == absl::FromCivil(absl::CivilSecond(2024, 11, 4, 6, 30, 0), utc));
    CHECK_THROWS_AS(load_time_zone("Mars/Olympus_Mons"), CronError);
}
#endif
