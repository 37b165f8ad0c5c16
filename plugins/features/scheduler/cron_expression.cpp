#include "cron_expression.hpp"

#include <absl/time/civil_time.h>

#include <array>
#include <cctype>
#include <sstream>
#include <string_view>
#include <vector>

namespace gaggle::scheduler {
namespace {

struct FieldSpec {
    const char* name;
    int min, max;
    const char* const* names; // three-letter names for min.. (months, weekdays), or nullptr
};

constexpr const char* month_names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr const char* weekday_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr FieldSpec second_field{"second", 0, 59, nullptr};
constexpr FieldSpec minute_field{"minute", 0, 59, nullptr};
constexpr FieldSpec hour_field{"hour", 0, 23, nullptr};
constexpr FieldSpec day_field{"day-of-month", 1, 31, nullptr};
constexpr FieldSpec month_field{"month", 1, 12, month_names};
constexpr FieldSpec weekday_field{"day-of-week", 0, 7, weekday_names}; // 7 is Sunday again

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

[[noreturn]] void fail(const FieldSpec& f, std::string_view element, const std::string& why)
{
    throw CronError("cron " + std::string(f.name) + " field '" + std::string(element) + "': " + why);
}

// A number or (for months and weekdays) a name; digits only, no sign.
int value_of(const FieldSpec& f, std::string_view token, std::string_view element)
{
    if (token.empty()) fail(f, element, "a value is missing");
    if (std::isdigit(static_cast<unsigned char>(token[0]))) {
        if (token.size() > 2) fail(f, element, "'" + std::string(token) + "' is out of range");
        int v = 0;
        for (char c : token) {
            if (!std::isdigit(static_cast<unsigned char>(c))) fail(f, element, "'" + std::string(token) + "' is not a number");
            v = v * 10 + (c - '0');
        }
        if (v < f.min || v > f.max)
            fail(f, element, std::to_string(v) + " is outside " + std::to_string(f.min) + "-" + std::to_string(f.max));
        return v;
    }
    if (f.names) {
        const std::string name = lower(token);
        const int count = f.max - f.min + 1 - (f.max == 7 ? 1 : 0);
        for (int i = 0; i < count; ++i)
            if (name == f.names[i]) return f.min + i;
    }
    fail(f, element, "'" + std::string(token) + "' is not a " + (f.names ? "number or name" : "number"));
}

int step_of(const FieldSpec& f, std::string_view token, std::string_view element)
{
    if (token.empty() || token.size() > 2) fail(f, element, "the step must be a number from 1 to 99");
    int v = 0;
    for (char c : token) {
        if (!std::isdigit(static_cast<unsigned char>(c))) fail(f, element, "the step must be a number");
        v = v * 10 + (c - '0');
    }
    if (v == 0) fail(f, element, "the step must be at least 1");
    return v;
}

// The set of values one field selects, as bits f.min..f.max.
std::vector<bool> parse_field(const FieldSpec& f, std::string_view text)
{
    std::vector<bool> bits(static_cast<size_t>(f.max + 1), false);
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string_view element = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (element.empty()) fail(f, text, "an empty list element");

        std::string_view range = element;
        int step = 1;
        bool has_step = false;
        if (const size_t slash = element.find('/'); slash != std::string_view::npos) {
            range = element.substr(0, slash);
            step = step_of(f, element.substr(slash + 1), element);
            has_step = true;
        }
        int low = f.min, high = f.max;
        if (range == "*") {
            if (f.max == 7) high = 6; // `*` names each weekday once
        } else if (const size_t dash = range.find('-'); dash != std::string_view::npos) {
            low = value_of(f, range.substr(0, dash), element);
            high = value_of(f, range.substr(dash + 1), element);
            if (f.max == 7 && high == 0 && low > 0) high = 7; // fri-sun
            if (low > high) fail(f, element, "the range runs backwards");
        } else {
            low = value_of(f, range, element);
            high = has_step ? f.max : low; // `N/STEP` runs to the field's end
        }
        for (int v = low; v <= high; v += step) bits[static_cast<size_t>(v)] = true;

        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return bits;
}

template <size_t N>
std::bitset<N> to_bits(const std::vector<bool>& values)
{
    std::bitset<N> out;
    for (size_t i = 0; i < values.size() && i < N; ++i) out[i] = values[i];
    return out;
}

std::vector<std::string> split_fields(const std::string& text)
{
    std::istringstream in(text);
    std::vector<std::string> fields;
    for (std::string f; in >> f;) fields.push_back(f);
    return fields;
}

std::string expand_macro(const std::string& text)
{
    const std::string m = lower(text);
    if (m == "@yearly" || m == "@annually") return "0 0 1 1 *";
    if (m == "@monthly") return "0 0 1 * *";
    if (m == "@weekly") return "0 0 * * 0";
    if (m == "@daily" || m == "@midnight") return "0 0 * * *";
    if (m == "@hourly") return "0 * * * *";
    throw CronError("unknown cron macro '" + text + "' (use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)");
}

} // namespace

CronExpression CronExpression::parse(const std::string& text)
{
    if (text.size() > 512) throw CronError("cron expression is longer than 512 bytes");
    auto fields = split_fields(text);
    if (fields.size() == 1 && !fields[0].empty() && fields[0][0] == '@') fields = split_fields(expand_macro(fields[0]));
    if (fields.size() == 5) fields.insert(fields.begin(), "0");
    if (fields.size() != 6)
        throw CronError("cron expression must have 5 fields (minute hour day month weekday), 6 with seconds first, "
                        "or be a macro such as @daily; got '" + text + "'");
    CronExpression e;
    e.text_ = text;
    e.seconds_ = to_bits<60>(parse_field(second_field, fields[0]));
    e.minutes_ = to_bits<60>(parse_field(minute_field, fields[1]));
    e.hours_ = to_bits<24>(parse_field(hour_field, fields[2]));
    e.days_ = to_bits<32>(parse_field(day_field, fields[3]));
    e.months_ = to_bits<13>(parse_field(month_field, fields[4]));
    const auto weekdays = parse_field(weekday_field, fields[5]);
    for (size_t d = 0; d < 7; ++d) e.weekdays_[d] = weekdays[d];
    if (weekdays[7]) e.weekdays_[0] = true;
    e.days_restricted_ = e.days_.count() != 31;
    e.weekdays_restricted_ = e.weekdays_.count() != 7;
    return e;
}

bool CronExpression::day_matches(int day_of_month, int weekday) const
{
    const bool by_day = days_[static_cast<size_t>(day_of_month)];
    const bool by_weekday = weekdays_[static_cast<size_t>(weekday)];
    if (days_restricted_ && weekdays_restricted_) return by_day || by_weekday;
    return by_day && by_weekday;
}

std::optional<absl::Time> CronExpression::next_after(absl::Time after, const absl::TimeZone& zone) const
{
    absl::CivilSecond c = absl::ToCivilSecond(after, zone) + 1;
    // Feb 29 on a given weekday can be 28 years away; beyond that nothing will ever match.
    const absl::civil_year_t last_year = c.year() + 30;
    while (c.year() <= last_year) {
        if (!months_[static_cast<size_t>(c.month())]) {
            c = absl::CivilSecond(c.year(), c.month() + 1, 1, 0, 0, 0);
            continue;
        }
        const int weekday = (static_cast<int>(absl::GetWeekday(absl::CivilDay(c))) + 1) % 7; // absl: Monday = 0
        if (!day_matches(c.day(), weekday)) {
            c = absl::CivilSecond(c.year(), c.month(), c.day() + 1, 0, 0, 0);
            continue;
        }
        if (!hours_[static_cast<size_t>(c.hour())]) {
            c = absl::CivilSecond(c.year(), c.month(), c.day(), c.hour() + 1, 0, 0);
            continue;
        }
        if (!minutes_[static_cast<size_t>(c.minute())]) {
            c = absl::CivilSecond(c.year(), c.month(), c.day(), c.hour(), c.minute() + 1, 0);
            continue;
        }
        if (!seconds_[static_cast<size_t>(c.second())]) {
            c += 1;
            continue;
        }
        const absl::TimeZone::TimeInfo info = zone.At(c);
        const absl::Time at = info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
        if (at > after) return at;
        c += 1; // the first pass of a repeated hour has gone by: look further
    }
    return std::nullopt;
}

absl::TimeZone load_time_zone(const std::string& name)
{
    if (name.empty() || lower(name) == "local") return absl::LocalTimeZone();
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(name, &zone)) throw CronError("unknown time zone '" + name + "'");
    return zone;
}

} // namespace gaggle::scheduler
