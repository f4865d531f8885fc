// The front-desk console's side of the clinic server: its staff accounts (kept on the server,
// Argon2id, lockout), its board of results, urgent alerts and their acknowledgement and escalation,
// the kiosks' health from their heartbeats, and the console's own audit log. Every change a person
// makes is written in the same server transaction as its audit row: no audit, no change.
//
// The console's login role (a member of clinic_console) reads only its own site's rows, and may
// change only the review, acknowledgement and escalation columns, its staff accounts' failure
// counters, and append to console_audit (migration 2).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/server_error.h"
#include "store/sealing.h"
#include "store/staff.h"
#include "store/store.h"

namespace kiosk::server {

class PgConnection;

// The clinic keys a signed-in account unlocked. Each kiosk database makes its own key pair with its
// first administrator, so one clinic's kiosks may seal to different keys: a console account holds a
// wrapped copy of each (console_staff_keys, by fingerprint), and a sealed box is tried with each.
// Empty: the account reads no results (the board shows outcomes, not reasons or answers).
using KeyRing = std::vector<std::unique_ptr<store::ClinicKey>>;

// An account as the sign-in list shows it (active ones only).
struct ConsoleAccount {
    std::string name;
    store::Role role = store::Role::FrontDesk;
    bool reads_results = false;   // holds at least one wrapped clinic key
    int64_t seconds_locked = 0;   // lockout left, by the server's clock
};

// What a sign-in came to. The PIN is checked here (store::CheckSecret, Argon2id) against the
// server's stored hash; the failure counter and lockout follow the kiosk's rules (store/staff.h:
// kFreeAttempts, kFirstLockoutSeconds doubling, kMaxLockoutSeconds) on the server's clock, under
// SELECT ... FOR UPDATE so two consoles cannot both spend the same attempt.
struct ConsoleSignIn {
    enum class Outcome : uint8_t { SignedIn, WrongPin, Locked, Unknown };
    Outcome outcome = Outcome::Unknown;
    std::string name;
    store::Role role = store::Role::FrontDesk;
    KeyRing keys;                           // SignedIn: every clinic key the account holds (may be none)
    int64_t seconds_locked = 0;             // Locked (also WrongPin when this failure locked it)
    int attempts_left = 0;                  // WrongPin: before the next lockout
};

// A result as the board shows it. Answers and decision are unsealed when a key is given and the
// box opens (submission.sealed false); otherwise sealed true and both empty.
struct BoardResult {
    store::StoredSubmission submission;  // record.kiosk_id, outcome, times; status Pending/Reviewed
    std::string received_at;             // ISO 8601 UTC, when the server got it
};

// Which results the board lists: one day (local date "YYYY-MM-DD" of submitted_at in the
// console's time zone, which the client sends), optionally one kiosk and one status.
struct BoardFilter {
    std::string day;                                  // required
    std::string kiosk;                                // "" = every kiosk of the site
    std::optional<store::SubmissionStatus> status;    // nullopt = all
};

// An urgent alert of the site not yet acknowledged (or acknowledged, for the history).
struct ServerAlert {
    std::string alert_id;           // the kiosk's UUID
    std::string kiosk_id, session_id;
    std::string raised_at, received_at;  // ISO 8601 UTC
    std::string rule_id, reason;    // unsealed with the keys; empty when none opens it
    bool sealed = true;
    std::string acknowledged_by, acknowledged_at;  // empty while open
    std::string escalated_at;       // empty until escalated
};

// A kiosk of the site and its last heartbeat (all fields empty/0 when it never sent one).
struct KioskHealth {
    std::string kiosk_id;
    bool ever_seen = false;
    std::string last_seen;          // ISO 8601 UTC
    int64_t seconds_since_seen = 0; // by the server's clock
    std::string screening_id, screening_version, screening_hash;
    int64_t rows_waiting = 0;
    std::optional<int64_t> oldest_waiting_seconds;
    std::string out_of_order;
};

struct ConsoleAuditEntry {
    std::string at, console, actor, action, detail;
};

class ConsoleClient {
public:
    // Connects with the console's login (a postgresql:// URI; password from ~/.pgpass or
    // passfile=), checks the server's schema (CheckServerSchema) and finds the console's site and
    // name from its role (consoles.role_name = current_user). Refused (Refused) for a role that is
    // no console's.
    static ServerResult<std::unique_ptr<ConsoleClient>> Connect(const std::string& conninfo);
    ~ConsoleClient();

    const std::string& Site() const { return m_site; }
    const std::string& Name() const { return m_name; }

    // Staff accounts of the site, for the sign-in list.
    ServerResult<std::vector<ConsoleAccount>> Accounts();
    // Checks `pin` for account `name` (audited: "sign_in" / "sign_in_failed" / "sign_in_locked").
    ServerResult<ConsoleSignIn> SignIn(const std::string& name, const std::string& pin);

    // Results of the site for `filter`, unsealed with `keys` (empty: sealed), oldest first (the
    // longest waiting; the screen ranks the urgent first by the screening's outcomes). The day is
    // turned into UTC bounds here with this process's time zone (mktime, TZ), so the server's
    // TimeZone setting plays no part. BadInput for a day that is not YYYY-MM-DD.
    ServerResult<std::vector<BoardResult>> Board(const BoardFilter& filter, const KeyRing& keys);
    // Every result of the site submitted between two UTC instants (ISO 8601, from inclusive, to
    // exclusive), unsealed, oldest first: what an export writes.
    ServerResult<std::vector<store::StoredSubmission>> ResultsBetween(const std::string& from_utc, const std::string& to_utc,
                                                                      const KeyRing& keys);
    // Marks a result reviewed by `actor` ("staff:<name>"), audited in the same transaction; false
    // when it was reviewed already, or no result of the site has that id (nothing changes, nothing
    // audited). reviewed_by keeps the account's name. Refused when the actor is a staff account
    // whose role may not mark results reviewed (store::Allows), or is no active account of the site.
    ServerResult<bool> MarkReviewed(const std::string& result_id, const std::string& actor);

    // The site's alerts not yet acknowledged, oldest first; one alert by id (nullopt: none such).
    ServerResult<std::vector<ServerAlert>> OpenAlerts(const KeyRing& keys);
    ServerResult<std::optional<ServerAlert>> AlertById(const std::string& alert_id, const KeyRing& keys);
    // Acknowledged by `actor`, audited in the same transaction; false when it was already (or no
    // alert of the site has that id). acknowledged_by keeps the account's name; Refused as MarkReviewed.
    ServerResult<bool> Acknowledge(const std::string& alert_id, const std::string& actor);
    // Records that an open alert escalated (escalated_at = now()) and what was run, audited
    // ("escalate" by actor "console", detail: the alert id, the command and how it ended); false
    // when it had escalated already or was acknowledged meanwhile.
    ServerResult<bool> MarkEscalated(const std::string& alert_id, const std::string& detail);

    // Every kiosk registered for the site, with its heartbeat.
    ServerResult<std::vector<KioskHealth>> Kiosks();

    // An audit row of the console ("lock", "unlock", "export", "sign_out", ...).
    ServerResult<bool> Audit(const std::string& actor, const std::string& action, const std::string& detail);
    // The console audit log of the site, newest first, at most `limit` rows.
    ServerResult<std::vector<ConsoleAuditEntry>> AuditLog(int limit);

    // Alerts as they happen: LISTEN clinic_alert on this connection. WaitForAlert returns the
    // alert id of the next notification for this site within `timeout` (nullopt: none came).
    ServerResult<bool> Listen();
    ServerResult<std::optional<std::string>> WaitForAlert(std::chrono::milliseconds timeout);

    // The server's clock, ISO 8601 UTC (escalation and "offline since" are judged on it).
    ServerResult<std::string> ServerNow();

private:
    ConsoleClient(std::unique_ptr<PgConnection> conn, std::string site, std::string name);
    std::unique_ptr<PgConnection> m_conn;
    std::string m_site, m_name;
};

// `kiosk clinic add-staff`: a console staff account of site SITE, its PIN hashed here (Argon2id,
// store::HashSecret with kPinCost). Constraint when the name is taken at that site.
struct NewConsoleStaff {
    std::string site, name;
    store::Role role = store::Role::FrontDesk;
    std::string pin;
    // The Argon2id cost of the PIN's hash: always kPinCost but in the tests that sign in dozens of
    // times (a PIN is checked at the cost stored with it), as StoreOptions::pin_cost.
    store::SecretCost pin_cost = store::kPinCost;
};
ServerResult<bool> AddConsoleStaff(const std::string& admin_conninfo, const NewConsoleStaff& staff);

// `kiosk clinic grant-key`: gives console account NAME (clinician or administrator) a copy of a
// kiosk's clinic key, wrapped under its PIN (checked against its stored hash first; a wrong PIN is
// Refused). The key comes unlocked from that kiosk's database (an administrator's PIN there).
// false when the account holds that key already (by fingerprint).
ServerResult<bool> GrantConsoleKey(const std::string& admin_conninfo, const std::string& site, const std::string& name,
                                   const std::string& pin, const store::ClinicKey& key);

}  // namespace kiosk::server
