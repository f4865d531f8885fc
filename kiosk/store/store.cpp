// The clinic database: schema and migrations, and every read and write the kiosk makes.
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <tuple>
#include <ctime>
#include <thread>

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/alert_fallback.h"
#include "store/audit_chain.h"
#include "store/guard.h"
#include "store/key_store.h"
#include "store/sqlite.h"

namespace kiosk::store {
namespace {

// Numbered migrations on PRAGMA user_version; each runs in its own transaction. Never edit a
// migration that has shipped: add the next one. tests/store/fixtures/ holds a frozen database of
// each version, and the tests open it with today's code.
struct Migration {
    int version;
    const char* sql;
    void (*then)(Connection&) = nullptr;  // work SQL alone cannot do (hashing), in the same transaction
};

void RetireSharedPin(Connection& db) {
    Statement had(db, "SELECT count(*) FROM settings WHERE key = 'staff.pin_hash'", "migrating the database");
    had.Step();
    const bool shared = had.Int(0) > 0;
    db.Exec("DELETE FROM settings WHERE key IN ('staff.pin_hash', 'staff.pin_failures', 'staff.pin_locked_until', "
            "'staff.pin_last_failure')",
            "migrating the database");
    if (shared)
        AppendAudit(db, {UtcNowIso(), "kiosk", "staff accounts",
                         "the shared staff PIN was retired; each person needs an account (kiosk staff add)", std::nullopt, std::nullopt});
}

// Migration 8: alerts stored before schema 7 have no unique id, and the server keys alerts by it.
// Each gets a new one here (rows only, no content of the chain: the alerts table is not hashed).
void GiveAlertsUids(Connection& db) {
    const char* context = "migrating the database";
    std::vector<int64_t> ids;
    {
        Statement s(db, "SELECT id FROM alerts WHERE alert_uid IS NULL ORDER BY id", context);
        while (s.Step()) ids.push_back(s.Int(0));
    }
    Statement set(db, "UPDATE alerts SET alert_uid = ?2 WHERE id = ?1", context);
    for (int64_t id : ids) {
        set.Reset();
        set.Bind(1, id).Bind(2, NewUuid());
        set.Run();
    }
}

// Migration 5 rebuilt the submissions table, which dropped its guards with it.
void GuardSubmissions(Connection& db) {
    for (const char* guard : {"submission_content_is_fixed", "submission_is_kept"}) CreateGuard(db, guard, "migrating the database", 5);
}

// Migration 6 lets a purge, and nothing else, delete a submission: the purged table's own guards,
// and submission_is_kept re-created to pass the ids the purged table names. A guard that was not
// the kiosk's (dropped or changed by hand) is re-created all the same, and the audit log says so.
void GuardPurges(Connection& db) {
    const char* context = "migrating the database";
    std::string was;
    {
        Statement s(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'submission_is_kept'", context);
        if (s.Step() && !s.IsNull(0)) was = s.Text(0);
    }
    if (was != GuardSqlAt("submission_is_kept", 5))
        AppendAudit(db, {UtcNowIso(), "kiosk", "guard restored",
                         std::string("migration 6 found the trigger submission_is_kept ") + (was.empty() ? "dropped" : "changed") +
                             " and re-created it",
                         std::nullopt, std::nullopt});
    db.Exec("DROP TRIGGER IF EXISTS submission_is_kept", context);
    for (const char* guard : {"submission_is_kept", "purged_is_append_only_update", "purged_is_append_only_delete"})
        CreateGuard(db, guard, context, 6);
}

const Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE submissions (
    id                TEXT PRIMARY KEY NOT NULL,
    kiosk_id          TEXT NOT NULL,
    screening_id      TEXT NOT NULL,
    screening_version TEXT NOT NULL,
    screening_hash    TEXT NOT NULL,
    language          TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    submitted_at      TEXT NOT NULL,
    answers           TEXT NOT NULL CHECK (json_valid(answers)),
    decision          TEXT NOT NULL CHECK (json_valid(decision)),
    outcome           TEXT,
    source            TEXT NOT NULL CHECK (source IN ('kiosk', 'paper')),
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'exported')),
    reviewed_by       TEXT,
    reviewed_at       TEXT,
    exported_at       TEXT
) STRICT;
CREATE INDEX submissions_by_status ON submissions (status, submitted_at);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    session_id      TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    raised_at       TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
) STRICT;

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE abandoned_sessions (
    day   TEXT PRIMARY KEY NOT NULL,
    count INTEGER NOT NULL
) STRICT;
)sql"},
    // Results are read oldest first (staff lists, exports). Without an index on that order SQLite
    // sorts whole rows (2 to 3 KiB of JSON each), which took longer than reading them (bench_store).
    {2, R"sql(
CREATE INDEX submissions_by_time ON submissions (submitted_at, id);
)sql"},
    // The audit chain: each row's hash over the previous row's hash and its own content, and the
    // hash of the submission a row recorded. The rows already stored are chained by
    // ChainExistingRows, which also creates the triggers (audit_chain.cpp holds their exact SQL).
    {3, R"sql(
DROP TRIGGER audit_is_append_only_update;
DROP TRIGGER audit_is_append_only_delete;
ALTER TABLE audit ADD COLUMN submission_id TEXT;
ALTER TABLE audit ADD COLUMN submission_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
)sql", ChainExistingRows},
    // Staff accounts: one per person, each with a role, an Argon2id PIN and its own lockout;
    // administrators also a one-time recovery code. The shared PIN of version 3 goes: it belonged
    // to nobody, and whoever chose it on the screen may not have been staff (RetireSharedPin).
    {4, R"sql(
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('front_desk', 'clinician', 'admin')),
    pin_hash      TEXT NOT NULL,
    recovery_hash TEXT,
    recovery_used TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER NOT NULL DEFAULT 0,
    last_failure  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
) STRICT;
)sql", RetireSharedPin},
    // Sealed at rest: the clinic's public key, and its private key wrapped once per account that
    // may read results. A submission keeps answers and decision either in clear (stored before
    // the clinic had a key: sealed when the key is made) or sealed, never both; an alert's rule
    // and reason likewise. Only what the queue sorts and routes by stays in clear.
    {5, R"sql(
CREATE TABLE clinic_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    public_key BLOB NOT NULL CHECK (length(public_key) = 32),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;
CREATE TABLE key_wraps (
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    secret   TEXT NOT NULL CHECK (secret IN ('pin', 'recovery')),
    wrapped  BLOB NOT NULL,
    PRIMARY KEY (staff_id, secret)
) STRICT;
CREATE TABLE submissions_v5 (
    id                TEXT PRIMARY KEY NOT NULL,
    kiosk_id          TEXT NOT NULL,
    screening_id      TEXT NOT NULL,
    screening_version TEXT NOT NULL,
    screening_hash    TEXT NOT NULL,
    language          TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    submitted_at      TEXT NOT NULL,
    answers           TEXT CHECK (answers IS NULL OR json_valid(answers)),
    decision          TEXT CHECK (decision IS NULL OR json_valid(decision)),
    outcome           TEXT,
    source            TEXT NOT NULL CHECK (source IN ('kiosk', 'paper')),
    status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'reviewed', 'exported')),
    reviewed_by       TEXT,
    reviewed_at       TEXT,
    exported_at       TEXT,
    sealed            BLOB,
    CHECK ((sealed IS NULL AND answers IS NOT NULL AND decision IS NOT NULL) OR
           (sealed IS NOT NULL AND answers IS NULL AND decision IS NULL))
) STRICT;
INSERT INTO submissions_v5 (id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at,
                            answers, decision, outcome, source, status, reviewed_by, reviewed_at, exported_at)
    SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at,
           answers, decision, outcome, source, status, reviewed_by, reviewed_at, exported_at FROM submissions;
DROP TABLE submissions;
ALTER TABLE submissions_v5 RENAME TO submissions;
CREATE INDEX submissions_by_status ON submissions (status, submitted_at);
CREATE INDEX submissions_by_time ON submissions (submitted_at, id);
ALTER TABLE alerts ADD COLUMN sealed BLOB;
)sql", GuardSubmissions},
    // Retention: the results a purge deleted, each by the id of the purge's audit row (whose
    // detail holds the hash of the ids). Append-only, like the audit log (GuardPurges).
    {6, R"sql(
CREATE TABLE purged (
    submission_id TEXT PRIMARY KEY NOT NULL,
    audit_id      INTEGER NOT NULL
) STRICT;
)sql", GuardPurges},
    // Alerts the database could not take wait in a file beside it (store/alert_fallback.h) and
    // move in when it takes writes again, perhaps more than once after a crash: each alert has a
    // unique id, and an id already stored is not stored again. Rows from before have none.
    {7, R"sql(
ALTER TABLE alerts ADD COLUMN alert_uid TEXT;
CREATE UNIQUE INDEX alerts_by_uid ON alerts (alert_uid) WHERE alert_uid IS NOT NULL;
)sql"},
    // The outbox (store/outbox.h): what the clinic's server has not been sent yet. A result or
    // alert waits while its sent_at is NULL (the partial indexes hold only those), a day's count
    // while it is above the count sent; the audit log is append-only, so what was sent of it is a
    // watermark in the one-row outbox table, with the last send's time and the last failure for
    // staff. sent_at is no content of a result: the guard submission_content_is_fixed does not
    // name it, and the audit chain does not hash it. Alerts from before schema 7 get their id
    // (GiveAlertsUids).
    {8, R"sql(
ALTER TABLE submissions ADD COLUMN sent_at TEXT;
ALTER TABLE alerts ADD COLUMN sent_at TEXT;
CREATE INDEX submissions_unsent ON submissions (submitted_at, id) WHERE sent_at IS NULL;
CREATE INDEX alerts_unsent ON alerts (id) WHERE sent_at IS NULL;
ALTER TABLE abandoned_sessions ADD COLUMN sent_count INTEGER NOT NULL DEFAULT 0;
CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    audit_sent_through INTEGER NOT NULL DEFAULT 0,
    last_sent_at       TEXT,
    last_attempt_at    TEXT,
    last_error         TEXT,
    last_error_at      TEXT
) STRICT;
INSERT INTO outbox (id) VALUES (1);
)sql", GiveAlertsUids},
};

constexpr int kLatest = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kLatest == Store::kSchemaVersion, "a migration for every schema version");

constexpr const char* kInsertSubmission =
    "INSERT INTO submissions (id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, "
    "submitted_at, sealed, outcome, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
// Oldest first: the order of submissions_by_time (migration 2), so rows stream without a sort.
constexpr const char* kSelectSubmissions =
    "SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at, answers, "
    "decision, outcome, source, status, reviewed_by, reviewed_at, sealed FROM submissions WHERE ?1 IS NULL OR status = ?1 ORDER BY submitted_at, id";

// Results past their retention as of ?1 (reviewed or exported before it) and ?2 (pending, submitted
// before it), oldest first, and whether each still waits to be sent (the outbox). A reviewed row
// always has reviewed_at; submitted_at only backs up a row of an old kiosk that lacks both.
constexpr const char* kSelectExpired =
    "SELECT id, status, since, unsent FROM (SELECT id, status, sent_at IS NULL AS unsent, CASE WHEN status = 'pending' THEN submitted_at "
    "ELSE coalesce(reviewed_at, exported_at, submitted_at) END AS since FROM submissions) "
    "WHERE since < CASE WHEN status = 'pending' THEN ?2 ELSE ?1 END ORDER BY since, id";

std::string DaysText(std::chrono::days days) { return std::to_string(days.count()) + (days.count() == 1 ? " day" : " days"); }

int UserVersion(Connection& db) {
    Statement s(db, "PRAGMA user_version", "reading the schema version");
    return s.Step() ? static_cast<int>(s.Int(0)) : 0;
}

void Migrate(Connection& db) {
    int version = UserVersion(db);
    if (version > kLatest)
        throw DbException(DbError{DbErrorKind::TooNew, 0,
                                  "the database has schema version " + std::to_string(version) + ", newer than this kiosk knows (" +
                                      std::to_string(kLatest) + "); update the kiosk software",
                                  "opening " + db.Path()});
    for (const Migration& m : kMigrations) {
        if (m.version <= version) continue;
        Transaction t(db, "migrating the database");
        // Read again under the write lock: another process opening the same new database at the
        // same moment may have applied this migration while we waited for the lock.
        if (UserVersion(db) >= m.version) continue;
        db.Exec(m.sql, "migrating the database");
        if (m.then) m.then(db);
        db.Exec("PRAGMA user_version = " + std::to_string(m.version), "migrating the database");
        t.Commit();
    }
}

}  // namespace

const char* SubmissionStatusName(SubmissionStatus status) {
    switch (status) {
        case SubmissionStatus::Pending: return "pending";
        case SubmissionStatus::Reviewed: return "reviewed";
        case SubmissionStatus::Exported: return "exported";
    }
    return "pending";
}

std::optional<SubmissionStatus> ParseSubmissionStatus(std::string_view name) {
    for (SubmissionStatus status : {SubmissionStatus::Pending, SubmissionStatus::Reviewed, SubmissionStatus::Exported})
        if (name == SubmissionStatusName(status)) return status;
    return std::nullopt;
}

std::string NewUuid() {
    static const bool ready = sodium_init() >= 0;
    (void)ready;
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
    char out[37];
    std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                  b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

std::string UtcIso(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char out[64];  // room for any int the compiler cannot rule out
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                  utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms));
    return out;
}

std::string UtcNowIso() { return UtcIso(std::chrono::system_clock::now()); }

std::variant<std::unique_ptr<Store>, DbError> Store::Open(const StoreOptions& options) {
    try {
        bool is_new = ::access(options.path.c_str(), F_OK) != 0;
        auto db = std::make_unique<Connection>(options.path, true);
        // Health data: owner-only. SQLite gives the -wal and -shm files the database file's mode.
        if (is_new) ::chmod(options.path.c_str(), S_IRUSR | S_IWUSR);
        db->Exec("PRAGMA busy_timeout = " + std::to_string(options.busy_timeout_ms), "opening the database");
        // The first read finds a file that is not a database (or a damaged one). Switching a new
        // file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once, without the
        // busy timeout, when another process opening it at the same moment holds it: wait and
        // try again, within the same timeout.
        for (int waited_ms = 0;; waited_ms += 10) {
            try {
                Statement mode(*db, "PRAGMA journal_mode = WAL", "opening the database");
                mode.Step();
                break;
            } catch (const DbException& e) {
                if (e.error().kind != DbErrorKind::Busy || waited_ms >= options.busy_timeout_ms) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        db->Exec("PRAGMA synchronous = FULL", "opening the database");
        // Patient data reaches the disk only sealed: sorts and temporary tables stay in memory,
        // and what is deleted is overwritten, not left in free pages.
        db->Exec("PRAGMA temp_store = MEMORY", "opening the database");
        db->Exec("PRAGMA secure_delete = ON", "opening the database");
        db->Exec("PRAGMA foreign_keys = ON", "opening the database");
        if (options.max_page_count > 0)
            db->Exec("PRAGMA max_page_count = " + std::to_string(options.max_page_count), "opening the database");
        Migrate(*db);
        db->RememberFile();
        std::optional<PublicKey> key = ReadClinicPublicKey(*db, "opening the database");
        std::unique_ptr<Store> store(new Store(std::move(db), options.pin_cost));
        store->m_sealing_key = key;
        store->m_fallback_path = AlertFallback::PathFor(options.path);
        // Taken now, while the disk has room: a full disk later cannot grow a file. Not opening
        // it does not stop the kiosk (the database works); the next alert that needs it tries again.
        std::optional<DbError> ignored;
        store->Fallback(ignored);
        store->MoveKeptAlertsQuietly();
        return store;
    } catch (const DbException& e) {
        return e.error();
    }
}

Store::Store(std::unique_ptr<Connection> db, SecretCost pin_cost) : m_db(std::move(db)), m_pin_cost(pin_cost) {}
Store::~Store() = default;

AlertFallback* Store::Fallback(std::optional<DbError>& error) {
    if (!m_fallback) {
        auto opened = AlertFallback::Open(m_fallback_path);
        if (auto* e = std::get_if<DbError>(&opened)) error = *e;
        else m_fallback = std::move(std::get<std::unique_ptr<AlertFallback>>(opened));
    }
    return m_fallback.get();
}

void Store::MoveKeptAlertsQuietly() {
    if (m_fallback) MoveKeptAlerts();
}

int Store::SchemaVersion() const { return UserVersion(*m_db); }

Result<std::string> Store::Submit(const SubmissionRecord& r, const std::string& actor) {
    Result<std::string> out = Guard<std::string>([&] {
        const char* context = "saving a submission";
        std::string id = NewUuid();
        Transaction t(*m_db, context);
        std::optional<PublicKey> key = ReadClinicPublicKey(*m_db, context);
        if (!key)
            throw DbException(DbError{DbErrorKind::Refused, 0,
                                      "the clinic has no key yet, so the answers cannot be sealed (an administrator runs kiosk keys init)",
                                      context});
        const std::string sealed = SealSubmission(*key, r.answers_json, r.decision_json);
        if (sealed.empty()) throw DbException(DbError{DbErrorKind::Other, 0, "the answers could not be sealed", context});
        Statement insert(*m_db, kInsertSubmission, context);
        insert.Bind(1, id).Bind(2, r.kiosk_id).Bind(3, r.screening_id).Bind(4, r.screening_version).Bind(5, r.screening_hash);
        insert.Bind(6, r.language).Bind(7, r.started_at).Bind(8, r.submitted_at).BindBlob(9, sealed);
        insert.BindOptional(10, r.outcome).Bind(11, r.source);
        insert.Run();
        AppendAudit(*m_db, {UtcNowIso(), actor, "submission", id + " " + r.outcome.value_or("none") + " (" + r.source + ")", id,
                            SealedSubmissionHash(id, r, sealed)});
        t.Commit();  // durable here: WAL with synchronous=FULL
        return id;
    });
    if (out.ok()) MoveKeptAlertsQuietly();
    return out;
}

Result<bool> Store::Audit(const std::string& actor, const std::string& action, const std::string& detail) {
    Result<bool> out = Guard<bool>([&] {
        // BEGIN IMMEDIATE: no other process appends between reading the chain's head and this row.
        Transaction t(*m_db, "writing the audit log");
        AppendAudit(*m_db, {UtcNowIso(), actor, action, detail, std::nullopt, std::nullopt});
        t.Commit();
        return true;
    });
    if (out.ok()) MoveKeptAlertsQuietly();
    // The app's write check is an Audit: the database takes writes again, so a purge's WAL may empty now.
    if (out.ok() && m_purge_wal_left) EmptyWalAfterPurge("writing the audit log");
    return out;
}

Result<size_t> Store::ForEachSubmission(std::optional<SubmissionStatus> status,
                                        const std::function<void(const StoredSubmission&)>& visit) {
    return Guard<size_t>([&] {
        size_t count = 0;
        StoredSubmission sub;  // one row's storage, reused: its strings keep their capacity
        SubmissionRecord& r = sub.record;
        Statement s(*m_db, kSelectSubmissions, "reading submissions");
        s.BindOptional(1, status ? std::optional<std::string>(SubmissionStatusName(*status)) : std::nullopt);
        while (s.Step()) {
            for (auto [column, text] : {std::pair{0, &sub.id}, {1, &r.kiosk_id}, {2, &r.screening_id}, {3, &r.screening_version},
                                        {4, &r.screening_hash}, {5, &r.language}, {6, &r.started_at}, {7, &r.submitted_at},
                                        {8, &r.answers_json}, {9, &r.decision_json}, {11, &r.source}})
                s.TextInto(column, *text);
            if (s.IsNull(10)) r.outcome.reset();
            else s.TextInto(10, r.outcome.emplace());
            sub.sealed = !s.IsNull(15);
            if (sub.sealed && m_key) {
                if (!OpenSealedPair(*m_key, s.Blob(15), r.answers_json, r.decision_json))
                    throw DbException(DbError{DbErrorKind::Other, 0,
                                              "result " + sub.id + " does not open with the clinic key: it was altered or sealed to another key",
                                              "reading submissions"});
                sub.sealed = false;
            } else if (sub.sealed) {
                r.answers_json.clear();
                r.decision_json.clear();
            }
            // The column's CHECK admits the three names only.
            sub.status = ParseSubmissionStatus(s.Text(12)).value_or(SubmissionStatus::Pending);
            s.TextInto(13, sub.reviewed_by);  // NULL reads as empty
            s.TextInto(14, sub.reviewed_at);
            visit(sub);
            ++count;
        }
        return count;
    });
}

Result<std::vector<StoredSubmission>> Store::Submissions(std::optional<SubmissionStatus> status) {
    Result<std::vector<StoredSubmission>> out;
    out.value.emplace();
    auto read = ForEachSubmission(status, [&](const StoredSubmission& sub) { out.value->push_back(sub); });
    if (!read.ok()) {
        out.value.reset();
        out.error = read.error;
    }
    return out;
}

Result<bool> Store::MarkReviewed(const std::string& id, const std::string& actor) {
    return Guard<bool>([&] {
        const char* context = "marking a result reviewed";
        std::string now = UtcNowIso();
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::MarkReviewed, context)) throw DbException(*refused);
        Statement mark(*m_db, "UPDATE submissions SET status = 'reviewed', reviewed_by = ?2, reviewed_at = ?3 "
                              "WHERE id = ?1 AND status != 'reviewed'", context);
        mark.Bind(1, id).Bind(2, ActorStaffName(actor).value_or(actor)).Bind(3, now);
        mark.Run();
        bool changed = m_db->Changes() > 0;
        if (changed) {
            AppendAudit(*m_db, {now, actor, "review", id, std::nullopt, std::nullopt});
        }
        t.Commit();
        return changed;
    });
}

Result<int64_t> Store::MarkExported(const std::vector<std::string>& ids, const std::string& actor, const std::string& detail) {
    return Guard<int64_t>([&] {
        const char* context = "marking submissions exported";
        std::string now = UtcNowIso();
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::Export, context)) throw DbException(*refused);
        Statement mark(*m_db, "UPDATE submissions SET status = 'exported', exported_at = ?2 WHERE id = ?1", context);
        int64_t changed = 0;
        for (const std::string& id : ids) {
            mark.Reset();
            mark.Bind(1, id).Bind(2, now);
            mark.Run();
            changed += m_db->Changes();
        }
        AppendAudit(*m_db, {now, actor, "export", detail + ", " + std::to_string(changed) + " marked exported", std::nullopt, std::nullopt});
        t.Commit();
        return changed;
    });
}

Result<int64_t> Store::RaiseAlert(const std::string& session_id, const std::string& rule_id, const std::string& reason,
                                  const std::string& raised_at, const std::string& alert_id) {
    Result<int64_t> out = Guard<int64_t>([&] {
        const char* context = "saving an urgent alert";
        const std::string uid = alert_id.empty() ? NewUuid() : alert_id;
        Transaction t(*m_db, context);
        std::optional<PublicKey> key = ReadClinicPublicKey(*m_db, context);
        if (!key)
            throw DbException(DbError{DbErrorKind::Refused, 0, "the clinic has no key yet, so the alert cannot be sealed", context});
        m_sealing_key = key;
        {
            // Stored already (a commit whose success did not reach us, or moved in from the file).
            Statement had(*m_db, "SELECT id FROM alerts WHERE alert_uid = ?1", context);
            had.Bind(1, uid);
            if (had.Step()) return had.Int(0);
        }
        // Which red flag fired says something about the patient: sealed like the answers.
        Statement s(*m_db, "INSERT INTO alerts (session_id, rule_id, reason, raised_at, sealed, alert_uid) VALUES (?1, '', '', ?2, ?3, ?4)",
                    context);
        s.Bind(1, session_id).Bind(2, raised_at).BindBlob(3, SealAlert(*key, rule_id, reason)).Bind(4, uid);
        s.Run();
        int64_t id = m_db->LastInsertRowId();
        AppendAudit(*m_db, {UtcNowIso(), "kiosk", "urgent alert", "alert " + std::to_string(id), std::nullopt, std::nullopt});
        t.Commit();
        return id;
    });
    if (out.ok()) MoveKeptAlertsQuietly();
    return out;
}

Result<bool> Store::KeepAlertOutside(const std::string& alert_id, const std::string& session_id, const std::string& kiosk_id,
                                     const std::string& rule_id, const std::string& reason, const std::string& raised_at) {
    Result<bool> out;
    const char* context = "keeping an urgent alert outside the database";
    // The key in the database when it can be read (a full or locked database still reads), else
    // the one read at start-up: the clinic's key does not change under a running kiosk.
    Result<std::optional<PublicKey>> read = ClinicPublicKey();
    if (read.ok() && *read.value) m_sealing_key = *read.value;
    if (!m_sealing_key) {
        out.error = DbError{DbErrorKind::Refused, 0, "the clinic has no key yet, so the alert cannot be sealed", context};
        return out;
    }
    std::optional<DbError> error;
    AlertFallback* file = Fallback(error);
    if (!file) {
        out.error = error;
        return out;
    }
    error = file->Append(KeptAlert{alert_id, session_id, raised_at, kiosk_id, SealAlert(*m_sealing_key, rule_id, reason)});
    if (error) out.error = error;
    else out.value = true;
    return out;
}

Result<int64_t> Store::MoveKeptAlerts() {
    Result<int64_t> out;
    out.value = 0;
    std::optional<DbError> error;
    AlertFallback* file = Fallback(error);
    if (!file) {
        // No file and none to make (a read-only folder): nothing can be kept there either.
        if (::access(m_fallback_path.c_str(), F_OK) != 0) return out;
        out.value.reset();
        out.error = error;
        return out;
    }
    error = file->Drain([&](const std::vector<KeptAlert>& alerts) -> std::optional<DbError> {
        Result<int64_t> moved = Guard<int64_t>([&] {
            const char* context = "moving kept alerts into the database";
            Transaction t(*m_db, context);
            Statement insert(*m_db,
                             "INSERT OR IGNORE INTO alerts (session_id, rule_id, reason, raised_at, sealed, alert_uid) "
                             "VALUES (?1, '', '', ?2, ?3, ?4)",
                             context);
            int64_t added = 0;
            for (const KeptAlert& alert : alerts) {
                insert.Reset();
                insert.Bind(1, alert.session_id).Bind(2, alert.raised_at).BindBlob(3, alert.sealed).Bind(4, alert.alert_id);
                insert.Run();
                added += m_db->Changes();
            }
            // None new: moved before, and the file was not emptied (a crash after COMMIT).
            if (added > 0) {
                AppendAudit(*m_db, {UtcNowIso(), "kiosk", "urgent alerts moved",
                                    std::to_string(added) + (added == 1 ? " urgent alert" : " urgent alerts") +
                                        " moved from the fallback file into the database",
                                    std::nullopt, std::nullopt});
                t.Commit();
            }
            return added;
        });
        if (!moved.ok()) return moved.error;
        out.value = *moved.value;
        return std::nullopt;
    });
    if (error) {
        out.value.reset();
        out.error = error;
    }
    return out;
}

Result<std::vector<Alert>> Store::KeptAlerts() {
    Result<std::vector<Alert>> out;
    out.value.emplace();
    std::optional<DbError> error;
    AlertFallback* file = Fallback(error);
    if (!file) {
        if (::access(m_fallback_path.c_str(), F_OK) == 0) {
            out.value.reset();
            out.error = error;
        }
        return out;
    }
    auto read = file->Read();
    if (auto* e = std::get_if<DbError>(&read)) {
        out.value.reset();
        out.error = *e;
        return out;
    }
    for (const KeptAlert& kept : std::get<std::vector<KeptAlert>>(read)) {
        // Moved in already (a crash before the file was emptied): the database's row is the one.
        Result<bool> stored = Guard<bool>([&] {
            Statement s(*m_db, "SELECT 1 FROM alerts WHERE alert_uid = ?1", "reading urgent alerts");
            s.Bind(1, kept.alert_id);
            return s.Step();
        });
        if (stored.ok() && *stored.value) continue;
        Alert alert;
        alert.session_id = kept.session_id;
        alert.raised_at = kept.raised_at;
        alert.alert_id = kept.alert_id;
        alert.kept_outside = true;
        alert.sealed = !(m_key && OpenSealedPair(*m_key, kept.sealed, alert.rule_id, alert.reason));
        out.value->push_back(std::move(alert));
    }
    return out;
}

Result<std::vector<Alert>> ReadKeptAlerts(const std::string& database_path) {
    Result<std::vector<Alert>> out;
    out.value.emplace();
    const std::string path = AlertFallback::PathFor(database_path);
    if (::access(path.c_str(), F_OK) != 0) return out;
    auto opened = AlertFallback::Open(path);
    std::variant<std::vector<KeptAlert>, DbError> read =
        std::holds_alternative<DbError>(opened) ? std::get<DbError>(opened) : std::get<std::unique_ptr<AlertFallback>>(opened)->Read();
    if (auto* e = std::get_if<DbError>(&read)) {
        out.value.reset();
        out.error = *e;
        return out;
    }
    for (const KeptAlert& kept : std::get<std::vector<KeptAlert>>(read)) {
        Alert alert;
        alert.session_id = kept.session_id;
        alert.raised_at = kept.raised_at;
        alert.alert_id = kept.alert_id;
        alert.kept_outside = true;
        alert.sealed = true;
        out.value->push_back(std::move(alert));
    }
    return out;
}

Result<bool> Store::AcknowledgeKeptAlert(const std::string& alert_id, const std::string& actor) {
    Result<bool> out;
    Result<int64_t> moved = MoveKeptAlerts();
    Result<int64_t> row = moved.ok() ? Guard<int64_t>([&] {
        Statement s(*m_db, "SELECT id FROM alerts WHERE alert_uid = ?1", "acknowledging an urgent alert");
        s.Bind(1, alert_id);
        return s.Step() ? s.Int(0) : int64_t{0};
    })
                                     : moved;
    if (!row.ok()) {
        DbError error = *row.error;
        error.message = "the alert is kept outside the database, which does not take it yet (" + error.message +
                        "), so its acknowledgement cannot be recorded: see the patient now, and acknowledge it when the database "
                        "takes writes again";
        out.error = error;
        return out;
    }
    if (*row.value == 0) {
        out.error = DbError{DbErrorKind::Other, 0, "no urgent alert has that id", "acknowledging an urgent alert"};
        return out;
    }
    return AcknowledgeAlert(*row.value, actor);
}

Result<std::vector<Alert>> Store::OpenAlerts() {
    return Guard<std::vector<Alert>>([&] {
        std::vector<Alert> out;
        Statement s(*m_db,
                    "SELECT id, session_id, rule_id, reason, raised_at, sealed, alert_uid FROM alerts WHERE acknowledged_at IS NULL "
                    "ORDER BY id",
                    "reading urgent alerts");
        while (s.Step()) {
            Alert alert{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), !s.IsNull(5), s.Text(6)};
            // One that does not open stays `sealed`: the alert itself must still show.
            if (alert.sealed && m_key && OpenSealedPair(*m_key, s.Blob(5), alert.rule_id, alert.reason)) alert.sealed = false;
            out.push_back(std::move(alert));
        }
        // Last, as they are the newest; a file that cannot be read does not hide the database's
        // alerts (staff screens show its error in their banner, see KeptAlerts).
        Result<std::vector<Alert>> kept = KeptAlerts();
        if (kept.ok()) out.insert(out.end(), kept.value->begin(), kept.value->end());
        return out;
    });
}

Result<bool> Store::AcknowledgeAlert(int64_t id, const std::string& actor) {
    return Guard<bool>([&] {
        const char* context = "acknowledging an urgent alert";
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::AcknowledgeAlert, context)) throw DbException(*refused);
        Statement s(*m_db, "UPDATE alerts SET acknowledged_by = ?2, acknowledged_at = ?3 WHERE id = ?1 AND acknowledged_at IS NULL", context);
        std::string now = UtcNowIso();
        s.Bind(1, id).Bind(2, ActorStaffName(actor).value_or(actor)).Bind(3, now);
        s.Run();
        bool changed = m_db->Changes() > 0;
        if (changed) {
            AppendAudit(*m_db, {now, actor, "alert acknowledged", "alert " + std::to_string(id), std::nullopt, std::nullopt});
        }
        t.Commit();
        return changed;
    });
}

Result<bool> Store::CountAbandoned(const std::string& day, const std::string& actor, const std::string& reason) {
    Result<bool> out = Guard<bool>([&] {
        const char* context = "counting an abandoned session";
        Transaction t(*m_db, context);
        Statement s(*m_db, "INSERT INTO abandoned_sessions (day, count) VALUES (?1, 1) ON CONFLICT (day) DO UPDATE SET count = count + 1",
                    context);
        s.Bind(1, day);
        s.Run();
        AppendAudit(*m_db, {UtcNowIso(), actor, "session reset", reason, std::nullopt, std::nullopt});
        t.Commit();
        return true;
    });
    if (out.ok()) MoveKeptAlertsQuietly();
    return out;
}

Result<int64_t> Store::AbandonedOn(const std::string& day) {
    return Guard<int64_t>([&] {
        Statement s(*m_db, "SELECT count FROM abandoned_sessions WHERE day = ?1", "reading abandoned sessions");
        s.Bind(1, day);
        return s.Step() ? s.Int(0) : int64_t{0};
    });
}

Result<int64_t> Store::CountAudit() {
    return Guard<int64_t>([&] {
        Statement s(*m_db, "SELECT count(*) FROM audit", "reading the audit log");
        s.Step();
        return s.Int(0);
    });
}

Result<PurgeSummary> Store::Purge(std::chrono::system_clock::time_point now, std::chrono::days done_days,
                                  std::chrono::days unreviewed_days, const std::string& actor, bool dry_run) {
    const char* context = dry_run ? "listing the results past their retention" : "deleting the results past their retention";
    Result<PurgeSummary> purged = Guard<PurgeSummary>([&] {
        if (done_days.count() < 1 || unreviewed_days < done_days)
            throw DbException(DbError{DbErrorKind::Refused, 0,
                                      "results are kept at least a day, and unreviewed ones at least as long as reviewed ones", context});
        const std::string done_before = UtcIso(now - done_days), unreviewed_before = UtcIso(now - unreviewed_days);
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::Settings, context)) throw DbException(*refused);
        PurgeSummary out;
        std::vector<std::string> ids;
        // A clinic with a server: what it has not been sent yet is kept, however old, until it is.
        // Without one nothing is ever sent, and the limits alone decide.
        const bool keep_unsent = OutboxIsOn(*m_db, context);
        {
            Statement s(*m_db, kSelectExpired, context);
            s.Bind(1, done_before).Bind(2, unreviewed_before);
            while (s.Step()) {
                if (keep_unsent && s.Int(3) != 0) {
                    ++out.kept_unsent;
                    continue;
                }
                PurgedResult r{s.Text(0), ParseSubmissionStatus(s.Text(1)).value_or(SubmissionStatus::Pending), s.Text(2)};
                ++(r.status == SubmissionStatus::Pending ? out.unreviewed : out.done);
                ids.push_back(r.id);
                out.results.push_back(std::move(r));
            }
        }
        // ?2: the outbox is on, and an alert not sent yet is kept.
        constexpr const char* kExpiredAlerts = "acknowledged_at IS NOT NULL AND acknowledged_at < ?1 AND (?2 = 0 OR sent_at IS NOT NULL)";
        {
            Statement s(*m_db, std::string("SELECT count(*) FROM alerts WHERE ") + kExpiredAlerts, context);
            s.Bind(1, done_before).Bind(2, int64_t{keep_unsent});
            s.Step();
            out.alerts = s.Int(0);
        }
        if (keep_unsent) {
            Statement s(*m_db, "SELECT count(*) FROM alerts WHERE acknowledged_at IS NOT NULL AND acknowledged_at < ?1 AND sent_at IS NULL",
                        context);
            s.Bind(1, done_before);
            s.Step();
            out.kept_unsent_alerts = s.Int(0);
        }
        out.ids_hash = PurgedIdsHash(ids);
        std::string counts = std::to_string(out.done) + " reviewed/exported after " + DaysText(done_days) + ", " +
                             std::to_string(out.unreviewed) + " unreviewed after " + DaysText(unreviewed_days) + ", " +
                             std::to_string(out.alerts) + " acknowledged alerts after " + DaysText(done_days);
        if (out.kept_unsent + out.kept_unsent_alerts > 0)
            counts += ", " + std::to_string(out.kept_unsent) + " results and " + std::to_string(out.kept_unsent_alerts) +
                      " alerts kept until sent to the clinic's server";
        if (dry_run) {
            AppendAudit(*m_db, {UtcIso(now), actor, "purge dry run", counts, std::nullopt, std::nullopt});
            t.Commit();
            return out;
        }
        if (out.Empty()) return out;  // nothing due: nothing written (rolled back)
        out.audit_row = AppendAudit(*m_db, {UtcIso(now), actor, "purge", counts + ", " + std::string(kPurgeHashLabel) + out.ids_hash,
                                            std::nullopt, std::nullopt});
        {
            Statement record(*m_db, "INSERT INTO purged (submission_id, audit_id) VALUES (?1, ?2)", context);
            for (const std::string& id : ids) {
                record.Reset();
                record.Bind(1, id).Bind(2, out.audit_row);
                record.Run();
            }
        }
        {
            Statement remove(*m_db, "DELETE FROM submissions WHERE id IN (SELECT submission_id FROM purged WHERE audit_id = ?1)", context);
            remove.Bind(1, out.audit_row);
            remove.Run();
            if (m_db->Changes() != static_cast<int>(ids.size()))
                throw DbException(DbError{DbErrorKind::Other, 0, "the purge did not delete the results it listed", context});
        }
        {
            Statement remove(*m_db, std::string("DELETE FROM alerts WHERE ") + kExpiredAlerts, context);
            remove.Bind(1, done_before).Bind(2, int64_t{keep_unsent});
            remove.Run();
        }
        t.Commit();
        return out;
    });
    // Committed: the purge happened, whatever follows. secure_delete overwrote the rows in the
    // pages; the WAL still holds the pages as they were until it is copied into the file and
    // truncated. A failure here is the summary's to tell, not an error: reported as one, it would
    // say that nothing was deleted.
    if (purged.ok() && !dry_run && (purged.value->audit_row != 0 || m_purge_wal_left))
        purged.value->wal_not_emptied = EmptyWalAfterPurge(context);
    return purged;
}

std::string Store::EmptyWalAfterPurge(const char* context) {
    std::string why;
    try {
        if (std::optional<std::string> busy = m_db->EmptyWal(context)) why = *busy;
    } catch (const DbException& e) {
        why = e.error().Describe();
    }
    m_purge_wal_left = !why.empty();
    return why;
}

Result<std::optional<std::string>> Store::GetSetting(const std::string& key) {
    return Guard<std::optional<std::string>>([&] {
        Statement s(*m_db, "SELECT value FROM settings WHERE key = ?1", "reading a setting");
        s.Bind(1, key);
        return s.Step() ? std::optional<std::string>(s.Text(0)) : std::nullopt;
    });
}

Result<bool> Store::SetSetting(const std::string& key, const std::string& value, const std::string& actor,
                               const std::string& audit_detail) {
    return Guard<bool>([&] {
        const char* context = "saving a setting";
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::Settings, context)) throw DbException(*refused);
        Statement s(*m_db, "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    context);
        s.Bind(1, key).Bind(2, value);
        s.Run();
        if (!audit_detail.empty()) {
            AppendAudit(*m_db, {UtcNowIso(), actor, "setting", audit_detail, std::nullopt, std::nullopt});
        }
        t.Commit();
        return true;
    });
}

Result<std::optional<std::string>> Store::NewestTimestamp() {
    return Guard<std::optional<std::string>>([&] {
        // Both along an index: submissions_by_time, and the audit's rowid (rows are appended).
        Statement s(*m_db,
                    "SELECT max(t) FROM (SELECT max(submitted_at) AS t FROM submissions "
                    "UNION ALL SELECT at FROM (SELECT at FROM audit ORDER BY id DESC LIMIT 1))",
                    "reading the newest time stamp");
        return s.Step() && !s.IsNull(0) ? std::optional<std::string>(s.Text(0)) : std::nullopt;
    });
}

Result<std::vector<AuditEntry>> Store::RecentAudit(int limit) {
    return Guard<std::vector<AuditEntry>>([&] {
        std::vector<AuditEntry> out;
        Statement s(*m_db, "SELECT at, actor, action, detail FROM audit ORDER BY id DESC LIMIT ?1", "reading the audit log");
        s.Bind(1, static_cast<int64_t>(limit));
        while (s.Step()) out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3)});
        return out;
    });
}

Result<std::string> Store::IntegrityCheck() {
    return Guard<std::string>([&] {
        Statement s(*m_db, "PRAGMA integrity_check", "checking the database");
        std::string report;
        while (s.Step()) {
            if (!report.empty()) report += '\n';  // (not `a + b`: GCC 12 -O3 warns falsely on it)
            report += s.Text(0);
        }
        return report;
    });
}

Result<ChainReport> Store::CheckAuditChain(const std::optional<ChainHead>& expected) {
    return Guard<ChainReport>([&] { return VerifyAuditChain(*m_db, expected); });
}

}  // namespace kiosk::store
