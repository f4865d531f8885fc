// The kiosk drains its outbox into the clinic's server: one pass (DrainOnce, `kiosk sync`), the
// heartbeat, and the background worker the kiosk window runs (DrainWorker).
//
// Delivery is at least once and each row arrives exactly once: a batch is one server transaction
// of INSERT ... ON CONFLICT DO NOTHING keyed by the row's id, and the batch is marked sent in
// SQLite only after that COMMIT. A crash between the two sends the batch again, which the server
// ignores. Nothing here runs on the UI thread: the patient never waits on the network.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "server/server_error.h"
#include "store/store.h"

namespace kiosk::server {

class PgConnection;

struct DrainOptions {
    std::string site;      // kiosk.toml's `site`: every row the server keeps carries it
    std::string kiosk_id;  // kiosk.toml's `kiosk_id`, for counts and audit rows (results and alerts carry their own)
    size_t batch_size = 200;
};

// What a pass sent, and why it stopped early (error set: the failure is recorded in the store).
struct DrainReport {
    int64_t alerts = 0, results = 0, counts = 0, audit = 0;  // rows sent, per kind
    int64_t batches = 0;
    int64_t held_in_clear = 0;  // rows not sent because they are not sealed yet (NextOutboxBatch)
    std::optional<ServerError> error;
    int64_t Rows() const { return alerts + results + counts + audit; }
    bool ok() const { return !error.has_value(); }
};

// Sends batches (alerts, then results, counts, audit) until nothing waits or one fails. First
// refuses a server whose schema is not this code's (TooNew, or not migrated). A failure (the
// server's, or the store's while reading or marking) is recorded with RecordSendFailure, ends the
// pass and is returned in the report. Never throws.
DrainReport DrainOnce(store::Store& store, PgConnection& conn, const DrainOptions& options);

// What the heartbeat says besides the outbox's figures.
struct HeartbeatInfo {
    std::string screening_id, screening_version, screening_hash;  // empty: none loaded
    std::string out_of_order;                                     // empty: serving patients
};

// Upserts this kiosk's heartbeat: last seen (the server's now()), the screening, rows waiting and
// the oldest waiting row's age (Store::OutboxState), the out-of-order reason. A failure is
// recorded with RecordSendFailure and returned. Never throws.
ServerResult<bool> SendHeartbeat(store::Store& store, PgConnection& conn, const DrainOptions& options, const HeartbeatInfo& info);

// The wait after `failures` consecutive failures (1 or more): 1 s doubling to 5 min, each with
// jitter of -25% to +25% from `random` in [0, 1), and never above 5 min. A pure function: the
// worker draws `random`; tests pass it.
std::chrono::milliseconds NextBackoff(int failures, double random);
inline constexpr std::chrono::milliseconds kBackoffFirst{1000};
inline constexpr std::chrono::milliseconds kBackoffCap{300000};

struct DrainWorkerOptions {
    store::StoreOptions store;  // the kiosk's database; the worker opens its own connection to it
    std::string conninfo;       // kiosk.toml's clinic_server
    DrainOptions drain;
    HeartbeatInfo heartbeat;
    std::chrono::milliseconds heartbeat_interval{std::chrono::seconds(30)};
};

// The worker's state for staff: a copy, safe to take from any thread.
struct DrainStatus {
    bool running = false;
    bool connected = false;
    int failures = 0;                          // consecutive failed passes (0: the last one worked)
    std::string last_error;                    // the last failure's Describe(), "" when the last pass worked
    std::optional<store::OutboxStatus> outbox; // as of the last pass (nullopt before the first)
    int64_t rows_sent = 0, passes = 0;         // since the worker started
};

// A background thread that drains the outbox: at start, at once on Wake(), after each heartbeat
// interval (which also sends the heartbeat), and after failures with NextBackoff. It owns its own
// Store (the same database file: SQLite's WAL lets two connections work side by side) and its own
// server connection, made again after a failure. At its first run it turns the outbox on
// (Store::SetOutboxEnabled), so that a purge keeps the rows not yet sent. No exception leaves the
// thread: each becomes a failure in Status().
class DrainWorker {
public:
    explicit DrainWorker(DrainWorkerOptions options);
    ~DrainWorker();  // Stop()
    DrainWorker(const DrainWorker&) = delete;
    DrainWorker& operator=(const DrainWorker&) = delete;

    void Start();
    // A new alert or result was committed: drain now. Never blocks on the network; callable from
    // any thread, before Start() and after Stop() too. A wake during a backoff tries at once (an
    // alert must not wait 5 minutes); the failure count keeps growing, so the timed retries still
    // back off.
    void Wake();
    // Asks the thread to stop and joins it. A pass under way finishes its current server call
    // (bounded by connect_timeout and the server's answer); no sleep is waited out.
    void Stop();
    DrainStatus Status() const;
    // The screening or the out-of-order reason changed: the next heartbeat says so.
    void SetHeartbeatInfo(const HeartbeatInfo& info);

private:
    void Run();
    // One pass: connect if needed, drain, heartbeat when due. False when it failed.
    bool Pass(std::unique_ptr<store::Store>& store, std::unique_ptr<PgConnection>& conn, bool heartbeat_due);
    void Fail(const std::string& why);

    DrainWorkerOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false, m_woken = false;
    DrainStatus m_status;
    HeartbeatInfo m_heartbeat;
    std::thread m_thread;
};

}  // namespace kiosk::server
