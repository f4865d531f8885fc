// The outbox: batches of the rows the clinic's server has not been sent, and marking them sent.
//
// Marking a batch sent writes no audit row. The audit log is itself in the outbox: a row per
// batch would be one more row to send after every audit batch, so the log would never drain and
// would grow for as long as the kiosk runs. What was sent, and when, is kept instead in the rows
// themselves (sent_at, sent_count), in the one-row outbox table (the audit watermark and the last
// send) and on the server, whose copy of each row is the record that it arrived. sent_at is not a
// result's content: the guard submission_content_is_fixed does not name it and the audit chain
// does not hash it, so `kiosk db check` holds after any number of sends.
#include <algorithm>
#include <ctime>

#include "store/guard.h"
#include "store/outbox.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace kiosk::store {
namespace {

constexpr const char* kOutboxSetting = "outbox";  // "on": the clinic has a server (SetOutboxEnabled)

// Only sealed rows travel; a row still in clear waits for the clinic key (InitClinicKey and
// AdoptClinicPublicKey seal it). An alert without an id (none after migration 8) has no key on
// the server and is not sent either.
constexpr const char* kSelectAlerts =
    "SELECT alert_uid, session_id, raised_at, sealed FROM alerts "
    "WHERE sent_at IS NULL AND sealed IS NOT NULL AND alert_uid IS NOT NULL ORDER BY id LIMIT ?1";
// Oldest first, along the partial index submissions_unsent (migration 8).
constexpr const char* kSelectResults =
    "SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at, outcome, "
    "source, sealed FROM submissions WHERE sent_at IS NULL AND sealed IS NOT NULL ORDER BY submitted_at, id LIMIT ?1";
constexpr const char* kSelectCounts =
    "SELECT day, count FROM abandoned_sessions WHERE count > sent_count ORDER BY day LIMIT ?1";
// After the watermark, in id order: the audit rows are append-only, so these follow it without a gap.
constexpr const char* kSelectAudit =
    "SELECT id, at, actor, action, detail, submission_id, submission_hash, hash FROM audit "
    "WHERE id > coalesce((SELECT audit_sent_through FROM outbox WHERE id = 1), 0) ORDER BY id LIMIT ?1";
constexpr const char* kCountHeldInClear =
    "SELECT (SELECT count(*) FROM submissions WHERE sent_at IS NULL AND sealed IS NULL) + "
    "(SELECT count(*) FROM alerts WHERE sent_at IS NULL AND sealed IS NULL)";

// The session id's part before its '@' (the whole id when it has none).
std::string KioskOfSession(const std::string& session_id) { return session_id.substr(0, session_id.find('@')); }

std::optional<std::string> OptionalText(const Statement& s, int column) {
    return s.IsNull(column) ? std::nullopt : std::optional<std::string>(s.Text(column));
}

int64_t CountOf(Connection& db, const char* sql, const char* context) {
    Statement s(db, sql, context);
    s.Step();
    return s.Int(0);
}

// "2026-06-15T09:30:00.123Z" (UtcIso's form) as a time; nullopt when it is not one.
std::optional<std::chrono::system_clock::time_point> ParseUtcIso(const std::string& text) {
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6) return std::nullopt;
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

// The outbox table's one row, for databases where someone removed it.
void EnsureOutboxRow(Connection& db, const char* context) { db.Exec("INSERT OR IGNORE INTO outbox (id) VALUES (1)", context); }

}  // namespace

const char* OutboxKindName(OutboxKind kind) {
    switch (kind) {
        case OutboxKind::None: return "none";
        case OutboxKind::Alerts: return "alerts";
        case OutboxKind::Results: return "results";
        case OutboxKind::Counts: return "counts";
        case OutboxKind::Audit: return "audit";
    }
    return "none";
}

bool OutboxIsOn(Connection& db, const char* context) {
    Statement s(db, "SELECT value FROM settings WHERE key = ?1", context);
    s.Bind(1, kOutboxSetting);
    return s.Step() && s.Text(0) == "on";
}

Result<OutboxBatch> Store::NextOutboxBatch(size_t limit) {
    return Guard<OutboxBatch>([&] {
        const char* context = "reading the outbox";
        const int64_t n = static_cast<int64_t>(std::max<size_t>(limit, 1));
        OutboxBatch batch;
        // The batch and its held_in_clear count read the same rows.
        ReadSnapshot snapshot(*m_db, context);
        batch.held_in_clear = CountOf(*m_db, kCountHeldInClear, context);
        {
            Statement s(*m_db, kSelectAlerts, context);
            s.Bind(1, n);
            while (s.Step()) batch.alerts.push_back({s.Text(0), s.Text(1), KioskOfSession(s.Text(1)), s.Text(2), s.Blob(3)});
            if (!batch.alerts.empty()) {
                batch.kind = OutboxKind::Alerts;
                return batch;
            }
        }
        {
            Statement s(*m_db, kSelectResults, context);
            s.Bind(1, n);
            while (s.Step())
                batch.results.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7),
                                         OptionalText(s, 8), s.Text(9), s.Blob(10)});
            if (!batch.results.empty()) {
                batch.kind = OutboxKind::Results;
                return batch;
            }
        }
        {
            Statement s(*m_db, kSelectCounts, context);
            s.Bind(1, n);
            while (s.Step()) batch.counts.push_back({s.Text(0), s.Int(1)});
            if (!batch.counts.empty()) {
                batch.kind = OutboxKind::Counts;
                return batch;
            }
        }
        {
            Statement s(*m_db, kSelectAudit, context);
            s.Bind(1, n);
            while (s.Step())
                batch.audit.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), OptionalText(s, 5), OptionalText(s, 6),
                                       s.Text(7)});
            if (!batch.audit.empty()) batch.kind = OutboxKind::Audit;
        }
        return batch;
    });
}

Result<bool> Store::MarkSent(const OutboxBatch& batch, const std::string& sent_at) {
    if (batch.Empty()) return Result<bool>{false, std::nullopt};
    Result<bool> out = Guard<bool>([&] {
        const char* context = "marking rows sent to the clinic's server";
        Transaction t(*m_db, context);
        EnsureOutboxRow(*m_db, context);
        // A row marked before (a batch sent twice) keeps the time it was first sent.
        if (!batch.alerts.empty()) {
            Statement mark(*m_db, "UPDATE alerts SET sent_at = ?2 WHERE alert_uid = ?1 AND sent_at IS NULL", context);
            for (const OutboxAlert& alert : batch.alerts) {
                mark.Reset();
                mark.Bind(1, alert.alert_id).Bind(2, sent_at);
                mark.Run();
            }
        }
        if (!batch.results.empty()) {
            Statement mark(*m_db, "UPDATE submissions SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL", context);
            for (const OutboxResult& result : batch.results) {
                mark.Reset();
                mark.Bind(1, result.id).Bind(2, sent_at);
                mark.Run();
            }
        }
        if (!batch.counts.empty()) {
            // The count the batch carried, not the count now: sessions abandoned since still wait.
            Statement mark(*m_db, "UPDATE abandoned_sessions SET sent_count = max(sent_count, ?2) WHERE day = ?1", context);
            for (const OutboxCount& count : batch.counts) {
                mark.Reset();
                mark.Bind(1, count.day).Bind(2, count.count);
                mark.Run();
            }
        }
        if (!batch.audit.empty()) {
            int64_t through = 0;
            for (const OutboxAuditRow& row : batch.audit) through = std::max(through, row.id);
            Statement mark(*m_db, "UPDATE outbox SET audit_sent_through = max(audit_sent_through, ?1) WHERE id = 1", context);
            mark.Bind(1, through);
            mark.Run();
        }
        Statement sent(*m_db,
                       "UPDATE outbox SET last_sent_at = ?1, last_attempt_at = ?1, last_error = NULL, last_error_at = NULL WHERE id = 1",
                       context);
        sent.Bind(1, sent_at);
        sent.Run();
        t.Commit();
        return true;
    });
    // The database took a write: alerts kept beside it move in, and are in the next batch.
    if (out.ok()) MoveKeptAlertsQuietly();
    return out;
}

Result<bool> Store::RecordSendFailure(const std::string& reason, const std::string& at) {
    return Guard<bool>([&] {
        const char* context = "recording why sending to the clinic's server failed";
        Transaction t(*m_db, context);
        EnsureOutboxRow(*m_db, context);
        Statement s(*m_db, "UPDATE outbox SET last_error = ?1, last_error_at = ?2, last_attempt_at = ?2 WHERE id = 1", context);
        s.Bind(1, reason).Bind(2, at);
        s.Run();
        t.Commit();
        return true;
    });
}

Result<bool> Store::RecordSendWorked(const std::string& at) {
    return Guard<bool>([&] {
        const char* context = "recording that the clinic's server was reached";
        Transaction t(*m_db, context);
        EnsureOutboxRow(*m_db, context);
        Statement s(*m_db, "UPDATE outbox SET last_error = NULL, last_error_at = NULL, last_attempt_at = ?1 WHERE id = 1", context);
        s.Bind(1, at);
        s.Run();
        t.Commit();
        return true;
    });
}

Result<OutboxStatus> Store::OutboxState(std::chrono::system_clock::time_point now) {
    return Guard<OutboxStatus>([&] {
        const char* context = "reading the outbox";
        OutboxStatus status;
        ReadSnapshot snapshot(*m_db, context);
        {
            Statement s(*m_db, "SELECT audit_sent_through, last_sent_at, last_attempt_at, last_error, last_error_at FROM outbox WHERE id = 1",
                        context);
            if (s.Step()) {
                status.audit_sent_through = s.Int(0);
                status.last_sent_at = OptionalText(s, 1);
                status.last_attempt_at = OptionalText(s, 2);
                status.last_error = OptionalText(s, 3);
                status.last_error_at = OptionalText(s, 4);
            }
        }
        status.alerts = CountOf(*m_db,
                                "SELECT count(*) FROM alerts WHERE sent_at IS NULL AND sealed IS NOT NULL AND alert_uid IS NOT NULL",
                                context);
        status.results = CountOf(*m_db, "SELECT count(*) FROM submissions WHERE sent_at IS NULL AND sealed IS NOT NULL", context);
        status.counts = CountOf(*m_db, "SELECT count(*) FROM abandoned_sessions WHERE count > sent_count", context);
        {
            Statement s(*m_db, "SELECT count(*) FROM audit WHERE id > ?1", context);
            s.Bind(1, status.audit_sent_through);
            s.Step();
            status.audit = s.Int(0);
        }
        status.waiting = status.alerts + status.results + status.counts + status.audit;
        status.held_in_clear = CountOf(*m_db, kCountHeldInClear, context);
        {
            Statement s(*m_db,
                        "SELECT t, CAST(round((julianday(?2) - julianday(t)) * 86400) AS INTEGER) FROM (SELECT min(t) AS t FROM ("
                        "SELECT min(raised_at) AS t FROM alerts WHERE sent_at IS NULL AND sealed IS NOT NULL AND alert_uid IS NOT NULL "
                        "UNION ALL SELECT min(submitted_at) FROM submissions WHERE sent_at IS NULL AND sealed IS NOT NULL "
                        "UNION ALL SELECT at FROM (SELECT at FROM audit WHERE id > ?1 ORDER BY id LIMIT 1)))",
                        context);
            s.Bind(1, status.audit_sent_through).Bind(2, UtcIso(now));
            if (s.Step() && !s.IsNull(0)) {
                status.oldest_waiting_at = s.Text(0);
                if (!s.IsNull(1)) status.oldest_waiting_seconds = s.Int(1);
            }
        }
        status.enabled = OutboxIsOn(*m_db, context);
        return status;
    });
}

std::string DescribeAge(int64_t seconds) {
    seconds = std::max<int64_t>(seconds, 0);
    if (seconds < 120) return std::to_string(seconds) + " s";
    if (seconds < 120 * 60) return std::to_string(seconds / 60) + " min";
    if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + " h";
    return std::to_string(seconds / 86400) + " days";
}

std::string DescribeOutbox(const OutboxStatus& status, std::chrono::system_clock::time_point now) {
    using std::chrono::duration_cast;
    using std::chrono::seconds;
    std::string sent = "nothing sent yet";
    if (status.last_sent_at)
        if (auto at = ParseUtcIso(*status.last_sent_at)) sent = "last sent " + DescribeAge(duration_cast<seconds>(now - *at).count()) + " ago";
    std::string line;
    if (status.waiting == 0) {
        line = sent + ", 0 waiting";
    } else {
        line = std::to_string(status.waiting) + " waiting";
        if (status.oldest_waiting_seconds) line += ", oldest " + DescribeAge(*status.oldest_waiting_seconds);
        line += "; " + sent;
    }
    if (status.held_in_clear > 0)
        line += "; " + std::to_string(status.held_in_clear) + " held until the clinic key is made";
    if (status.last_error && !status.last_error->empty()) {
        std::string when;
        if (status.last_error_at)
            if (auto at = ParseUtcIso(*status.last_error_at)) {
                const std::time_t t = std::chrono::system_clock::to_time_t(*at);
                std::tm local{};
                char text[16];
                if (::localtime_r(&t, &local) && std::strftime(text, sizeof text, "%H:%M:%S", &local)) when = std::string(" ") + text;
            }
        line += "; last failure" + when + ": " + *status.last_error;
    }
    return line;
}

Result<bool> Store::OutboxEnabled() {
    return Guard<bool>([&] { return OutboxIsOn(*m_db, "reading the outbox setting"); });
}

Result<bool> Store::SetOutboxEnabled(bool enabled, const std::string& actor) {
    Result<bool> was = OutboxEnabled();
    if (!was.ok() || *was.value == enabled) return was.ok() ? Result<bool>{false, std::nullopt} : was;
    return SetSetting(kOutboxSetting, enabled ? "on" : "off", actor,
                      enabled ? "outbox on: the clinic has a server; a purge keeps the results not yet sent to it"
                              : "outbox off: no server; a purge deletes results whether sent or not");
}

}  // namespace kiosk::store
