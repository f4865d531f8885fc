// The command line's staff commands: accounts managed from the machine's terminal (actor "cli"),
// and a review signed in with the reviewer's own name and PIN, never a typed name alone.
#include "cli/staff_commands.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/db_commands.h"
#include "cli/options.h"
#include "cli/pin_entry.h"
#include "store/store.h"

namespace kiosk {
namespace {

const char* const kStaffHelp =
    "Usage: kiosk staff add NAME --role front_desk|clinician|admin [--db PATH]\n"
    "       kiosk staff list [--admins] [--db PATH]\n"
    "       kiosk staff disable NAME [--db PATH]\n"
    "       kiosk staff set-pin NAME [--db PATH]\n"
    "       kiosk staff unlock NAME [--db PATH]\n"
    "\n"
    "Staff accounts, one per person, from the machine's terminal (audited as \"cli\").\n"
    "  add       a new account; its PIN (at least 8 digits) is typed twice, at a prompt that does\n"
    "            not show it, or as two lines on standard input. A name already taken, in any case,\n"
    "            is refused and that account left as it was. An administrator also gets a one-time\n"
    "            recovery code, printed once and never stored (only its hash).\n"
    "  list      every account: role, active or disabled, lockout, recovery code. --admins lists the\n"
    "            active administrators and exits 4 when there is none (the kiosk is not set up).\n"
    "  disable   the account can no longer sign in; the last active administrator cannot be disabled.\n"
    "  set-pin   a new PIN, typed twice as for add; clears the lockout. An administrator whose\n"
    "            recovery code was used gets a new one.\n"
    "  unlock    clears the account's wrong-PIN count and lockout.\n"
    "Roles: front desk (alerts, the queue's outcomes), clinician (also results and reviews),\n"
    "admin (also settings, exports and accounts).\n"
    "Exit 0 done, 1 refused (nothing changed), 2 wrong usage, 4 (list --admins) no administrator.\n";

const char* const kReviewHelp =
    "Usage: kiosk review ID --as NAME [--db PATH]\n"
    "\n"
    "Marks a stored result reviewed by the staff account NAME, whose PIN is read from a prompt\n"
    "that does not show it, or from the first line of standard input. The sign-in is audited and\n"
    "counted like one on the kiosk (wrong PINs lock the account out); a front desk account may not\n"
    "review. Exit 0 marked, 1 wrong PIN, refused, no unreviewed result with that id, or the\n"
    "database refused, 2 wrong usage.\n";

constexpr Option kRoleOption{"--role", "front_desk, clinician or admin"};
constexpr Option kAdminsOption{"--admins", ""};
constexpr Option kAsOption{"--as", "a name"};

const char* const kSubcommands[] = {"add", "list", "disable", "set-pin", "unlock"};

std::optional<std::string> StaffUsageProblem(const ParsedArgs& a) {
    if (a.positional.empty()) return "";
    const std::string& sub = a.positional[0];
    if (std::find(std::begin(kSubcommands), std::end(kSubcommands), sub) == std::end(kSubcommands))
        return "unknown staff command '" + sub + "'";
    if (sub == "list") {
        if (a.positional.size() > 1) return "unknown argument '" + a.positional[1] + "'";
    } else if (a.positional.size() != 2) {
        return "staff " + sub + " needs the account's NAME";
    }
    if (a.Has("--admins") && sub != "list") return "--admins goes with staff list";
    if (sub != "add") return a.Has("--role") ? std::optional<std::string>("--role goes with staff add") : std::nullopt;
    std::optional<std::string> role = a.Value("--role");
    if (!role) return "staff add needs --role front_desk, clinician or admin";
    if (!store::ParseRole(*role)) return "--role is front_desk, clinician or admin, not '" + *role + "'";
    return std::nullopt;
}

int64_t NowUnix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Whether two account names are the same one: the store compares them without ASCII case.
bool SameName(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// What the store said, for a person: its own sentence when it refused, else the whole description.
std::string Why(const store::DbError& error) {
    switch (error.kind) {
        case store::DbErrorKind::Constraint:
        case store::DbErrorKind::Refused:
        case store::DbErrorKind::Other: return error.message;
        default: return error.Describe();
    }
}

// The active account `name` (any case), or nullopt with the reason printed after `prefix`.
std::optional<store::StaffAccount> FindActive(store::Store& db, const std::string& name, const std::string& prefix, std::ostream& err) {
    auto accounts = db.ListStaff(false, NowUnix());
    if (!accounts.ok()) {
        err << prefix << Why(*accounts.error) << "\n";
        return std::nullopt;
    }
    for (const store::StaffAccount& a : *accounts.value)
        if (SameName(a.name, name)) return a;
    err << prefix << "no active account is named \"" << name << "\"; 'kiosk staff list' shows them\n";
    return std::nullopt;
}

void PrintRecoveryCode(const std::string& name, const std::string& digits, std::ostream& out) {
    out << "Recovery code for " << name << ": " << store::FormatRecoveryCode(digits) << "\n"
        << "Write it down now and keep it away from the kiosk: it signs in as " << name
        << " once, when the PIN is lost, and it is not stored (only a hash of it), so it cannot be shown again.\n";
}

// Whether the account can open sealed results, when its role reads them.
void PrintReading(store::Store& db, const std::string& name, std::ostream& out) {
    auto accounts = db.ListStaff(false, NowUnix());
    if (!accounts.ok()) return;
    for (const store::StaffAccount& a : *accounts.value)
        if (SameName(a.name, name) && store::Allows(a.role, store::Permission::ShowAnswers) && !a.reads_results)
            out << a.name << " cannot open results yet: an administrator who can runs kiosk keys grant " << a.name
                << " --by ADMIN (or sets its PIN on the kiosk's staff screen).\n";
}

int AddAccount(store::Store& db, const ParsedArgs& a, std::istream& in, std::ostream& out, std::ostream& err) {
    const std::string& name = a.positional[1];
    const store::Role role = *store::ParseRole(a.ValueOr("--role"));
    if (auto problem = store::NameProblem(name)) { err << "kiosk staff: " << *problem << "; nothing stored\n"; return kExitInvalid; }
    // Asked before the PIN so nobody types one for nothing; the store decides again (compare-and-set).
    if (auto accounts = db.ListStaff(true, NowUnix()); accounts.ok())
        for (const store::StaffAccount& existing : *accounts.value)
            if (SameName(existing.name, name)) {
                err << "kiosk staff: an account named \"" << existing.name << "\" already exists; it was left as it was\n";
                return kExitInvalid;
            }
    NewPin pin = ReadNewPin(in, out, name);
    if (pin.problem) { err << "kiosk staff: " << *pin.problem << "; nothing stored\n"; return kExitInvalid; }
    auto added = db.AddStaff({name, role, pin.pin}, "cli");
    if (!added.ok()) { err << "kiosk staff: " << Why(*added.error) << "\n"; return kExitInvalid; }
    out << "Account \"" << name << "\" added (" << store::RoleLabel(role) << ").\n";
    if (!added.value->empty()) PrintRecoveryCode(name, *added.value, out);
    PrintReading(db, name, out);
    return kExitOk;
}

int ListAccounts(store::Store& db, bool admins_only, std::ostream& out, std::ostream& err) {
    auto accounts = db.ListStaff(!admins_only, NowUnix());
    if (!accounts.ok()) { err << "kiosk staff: " << Why(*accounts.error) << "\n"; return kExitInvalid; }
    std::vector<store::StaffAccount> shown;
    for (const store::StaffAccount& a : *accounts.value)
        if (!admins_only || (a.role == store::Role::Admin && a.active)) shown.push_back(a);
    size_t width = 4;
    for (const store::StaffAccount& a : shown) width = std::max(width, a.name.size());
    for (const store::StaffAccount& a : shown) {
        std::string state = a.active ? "active" : "disabled";
        if (a.seconds_locked > 0) state += ", locked for " + std::to_string(a.seconds_locked) + " s";
        if (a.role == store::Role::Admin)
            state += a.recovery_used ? ", recovery code: used: replace it" : a.has_recovery_code ? ", recovery code: in place" : ", recovery code: none: replace it";
        if (a.active && store::Allows(a.role, store::Permission::ShowAnswers)) state += a.reads_results ? ", reads results" : ", cannot read results yet";
        out << a.name << std::string(width + 2 - a.name.size(), ' ') << store::RoleLabel(a.role)
            << std::string(15 - std::string(store::RoleLabel(a.role)).size(), ' ') << state << "\n";
    }
    out << shown.size() << (admins_only ? " active administrator" : " account") << (shown.size() == 1 ? "" : "s") << "\n";
    if (admins_only && shown.empty()) {
        err << "kiosk staff: no active administrator: the kiosk is not set up; add one with\n"
            << "  kiosk staff add NAME --role admin\n";
        return kExitNotSetUp;
    }
    return kExitOk;
}

int SetPin(store::Store& db, const std::string& name, std::istream& in, std::ostream& out, std::ostream& err) {
    std::optional<store::StaffAccount> account = FindActive(db, name, "kiosk staff: ", err);
    if (!account) return kExitInvalid;
    NewPin pin = ReadNewPin(in, out, account->name);
    if (pin.problem) { err << "kiosk staff: " << *pin.problem << "; nothing changed\n"; return kExitInvalid; }
    auto set = db.SetStaffPin(account->name, pin.pin, "cli");
    if (!set.ok()) { err << "kiosk staff: " << Why(*set.error) << "\n"; return kExitInvalid; }
    out << "New PIN set for \"" << account->name << "\"; its lockout is cleared.\n";
    if (!set.value->empty()) PrintRecoveryCode(account->name, *set.value, out);
    PrintReading(db, account->name, out);
    return kExitOk;
}

}  // namespace

std::optional<store::Store::SignIn> SignInOnTerminal(store::Store& db, const std::string& name, const Terminal& t) {
    std::optional<std::string> pin = ReadSecretLine(t.in, t.out, "PIN for " + name + ": ");
    if (!pin) {
        t.err << t.command << ": no PIN was given for " << name << "; " << t.nothing << "\n";
        return std::nullopt;
    }
    using Status = store::Store::SignIn::Status;
    store::Store::SignIn signed_in = db.SignInWithPin(name, *pin, NowUnix());
    store::WipeSecret(*pin);
    switch (signed_in.status) {
        case Status::Ok:
            if (signed_in.key) db.UnlockReading(signed_in.key);  // none for an account that reads no results
            return signed_in;
        case Status::Wrong:
            t.err << t.command << ": wrong PIN for " << name << " (" << signed_in.failures << " in a row"
                  << (signed_in.seconds_locked > 0 ? ", now locked for " + std::to_string(signed_in.seconds_locked) + " s" : std::string())
                  << "); " << t.nothing << "\n";
            break;
        case Status::LockedOut:
            t.err << t.command << ": " << name << " is locked out for " << signed_in.seconds_locked << " s more; " << t.nothing << "\n";
            break;
        case Status::NoAccount:
            t.err << t.command << ": no active account is named \"" << name << "\"; " << t.nothing << "\n";
            break;
        case Status::StoreError:
            t.err << t.command << ": the sign-in could not be recorded, so it is refused: "
                  << (signed_in.error ? signed_in.error->Describe() : std::string("unknown error")) << "\n";
            break;
    }
    return std::nullopt;
}

int RunStaff(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"staff", {kRoleOption, kAdminsOption}, 2, kStaffHelp, StaffUsageProblem}, args, out, err);
    if (c.exit) return *c.exit;
    const std::string& sub = c.args.positional[0];
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    if (sub == "add") return AddAccount(*db, c.args, in, out, err);
    if (sub == "list") return ListAccounts(*db, c.args.Has("--admins"), out, err);
    const std::string& name = c.args.positional[1];
    if (sub == "set-pin") return SetPin(*db, name, in, out, err);
    if (sub == "disable") {
        auto done = db->DisableStaff(name, "cli");
        if (!done.ok()) { err << "kiosk staff: " << Why(*done.error) << "; nothing changed\n"; return kExitInvalid; }
        if (!*done.value) { err << "kiosk staff: no active account is named \"" << name << "\"\n"; return kExitInvalid; }
        out << "Account \"" << name << "\" disabled: it can no longer sign in.\n";
        return kExitOk;
    }
    auto done = db->UnlockStaff(name, "cli");  // unlock
    if (!done.ok()) { err << "kiosk staff: " << Why(*done.error) << "\n"; return kExitInvalid; }
    out << "Account \"" << name << "\" unlocked.\n";
    return kExitOk;
}

int RunReview(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand(
        {"review", {kAsOption}, 1, kReviewHelp, [](const ParsedArgs& a) { return HelpUnless(a.positional.size() == 1 && !a.ValueOr("--as").empty()); }},
        args, out, err);
    if (c.exit) return *c.exit;
    const std::string& id = c.args.positional[0];
    const std::string name = c.args.ValueOr("--as");
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    std::optional<store::Store::SignIn> signed_in = SignInOnTerminal(*db, name, {in, out, err, "kiosk review", "nothing reviewed"});
    if (!signed_in) return kExitInvalid;
    const std::string& reviewer = signed_in->account.name;
    auto r = db->MarkReviewed(id, store::StaffActor(reviewer));
    if (!r.ok()) {
        const bool refused = r.error->kind == store::DbErrorKind::Refused;
        err << "kiosk review: " << (refused ? "refused: " + r.error->message : r.error->Describe()) << "; " << id << " is still to review\n";
        return kExitInvalid;
    }
    if (!*r.value) { err << "kiosk review: no unreviewed result " << id << "\n"; return kExitInvalid; }
    out << id << " reviewed by " << reviewer << "\n";
    return kExitOk;
}

}  // namespace kiosk
