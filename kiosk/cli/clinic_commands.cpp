// `kiosk clinic init|migrate|add-kiosk|add-console --server URI`: the server's schema and the
// logins of kiosks and consoles. Each prints what it did, or the server's own message.
#include "cli/clinic_commands.h"

#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "server/server_schema.h"

namespace kiosk {
namespace {

const char* const kClinicHelp =
    "Usage: kiosk clinic init --server URI\n"
    "       kiosk clinic migrate --server URI\n"
    "       kiosk clinic add-kiosk --server URI --site SITE --kiosk ID\n"
    "       kiosk clinic add-console --server URI --site SITE --name NAME\n"
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
    "SITE, ID and NAME: 1 to 24 of letters, digits, '_' and '-'.\n"
    "Exit 0 done, 1 the server refused or could not be reached (its message is printed), 2 wrong\n"
    "usage.\n";

constexpr Option kServerOption{"--server", "a postgresql:// URI"};
constexpr Option kSiteOption{"--site", "a site id"};
constexpr Option kKioskOption{"--kiosk", "a kiosk id"};
constexpr Option kNameOption{"--name", "a console name"};

std::optional<std::string> ClinicUsageProblem(const ParsedArgs& a) {
    if (a.positional.empty()) return "";
    const std::string& sub = a.positional[0];
    if (a.positional.size() != 1) return HelpUnless(false);
    if (!a.Has("--server")) return "clinic " + sub + " needs --server URI";
    if (sub == "init" || sub == "migrate") {
        if (a.Has("--site") || a.Has("--kiosk") || a.Has("--name")) return "clinic " + sub + " takes --server URI only";
        return std::nullopt;
    }
    if (sub == "add-kiosk" || sub == "add-console") {
        const char* id = sub == "add-kiosk" ? "--kiosk" : "--name";
        const char* other = sub == "add-kiosk" ? "--name" : "--kiosk";
        if (!a.Has("--site") || !a.Has(id) || a.Has(other))
            return "clinic " + sub + " needs --server URI, --site SITE and " + (sub == "add-kiosk" ? "--kiosk ID" : "--name NAME");
        const auto site_problem = server::CheckClinicId("site id", *a.Value("--site"));
        if (site_problem) return site_problem;
        return server::CheckClinicId(sub == "add-kiosk" ? "kiosk id" : "console name", *a.Value(id));
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

}  // namespace

int RunClinic(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = ParseCommand({"clinic", {kServerOption, kSiteOption, kKioskOption, kNameOption}, 1, kClinicHelp, ClinicUsageProblem},
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
    const bool kiosk = sub == "add-kiosk";
    auto r = kiosk ? server::AddKiosk(uri, *c.args.Value("--site"), *c.args.Value("--kiosk"))
                   : server::AddConsole(uri, *c.args.Value("--site"), *c.args.Value("--name"));
    if (!r.ok()) return Failed(*r.error, err);
    PrintLogin(*r.value, kiosk ? "kiosk" : "console", out);
    return kExitOk;
}

}  // namespace kiosk
