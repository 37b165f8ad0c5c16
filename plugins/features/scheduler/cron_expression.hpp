#pragma once
// A cron expression and its next occurrence. Grammar (as upstream goose writes crons, and as
// classic cron reads them):
//   5 fields  minute hour day-of-month month day-of-week        (seconds are 0)
//   6 fields  second minute hour day-of-month month day-of-week (seconds first, as upstream)
//   @yearly @annually @monthly @weekly @daily @midnight @hourly
// Each field is a comma list of `*`, `N`, `A-B`, with an optional `/STEP` (`N/STEP` runs from N to
// the field's maximum). Months take jan..dec, weekdays sun..sat (0 or 7 is Sunday).
// When both day fields are restricted a day matches either of them (classic cron); a field whose
// values cover its whole range counts as unrestricted, as croniter (our test oracle) reads it.
//
// Occurrences are civil times in a time zone: a time skipped by a daylight-saving change fires at
// the change, a time repeated by one fires once (the first time). Thread-safe once built.
#include <absl/time/time.h>

#include <bitset>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace gaggle::scheduler {

// A malformed expression; the message says which field and why.
class CronError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

class CronExpression {
public:
    // Throws CronError.
    static CronExpression parse(const std::string& text);

    // The first occurrence strictly after `after`, or nullopt when there is none within the next
    // few decades (say `0 0 30 2 *`).
    std::optional<absl::Time> next_after(absl::Time after, const absl::TimeZone& zone) const;

    const std::string& text() const { return text_; }

private:
    bool day_matches(int day_of_month, int weekday) const;

    std::string text_;
    std::bitset<60> seconds_, minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;     // 1..31
    std::bitset<13> months_;   // 1..12
    std::bitset<7> weekdays_;  // 0 = Sunday
    bool days_restricted_ = false, weekdays_restricted_ = false;
};

// "local" or "" is the host's zone (TZ, else /etc/localtime); otherwise an IANA name such as
// "Europe/Paris" or "UTC". Throws CronError for a zone the system does not know.
absl::TimeZone load_time_zone(const std::string& name);

} // namespace gaggle::scheduler
