// `kiosk sync [--status]`: the drain the kiosk window's worker runs, once, for scripts and tests;
// and the outbox's state for staff, read from the database alone (no server needed).
#include "cli/sync_command.h"

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/db_commands.h"
#include "cli/options.h"
#include "server/drain.h"
#include "server/pg.h"
#include "store/store.h"

namespace kiosk {
namespace {

const char* const kSyncHelp =
    "Usage: kiosk sync [--status] [--config PATH] [--db PATH]\n"
    "\n"
    "Sends every row the clinic's server does not have yet (urgent alerts first, then results,\n"
    "abandoned-session counts and audit rows), in batches, each one server transaction; a row\n"
    "the server has already is not added twice. The kiosk window does the same in the background;\n"
    "this drains once and exits. The server is kiosk.toml's clinic_server, the site its site.\n"
    "\n"
    "  --status   print how the queue stands, without the server: \"last sent 12 s ago, 0 waiting\",\n"
    "             or what waits and why the last send failed\n"
    "\n"
    "Exit 0 nothing waits any more (or --status printed), 1 the clinic database cannot be used,\n"
    "2 wrong usage or no clinic_server configured, 5 the clinic server could not be reached or\n"
    "refused (its message is printed, and kept for kiosk sync --status and the staff screen).\n";

constexpr Option kStatusOption{"--status", ""};

}  // namespace

int RunSync(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"sync", {kStatusOption}, 0, kSyncHelp, {}}, args, out, err);
    if (c.exit) return *c.exit;
    const KioskConfig& config = c.files.config;
    if (config.clinic_server.empty()) {
        err << "kiosk sync: no clinic server is configured: kiosk.toml needs clinic_server and site (kiosk clinic add-kiosk "
               "prints both)\n";
        return kExitUsage;
    }
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    if (c.args.Has("--status")) {
        auto state = db->OutboxState(std::chrono::system_clock::now());
        if (!state.ok()) {
            err << "kiosk sync: " << state.error->Describe() << "\n";
            return kExitInvalid;
        }
        out << store::DescribeOutbox(*state.value, std::chrono::system_clock::now()) << "\n";
        return kExitOk;
    }
    // As the window's worker does: from now on a purge keeps what the server has not been sent.
    if (auto on = db->OutboxEnabled(); on.ok() && !*on.value) (void)db->SetOutboxEnabled(true, "cli");
    const server::DrainOptions options{config.site, config.kiosk_id};
    server::DrainReport report;
    try {
        server::PgConnection conn(config.clinic_server);
        report = server::DrainOnce(*db, conn, options);
    } catch (const server::ServerException& e) {
        (void)db->RecordSendFailure(e.error().Describe(), store::UtcNowIso());
        report.error = e.error();
    }
    out << "sent " << report.alerts << " alerts, " << report.results << " results, " << report.counts << " counts, " << report.audit
        << " audit rows in " << report.batches << " batches\n";
    if (!report.ok()) {
        err << "kiosk sync: the clinic server: " << report.error->Describe() << "\n";
        return kExitServer;
    }
    if (auto state = db->OutboxState(std::chrono::system_clock::now()); state.ok())
        out << store::DescribeOutbox(*state.value, std::chrono::system_clock::now()) << "\n";
    return kExitOk;
}

}  // namespace kiosk
