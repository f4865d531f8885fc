// The staff PIN: hashing, checking, and the persistent lockout.
#include "store/staff_pin.h"

#include <algorithm>
#include <cctype>

#include <sodium.h>

namespace kiosk::store {
namespace {

constexpr const char* kPinHashKey = "staff.pin_hash";
constexpr const char* kFailuresKey = "staff.pin_failures";
constexpr const char* kLockedUntilKey = "staff.pin_locked_until";

int64_t ReadInt(Store& store, const char* key, std::optional<DbError>& error) {
    auto r = store.GetSetting(key);
    if (!r.ok()) {
        error = r.error;
        return 0;
    }
    if (!*r.value) return 0;
    try {
        return std::stoll(**r.value);
    } catch (...) {
        return 0;  // a damaged counter counts as zero; the hash is what guards
    }
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
    auto fail = [&](const std::optional<DbError>& e) {
        check.status = PinCheck::Status::StoreError;
        check.error = e;
        return check;
    };
    auto hash = store.GetSetting(kPinHashKey);
    if (!hash.ok()) return fail(hash.error);
    if (!*hash.value) {
        check.status = PinCheck::Status::NoPin;
        return check;
    }
    std::optional<DbError> error;
    int64_t failures = ReadInt(store, kFailuresKey, error);
    int64_t locked_until = ReadInt(store, kLockedUntilKey, error);
    if (error) return fail(error);
    check.failures = static_cast<int>(failures);
    if (now_unix < locked_until) {
        check.status = PinCheck::Status::LockedOut;
        check.seconds_locked = locked_until - now_unix;
        store.Audit(actor, "sign-in refused", "locked out for " + std::to_string(check.seconds_locked) + " s more");
        return check;
    }
    Ready();
    // crypto_pwhash_str_verify recomputes Argon2id and compares in constant time.
    std::string stored = **hash.value;
    bool ok = crypto_pwhash_str_verify(stored.c_str(), pin.data(), pin.size()) == 0;
    if (ok) {
        check.status = PinCheck::Status::Ok;
        check.failures = 0;
        store.SetSetting(kFailuresKey, "0", actor, "");
        store.SetSetting(kLockedUntilKey, "0", actor, "");
        // No unrecorded sign-in: without its audit row the PIN does not open staff mode.
        if (auto audited = store.Audit(actor, "sign-in", ""); !audited.ok()) {
            DbError refused = *audited.error;
            refused.context = "sign-in refused: the audit log cannot be written (" + refused.context + ")";
            return fail(refused);
        }
        return check;
    }
    check.status = PinCheck::Status::Wrong;
    check.failures = static_cast<int>(failures + 1);
    auto saved = store.SetSetting(kFailuresKey, std::to_string(check.failures), actor, "");
    if (!saved.ok()) return fail(saved.error);
    int64_t lockout = LockoutSeconds(check.failures);
    store.Audit(actor, "sign-in failed", "wrong PIN, " + std::to_string(check.failures) + " in a row");
    if (lockout > 0) {
        check.seconds_locked = lockout;
        store.SetSetting(kLockedUntilKey, std::to_string(now_unix + lockout), actor, "");
        store.Audit(actor, "lockout", std::to_string(lockout) + " s after " + std::to_string(check.failures) + " wrong PINs");
    }
    return check;
}

}  // namespace kiosk::store
