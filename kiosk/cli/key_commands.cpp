// `kiosk keys init|grant|status`: every step signed in with a person's own PIN, never the
// terminal's say-so: the private key exists only wrapped under staff secrets.
#include "cli/key_commands.h"

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/db_commands.h"
#include "cli/options.h"
#include "cli/staff_commands.h"
#include "store/store.h"

namespace kiosk {
namespace {

const char* const kKeysHelp =
    "Usage: kiosk keys status [--db PATH]\n"
    "       kiosk keys init --as ADMIN [--db PATH]\n"
    "       kiosk keys grant NAME --by ADMIN [--db PATH]\n"
    "\n"
    "Every result's answers and decision, and every alert's rule, are stored sealed to the clinic's\n"
    "public key; its private key is stored only wrapped under the PIN of each account that may read\n"
    "results (clinicians and administrators), so nothing on the disk opens them without a PIN.\n"
    "  status  whether the clinic key exists, its fingerprint, and which accounts can read results.\n"
    "  init    for a database from an older kiosk (no key yet): the administrator ADMIN signs in with\n"
    "          their PIN, the key pair is made and wrapped under it, and every result stored in\n"
    "          clear is sealed and its clear copy removed. A new database gets its key with its\n"
    "          first administrator (kiosk staff add NAME --role admin).\n"
    "  grant   the account NAME (clinician or administrator) gets its copy: ADMIN types their PIN\n"
    "          (it unlocks the key), then NAME types theirs (it wraps it). PINs are read from a\n"
    "          prompt that does not show them, or as lines of standard input.\n"
    "Exit 0 done, 1 refused (wrong PIN, no such account, nothing changed), 2 wrong usage.\n";

constexpr Option kAsOption{"--as", "an administrator's name"};
constexpr Option kByOption{"--by", "an administrator's name"};

std::optional<std::string> KeysUsageProblem(const ParsedArgs& a) {
    if (a.positional.empty()) return "";
    const std::string& sub = a.positional[0];
    if (sub == "status") return a.positional.size() == 1 && !a.Has("--as") && !a.Has("--by") ? std::nullopt : HelpUnless(false);
    if (sub == "init")
        return a.positional.size() == 1 && a.Has("--as") && !a.Has("--by") ? std::nullopt
                                                                            : std::optional<std::string>("keys init needs --as ADMIN");
    if (sub == "grant")
        return a.positional.size() == 2 && a.Has("--by") && !a.Has("--as")
                   ? std::nullopt
                   : std::optional<std::string>("keys grant needs the account's NAME and --by ADMIN");
    return "unknown keys command '" + sub + "'";
}

int64_t NowUnix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int Status(store::Store& db, std::ostream& out, std::ostream& err) {
    auto has = db.HasClinicKey();
    auto accounts = db.ListStaff(false, NowUnix());
    if (!has.ok() || !accounts.ok()) {
        err << "kiosk keys: " << (has.ok() ? accounts.error : has.error)->Describe() << "\n";
        return kExitInvalid;
    }
    if (!*has.value) {
        out << "No clinic key yet: results cannot be stored. An administrator runs kiosk keys init --as NAME\n"
               "(or, on a new database, the first administrator is added with kiosk staff add NAME --role admin).\n";
        return kExitInvalid;
    }
    out << "Clinic key in place: results are stored sealed.\n";
    for (const store::StaffAccount& a : *accounts.value) {
        if (!store::Allows(a.role, store::Permission::ShowAnswers)) continue;
        out << "  " << a.name << " (" << store::RoleLabel(a.role) << "): "
            << (a.reads_results ? "reads results" : "cannot read results yet: kiosk keys grant " + a.name + " --by ADMIN") << "\n";
    }
    return kExitOk;
}

}  // namespace

int RunKeys(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"keys", {kAsOption, kByOption}, 2, kKeysHelp, KeysUsageProblem}, args, out, err);
    if (c.exit) return *c.exit;
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    const std::string& sub = c.args.positional[0];
    if (sub == "status") return Status(*db, out, err);
    if (sub == "init") {
        auto has = db->HasClinicKey();
        if (!has.ok()) { err << "kiosk keys: " << has.error->Describe() << "\n"; return kExitInvalid; }
        if (*has.value) { err << "kiosk keys: the clinic already has a key; nothing changed (kiosk keys status)\n"; return kExitInvalid; }
        auto admin = SignInOnTerminal(*db, c.args.ValueOr("--as"), {in, out, err, "kiosk keys", "no key made"});
        if (!admin) return kExitInvalid;
        auto made = db->InitClinicKey(*admin);
        if (!made.ok()) { err << "kiosk keys: no key made: " << made.error->message << "\n"; return kExitInvalid; }
        out << "Clinic key made; " << admin->account.name << " can read results. " << *made.value
            << " results and alerts stored in clear were sealed and their clear copies removed.\n"
            << "Other clinicians and administrators: kiosk keys grant NAME --by " << admin->account.name << "\n";
        return kExitOk;
    }
    // grant
    const std::string& name = c.args.positional[1];
    auto admin = SignInOnTerminal(*db, c.args.ValueOr("--by"), {in, out, err, "kiosk keys", "nothing granted"});
    if (!admin) return kExitInvalid;
    if (!db->CanRead()) {
        err << "kiosk keys: " << admin->account.name << " cannot read results, so cannot grant it; nothing granted\n";
        return kExitInvalid;
    }
    auto reader = SignInOnTerminal(*db, name, {in, out, err, "kiosk keys", "nothing granted"});
    if (!reader) return kExitInvalid;
    auto granted = db->GrantReading(*reader, store::StaffActor(admin->account.name));
    if (!granted.ok()) { err << "kiosk keys: nothing granted: " << granted.error->message << "\n"; return kExitInvalid; }
    out << reader->account.name << " can now read results (granted by " << admin->account.name << ").\n";
    return kExitOk;
}

}  // namespace kiosk
