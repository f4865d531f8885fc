// The staff PIN: hashing, checking, and the persistent lockout, bounded whatever the wall clock does.
#include "store/staff_pin.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <sodium.h>

namespace kiosk::store {
namespace {

constexpr const char* kPinHashKey = "staff.pin_hash";
constexpr const char* kFailuresKey = "staff.pin_failures";
constexpr const char* kLockedUntilKey = "staff.pin_locked_until";    // wall clock, Unix seconds
constexpr const char* kLastFailureKey = "staff.pin_last_failure";    // wall clock, Unix seconds
constexpr int64_t kFailureCountCap = 1000;  // far past the cap's count; keeps the arithmetic small

int64_t ParseCount(const std::optional<std::string>& text) {
    if (!text) return 0;
    int64_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    // A damaged counter counts as zero; the hash is what guards.
    return error == std::errc() && end == text->data() + text->size() ? value : 0;
}

bool Ready() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

}  // namespace

std::optional<std::string> PinProblem(std::string_view pin) {
    if (pin.size() < static_cast<size_t>(kMinPinDigits)) return "a staff PIN has at least " + std::to_string(kMinPinDigits) + " digits";
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }))
        return std::string("a staff PIN has digits only");
    if (pin.size() > 32) return std::string("a staff PIN has at most 32 digits");
    if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; }))
        return std::string("a staff PIN cannot be one digit repeated");
    return std::nullopt;
}

int64_t LockoutSeconds(int failures) {
    if (failures < kFreeAttempts) return 0;
    int64_t seconds = kFirstLockoutSeconds;
    for (int i = kFreeAttempts; i < failures && seconds < kMaxLockoutSeconds; ++i) seconds *= 2;
    return std::min(seconds, kMaxLockoutSeconds);
}

Result<bool> SetStaffPin(Store& store, std::string_view pin, const std::string& actor) {
    Result<bool> out;
    if (auto problem = PinProblem(pin)) {
        out.error = DbError{DbErrorKind::Other, 0, *problem, "setting the staff PIN"};
        return out;
    }
    if (!Ready()) {
        out.error = DbError{DbErrorKind::Other, 0, "libsodium did not initialise", "setting the staff PIN"};
        return out;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        out.error = DbError{DbErrorKind::Other, 0, "out of memory while hashing the PIN", "setting the staff PIN"};
        return out;
    }
    out = store.SetSetting(kPinHashKey, hash, actor, "staff PIN changed");
    if (!out.ok()) return out;
    store.SetSetting(kFailuresKey, "0", actor, "");
    return store.SetSetting(kLockedUntilKey, "0", actor, "");
}

Result<bool> HasStaffPin(Store& store) {
    auto r = store.GetSetting(kPinHashKey);
    Result<bool> out;
    if (!r.ok()) out.error = r.error;
    else out.value = r.value->has_value();
    return out;
}

PinCheck VerifyStaffPin(Store& store, std::string_view pin, const std::string& actor, int64_t now_unix) {
    PinCheck check;
    if (!Ready()) {
        check.status = PinCheck::Status::StoreError;
        check.error = DbError{DbErrorKind::Other, 0, "libsodium did not initialise", "checking the staff PIN"};
        return check;
    }
    // One write transaction from the read of the counter to its write: two kiosk processes cannot
    // both read the same count, and an attempt whose result cannot be recorded (a locked or
    // read-only database) is refused before the PIN is even compared, the right PIN included.
    PinCheck result;
    auto recorded = store.UpdateSettings({kPinHashKey, kFailuresKey, kLockedUntilKey, kLastFailureKey},
                                         [&](const std::vector<std::optional<std::string>>& current) {
        Store::SettingsChange change;
        result = PinCheck{};
        if (!current[0]) {
            result.status = PinCheck::Status::NoPin;
            return change;
        }
        const int64_t failures = ParseCount(current[1]);
        const int64_t locked_until = ParseCount(current[2]);
        const int64_t last_failure = ParseCount(current[3]);
        PinState state = PinStateAt(failures, locked_until, last_failure, now_unix);
        result.failures = static_cast<int>(state.failures);
        if (state.seconds_locked > 0) {
            result.status = PinCheck::Status::LockedOut;
            result.seconds_locked = state.seconds_locked;
            // A lockout stored further ahead than its own length (begun under a clock that was
            // fast) is brought back to now + its length, for every later reader too.
            if (state.clamped) change.values.push_back({kLockedUntilKey, std::to_string(now_unix + state.seconds_locked)});
            change.audit.push_back({"", actor, "sign-in refused", "locked out for " + std::to_string(state.seconds_locked) + " s more"});
            return change;
        }
        // crypto_pwhash_str_verify recomputes Argon2id and compares in constant time.
        const std::string& hash = *current[0];
        if (crypto_pwhash_str_verify(hash.c_str(), pin.data(), pin.size()) == 0) {
            result.status = PinCheck::Status::Ok;
            result.failures = 0;
            change.values = {{kFailuresKey, "0"}, {kLockedUntilKey, "0"}, {kLastFailureKey, "0"}};
            change.audit.push_back({"", actor, "sign-in", ""});
            return change;
        }
        result.status = PinCheck::Status::Wrong;
        result.failures = static_cast<int>(std::min<int64_t>(state.failures + 1, kFailureCountCap));
        const int64_t lockout = LockoutSeconds(result.failures);
        change.values = {{kFailuresKey, std::to_string(result.failures)},
                         {kLockedUntilKey, std::to_string(lockout > 0 ? now_unix + lockout : 0)},
                         {kLastFailureKey, std::to_string(now_unix)}};
        change.audit.push_back({"", actor, "sign-in failed", "wrong PIN, " + std::to_string(result.failures) + " in a row"});
        if (lockout > 0) {
            result.seconds_locked = lockout;
            change.audit.push_back(
                {"", actor, "lockout", std::to_string(lockout) + " s after " + std::to_string(result.failures) + " wrong PINs"});
        }
        return change;
    });
    if (!recorded.ok()) {
        check.status = PinCheck::Status::StoreError;
        check.error = recorded.error;
        return check;
    }
    return result;
}

PinState PinStateAt(int64_t failures, int64_t locked_until, int64_t last_failure, int64_t now_unix) {
    PinState state;
    // Decay counts from the end of the last failure's lockout, so waiting out lockouts never
    // forgives: the count still climbs to the cap. A last failure "in the future" was stamped by
    // a clock that has since gone back: nothing is forgiven until real time passes.
    const int64_t since = std::max<int64_t>(0, now_unix - std::max(last_failure, locked_until));
    state.failures = std::clamp<int64_t>(failures - since / kFailureDecaySeconds, 0, kFailureCountCap);
    const int64_t length = LockoutSeconds(static_cast<int>(std::clamp<int64_t>(failures, 0, kFailureCountCap)));
    int64_t left = locked_until - now_unix;
    if (left > length) {
        left = length;
        state.clamped = true;
    }
    state.seconds_locked = std::max<int64_t>(0, left);
    return state;
}

}  // namespace kiosk::store
