// Staff accounts: who may sign in, with which role, and what each role may do. The store enforces
// the roles (Store::Authorize, and every staff write checks its actor); the staff screens only
// hide what a role may not do. PINs and recovery codes are stored only as Argon2id hashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::store {

enum class Role : uint8_t { FrontDesk, Clinician, Admin };
const char* RoleKey(Role role);    // stored and typed: "front_desk", "clinician", "admin"
const char* RoleLabel(Role role);  // for people: "front desk", "clinician", "administrator"
// A role's key, label, or "front-desk"; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view text);

// What a staff member may do. Each role may do what the role before it may, and more.
enum class Permission : uint8_t {
    ResetSession,      // front desk and up
    SeeAlerts,
    AcknowledgeAlert,
    SeeQueue,          // the queue's outcomes, not the answers
    OpenResult,        // clinician and up
    ShowAnswers,
    MarkReviewed,
    Settings,          // administrator
    Export,
    ManageStaff,
    CloseKiosk,
};
bool Allows(Role role, Permission permission);
const char* PermissionLabel(Permission permission);  // "open a result", ...

// The audit actor of a signed-in account: "staff:<name>". Actors without the prefix are the
// machine's own ("kiosk", "cli": its terminal) and are not limited by a role.
std::string StaffActor(const std::string& name);
// The account name in a "staff:<name>" actor; nullopt for the machine's actors.
std::optional<std::string> ActorStaffName(const std::string& actor);

struct StaffAccount {
    int64_t id = 0;
    std::string name;
    Role role = Role::FrontDesk;
    bool active = true;
    bool has_recovery_code = false;  // administrators: a break-glass code is in place
    bool recovery_used = false;      // the break-glass code was used: a new one must replace it
    bool reads_results = false;      // holds a wrapped copy of the clinic key (opens sealed results)
    int64_t failures = 0;            // consecutive wrong PINs, after decay (as of the read)
    int64_t seconds_locked = 0;      // lockout left (as of the read)
    std::string created_at, created_by;
};

// 8 digits: with kPinCost, trying every PIN of a stolen disk costs core-years (README "Sealed at rest").
constexpr int kMinPinDigits = 8;
constexpr int kFreeAttempts = 5;              // wrong PINs on one account before its first lockout
constexpr int64_t kFirstLockoutSeconds = 30;  // doubles with each further wrong PIN
constexpr int64_t kMaxLockoutSeconds = 3600;  // the cap: no lockout is longer, whatever the clock does
constexpr int64_t kFailureDecaySeconds = 600; // each 10 minutes without a wrong PIN (after the end of
                                              // any lockout) forgives one: a wrong PIN an hour never
                                              // builds up to a lockout
constexpr int kRecoveryDigits = 20;           // a break-glass code: 20 random digits (66 bits)
constexpr size_t kMaxNameLength = 40;

// Why a PIN cannot be used ("a staff PIN has at least 8 digits"), or nullopt.
std::optional<std::string> PinProblem(std::string_view pin);
// Why a name cannot be an account's (empty, too long, control characters), or nullopt.
std::optional<std::string> NameProblem(std::string_view name);
// "1234-5678-9012-3456-7890": how a recovery code is printed; dashes and spaces are ignored when typed.
std::string FormatRecoveryCode(std::string_view digits);

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
