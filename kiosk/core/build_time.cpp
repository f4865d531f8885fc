// The kiosk's build date, from CMake (KIOSK_BUILD_DATE, "YYYY-MM-DD"): the earliest plausible wall clock.
#include "core/clock.h"

#include <optional>

#include "rules/date.h"

#ifndef KIOSK_BUILD_DATE
#error "KIOSK_BUILD_DATE is set by kiosk/CMakeLists.txt"
#endif

namespace kiosk {

SystemTime BuildTime() {
    // Parsed once; the define is checked by the build (a malformed one gives the epoch, which no
    // clock is before, so it could only weaken the check, never block a kiosk).
    static const SystemTime built = [] {
        std::optional<rules::Date> date = rules::ParseDate(KIOSK_BUILD_DATE);
        return date ? UtcTime(*date) : SystemTime{};
    }();
    return built;
}

}  // namespace kiosk
