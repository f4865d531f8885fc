// Calendar dates as day numbers, and the age arithmetic the rules use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rules {

struct Date {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31

    friend bool operator==(const Date&, const Date&) = default;
};

bool IsValidDate(int year, int month, int day);
// Days since 1970-01-01 (proleptic Gregorian); negative before.
int32_t DayNumber(const Date& date);
Date DateFromDayNumber(int32_t day_number);
// "YYYY-MM-DD"; with allow_month_only also "YYYY-MM" (the day is then 1).
std::optional<Date> ParseDate(std::string_view text, bool allow_month_only = false);
std::string FormatDate(const Date& date);

// Completed years from `from` to `to`: a birthday on `to` counts. A 29 February birthday
// is reached on 1 March in a common year.
int CompletedYears(const Date& from, const Date& to);
// Whole calendar months from `from` to `to` (the day of month counts, as for years).
int CompletedMonths(const Date& from, const Date& to);

// `date` moved by whole days, or by whole months with the day kept where the month has it (else
// its last day). Negative moves go back.
Date AddDays(const Date& date, int days);
Date AddMonths(const Date& date, int months);

}  // namespace rules
