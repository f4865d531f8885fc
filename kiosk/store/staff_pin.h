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
constexpr int64_t kMaxLockoutSeconds = 3600;

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

// Checks a PIN at `now_unix` (seconds). While locked out the PIN is not even checked.
PinCheck VerifyStaffPin(Store& store, std::string_view pin, const std::string& actor, int64_t now_unix);

// Lockout length after `failures` consecutive wrong PINs (0 while below kFreeAttempts).
int64_t LockoutSeconds(int failures);

}  // namespace kiosk::store
