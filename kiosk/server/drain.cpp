// Draining the kiosk's outbox into the clinic's server: the batches' inserts, the heartbeat, the
// backoff and the worker thread.
#include "server/drain.h"

#include <algorithm>
#include <random>

#include "server/pg.h"
#include "server/server_schema.h"

namespace kiosk::server {
namespace {

// [SECTION] SQL: one statement per row, keyed by the row's id; a row the server has is left alone.

constexpr const char* kInsertAlert =
    "INSERT INTO alerts (alert_id, site_id, kiosk_id, session_id, raised_at, sealed) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kInsertResult =
    "INSERT INTO results (id, site_id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, "
    "submitted_at, outcome, source, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING";
// A day's count only grows and may be sent again: the server keeps the greatest.
constexpr const char* kUpsertCount =
    "INSERT INTO abandoned (site_id, kiosk_id, day, count) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (site_id, kiosk_id, day) DO UPDATE SET count = GREATEST(abandoned.count, EXCLUDED.count)";
constexpr const char* kInsertAudit =
    "INSERT INTO kiosk_audit (site_id, kiosk_id, kiosk_row, at, actor, action, detail, submission_id, submission_hash, hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING";
constexpr const char* kUpsertHeartbeat =
    "INSERT INTO heartbeats (site_id, kiosk_id, last_seen, screening_id, screening_version, screening_hash, rows_waiting, "
    "oldest_waiting_seconds, out_of_order) VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (site_id, kiosk_id) DO UPDATE SET last_seen = EXCLUDED.last_seen, screening_id = EXCLUDED.screening_id, "
    "screening_version = EXCLUDED.screening_version, screening_hash = EXCLUDED.screening_hash, "
    "rows_waiting = EXCLUDED.rows_waiting, oldest_waiting_seconds = EXCLUDED.oldest_waiting_seconds, "
    "out_of_order = EXCLUDED.out_of_order";

// [SECTION] Helpers

ServerError FromStore(const store::DbError& error) {
    return ServerError{ServerErrorKind::Other, "", error.message, error.context};
}

std::optional<std::string> NonEmpty(const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// One batch in one server transaction; throws ServerException.
void SendBatch(PgConnection& conn, const store::OutboxBatch& batch, const DrainOptions& options) {
    const std::string context = std::string("sending ") + std::to_string(batch.Size()) + " " + store::OutboxKindName(batch.kind) +
                                " to the clinic's server";
    PgTransaction transaction(conn, context.c_str());
    for (const store::OutboxAlert& a : batch.alerts)
        conn.Exec(kInsertAlert, PgParams().Text(a.alert_id).Text(options.site).Text(a.kiosk_id).Text(a.session_id).Text(a.raised_at).Bytes(a.sealed),
                  context.c_str());
    for (const store::OutboxResult& r : batch.results)
        conn.Exec(kInsertResult,
                  PgParams()
                      .Text(r.id)
                      .Text(options.site)
                      .Text(r.kiosk_id)
                      .Text(r.screening_id)
                      .Text(r.screening_version)
                      .Text(r.screening_hash)
                      .Text(r.language)
                      .Text(r.started_at)
                      .Text(r.submitted_at)
                      .Optional(r.outcome)
                      .Text(r.source)
                      .Bytes(r.sealed),
                  context.c_str());
    for (const store::OutboxCount& c : batch.counts)
        conn.Exec(kUpsertCount, PgParams().Text(options.site).Text(options.kiosk_id).Text(c.day).Int(c.count), context.c_str());
    for (const store::OutboxAuditRow& a : batch.audit)
        conn.Exec(kInsertAudit,
                  PgParams()
                      .Text(options.site)
                      .Text(options.kiosk_id)
                      .Int(a.id)
                      .Text(a.at)
                      .Text(a.actor)
                      .Text(a.action)
                      .Text(a.detail)
                      .Optional(a.submission_id)
                      .Optional(a.submission_hash)
                      .Text(a.hash),
                  context.c_str());
    transaction.Commit();
}

void Count(DrainReport& report, const store::OutboxBatch& batch) {
    report.alerts += static_cast<int64_t>(batch.alerts.size());
    report.results += static_cast<int64_t>(batch.results.size());
    report.counts += static_cast<int64_t>(batch.counts.size());
    report.audit += static_cast<int64_t>(batch.audit.size());
    ++report.batches;
}

// Records `error` for staff (a store that cannot record it leaves the report's error as it is).
void Record(store::Store& store, const ServerError& error) { (void)store.RecordSendFailure(error.Describe(), store::UtcNowIso()); }

}  // namespace

// [SECTION] One pass

DrainReport DrainOnce(store::Store& store, PgConnection& conn, const DrainOptions& options) {
    DrainReport report;
    auto fail = [&](ServerError error) {
        Record(store, error);
        report.error = std::move(error);
        return report;
    };
    try {
        if (auto schema = CheckServerSchema(conn); !schema.ok()) return fail(*schema.error);
        for (;;) {
            store::Result<store::OutboxBatch> next = store.NextOutboxBatch(options.batch_size);
            if (!next.ok()) return fail(FromStore(*next.error));
            const store::OutboxBatch& batch = *next.value;
            report.held_in_clear = batch.held_in_clear;
            if (batch.Empty()) {
                // Staff stop seeing an earlier failure once the server was reached again.
                if (report.batches == 0) (void)store.RecordSendWorked(store::UtcNowIso());
                return report;
            }
            SendBatch(conn, batch, options);
            // Only now: a crash before this line sends the batch again, which the server ignores.
            store::Result<bool> marked = store.MarkSent(batch, store::UtcNowIso());
            if (!marked.ok()) return fail(FromStore(*marked.error));
            Count(report, batch);
        }
    } catch (const ServerException& e) {
        return fail(e.error());
    } catch (const std::exception& e) {
        return fail(ServerError{ServerErrorKind::Other, "", e.what(), "draining the outbox"});
    }
}

ServerResult<bool> SendHeartbeat(store::Store& store, PgConnection& conn, const DrainOptions& options, const HeartbeatInfo& info) {
    const char* context = "sending the heartbeat";
    auto fail = [&](ServerError error) {
        Record(store, error);
        return ServerResult<bool>{std::nullopt, std::move(error)};
    };
    store::Result<store::OutboxStatus> state = store.OutboxState(std::chrono::system_clock::now());
    if (!state.ok()) return fail(FromStore(*state.error));
    try {
        PgParams params;
        params.Text(options.site)
            .Text(options.kiosk_id)
            .Optional(NonEmpty(info.screening_id))
            .Optional(NonEmpty(info.screening_version))
            .Optional(NonEmpty(info.screening_hash))
            .Int(state.value->waiting);
        if (state.value->oldest_waiting_seconds)
            params.Int(*state.value->oldest_waiting_seconds);
        else
            params.Null();
        params.Optional(NonEmpty(info.out_of_order));
        conn.Exec(kUpsertHeartbeat, params, context);
        return ServerResult<bool>{true, std::nullopt};
    } catch (const ServerException& e) {
        return fail(e.error());
    } catch (const std::exception& e) {
        return fail(ServerError{ServerErrorKind::Other, "", e.what(), context});
    }
}

std::chrono::milliseconds NextBackoff(int failures, double random) {
    using std::chrono::milliseconds;
    const int doublings = std::clamp(failures, 1, 32) - 1;
    // 2^9 s is past the cap already: no need to shift further.
    const long long base = std::min<long long>(kBackoffFirst.count() << std::min(doublings, 9), kBackoffCap.count());
    const double jitter = 0.75 + 0.5 * std::clamp(random, 0.0, 1.0);
    return milliseconds(std::min<long long>(static_cast<long long>(static_cast<double>(base) * jitter), kBackoffCap.count()));
}

// [SECTION] The worker

DrainWorker::DrainWorker(DrainWorkerOptions options) : m_options(std::move(options)), m_heartbeat(m_options.heartbeat) {}

DrainWorker::~DrainWorker() { Stop(); }

void DrainWorker::Start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable() || m_stop) return;
    m_status.running = true;
    m_thread = std::thread([this] { Run(); });
}

void DrainWorker::Wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_one();
}

void DrainWorker::Stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    m_status.running = false;
}

DrainStatus DrainWorker::Status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

void DrainWorker::SetHeartbeatInfo(const HeartbeatInfo& info) {
    std::lock_guard lock(m_mutex);
    m_heartbeat = info;
}

void DrainWorker::Fail(const std::string& why) {
    std::lock_guard lock(m_mutex);
    ++m_status.failures;
    m_status.last_error = why;
    m_status.connected = false;
}

bool DrainWorker::Pass(std::unique_ptr<store::Store>& store, std::unique_ptr<PgConnection>& conn, bool heartbeat_due) {
    if (!store) {
        auto opened = store::Store::Open(m_options.store);
        if (auto* error = std::get_if<store::DbError>(&opened)) {
            Fail(error->Describe());
            return false;
        }
        store = std::move(std::get<std::unique_ptr<store::Store>>(opened));
        // From now on a purge keeps what the server has not been sent (audited once, when it changes).
        if (auto on = store->OutboxEnabled(); on.ok() && !*on.value) (void)store->SetOutboxEnabled(true, "kiosk");
    }
    // The status staff read changes in one step: a failure is never shown without the queue it
    // left, nor a success with the failure before it.
    auto report_pass = [&](int64_t sent, const ServerError* error) {
        auto state = store->OutboxState(std::chrono::system_clock::now());
        std::lock_guard lock(m_mutex);
        if (error) {
            ++m_status.failures;
            m_status.last_error = error->Describe();
            m_status.connected = false;
        } else {
            m_status.failures = 0;
            m_status.last_error.clear();
            m_status.connected = true;
        }
        if (state.ok()) m_status.outbox = *state.value;
        m_status.rows_sent += sent;
        ++m_status.passes;
    };
    auto failed = [&](const ServerError& error, int64_t sent) {
        conn.reset();  // made again on the next pass: the connection may be broken
        report_pass(sent, &error);
        return false;
    };
    if (!conn) {
        try {
            conn = std::make_unique<PgConnection>(m_options.conninfo);
        } catch (const ServerException& e) {
            (void)store->RecordSendFailure(e.error().Describe(), store::UtcNowIso());
            return failed(e.error(), 0);
        }
    }
    DrainReport report = DrainOnce(*store, *conn, m_options.drain);
    if (!report.ok()) return failed(*report.error, report.Rows());
    if (heartbeat_due) {
        HeartbeatInfo info;
        {
            std::lock_guard lock(m_mutex);
            info = m_heartbeat;
        }
        if (auto beat = SendHeartbeat(*store, *conn, m_options.drain, info); !beat.ok()) return failed(*beat.error, report.Rows());
    }
    report_pass(report.Rows(), nullptr);
    return true;
}

void DrainWorker::Run() {
    using Clock = std::chrono::steady_clock;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<PgConnection> conn;
    std::mt19937_64 random(std::random_device{}());
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Clock::time_point next_heartbeat = Clock::now();
    for (;;) {
        const bool heartbeat_due = Clock::now() >= next_heartbeat;
        bool ok = false;
        try {
            ok = Pass(store, conn, heartbeat_due);
        } catch (const std::exception& e) {
            conn.reset();
            Fail(std::string("the drain stopped on an unexpected error: ") + e.what());
        } catch (...) {
            conn.reset();
            Fail("the drain stopped on an unexpected error");
        }
        if (ok && heartbeat_due) next_heartbeat = Clock::now() + m_options.heartbeat_interval;
        std::unique_lock lock(m_mutex);
        const Clock::time_point until =
            ok ? next_heartbeat : Clock::now() + NextBackoff(std::max(m_status.failures, 1), unit(random));
        m_wake.wait_until(lock, until, [&] { return m_stop || m_woken; });
        if (m_stop) return;
        m_woken = false;
    }
}

}  // namespace kiosk::server
