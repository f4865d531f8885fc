// Staff accounts in the clinic database: roles and what they allow, PINs and break-glass codes as
// Argon2id hashes, sign-in with a lockout per account that no wall clock can lengthen, and the
// refusal of anything a role may not do. Every change and every attempt is an audit row.
#include <algorithm>
#include <cctype>

#include <sodium.h>

#include "store/audit_chain.h"
#include "store/export/safe_text.h"
#include "store/guard.h"
#include "store/key_store.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace kiosk::store {
namespace {

constexpr int64_t kFailureCountCap = 1000;  // far past the cap's count; keeps the arithmetic small
constexpr size_t kMaxReasonLength = 500;

bool SodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

DbError Problem(DbErrorKind kind, std::string message, const char* context) { return DbError{kind, 0, std::move(message), context}; }

// Argon2id (sealing.h): what is stored, and the key that wraps the clinic key under this secret.
HashedSecret Hashed(std::string_view secret, SecretCost cost, const char* context) {
    std::optional<HashedSecret> hashed = HashSecret(secret, cost);
    if (!hashed) throw DbException(Problem(DbErrorKind::Other, "out of memory while hashing (Argon2id)", context));
    return std::move(*hashed);
}

std::string NewRecoveryDigits() {
    SodiumReady();
    std::string digits;
    for (int i = 0; i < kRecoveryDigits; ++i) digits += static_cast<char>('0' + randombytes_uniform(10));
    return digits;
}

std::string DigitsOnly(std::string_view typed) {
    std::string digits;
    for (char c : typed)
        if (c >= '0' && c <= '9') digits += c;
    return digits;
}

constexpr const char* kAccountColumns =
    "id, name, role, active, recovery_hash IS NOT NULL, recovery_used IS NOT NULL, failures, locked_until, last_failure, "
    "created_at, created_by, pin_hash, recovery_hash, "
    "EXISTS (SELECT 1 FROM key_wraps w WHERE w.staff_id = staff.id AND w.secret = 'pin')";

// A staff row as read with kAccountColumns, its lockout as of `now_unix`.
struct Row {
    StaffAccount account;
    int64_t stored_failures = 0, locked_until = 0, last_failure = 0;
    std::string pin_hash, recovery_hash;
    PinState state;
};

Row ReadRow(const Statement& s, int64_t now_unix) {
    Row row;
    StaffAccount& a = row.account;
    a.id = s.Int(0);
    a.name = s.Text(1);
    a.role = ParseRole(s.Text(2)).value_or(Role::FrontDesk);  // the column's CHECK admits the three keys only
    a.active = s.Int(3) != 0;
    a.has_recovery_code = s.Int(4) != 0;
    a.recovery_used = s.Int(5) != 0;
    row.stored_failures = s.Int(6);
    row.locked_until = s.Int(7);
    row.last_failure = s.Int(8);
    a.created_at = s.Text(9);
    a.created_by = s.Text(10);
    row.pin_hash = s.Text(11);
    row.recovery_hash = s.Text(12);
    a.reads_results = s.Int(13) != 0;
    row.state = PinStateAt(row.stored_failures, row.locked_until, row.last_failure, now_unix);
    a.failures = row.state.failures;
    a.seconds_locked = row.state.seconds_locked;
    return row;
}

std::optional<Row> FindRow(Connection& db, const std::string& name, int64_t now_unix, const char* context) {
    Statement s(db, std::string("SELECT ") + kAccountColumns + " FROM staff WHERE name = ?1", context);
    s.Bind(1, name);
    if (!s.Step()) return std::nullopt;
    return ReadRow(s, now_unix);
}

// The account `name` as it must be for a change: present (and active when `active`), else a clear refusal.
Row RequireRow(Connection& db, const std::string& name, const char* context, bool active = true) {
    std::optional<Row> row = FindRow(db, name, 0, context);
    if (!row || (active && !row->account.active))
        throw DbException(Problem(DbErrorKind::Other, "no " + std::string(active ? "active " : "") + "account is named \"" + name + "\"", context));
    return *row;
}

void Append(Connection& db, const std::string& actor, const std::string& action, const std::string& detail) {
    AppendAudit(db, {UtcNowIso(), actor, action, detail, std::nullopt, std::nullopt});
}

void WriteCounters(Connection& db, int64_t id, int64_t failures, int64_t locked_until, int64_t last_failure, const char* context) {
    Statement s(db, "UPDATE staff SET failures = ?2, locked_until = ?3, last_failure = ?4 WHERE id = ?1", context);
    s.Bind(1, id).Bind(2, failures).Bind(3, locked_until).Bind(4, last_failure);
    s.Run();
}

// Whether `actor` acts on its own account `name` (changing its own PIN or recovery code). Names
// compare as the column does (COLLATE NOCASE: ASCII letters without case).
bool IsSelf(const std::string& actor, const std::string& name) {
    std::optional<std::string> own = ActorStaffName(actor);
    return own && own->size() == name.size() &&
           std::equal(own->begin(), own->end(), name.begin(), [](unsigned char a, unsigned char b) {
               return std::tolower(a) == std::tolower(b);
           });
}

// The clinic key held by this store, when it is the clinic's (a key from elsewhere wraps nothing).
const ClinicKey* UsableKey(Connection& db, const std::shared_ptr<const ClinicKey>& key, const char* context) {
    if (!key) return nullptr;
    std::optional<PublicKey> clinic = ReadClinicPublicKey(db, context);
    return clinic && *clinic == key->Public() ? key.get() : nullptr;
}

// After a secret of `account` changed: its wrap of the clinic key under the new secret when the
// key is held and the role reads results; else none (a wrap under a replaced secret must not
// outlive it). Returns whether the account now has that wrap.
bool Rewrap(Connection& db, const StaffAccount& account, std::string_view secret, const ClinicKey* key, const WrapKey& wrap_key,
            const char* context) {
    if (key && wrap_key && Allows(account.role, Permission::ShowAnswers)) {
        PutWrap(db, account.id, secret, WrapClinicKey(*key, *wrap_key), context);
        return true;
    }
    DropWraps(db, account.id, secret, context);
    return false;
}

// The clinic key that `secret`'s wrap opens for an account that reads results; null otherwise.
std::shared_ptr<const ClinicKey> Unwrapped(Connection& db, const StaffAccount& account, std::string_view secret,
                                           const WrapKey& wrap_key, const char* context) {
    if (!wrap_key || !Allows(account.role, Permission::ShowAnswers)) return nullptr;
    std::optional<std::string> wrapped = ReadWrap(db, account.id, secret, context);
    std::optional<PublicKey> clinic = ReadClinicPublicKey(db, context);
    if (!wrapped || !clinic) return nullptr;
    return UnwrapClinicKey(*wrapped, *wrap_key, *clinic);
}

}  // namespace

// --- Roles ------------------------------------------------------------------------------------

namespace {

// Each role's stored key (also typed: `--role front_desk`) and its name for people.
struct RoleNames {
    Role role;
    const char* key;
    const char* label;
};
constexpr RoleNames kRoleNames[] = {
    {Role::FrontDesk, "front_desk", "front desk"},
    {Role::Clinician, "clinician", "clinician"},
    {Role::Admin, "admin", "administrator"},
};

const RoleNames& NamesOf(Role role) {
    for (const RoleNames& names : kRoleNames)
        if (names.role == role) return names;
    return kRoleNames[0];
}

}  // namespace

const char* RoleKey(Role role) { return NamesOf(role).key; }
const char* RoleLabel(Role role) { return NamesOf(role).label; }

std::optional<Role> ParseRole(std::string_view text) {
    for (const RoleNames& names : kRoleNames)
        if (text == names.key || text == names.label) return names.role;
    if (text == "front-desk") return Role::FrontDesk;
    return std::nullopt;
}

bool Allows(Role role, Permission permission) {
    switch (permission) {
        case Permission::ResetSession:
        case Permission::SeeAlerts:
        case Permission::AcknowledgeAlert:
        case Permission::SeeQueue: return true;
        case Permission::OpenResult:
        case Permission::ShowAnswers:
        case Permission::MarkReviewed: return role == Role::Clinician || role == Role::Admin;
        case Permission::Settings:
        case Permission::Export:
        case Permission::ManageStaff:
        case Permission::CloseKiosk: return role == Role::Admin;
    }
    return false;
}

const char* PermissionLabel(Permission permission) {
    switch (permission) {
        case Permission::ResetSession: return "reset a session";
        case Permission::SeeAlerts: return "see urgent alerts";
        case Permission::AcknowledgeAlert: return "acknowledge an urgent alert";
        case Permission::SeeQueue: return "see the queue";
        case Permission::OpenResult: return "open a result";
        case Permission::ShowAnswers: return "show a patient's answers";
        case Permission::MarkReviewed: return "mark a result reviewed";
        case Permission::Settings: return "change the settings";
        case Permission::Export: return "export results";
        case Permission::ManageStaff: return "manage staff accounts";
        case Permission::CloseKiosk: return "close the kiosk";
    }
    return "do this";
}

std::string StaffActor(const std::string& name) { return "staff:" + name; }

std::optional<std::string> ActorStaffName(const std::string& actor) {
    if (actor.rfind("staff:", 0) == 0) return actor.substr(6);
    if (actor == "staff") return std::string();  // a staff actor without an account: refused
    return std::nullopt;
}

// --- PINs and lockouts ------------------------------------------------------------------------

std::optional<std::string> PinProblem(std::string_view pin) {
    if (pin.size() < static_cast<size_t>(kMinPinDigits)) return "a staff PIN has at least " + std::to_string(kMinPinDigits) + " digits";
    if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::string("a staff PIN has digits only");
    if (pin.size() > 32) return std::string("a staff PIN has at most 32 digits");
    if (std::all_of(pin.begin(), pin.end(), [&](char c) { return c == pin[0]; }))
        return std::string("a staff PIN cannot be one digit repeated");
    return std::nullopt;
}

std::optional<std::string> NameProblem(std::string_view name) {
    if (name.empty() || name.front() == ' ' || name.back() == ' ') return std::string("a name has no spaces at either end and is not empty");
    if (name.size() > kMaxNameLength) return "a name has at most " + std::to_string(kMaxNameLength) + " characters";
    // Names are shown on the sign-in list and written into exports: no control characters, no
    // bidirectional overrides (a name that reads as another's), well-formed UTF-8.
    if (std::any_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }) ||
        !IsSafeText(name))
        return std::string("a name has no control characters, direction marks or broken characters");
    return std::nullopt;
}

std::string FormatRecoveryCode(std::string_view digits) {
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 4 == 0) out += '-';
        out += digits[i];
    }
    return out;
}

int64_t LockoutSeconds(int failures) {
    if (failures < kFreeAttempts) return 0;
    int64_t seconds = kFirstLockoutSeconds;
    for (int i = kFreeAttempts; i < failures && seconds < kMaxLockoutSeconds; ++i) seconds *= 2;
    return std::min(seconds, kMaxLockoutSeconds);
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

// --- Refusals ---------------------------------------------------------------------------------

std::optional<DbError> Refusal(Connection& db, Transaction& t, const std::string& actor, Permission permission,
                               const char* context) {
    std::optional<std::string> name = ActorStaffName(actor);
    if (!name) return std::nullopt;  // the machine's own actor
    std::string why;
    std::optional<Row> row = name->empty() ? std::nullopt : FindRow(db, *name, 0, context);
    if (!row || !row->account.active) why = "no active staff account is signed in";
    else if (Allows(row->account.role, permission)) return std::nullopt;
    else why = std::string("a ") + RoleLabel(row->account.role) + " may not " + PermissionLabel(permission);
    Append(db, actor, "refused", std::string(PermissionLabel(permission)) + ": " + why);
    t.Commit();
    return Problem(DbErrorKind::Refused, why, context);
}

Result<bool> Store::Authorize(const std::string& actor, Permission permission, const std::string& action,
                              const std::string& detail) {
    return Guard<bool>([&] {
        const char* context = "recording a staff action";
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, permission, context)) throw DbException(*refused);
        Append(*m_db, actor, action, detail);
        t.Commit();
        return true;
    });
}

Result<bool> Store::Permit(const std::string& actor, Permission permission) {
    return Guard<bool>([&] {
        const char* context = "checking a staff permission";
        if (!ActorStaffName(actor)) return true;  // the machine's own actor: no transaction needed
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, permission, context)) throw DbException(*refused);
        return true;  // `t` rolls back: nothing was written
    });
}

// --- Accounts ---------------------------------------------------------------------------------

Result<std::string> Store::AddStaff(const NewStaff& account, const std::string& actor) {
    return Guard<std::string>([&] {
        const char* context = "adding a staff account";
        if (auto problem = NameProblem(account.name)) throw DbException(Problem(DbErrorKind::Other, *problem, context));
        if (auto problem = PinProblem(account.pin)) throw DbException(Problem(DbErrorKind::Other, *problem, context));
        // Hashing takes a second: before the write lock, not under it.
        const HashedSecret pin = Hashed(account.pin, m_pin_cost, context);
        std::string recovery;
        std::optional<HashedSecret> recovery_hash;
        if (account.role == Role::Admin) {
            recovery = NewRecoveryDigits();
            recovery_hash = Hashed(recovery, kRecoveryCost, context);
        }
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        if (FindRow(*m_db, account.name, 0, context))
            throw DbException(Problem(DbErrorKind::Constraint,
                                      "an account named \"" + account.name + "\" already exists; it was left as it was", context));
        Statement insert(*m_db,
                         "INSERT INTO staff (name, role, pin_hash, recovery_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         context);
        const std::string now = UtcNowIso();
        insert.Bind(1, account.name).Bind(2, RoleKey(account.role)).Bind(3, pin.stored);
        insert.BindOptional(4, recovery_hash ? std::optional(recovery_hash->stored) : std::nullopt);
        insert.Bind(5, now).Bind(6, actor);
        insert.Run();  // the UNIQUE name also refuses a race the read above lost (it cannot: IMMEDIATE)
        StaffAccount added;
        added.id = m_db->LastInsertRowId();
        added.role = account.role;
        // The first administrator of a database without a clinic key makes the key pair: its
        // private half exists only wrapped, under this administrator's PIN and recovery code.
        std::shared_ptr<const ClinicKey> made;
        int64_t sealed = 0;
        const ClinicKey* key = UsableKey(*m_db, m_key, context);
        if (account.role == Role::Admin && !ReadClinicPublicKey(*m_db, context)) {
            made = ClinicKey::Generate();
            if (!made) throw DbException(Problem(DbErrorKind::Other, "libsodium could not make a key pair (guarded memory)", context));
            sealed = InstallClinicPublicKey(*m_db, made->Public(), actor, context);
            key = made.get();
        }
        const bool reads = Rewrap(*m_db, added, kPinWrap, key, pin.wrap_key, context);
        if (recovery_hash) Rewrap(*m_db, added, kRecoveryWrap, key, recovery_hash->wrap_key, context);
        Append(*m_db, actor, "staff added",
               account.name + " (" + RoleLabel(account.role) + ")" + (recovery.empty() ? "" : ", with a recovery code") +
                   (Allows(account.role, Permission::ShowAnswers) && !reads ? ", cannot read results yet" : ""));
        t.Commit();
        if (sealed > 0) CompactAfterSealing(*m_db);
        return recovery;
    });
}

Result<std::vector<StaffAccount>> Store::ListStaff(bool include_disabled, int64_t now_unix) {
    return Guard<std::vector<StaffAccount>>([&] {
        std::vector<StaffAccount> out;
        Statement s(*m_db,
                    std::string("SELECT ") + kAccountColumns + " FROM staff WHERE ?1 OR active = 1 ORDER BY name COLLATE NOCASE",
                    "reading staff accounts");
        s.Bind(1, int64_t{include_disabled ? 1 : 0});
        while (s.Step()) out.push_back(ReadRow(s, now_unix).account);
        return out;
    });
}

Result<bool> Store::HasAdministrator() {
    return Guard<bool>([&] {
        Statement s(*m_db, "SELECT 1 FROM staff WHERE role = 'admin' AND active = 1 LIMIT 1", "reading staff accounts");
        return s.Step();
    });
}

Result<bool> Store::DisableStaff(const std::string& name, const std::string& actor) {
    return Guard<bool>([&] {
        const char* context = "disabling a staff account";
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        std::optional<Row> row = FindRow(*m_db, name, 0, context);
        if (!row || !row->account.active) return false;
        if (row->account.role == Role::Admin) {
            Statement admins(*m_db, "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1", context);
            admins.Step();
            if (admins.Int(0) <= 1)
                throw DbException(Problem(DbErrorKind::Other,
                                          "\"" + row->account.name + "\" is the last active administrator; add another first", context));
        }
        Statement s(*m_db, "UPDATE staff SET active = 0 WHERE id = ?1", context);
        s.Bind(1, row->account.id);
        s.Run();
        DropWraps(*m_db, row->account.id, std::nullopt, context);  // its copies of the clinic key go with it
        Append(*m_db, actor, "staff disabled", row->account.name);
        t.Commit();
        return true;
    });
}

Result<std::string> Store::SetStaffPin(const std::string& name, const std::string& pin, const std::string& actor) {
    return Guard<std::string>([&] {
        const char* context = "changing a staff PIN";
        if (auto problem = PinProblem(pin)) throw DbException(Problem(DbErrorKind::Other, *problem, context));
        const HashedSecret pin_hash = Hashed(pin, m_pin_cost, context);
        // A spent recovery code is replaced with the PIN. Made before the lock, used only if needed.
        const std::string recovery = NewRecoveryDigits();
        const HashedSecret recovery_hash = Hashed(recovery, kRecoveryCost, context);
        Transaction t(*m_db, context);
        if (!IsSelf(actor, name))
            if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        Row row = RequireRow(*m_db, name, context);
        const bool replace = row.account.role == Role::Admin && (row.account.recovery_used || !row.account.has_recovery_code);
        Statement s(*m_db,
                    "UPDATE staff SET pin_hash = ?2, failures = 0, locked_until = 0, last_failure = 0, "
                    "recovery_hash = CASE WHEN ?3 THEN ?4 ELSE recovery_hash END, "
                    "recovery_used = CASE WHEN ?3 THEN NULL ELSE recovery_used END WHERE id = ?1",
                    context);
        s.Bind(1, row.account.id).Bind(2, pin_hash.stored).Bind(3, int64_t{replace ? 1 : 0}).Bind(4, recovery_hash.stored);
        s.Run();
        const ClinicKey* key = UsableKey(*m_db, m_key, context);
        const bool reads = Rewrap(*m_db, row.account, kPinWrap, key, pin_hash.wrap_key, context);
        if (replace) Rewrap(*m_db, row.account, kRecoveryWrap, key, recovery_hash.wrap_key, context);
        Append(*m_db, actor, "staff PIN changed",
               row.account.name + (replace ? ", new recovery code issued" : "") +
                   (Allows(row.account.role, Permission::ShowAnswers) && !reads ? ", cannot read results until granted" : ""));
        t.Commit();
        return replace ? recovery : std::string();
    });
}

Result<std::string> Store::ReplaceRecoveryCode(const std::string& name, const std::string& actor) {
    return Guard<std::string>([&] {
        const char* context = "making a new recovery code";
        const std::string recovery = NewRecoveryDigits();
        const HashedSecret recovery_hash = Hashed(recovery, kRecoveryCost, context);
        Transaction t(*m_db, context);
        if (!IsSelf(actor, name))
            if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        Row row = RequireRow(*m_db, name, context);
        if (row.account.role != Role::Admin)
            throw DbException(Problem(DbErrorKind::Other, "only administrators have a recovery code", context));
        Statement s(*m_db, "UPDATE staff SET recovery_hash = ?2, recovery_used = NULL WHERE id = ?1", context);
        s.Bind(1, row.account.id).Bind(2, recovery_hash.stored);
        s.Run();
        Rewrap(*m_db, row.account, kRecoveryWrap, UsableKey(*m_db, m_key, context), recovery_hash.wrap_key, context);
        Append(*m_db, actor, "recovery code replaced", row.account.name);
        t.Commit();
        return recovery;
    });
}

Result<bool> Store::UnlockStaff(const std::string& name, const std::string& actor) {
    return Guard<bool>([&] {
        const char* context = "unlocking a staff account";
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        Row row = RequireRow(*m_db, name, context);
        WriteCounters(*m_db, row.account.id, 0, 0, 0, context);
        Append(*m_db, actor, "staff unlocked", row.account.name);
        t.Commit();
        return true;
    });
}

// --- Sign-in ----------------------------------------------------------------------------------

namespace {

using SignIn = Store::SignIn;

// What a wrong PIN or code does to `row`: one more failure, and a lockout from kFreeAttempts on.
void CountFailure(Connection& db, const Row& row, SignIn& result, int64_t now_unix, const std::string& actor, const char* what,
                  const char* context) {
    result.status = SignIn::Status::Wrong;
    result.failures = static_cast<int>(std::min<int64_t>(row.state.failures + 1, kFailureCountCap));
    const int64_t lockout = LockoutSeconds(result.failures);
    WriteCounters(db, row.account.id, result.failures, lockout > 0 ? now_unix + lockout : 0, now_unix, context);
    Append(db, actor, "sign-in failed", std::string(what) + ", " + std::to_string(result.failures) + " in a row");
    if (lockout > 0) {
        result.seconds_locked = lockout;
        Append(db, actor, "lockout", row.account.name + " for " + std::to_string(lockout) + " s after " + std::to_string(result.failures) + " wrong PINs");
    }
}

// The sign-in, decided and recorded in one write transaction: `decide` gets the active account
// and returns what to record. No account (or a disabled one) is an audited failure too.
template <class Decide>
SignIn RecordedSignIn(Connection& db, const std::string& name, int64_t now_unix, Decide&& decide) {
    SignIn result;
    const char* context = "checking a staff sign-in";
    try {
        // BEGIN IMMEDIATE before the read: two kiosk processes cannot both read the same count, and
        // an attempt that cannot be recorded (locked or read-only database) is refused before the
        // PIN is compared, the right PIN included.
        Transaction t(db, context);
        std::optional<Row> row = FindRow(db, name, now_unix, context);
        if (!row || !row->account.active) {
            result.status = SignIn::Status::NoAccount;
            // The typed name, shortened: what a stranger typed is not worth a long row.
            Append(db, "staff?", "sign-in failed", "no active account named \"" + name.substr(0, kMaxNameLength) + "\"");
        } else {
            result.account = row->account;
            decide(*row, result);
        }
        t.Commit();
    } catch (const DbException& e) {
        result = SignIn{};
        result.status = SignIn::Status::StoreError;
        result.error = e.error();
    }
    return result;
}

}  // namespace

SignIn Store::SignInWithPin(const std::string& name, std::string_view pin, int64_t now_unix) {
    Connection& db = *m_db;
    return RecordedSignIn(db, name, now_unix, [&](const Row& row, SignIn& result) {
        const char* context = "checking a staff PIN";
        const std::string actor = StaffActor(row.account.name);
        result.failures = static_cast<int>(row.state.failures);
        if (row.state.seconds_locked > 0) {
            result.status = SignIn::Status::LockedOut;
            result.seconds_locked = row.state.seconds_locked;
            // A lockout stored further ahead than its own length (begun under a clock that was
            // fast) is brought back to now + its length, for every later reader too.
            if (row.state.clamped)
                WriteCounters(db, row.account.id, row.stored_failures, now_unix + row.state.seconds_locked, row.last_failure, context);
            Append(db, actor, "sign-in refused", "locked out for " + std::to_string(row.state.seconds_locked) + " s more");
            return;
        }
        SecretCheck check = CheckSecret(row.pin_hash, pin);
        if (!check.matches) {
            CountFailure(db, row, result, now_unix, actor, "wrong PIN", context);
            return;
        }
        result.status = SignIn::Status::Ok;
        result.failures = 0;
        WriteCounters(db, row.account.id, 0, 0, 0, context);
        if (check.legacy) {  // hashed before sealing (schema 4): hashed again while the PIN is known
            HashedSecret again = Hashed(pin, m_pin_cost, context);
            Statement s(db, "UPDATE staff SET pin_hash = ?2 WHERE id = ?1", context);
            s.Bind(1, row.account.id).Bind(2, again.stored);
            s.Run();
            check.wrap_key = again.wrap_key;
        }
        result.wrap_key = check.wrap_key;
        result.key = Unwrapped(db, row.account, kPinWrap, check.wrap_key, context);
        Append(db, actor, "sign-in", RoleLabel(row.account.role));
    });
}

SignIn Store::SignInWithRecoveryCode(const std::string& name, std::string_view code, const std::string& reason,
                                     int64_t now_unix) {
    std::string why = reason;
    why.erase(0, why.find_first_not_of(' '));
    why.erase(why.find_last_not_of(' ') + 1);
    if (why.empty()) {
        SignIn refused;
        refused.status = SignIn::Status::StoreError;
        refused.error = Problem(DbErrorKind::Other, "a reason is required", "using a recovery code");
        return refused;
    }
    Connection& db = *m_db;
    const std::string digits = DigitsOnly(code);
    return RecordedSignIn(db, name, now_unix, [&](const Row& row, SignIn& result) {
        const char* context = "checking a recovery code";
        const std::string actor = StaffActor(row.account.name);
        // Not held back by a PIN lockout: the way in when a stranger has locked the accounts.
        SecretCheck check;
        if (row.account.role == Role::Admin && !row.recovery_hash.empty()) check = CheckSecret(row.recovery_hash, digits);
        if (!check.matches) {
            CountFailure(db, row, result, now_unix, actor, "wrong recovery code", context);
            result.seconds_locked = 0;  // a lockout holds PINs back, not the next code
            return;
        }
        result.status = SignIn::Status::Ok;
        result.failures = 0;
        result.account.recovery_used = true;
        result.account.has_recovery_code = false;
        Statement s(db,
                    "UPDATE staff SET recovery_hash = NULL, recovery_used = ?2, failures = 0, locked_until = 0, last_failure = 0 "
                    "WHERE id = ?1",
                    context);
        s.Bind(1, row.account.id).Bind(2, UtcNowIso());
        s.Run();
        result.key = Unwrapped(db, row.account, kRecoveryWrap, check.wrap_key, context);
        DropWraps(db, row.account.id, kRecoveryWrap, context);  // spent with the code
        Append(db, actor, "break-glass sign-in", "reason: " + why.substr(0, kMaxReasonLength));
    });
}

}  // namespace kiosk::store
