// `kiosk clinic init|migrate|add-kiosk|add-console|add-staff|grant-key --server URI`: the server's
// schema, the logins of kiosks and consoles, and the console's staff accounts and their clinic
// keys. Each prints what it did, or the server's own message.
#include "cli/clinic_commands.h"

#include <iostream>

#include "cli/commands.h"
#include "cli/db_commands.h"
#include "cli/options.h"
#include "cli/pin_entry.h"
#include "cli/staff_commands.h"
#include "server/console_client.h"
#include "server/server_schema.h"

namespace kiosk {
namespace {

const char* const kClinicHelp =
    "Usage: kiosk clinic init --server URI\n"
    "       kiosk clinic migrate --server URI\n"
    "       kiosk clinic add-kiosk --server URI --site SITE --kiosk ID\n"
    "       kiosk clinic add-console --server URI --site SITE --name NAME\n"
    "       kiosk clinic add-staff --server URI --site SITE --name NAME --role front_desk|clinician|admin\n"
    "       kiosk clinic grant-key --server URI --site SITE --name NAME --db PATH --by ADMIN\n"
    "\n"
    "The clinic's PostgreSQL server, set up by an administrator. URI is a postgresql:// URI or a\n"
    "libpq connection string for a role that owns the database and has CREATEROLE; its password\n"
    "comes from ~/.pgpass or passfile=, as libpq reads them.\n"
    "  init         creates the roles clinic_kiosk and clinic_console (once per server) and the\n"
    "               clinic's tables (every migration).\n"
    "  migrate      applies the migrations the server does not have yet, each in its own\n"
    "               transaction; says \"up to date\" when there is none.\n"
    "  add-kiosk    registers kiosk ID of site SITE and makes its login role with a random\n"
    "               password. Prints, once, the ~/.pgpass line for the kiosk's computer and the\n"
    "               clinic_server line for its kiosk.toml (the password is in neither the URI nor\n"
    "               kiosk.toml). The kiosk may add its own rows and read none.\n"
    "  add-console  the same for a front-desk console NAME of site SITE, which reads and marks\n"
    "               that site's results and alerts.\n"
    "  add-staff    a person's account for signing in at the consoles of site SITE. Their PIN (at\n"
    "               least 8 digits) is typed twice; only its Argon2id hash is kept on the server.\n"
    "  grant-key    console account NAME (clinician or administrator) gets a copy of the clinic key\n"
    "               of the kiosk database PATH: ADMIN, an administrator of that kiosk database, types\n"
    "               their PIN (it unlocks the key, as kiosk keys grant), then NAME types their console\n"
    "               PIN (it wraps the copy). A console reads the results of each kiosk whose key the\n"
    "               signed-in account holds.\n"
    "PINs are read from a prompt that does not show them, or as lines of standard input.\n"
    "SITE, ID and console NAME: 1 to 24 of letters, digits, '_' and '-'; a staff NAME is a person's.\n"
    "Exit 0 done, 1 the server refused or could not be reached (its message is printed), 2 wrong\n"
    "usage.\n";

constexpr Option kServerOption{"--server", "a postgresql:// URI"};
constexpr Option kSiteOption{"--site", "a site id"};
constexpr Option kKioskOption{"--kiosk", "a kiosk id"};
constexpr Option kNameOption{"--name", "a name"};
constexpr Option kRoleOption{"--role", "a role"};
constexpr Option kByOption{"--by", "an administrator's name"};

std::optional<std::string> ClinicUsageProblem(const ParsedArgs& a) {
    if (a.positional.empty()) return "";
    const std::string& sub = a.positional[0];
    if (a.positional.size() != 1) return HelpUnless(false);
    if (!a.Has("--server")) return "clinic " + sub + " needs --server URI";
    auto only = [&](std::initializer_list<std::string_view> allowed) {
        for (const auto& [name, value] : a.given) {
            bool ok = name == "--server";
            for (std::string_view allowed_name : allowed) ok = ok || name == allowed_name;
            if (!ok) return false;
        }
        return true;
    };
    if (sub == "init" || sub == "migrate") {
        if (!only({})) return "clinic " + sub + " takes --server URI only";
        return std::nullopt;
    }
    if (sub == "add-kiosk" || sub == "add-console") {
        const char* id = sub == "add-kiosk" ? "--kiosk" : "--name";
        if (!a.Has("--site") || !a.Has(id) || !only({"--site", id}))
            return "clinic " + sub + " needs --server URI, --site SITE and " + (sub == "add-kiosk" ? "--kiosk ID" : "--name NAME");
        const auto site_problem = server::CheckClinicId("site id", *a.Value("--site"));
        if (site_problem) return site_problem;
        return server::CheckClinicId(sub == "add-kiosk" ? "kiosk id" : "console name", *a.Value(id));
    }
    if (sub == "add-staff") {
        if (!a.Has("--site") || !a.Has("--name") || !a.Has("--role") || !only({"--site", "--name", "--role"}))
            return std::string("clinic add-staff needs --server URI, --site SITE, --name NAME and --role front_desk|clinician|admin");
        if (!store::ParseRole(*a.Value("--role"))) return "the role '" + *a.Value("--role") + "' is none of front_desk, clinician, admin";
        if (auto problem = store::NameProblem(*a.Value("--name"))) return problem;
        return server::CheckClinicId("site id", *a.Value("--site"));
    }
    if (sub == "grant-key") {
        if (!a.Has("--site") || !a.Has("--name") || !a.Has("--db") || !a.Has("--by") || !only({"--site", "--name", "--db", "--by"}))
            return std::string("clinic grant-key needs --server URI, --site SITE, --name NAME, --db PATH and --by ADMIN");
        return server::CheckClinicId("site id", *a.Value("--site"));
    }
    return "unknown clinic command '" + sub + "'";
}

int Failed(const server::ServerError& error, std::ostream& err) {
    err << "kiosk clinic: " << error.Describe() << "\n";
    return kExitInvalid;
}

int ReportMigration(const server::MigrateReport& report, std::ostream& out) {
    if (report.from == report.to)
        out << "The clinic server's schema is up to date (version " << report.to << ").\n";
    else
        out << "The clinic server's schema is now version " << report.to << " (it was " << report.from << ").\n";
    return kExitOk;
}

void PrintLogin(const server::NewLogin& login, const char* what, std::ostream& out) {
    out << "Added the " << what << "'s login role " << login.role << ". Its password is shown this once only.\n"
        << "\n"
        << "On the " << what << "'s computer, this line in ~/.pgpass of the account it runs as (chmod 600 ~/.pgpass):\n"
        << "  " << login.pgpass_line << "\n"
        << "\n"
        << "and this line in its kiosk.toml:\n"
        << "  clinic_server = \"" << login.uri << "\"\n";
}

// add-staff: the PIN typed twice, then the account on the server.
int AddStaff(const ParsedArgs& a, std::istream& in, std::ostream& out, std::ostream& err) {
    server::NewConsoleStaff staff;
    staff.site = *a.Value("--site");
    staff.name = *a.Value("--name");
    staff.role = *store::ParseRole(*a.Value("--role"));
    NewPin pin = ReadNewPin(in, out, staff.name);
    if (pin.problem) {
        err << "kiosk clinic: " << *pin.problem << "; no account added\n";
        return kExitInvalid;
    }
    staff.pin = std::move(pin.pin);
    auto r = server::AddConsoleStaff(*a.Value("--server"), staff);
    store::WipeSecret(staff.pin);
    if (!r.ok()) return Failed(*r.error, err);
    out << "Added " << staff.name << " (" << store::RoleLabel(staff.role) << ") to the consoles of site " << staff.site << ".\n";
    if (store::Allows(staff.role, store::Permission::ShowAnswers))
        out << "To read results at a console: kiosk clinic grant-key --server URI --site " << staff.site << " --name " << staff.name
            << " --db KIOSK_DB --by ADMIN\n";
    return kExitOk;
}

// grant-key: the kiosk database's administrator unlocks its clinic key, the account's console
// PIN wraps a copy of it on the server.
int GrantKey(const ParsedArgs& a, std::istream& in, std::ostream& out, std::ostream& err) {
    const std::string site = *a.Value("--site"), name = *a.Value("--name"), path = *a.Value("--db");
    auto db = OpenClinicStore(path, err);
    if (!db) return kExitInvalid;
    auto admin = SignInOnTerminal(*db, *a.Value("--by"), {in, out, err, "kiosk clinic", "nothing granted"});
    if (!admin) return kExitInvalid;
    if (admin->account.role != store::Role::Admin || !admin->key) {
        err << "kiosk clinic: " << admin->account.name << " is not an administrator who reads results on " << path
            << ", so cannot grant its key; nothing granted\n";
        return kExitInvalid;
    }
    std::optional<std::string> pin = ReadSecretLine(in, out, "Console PIN for " + name + ": ");
    if (!pin) {
        err << "kiosk clinic: no console PIN was given for " << name << "; nothing granted\n";
        return kExitInvalid;
    }
    auto r = server::GrantConsoleKey(*a.Value("--server"), site, name, *pin, *admin->key);
    store::WipeSecret(*pin);
    if (!r.ok()) {
        err << "kiosk clinic: nothing granted: " << r.error->Describe() << "\n";
        return kExitInvalid;
    }
    const std::string fingerprint = store::KeyFingerprint(admin->key->Public());
    if (!*r.value)
        out << name << " holds the clinic key " << fingerprint << " already; nothing changed.\n";
    else
        out << name << " can now read, at the consoles of site " << site << ", the results sealed to the clinic key " << fingerprint
            << " (granted by " << admin->account.name << ").\n";
    return kExitOk;
}

}  // namespace

int RunClinic(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = ParseCommand(
        {"clinic", {kServerOption, kSiteOption, kKioskOption, kNameOption, kRoleOption, kDbOption, kByOption}, 1, kClinicHelp, ClinicUsageProblem},
        args, out, err);
    if (c.exit) return *c.exit;
    const std::string sub = c.args.positional[0];
    const std::string uri = *c.args.Value("--server");
    if (sub == "init") {
        auto r = server::InitServer(uri);
        return r.ok() ? ReportMigration(*r.value, out) : Failed(*r.error, err);
    }
    if (sub == "migrate") {
        auto r = server::MigrateServer(uri);
        return r.ok() ? ReportMigration(*r.value, out) : Failed(*r.error, err);
    }
    if (sub == "add-staff") return AddStaff(c.args, in, out, err);
    if (sub == "grant-key") return GrantKey(c.args, in, out, err);
    const bool kiosk = sub == "add-kiosk";
    auto r = kiosk ? server::AddKiosk(uri, *c.args.Value("--site"), *c.args.Value("--kiosk"))
                   : server::AddConsole(uri, *c.args.Value("--site"), *c.args.Value("--name"));
    if (!r.ok()) return Failed(*r.error, err);
    PrintLogin(*r.value, kiosk ? "kiosk" : "console", out);
    return kExitOk;
}

}  // namespace kiosk
