// The staff PIN: Argon2id hash in the clinic database, constant-time check, and a lockout with a
// growing delay that survives a restart. Every sign-in, failure and lockout is audited.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace kiosk::store {

constexpr int kMinPinDigits = 6;
constexpr int kFreeAttempts = 5;             // wrong PINs before the first lockout
constexpr int64_t kFirstLockoutSeconds = 30; // doubles with each further wrong PIN
constexpr int64_t kMaxLockoutSeconds = 3600; // the cap: no lockout is longer, whatever the clock does
constexpr int64_t kFailureDecaySeconds = 600; // each 10 minutes without a wrong PIN (after the end of
                                              // any lockout) forgives one: a wrong PIN an hour never
                                              // builds up to a lockout

// Why a PIN cannot be used ("at least 6 digits"), or nullopt.
std::optional<std::string> PinProblem(std::string_view pin);

// Stores the Argon2id hash of `pin` (libsodium crypto_pwhash_str) and clears any lockout.
Result<bool> SetStaffPin(Store& store, std::string_view pin, const std::string& actor);
Result<bool> HasStaffPin(Store& store);

struct PinCheck {
    enum class Status { Ok, Wrong, LockedOut, NoPin, StoreError };
    Status status = Status::Wrong;
    int64_t seconds_locked = 0;  // LockedOut, or Wrong when this failure started a lockout
    int failures = 0;            // consecutive wrong PINs so far
    std::optional<DbError> error;
};

// Checks a PIN at `now_unix` (wall clock, seconds). While locked out the PIN is not even checked.
// The attempt is read, decided and recorded (counter and audit) in one transaction; when it cannot
// be recorded (database locked, read-only, full) it is refused as StoreError, whatever the PIN:
// the right PIN signs in only once its sign-in is audited.
PinCheck VerifyStaffPin(Store& store, std::string_view pin, const std::string& actor, int64_t now_unix);

// What the stored counter means at `now_unix`: failures after decay, and the lockout left, never
// more than the length LockoutSeconds(failures) gave it. A lockout stored further ahead (begun
// under a clock that was fast, or the clock has gone back since) counts as that length from now
// (`clamped`: write it back), so no wall clock makes a lockout longer than kMaxLockoutSeconds.
struct PinState {
    int64_t failures = 0;
    int64_t seconds_locked = 0;
    bool clamped = false;
};
PinState PinStateAt(int64_t failures, int64_t locked_until, int64_t last_failure, int64_t now_unix);

// Lockout length after `failures` consecutive wrong PINs (0 while below kFreeAttempts).
int64_t LockoutSeconds(int failures);

}  // namespace kiosk::store
