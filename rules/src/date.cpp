// Calendar dates: validation, day numbers, parsing and the age arithmetic the rules use.
#include "rules/date.h"

namespace rules {

namespace {

bool IsLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && IsLeapYear(year)) return 29;
    return kDays[month - 1];
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `count` ASCII digits at `pos`; the caller has checked the length.
std::optional<int> ReadDigits(std::string_view text, size_t pos, size_t count) {
    int value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (!IsDigit(text[i])) return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

void AppendPadded(std::string& out, int value, size_t width) {
    std::string digits = std::to_string(value < 0 ? -static_cast<long long>(value) : value);
    if (value < 0) out += '-';
    if (digits.size() < width) out.append(width - digits.size(), '0');
    out += digits;
}

}  // namespace

bool IsValidDate(int year, int month, int day) {
    if (month < 1 || month > 12) return false;
    return day >= 1 && day <= DaysInMonth(year, month);
}

// Howard Hinnant's days_from_civil: eras of 400 years (146097 days) starting 1 March, so
// the leap day is the last day of the shifted year. 64-bit inside so extreme years only
// wrap in the final conversion instead of overflowing part-way.
int32_t DayNumber(const Date& date) {
    const int64_t year = static_cast<int64_t>(date.year) - (date.month <= 2 ? 1 : 0);
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;                                  // [0, 399]
    const int64_t shifted_month = (date.month + 9) % 12;                           // March = 0
    const int64_t day_of_year = (153 * shifted_month + 2) / 5 + date.day - 1;      // [0, 365]
    const int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;     // [0, 146096]
    return static_cast<int32_t>(era * 146097 + day_of_era - 719468);
}

// Howard Hinnant's civil_from_days, the inverse of DayNumber.
Date DateFromDayNumber(int32_t day_number) {
    const int64_t days = static_cast<int64_t>(day_number) + 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t day_of_era = days - era * 146097;                                // [0, 146096]
    const int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t shifted_month = (5 * day_of_year + 2) / 153;                     // March = 0
    const int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    const int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
    const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return Date{static_cast<int>(year), static_cast<int>(month), static_cast<int>(day)};
}

std::optional<Date> ParseDate(std::string_view text, bool allow_month_only) {
    // Strict shapes only: "2026-2-3" or "26-01-01" are more likely typos than intent.
    const bool month_only = allow_month_only && text.size() == 7;
    if (text.size() != 10 && !month_only) return std::nullopt;
    if (text[4] != '-') return std::nullopt;
    const std::optional<int> year = ReadDigits(text, 0, 4);
    const std::optional<int> month = ReadDigits(text, 5, 2);
    if (!year || !month) return std::nullopt;
    int day = 1;
    if (!month_only) {
        if (text[7] != '-') return std::nullopt;
        const std::optional<int> parsed_day = ReadDigits(text, 8, 2);
        if (!parsed_day) return std::nullopt;
        day = *parsed_day;
    }
    if (!IsValidDate(*year, *month, day)) return std::nullopt;
    return Date{*year, *month, day};
}

std::string FormatDate(const Date& date) {
    std::string out;
    out.reserve(10);
    AppendPadded(out, date.year, 4);
    out += '-';
    AppendPadded(out, date.month, 2);
    out += '-';
    AppendPadded(out, date.day, 2);
    return out;
}

int CompletedYears(const Date& from, const Date& to) {
    int years = to.year - from.year;
    int birthday_month = from.month;
    int birthday_day = from.day;
    // A 29 February birthday has no date in a common year; the spec counts it reached on 1 March.
    if (birthday_month == 2 && birthday_day == 29 && !IsLeapYear(to.year)) {
        birthday_month = 3;
        birthday_day = 1;
    }
    if (to.month < birthday_month || (to.month == birthday_month && to.day < birthday_day)) --years;
    return years;
}

int CompletedMonths(const Date& from, const Date& to) {
    int months = (to.year * 12 + to.month) - (from.year * 12 + from.month);
    if (to.day < from.day) --months;
    return months;
}

Date AddDays(const Date& date, int days) { return DateFromDayNumber(DayNumber(date) + days); }

Date AddMonths(const Date& date, int months) {
    int index = date.year * 12 + (date.month - 1) + months;
    Date out{index / 12, index % 12 + 1, date.day};
    while (!IsValidDate(out.year, out.month, out.day)) --out.day;
    return out;
}

}  // namespace rules
