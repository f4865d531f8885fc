// The outbox: the rows a kiosk still owes the clinic's server, read in batches and marked sent
// after the server's COMMIT (Store::NextOutboxBatch, Store::MarkSent in store/outbox.cpp).
//
// Delivery is at least once: a worker reads a batch, inserts it on the server in one transaction
// (INSERT ... ON CONFLICT DO NOTHING, keyed by each row's id), and only after that COMMIT marks it
// sent here. A crash between the two sends the batch again, which the server ignores: each row
// arrives exactly once. Rows travel as stored: a result's answers and decision and an alert's rule
// and reason stay in their sealed boxes; only what the server sorts and routes by is in clear.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::store {

// What a batch holds: one kind at a time, in the order the outbox sends them.
enum class OutboxKind : uint8_t { None, Alerts, Results, Counts, Audit };
const char* OutboxKindName(OutboxKind kind);  // "none", "alerts", "results", "counts", "audit"

struct OutboxAlert {
    std::string alert_id;    // the alert's unique id (alerts.alert_uid): the server's key
    std::string session_id;  // "<kiosk id>@<session start>"
    std::string kiosk_id;    // session_id before its '@'
    std::string raised_at;   // ISO 8601 UTC
    std::string sealed;      // SealAlert(clinic key, rule id, reason), as stored
};

struct OutboxResult {
    std::string id;  // the submission's UUID: the server's key
    std::string kiosk_id;
    std::string screening_id, screening_version, screening_hash;
    std::string language;
    std::string started_at, submitted_at;  // ISO 8601 UTC
    std::optional<std::string> outcome;
    std::string source;  // "kiosk" or "paper"
    std::string sealed;  // SealSubmission(clinic key, answers, decision), as stored
};

// Sessions abandoned on a day. The count only grows: the server keeps the greatest it was sent.
struct OutboxCount {
    std::string day;  // YYYY-MM-DD
    int64_t count = 0;
};

// One row of the audit chain, with what the server needs to check the chain itself.
struct OutboxAuditRow {
    int64_t id = 0;
    std::string at, actor, action, detail;
    std::optional<std::string> submission_id, submission_hash;
    std::string hash;
};

// The oldest rows waiting, of the first kind that has any (alerts, results, counts, audit).
struct OutboxBatch {
    OutboxKind kind = OutboxKind::None;
    std::vector<OutboxAlert> alerts;
    std::vector<OutboxResult> results;
    std::vector<OutboxCount> counts;
    std::vector<OutboxAuditRow> audit;
    // Results and alerts stored in clear (before the clinic had a key): not sent while in clear,
    // so that no answers reach the server readable; they are sealed when the key is made.
    int64_t held_in_clear = 0;
    size_t Size() const { return alerts.size() + results.size() + counts.size() + audit.size(); }
    bool Empty() const { return Size() == 0; }
};

// The outbox as staff and the heartbeat show it ("last sent 12 s ago, 0 waiting").
struct OutboxStatus {
    int64_t alerts = 0, results = 0, counts = 0, audit = 0;  // rows waiting, per kind
    int64_t waiting = 0;                                     // all of them
    int64_t held_in_clear = 0;                               // in clear, not counted as waiting
    // The oldest waiting alert, result or audit row (a count has no time of its own beyond its
    // day and is left out): its time, and its age in seconds as of the `now` asked about.
    std::optional<std::string> oldest_waiting_at;
    std::optional<int64_t> oldest_waiting_seconds;
    std::optional<std::string> last_sent_at, last_attempt_at, last_error, last_error_at;
    int64_t audit_sent_through = 0;  // the highest audit row id the server has
    bool enabled = false;            // Store::SetOutboxEnabled: a server is configured
};

// One line for staff (`kiosk sync --status`, the staff menu): "last sent 12 s ago, 0 waiting", or
// "3 waiting, oldest 5 min; last failure 10:02:03: could not connect to server ..." (the failure's
// time in local time; it is shown only while no send has worked since).
std::string DescribeOutbox(const OutboxStatus& status, std::chrono::system_clock::time_point now);
// "12 s", "5 min", "3 h", "2 days".
std::string DescribeAge(int64_t seconds);

}  // namespace kiosk::store
