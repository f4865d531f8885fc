// Tests of calendar dates: day numbers, parsing, formatting and age arithmetic.
#include <doctest/doctest.h>

#include <string>

#include "rules/date.h"

using rules::Date;

TEST_CASE("DayNumber of known dates") {
    struct Row {
        Date date;
        int32_t day_number;
    };
    const Row kRows[] = {
        {{1970, 1, 1}, 0},
        {{1970, 1, 2}, 1},
        {{1969, 12, 31}, -1},
        {{2000, 1, 1}, 10957},
        {{2000, 2, 29}, 11016},
        {{2000, 3, 1}, 11017},
        {{2026, 1, 1}, 20454},
        {{1900, 1, 1}, -25567},
        {{1600, 3, 1}, -135080},
        {{0, 1, 1}, -719528},
        {{9999, 12, 31}, 2932896},
    };
    for (const Row& row : kRows) {
        CAPTURE(rules::FormatDate(row.date));
        CHECK(rules::DayNumber(row.date) == row.day_number);
        CHECK(rules::DateFromDayNumber(row.day_number) == row.date);
    }
}

TEST_CASE("DayNumber and DateFromDayNumber round trip, one day at a time") {
    // About 1600-01-01 to 2400-01-01: several 400-year eras, both signs.
    Date previous = rules::DateFromDayNumber(-135200);
    for (int32_t n = -135199; n <= 157000; ++n) {
        const Date date = rules::DateFromDayNumber(n);
        CAPTURE(n);
        REQUIRE(rules::IsValidDate(date.year, date.month, date.day));
        REQUIRE(rules::DayNumber(date) == n);
        // Consecutive day numbers are consecutive calendar days.
        const bool next_day = date.year == previous.year && date.month == previous.month &&
                              date.day == previous.day + 1;
        const bool next_month = date.year == previous.year && date.month == previous.month + 1 && date.day == 1;
        const bool next_year = date.year == previous.year + 1 && date.month == 1 && date.day == 1 &&
                               previous.month == 12 && previous.day == 31;
        REQUIRE((next_day || next_month || next_year));
        previous = date;
    }
}

TEST_CASE("IsValidDate and leap years") {
    struct Row {
        int year, month, day;
        bool valid;
    };
    const Row kRows[] = {
        {2024, 2, 29, true},  {2023, 2, 29, false}, {2000, 2, 29, true},  {1900, 2, 29, false},
        {2100, 2, 29, false}, {2400, 2, 29, true},  {2026, 2, 28, true},  {2026, 1, 31, true},
        {2026, 4, 31, false}, {2026, 4, 30, true},  {2026, 12, 31, true}, {2026, 13, 1, false},
        {2026, 0, 1, false},  {2026, 1, 0, false},  {2026, 1, 32, false}, {2026, 6, 31, false},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.year);
        CAPTURE(row.month);
        CAPTURE(row.day);
        CHECK(rules::IsValidDate(row.year, row.month, row.day) == row.valid);
    }
}

TEST_CASE("ParseDate accepts strict dates") {
    CHECK(rules::ParseDate("2026-06-15") == Date{2026, 6, 15});
    CHECK(rules::ParseDate("2024-02-29") == Date{2024, 2, 29});
    CHECK(rules::ParseDate("0001-01-01") == Date{1, 1, 1});
    CHECK(rules::ParseDate("2026-06", true) == Date{2026, 6, 1});
    CHECK(rules::ParseDate("2026-06-15", true) == Date{2026, 6, 15});
}

TEST_CASE("ParseDate rejects anything else") {
    const char* const kBad[] = {
        "2026-02-30", "2023-02-29", "2026-13-01", "2026-00-10", "2026-01-00", "2026-2-3",
        "2026-02-3",  "26-01-01",   "02026-01-01", "2026-01-01 ", " 2026-01-01", "2026-01-01x",
        "2026-01-01T00:00", "2026/01/01", "2026-01-1a", "20a6-01-01", "+026-01-01", "2026--1-01",
        "", "2026-06", "2026-6", "2026-1-01",
    };
    for (const char* text : kBad) {
        CAPTURE(text);
        CHECK_FALSE(rules::ParseDate(text).has_value());
    }
    // Month-only form is opt-in and still strict.
    const char* const kBadMonths[] = {"2026-6", "2026-13", "2026-00", "2026-06-", "26-06", "2026-06x"};
    for (const char* text : kBadMonths) {
        CAPTURE(text);
        CHECK_FALSE(rules::ParseDate(text, true).has_value());
    }
}

TEST_CASE("FormatDate pads and round trips with ParseDate") {
    CHECK(rules::FormatDate({2026, 6, 5}) == "2026-06-05");
    CHECK(rules::FormatDate({987, 1, 1}) == "0987-01-01");
    for (int32_t n = -1000; n <= 30000; n += 37) {
        const Date date = rules::DateFromDayNumber(n);
        const std::string text = rules::FormatDate(date);
        CAPTURE(text);
        CHECK(rules::ParseDate(text) == date);
    }
}

TEST_CASE("CompletedYears") {
    struct Row {
        Date from, to;
        int years;
    };
    const Row kRows[] = {
        {{2008, 6, 15}, {2026, 6, 15}, 18},  // the 18th birthday itself
        {{2008, 6, 15}, {2026, 6, 14}, 17},  // the day before
        {{2008, 6, 15}, {2026, 6, 16}, 18},
        {{2008, 6, 15}, {2026, 1, 1}, 17},
        {{2008, 6, 15}, {2026, 12, 31}, 18},
        {{2008, 1, 1}, {2025, 12, 31}, 17},
        {{2008, 1, 1}, {2026, 1, 1}, 18},
        {{2000, 1, 1}, {2000, 1, 1}, 0},
        {{2000, 1, 1}, {2000, 12, 31}, 0},
        // 29 February: reached on 1 March in a common year, on 29 February in a leap year.
        {{2008, 2, 29}, {2026, 2, 28}, 17},
        {{2008, 2, 29}, {2026, 3, 1}, 18},
        {{2008, 2, 29}, {2028, 2, 28}, 19},
        {{2008, 2, 29}, {2028, 2, 29}, 20},
        {{2004, 2, 29}, {2005, 2, 28}, 0},
        {{2004, 2, 29}, {2005, 3, 1}, 1},
        // Earlier `to` gives a negative or zero count; callers reject future dates first.
        {{2026, 6, 15}, {2026, 6, 14}, -1},
    };
    for (const Row& row : kRows) {
        CAPTURE(rules::FormatDate(row.from));
        CAPTURE(rules::FormatDate(row.to));
        CHECK(rules::CompletedYears(row.from, row.to) == row.years);
    }
}

TEST_CASE("CompletedMonths") {
    struct Row {
        Date from, to;
        int months;
    };
    const Row kRows[] = {
        {{2026, 1, 15}, {2026, 1, 15}, 0},
        {{2026, 1, 15}, {2026, 2, 14}, 0},
        {{2026, 1, 15}, {2026, 2, 15}, 1},
        {{2026, 1, 15}, {2026, 7, 15}, 6},
        {{2026, 1, 15}, {2026, 7, 14}, 5},
        {{2025, 12, 1}, {2026, 1, 1}, 1},
        {{2025, 6, 10}, {2026, 6, 10}, 12},
        {{2025, 6, 10}, {2026, 6, 9}, 11},
        {{2026, 1, 31}, {2026, 2, 28}, 0},  // day of month counts: 28 < 31
        {{2026, 1, 31}, {2026, 3, 1}, 1},
        {{2026, 3, 10}, {2026, 1, 10}, -2},
    };
    for (const Row& row : kRows) {
        CAPTURE(rules::FormatDate(row.from));
        CAPTURE(rules::FormatDate(row.to));
        CHECK(rules::CompletedMonths(row.from, row.to) == row.months);
    }
}

TEST_CASE("AddDays and AddMonths: across months and years, the day kept where the month has it") {
    CHECK(rules::AddDays({2026, 12, 31}, 1) == Date{2027, 1, 1});
    CHECK(rules::AddDays({2024, 3, 1}, -1) == Date{2024, 2, 29});
    CHECK(rules::AddMonths({2026, 1, 31}, 1) == Date{2026, 2, 28});
    CHECK(rules::AddMonths({2024, 1, 31}, 1) == Date{2024, 2, 29});
    CHECK(rules::AddMonths({2024, 2, 29}, -12) == Date{2023, 2, 28});
    CHECK(rules::AddMonths({2026, 1, 15}, -1) == Date{2025, 12, 15});
    CHECK(rules::AddMonths({2026, 6, 15}, -12 * 18) == Date{2008, 6, 15});
    // A date moved back by whole months is exactly that many completed months before.
    for (int months = 0; months < 40; ++months) {
        CAPTURE(months);
        CHECK(rules::CompletedMonths(rules::AddMonths({2026, 6, 15}, -months), {2026, 6, 15}) == months);
    }
}
