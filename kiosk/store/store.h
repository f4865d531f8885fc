// The clinic database: submissions, urgent alerts, the append-only audit log, settings, and counts
// of abandoned sessions. Durable before thanked: Submit() returns only after the commit.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/db_error.h"
#include "store/outbox.h"
#include "store/sealing.h"
#include "store/staff.h"

namespace kiosk::store {

class Connection;
class AlertFallback;

// A value or the error that a staff screen can show. Nothing in the store throws past its API.
template <class T>
struct Result {
    std::optional<T> value;
    std::optional<DbError> error;
    bool ok() const { return !error.has_value(); }
};

struct SubmissionRecord {
    std::string kiosk_id;
    std::string screening_id, screening_version, screening_hash;
    std::string language;
    std::string started_at, submitted_at;  // ISO 8601 UTC
    std::string answers_json;              // the answers-file format
    std::string decision_json;             // kiosk::DecisionToJson
    std::optional<std::string> outcome;    // outcome id
    std::string source = "kiosk";          // "kiosk" or "paper"
};

// Where a stored result is in the staff workflow. Stored as its name (the submissions.status column).
enum class SubmissionStatus : uint8_t { Pending, Reviewed, Exported };
const char* SubmissionStatusName(SubmissionStatus status);  // "pending", "reviewed", "exported"
std::optional<SubmissionStatus> ParseSubmissionStatus(std::string_view name);
// Pending and exported results still wait for a staff member's review.
inline bool NeedsReview(SubmissionStatus status) { return status != SubmissionStatus::Reviewed; }

struct StoredSubmission {
    std::string id;  // random UUID (version 4)
    // Answers and decision are stored sealed to the clinic's key; read while reading is locked
    // (no one signed in who may read results), `sealed` is true and both are empty.
    SubmissionRecord record;
    bool sealed = false;
    SubmissionStatus status = SubmissionStatus::Pending;
    std::string reviewed_by, reviewed_at;  // the reviewing account's name and when (empty until reviewed)
};

// An urgent alert not yet acknowledged.
struct Alert {
    int64_t id = 0;
    std::string session_id;  // "<kiosk id>@<session start>"
    std::string rule_id;
    std::string reason;      // the rule's reason code (may be empty)
    std::string raised_at;   // ISO 8601 UTC
    bool sealed = false;     // rule and reason are sealed and reading is locked: both empty
    std::string alert_id;    // unique (a UUID); migration 8 gave one to the rows stored before schema 7
    // Kept in the file beside the database (it could not take the alert), not yet moved into it:
    // `id` is 0, and acknowledging it goes through AcknowledgeKeptAlert.
    bool kept_outside = false;
};

// One row of the append-only audit log.
struct AuditEntry {
    std::string at;      // ISO 8601 UTC
    std::string actor;   // "kiosk", "cli", "staff:Ana"
    std::string action;  // "submission", "export", "review", ...
    std::string detail;
};

// The last row of the audit chain: what a clinic writes down (or sends off the box) to catch a
// chain rewritten from the start later. id 0: the log is empty.
struct ChainHead {
    int64_t id = 0;
    std::string hash;  // 64 lowercase hex digits
};
// "ID:HASH" (what `kiosk db check --head` prints) and back; nullopt when malformed.
std::string FormatChainHead(const ChainHead& head);
std::optional<ChainHead> ParseChainHead(std::string_view text);

// What `kiosk db check` found wrong, in the order it looked: triggers, then the audit rows in id
// order (with the submission each one recorded), then submissions no row recorded.
enum class ChainProblemKind : uint8_t {
    TriggerChanged,     // a guarding trigger is missing or its SQL is not the kiosk's
    Deleted,            // a gap in the row ids
    Edited,             // the row's content no longer gives its hash (the next row still follows it)
    Inserted,           // a row without a valid hash, or one that does not follow the row before
    SubmissionChanged,  // a submission's content differs from the hash its audit row recorded
    SubmissionMissing,  // an audit row recorded a submission that is gone
    SubmissionExtra,    // a submission that no audit row recorded
    HeadMissing,        // the head written down earlier is no longer in the chain
    PurgeChanged,       // the purged table names results its purge's audit row does not cover
};
const char* ChainProblemKindName(ChainProblemKind kind);  // "edited", "deleted", ...

struct ChainProblem {
    ChainProblemKind kind = ChainProblemKind::Edited;
    int64_t row = 0;             // the audit row (0: none, a trigger or an extra submission)
    std::string what;            // one sentence for the clinic's IT
};

struct ChainReport {
    int64_t rows = 0, submissions = 0;
    ChainHead head;
    std::vector<ChainProblem> problems;  // empty: the chain holds
    bool ok() const { return problems.empty(); }
};

// A result a purge deletes (or, in a dry run, would delete).
struct PurgedResult {
    std::string id;
    SubmissionStatus status = SubmissionStatus::Pending;
    std::string since;  // when its time began: reviewed_at, else exported_at; submitted_at while pending
};

// What a purge deleted (or would): counts, and the results oldest first. Only the counts and the
// hash of the ids reach the audit log.
struct PurgeSummary {
    int64_t done = 0;        // reviewed or exported, past the done limit
    int64_t unreviewed = 0;  // pending, past the unreviewed limit
    int64_t alerts = 0;      // acknowledged urgent alerts past the done limit
    // With the outbox on (Store::SetOutboxEnabled): results and acknowledged alerts past their
    // limit that were kept because the clinic's server has not been sent them yet.
    int64_t kept_unsent = 0, kept_unsent_alerts = 0;
    std::vector<PurgedResult> results;
    std::string ids_hash;    // PurgedIdsHash of the results' ids
    int64_t audit_row = 0;   // the purge's audit row; 0 when nothing was written
    // Empty: the WAL was emptied after the COMMIT. Else why not: the deletion is committed all the
    // same, but the WAL still holds the deleted rows' sealed bytes until a checkpoint succeeds
    // (the store tries again at the next purge and after the next Audit).
    std::string wal_not_emptied;
    bool Empty() const { return done == 0 && unreviewed == 0 && alerts == 0; }
};

struct StoreOptions {
    std::string path;
    int busy_timeout_ms = 2000;
    int64_t max_page_count = 0;  // > 0: a size limit (tests of a full disk)
    // The Argon2id cost of a new PIN. The kiosk always uses kPinCost; tests that make hundreds of
    // accounts choose a cheap one (a PIN hashed so is checked at the cost stored with it).
    SecretCost pin_cost = kPinCost;
};

class Store {
public:
    static constexpr int kSchemaVersion = 8;

    // Opens or creates the database, applies migrations, refuses a newer schema. Also opens (and
    // preallocates) the kept-alerts file beside it and moves any alert it holds into the database;
    // neither failing stops the store from opening (the next alert that needs the file tries again).
    static std::variant<std::unique_ptr<Store>, DbError> Open(const StoreOptions& options);
    ~Store();

    // Commits the submission (and its audit entry, which carries the submission's hash) with
    // synchronous=FULL; the id only after COMMIT. Answers and decision are sealed to the clinic's
    // public key; with no clinic key yet the submission is refused (nothing is stored in clear).
    Result<std::string> Submit(const SubmissionRecord& record, const std::string& actor);
    // Appends one row to the audit chain. A caller about to show or hand out patient data does so
    // only when this succeeded (fail closed).
    Result<bool> Audit(const std::string& actor, const std::string& action, const std::string& detail);
    // Every submission (nullopt) or those with `status`, oldest first; answers and decision only
    // while reading is unlocked (UnlockReading), else `sealed` rows without them.
    Result<std::vector<StoredSubmission>> Submissions(std::optional<SubmissionStatus> status);
    // The same rows one at a time, without holding them all (exports of a year of results): `visit`
    // sees each row in turn, valid only during the call. Returns how many rows it saw.
    Result<size_t> ForEachSubmission(std::optional<SubmissionStatus> status,
                                     const std::function<void(const StoredSubmission&)>& visit);
    Result<int64_t> CountAudit();

    // An urgent alert, stored the moment a red flag fires (before the patient goes on).
    // `alert_id`: the alert's unique id (empty: a new UUID); an alert already stored under it is
    // not stored again, so a retry after an unclear failure cannot double it.
    Result<int64_t> RaiseAlert(const std::string& session_id, const std::string& rule_id, const std::string& reason,
                               const std::string& raised_at, const std::string& alert_id = {});
    // Alerts not yet acknowledged, oldest first (rule and reason only while reading is unlocked),
    // then those kept outside the database (KeptAlerts), so that staff can act on every one.
    Result<std::vector<Alert>> OpenAlerts();
    // Refused unless the actor's role may acknowledge alerts; who is the actor's account.
    Result<bool> AcknowledgeAlert(int64_t id, const std::string& actor);

    // --- Alerts the database could not take (store/alert_fallback.h) ------------------------
    // Keeps an alert that RaiseAlert could not store in the file beside the database, sealed to
    // the clinic's public key (the database's, or the one read when the store opened). True: it
    // is durable there (fdatasync) and moves into the database when it takes writes again. An
    // error (no room even to grow the file, no clinic key): nothing was kept.
    Result<bool> KeepAlertOutside(const std::string& alert_id, const std::string& session_id, const std::string& kiosk_id,
                                  const std::string& rule_id, const std::string& reason, const std::string& raised_at);
    // Moves every kept alert into the database in one transaction, each at most once (by its id),
    // with one audit row; the file is emptied only after COMMIT. Returns how many were new to the
    // database (0 when the file held none). Open and every successful write (Submit, RaiseAlert,
    // Audit, CountAbandoned) run it too, quietly.
    Result<int64_t> MoveKeptAlerts();
    // The alerts the file keeps that are not in the database yet, oldest first (rule and reason
    // only while reading is unlocked). No file: none.
    Result<std::vector<Alert>> KeptAlerts();
    const std::string& KeptAlertsPath() const { return m_fallback_path; }
    // Acknowledges an alert kept outside the database: it is moved into the database first, so
    // the acknowledgement is recorded with the alert's row and in the audit chain. While the
    // database does not take writes this is refused (the error says so) and the alert stays
    // listed: an acknowledgement that cannot be recorded must not make an alert disappear.
    Result<bool> AcknowledgeKeptAlert(const std::string& alert_id, const std::string& actor);
    // One more session abandoned on `day` (YYYY-MM-DD); no patient data.
    Result<bool> CountAbandoned(const std::string& day, const std::string& actor, const std::string& reason);
    Result<int64_t> AbandonedOn(const std::string& day);

    // Staff reviewed a result: status 'reviewed' with who (the account of `actor`) and when, audited.
    // False if no pending or exported result has that id (already reviewed, or unknown). Refused
    // (DbErrorKind::Refused) unless the actor's role may mark results reviewed.
    Result<bool> MarkReviewed(const std::string& id, const std::string& actor);

    // Marks these submissions exported and audits the export, in one transaction. Refused unless
    // the actor's role may export.
    Result<int64_t> MarkExported(const std::vector<std::string>& ids, const std::string& actor, const std::string& detail);

    // Retention: deletes the results kept past the clinic's limits as of `now` (the caller's clock;
    // the store reads no clock here): a reviewed or exported one `done_days` after it was reviewed
    // (else exported), a pending one `unreviewed_days` after it was submitted, and acknowledged
    // alerts `done_days` after they were acknowledged. One write transaction: one "purge" audit
    // row (counts and the ids' hash, PurgedIdsHash, never an id), each id into the purged table
    // under that row (which lets the submission_is_kept trigger pass it, and `kiosk db check`
    // accept its absence), the rows deleted (secure_delete: overwritten). Once that COMMIT
    // succeeded the purge did: the WAL is then emptied into the file and its truncation synced,
    // and when that fails the summary says why (wal_not_emptied) instead of an error. Nothing
    // due: nothing is written (a WAL an earlier purge left is emptied now). `dry_run`: nothing is
    // deleted; one "purge dry run" row with the counts is written before the list is returned (it
    // lists results).
    // Refused (DbErrorKind::Refused) when done_days < 1 or unreviewed_days < done_days, and for
    // a staff actor whose role may not change settings.
    Result<PurgeSummary> Purge(std::chrono::system_clock::time_point now, std::chrono::days done_days,
                               std::chrono::days unreviewed_days, const std::string& actor, bool dry_run);

    // --- The outbox: rows owed to the clinic's server (store/outbox.h, store/outbox.cpp) ----
    // A batch of the oldest rows waiting, at most `limit`, of the first kind that has any in the
    // order alerts, results, counts, audit; empty (kind None) when nothing waits. Reads only.
    // Results and alerts still in clear are not in it (batch.held_in_clear counts them); alerts
    // kept in the file beside the database are not either, until they moved in.
    Result<OutboxBatch> NextOutboxBatch(size_t limit);
    // After the server committed `batch`: its results and alerts get sent_at (a row marked
    // before keeps its first time), each day's count is marked sent up to the count the batch
    // carried (a count that grew since stays waiting), the audit watermark moves to the batch's
    // highest id (never back). Sets last_sent_at and last_attempt_at and clears the last error.
    // One write transaction; idempotent. No audit row: see outbox.cpp.
    Result<bool> MarkSent(const OutboxBatch& batch, const std::string& sent_at);
    // A send that failed: why, and when, for staff (kiosk sync --status, the staff screen).
    Result<bool> RecordSendFailure(const std::string& reason, const std::string& at);
    // A pass that reached the server and found nothing (more) to send: the last error is cleared
    // (MarkSent clears it only when it marks something), last_attempt_at set.
    Result<bool> RecordSendWorked(const std::string& at);
    // Rows waiting, the oldest one's age as of `now`, the last send and failure.
    Result<OutboxStatus> OutboxState(std::chrono::system_clock::time_point now);
    // The clinic has a server (the worker turns this on at its first run): from then on a purge
    // keeps the results and acknowledged alerts not yet sent. Off, as on a kiosk without a server,
    // nothing is ever sent and a purge deletes as without an outbox. Audited when it changes.
    Result<bool> SetOutboxEnabled(bool enabled, const std::string& actor);
    Result<bool> OutboxEnabled();

    // Settings (kiosk id, timeouts, language). SetSetting audits the change unless `audit_detail`
    // is empty; a staff actor needs a role that may change settings.
    Result<std::optional<std::string>> GetSetting(const std::string& key);
    Result<bool> SetSetting(const std::string& key, const std::string& value, const std::string& actor,
                            const std::string& audit_detail);
    // The latest time stamp stored (a submission's submitted_at or the last audit row's at),
    // ISO 8601 UTC; nullopt on an empty database. A wall clock earlier than it has gone back.
    Result<std::optional<std::string>> NewestTimestamp();
    // The most recent audit entries, newest first.
    Result<std::vector<AuditEntry>> RecentAudit(int limit);

    // --- Staff accounts (store/staff_accounts.cpp) -------------------------------------------
    // The machine's actors ("kiosk", "cli") may manage accounts; a staff actor only as an
    // administrator. Account names are unique whatever their case.

    // Creates an account. Compare-and-set: a name already taken is refused (Constraint), never
    // replaced. An administrator gets a break-glass recovery code: its digits are the value here,
    // once, and only its hash is stored. Other roles: the value is empty.
    struct NewStaff {
        std::string name;
        Role role = Role::FrontDesk;
        std::string pin;
    };
    Result<std::string> AddStaff(const NewStaff& account, const std::string& actor);
    // Accounts by name; lockout state as of `now_unix`.
    Result<std::vector<StaffAccount>> ListStaff(bool include_disabled, int64_t now_unix);
    // An active administrator exists: without one the kiosk is not set up and serves no patient.
    Result<bool> HasAdministrator();
    // Refuses the last active administrator. False: no active account has that name.
    Result<bool> DisableStaff(const std::string& name, const std::string& actor);
    // A new PIN (by an administrator, the terminal, or the account itself), clearing its lockout.
    // An administrator whose recovery code was used gets a new one: its digits are the value
    // (else empty).
    Result<std::string> SetStaffPin(const std::string& name, const std::string& pin, const std::string& actor);
    // A new recovery code for an administrator (by itself, another administrator or the terminal);
    // the old one stops working.
    Result<std::string> ReplaceRecoveryCode(const std::string& name, const std::string& actor);
    // Clears an account's wrong-PIN count and lockout.
    Result<bool> UnlockStaff(const std::string& name, const std::string& actor);

    struct SignIn {
        enum class Status { Ok, Wrong, LockedOut, NoAccount, StoreError };
        Status status = Status::Wrong;
        StaffAccount account;        // Ok: who signed in (recovery_used: a new code must be made)
        // Ok, for an account that may read results and holds a wrapped copy: the clinic key.
        std::shared_ptr<const ClinicKey> key;
        WrapKey wrap_key;            // Ok: the key the typed secret derived (InitClinicKey, GrantReading)
        int64_t seconds_locked = 0;  // LockedOut, or Wrong when this failure started a lockout
        int failures = 0;            // consecutive wrong PINs of this account so far
        std::optional<DbError> error;
    };
    // Checks `pin` for the active account `name` at `now_unix` (wall clock, seconds). The attempt is
    // read, decided and recorded (the account's counter and the audit) in one write transaction;
    // when it cannot be recorded it is refused as StoreError, the right PIN too. While the account
    // is locked out the PIN is not even checked. Other accounts' lockouts are not this one's.
    SignIn SignInWithPin(const std::string& name, std::string_view pin, int64_t now_unix);
    // Break-glass: an administrator's one-time recovery code, with a reason (required, audited).
    // Checked even while the account is locked out (20 random digits cannot be guessed); on
    // success the code is spent and the account is marked to replace it.
    SignIn SignInWithRecoveryCode(const std::string& name, std::string_view code, const std::string& reason,
                                  int64_t now_unix);
    // Appends the audit row of an action only when `actor` may do `permission`; a refusal is
    // audited and returned as DbErrorKind::Refused. Callers show or do nothing unless this succeeded.
    Result<bool> Authorize(const std::string& actor, Permission permission, const std::string& action,
                           const std::string& detail);
    // The same check before work that writes nothing yet (an export before its file): true when
    // allowed, with no audit row; a refusal is audited and returned as DbErrorKind::Refused.
    Result<bool> Permit(const std::string& actor, Permission permission);

    // --- Sealed at rest (store/clinic_key.cpp) ----------------------------------------------
    // The clinic's public key is in the database (made with the first administrator, or by
    // InitClinicKey for a database from before sealing). Without it the kiosk is not set up.
    Result<bool> HasClinicKey();
    Result<std::optional<PublicKey>> ClinicPublicKey();
    // Reading sealed rows for as long as a signed-in account's key is held: the staff screen
    // unlocks at sign-in and locks at sign-out; nothing else keeps the private key.
    void UnlockReading(std::shared_ptr<const ClinicKey> key);
    void LockReading();
    bool CanRead() const { return m_key != nullptr; }
    // A database without a clinic key (stored before sealing): the administrator signed in as
    // `admin` (its PIN's wrap key) creates the key pair, keeps the first wrapped copy, and every
    // row stored in clear is sealed and the clear copies removed (VACUUM). Reading stays unlocked.
    // Returns how many rows were sealed.
    Result<int64_t> InitClinicKey(const SignIn& admin);
    // A kiosk of a clinic whose key pair was made elsewhere seals to its public key (which is no
    // secret). Refused when the database has a key already; rows stored in clear are sealed.
    // Returns how many rows were sealed.
    Result<int64_t> AdoptClinicPublicKey(const PublicKey& key, const std::string& actor);
    // Gives the signed-in account `reader` (a role that may read results) its wrapped copy of the
    // clinic key; reading must be unlocked (an administrator or clinician signed in here).
    Result<bool> GrantReading(const SignIn& reader, const std::string& actor);

    int SchemaVersion() const;
    Result<std::string> IntegrityCheck();  // "ok" or SQLite's report
    // Verifies the audit chain, every submission against it and the guarding triggers (read only).
    // `expected`: a head written down earlier; a chain recomputed from the start no longer holds it.
    Result<ChainReport> CheckAuditChain(const std::optional<ChainHead>& expected = std::nullopt);

private:
    Store(std::unique_ptr<Connection> db, SecretCost pin_cost);
    // The kept-alerts file, opened now if it was not (space may have been freed since); null and
    // `error` set when it cannot be.
    AlertFallback* Fallback(std::optional<DbError>& error);
    // After a write the database took: kept alerts move in; a failure waits for the next write.
    void MoveKeptAlertsQuietly();
    // After a purge's COMMIT, and after later writes while a purge's WAL is left: empties the WAL
    // (Connection::EmptyWal). Returns why it could not (empty: done); the purge stands either way.
    std::string EmptyWalAfterPurge(const char* context);

    std::unique_ptr<Connection> m_db;
    SecretCost m_pin_cost;
    std::shared_ptr<const ClinicKey> m_key;  // reading unlocked
    std::string m_fallback_path;
    std::unique_ptr<AlertFallback> m_fallback;
    // The clinic's public key as last read: seals a kept alert when the database cannot be read.
    std::optional<PublicKey> m_sealing_key;
    bool m_purge_wal_left = false;  // a purge's WAL could not be emptied yet
};

// The alerts kept beside the database at `database_path` when no Store can be opened (the kiosk
// is out of order, and staff must still see them): all sealed, none checked against the database.
// No file: none.
Result<std::vector<Alert>> ReadKeptAlerts(const std::string& database_path);

// A random version-4 UUID from libsodium's generator.
std::string NewUuid();
// A time as ISO 8601 UTC with milliseconds: "2026-06-15T09:30:00.123Z"; UtcNowIso() for now.
std::string UtcIso(std::chrono::system_clock::time_point time);
std::string UtcNowIso();

}  // namespace kiosk::store
