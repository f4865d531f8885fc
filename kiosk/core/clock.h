// Where the kiosk's time comes from: the wall clock for timestamps and the age gate, a monotonic
// clock for every timer; the system's clocks in the kiosk, hand-set ones in tests.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

#include "rules/date.h"

namespace kiosk {

using SystemTime = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;

// Injected into everything that measures time, so tests move time by hand and are exact.
// Two clocks, because the wall clock can be stepped (by hand, NTP, a flat CMOS battery): Now()
// stamps records and gives the screening day; Monotonic() measures how long something lasted
// (idle warning and wipe, the closing screen, staff auto-lock) and never goes back.
class Clock {
public:
    virtual ~Clock() = default;
    virtual SystemTime Now() const = 0;
    // The screening day for Now(): the date age and "in the last N days" rules count from.
    virtual rules::Date Today() const = 0;
    // For durations only: its epoch means nothing, and a step of the wall clock does not move it.
    virtual SteadyTime Monotonic() const = 0;
};

// The day this kiosk was built (UTC midnight; CMake's configure date, or SOURCE_DATE_EPOCH for a
// reproducible build). A wall clock before it is certainly wrong: the kiosk refuses new screenings.
SystemTime BuildTime();

// The calendar date of `time` in UTC.
inline rules::Date UtcDate(SystemTime time) {
    auto days = std::chrono::floor<std::chrono::days>(time).time_since_epoch().count();
    return rules::DateFromDayNumber(static_cast<int32_t>(days));
}

// `time_of_day` after midnight UTC on `date`: how tests name an instant.
inline SystemTime UtcTime(const rules::Date& date, std::chrono::seconds time_of_day = {}) {
    return SystemTime(std::chrono::days(rules::DayNumber(date))) + time_of_day;
}

// `time` on this machine's calendar and clock (its time zone): the one place that asks for it.
inline std::tm LocalCalendar(SystemTime time) {
    std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm local{};
    localtime_r(&t, &local);
    return local;
}

// The local calendar date of `time`.
inline rules::Date LocalDate(SystemTime time) {
    std::tm local = LocalCalendar(time);
    return {local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

// `time` in local time as strftime writes `format` ("%Y-%m-%d %H:%M"); at most 63 characters.
inline std::string FormatLocalTime(SystemTime time, const char* format) {
    std::tm local = LocalCalendar(time);
    char out[64];
    size_t n = std::strftime(out, sizeof out, format, &local);
    return std::string(out, n);
}

// The kiosk's clock. The screening day is the local date: a patient at 00:30 local time is
// screened on the calendar day the clinic sees, not UTC's.
class SystemClock final : public Clock {
public:
    SystemTime Now() const override { return std::chrono::system_clock::now(); }
    rules::Date Today() const override { return LocalDate(Now()); }
    SteadyTime Monotonic() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to. Its screening day is the UTC date of Now(), so a test
// does not depend on the time zone of the machine that runs it.
class ManualClock final : public Clock {
public:
    explicit ManualClock(SystemTime start) : m_now(start) {}

    SystemTime Now() const override { return m_now; }
    rules::Date Today() const override { return UtcDate(m_now); }
    SteadyTime Monotonic() const override { return m_monotonic; }

    // Time passes: both clocks move.
    void Advance(std::chrono::system_clock::duration by) {
        m_now += by;
        m_monotonic += std::chrono::duration_cast<std::chrono::steady_clock::duration>(by);
    }
    // The wall clock is stepped (forward or back) and no time passes: the monotonic clock stays.
    void StepWall(std::chrono::system_clock::duration by) { m_now += by; }
    void Set(SystemTime now) { m_now = now; }  // a step of the wall clock to `now`

private:
    SystemTime m_now;
    SteadyTime m_monotonic{std::chrono::hours(1000)};  // any start: only differences mean anything
};

}  // namespace kiosk
