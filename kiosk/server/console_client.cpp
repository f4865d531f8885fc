// The front-desk console's side of the clinic server: sign-in against the server's accounts, the
// board, alerts and escalation, the kiosks' health and the console's audit log. Every change is
// made in one transaction with its audit row; nothing throws past the API.
#include "server/console_client.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "server/pg.h"
#include "server/server_schema.h"
#include "store/key_store.h"

namespace kiosk::server {
namespace {

// [SECTION] SQL

// A timestamptz as the kiosk writes times: ISO 8601 UTC with milliseconds.
#define KIOSK_ISO(column) "to_char((" column ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
// Whole seconds since the epoch; 0 for NULL.
#define KIOSK_EPOCH(column) "coalesce(floor(extract(epoch FROM (" column ")))::bigint, 0)"

constexpr const char* kFindConsole = "SELECT site_id, name FROM consoles WHERE role_name = current_user";

constexpr const char* kAccounts =
    "SELECT s.name, s.role, EXISTS (SELECT 1 FROM console_staff_keys k WHERE k.site_id = s.site_id AND k.name = s.name), "
    "s.failures, " KIOSK_EPOCH("s.locked_until") ", " KIOSK_EPOCH("s.last_failure_at") ", " KIOSK_EPOCH("now()") " "
    "FROM console_staff s WHERE s.site_id = $1 AND s.active ORDER BY lower(s.name), s.name";

// Locked for the rest of the transaction: two consoles cannot both spend the same attempt.
constexpr const char* kAccountForSignIn =
    "SELECT role, pin_hash, failures, " KIOSK_EPOCH("locked_until") ", " KIOSK_EPOCH("last_failure_at") ", " KIOSK_EPOCH("now()") " "
    "FROM console_staff WHERE site_id = $1 AND name = $2 AND active FOR UPDATE";
// $3 failures, $4 lockout seconds (0: none), $5 1 when this attempt is a failure (its time is now).
constexpr const char* kWriteCounters =
    "UPDATE console_staff SET failures = $3, "
    "locked_until = CASE WHEN $4::bigint > 0 THEN now() + make_interval(secs => $4::bigint) END, "
    "last_failure_at = CASE WHEN $5::int = 1 THEN now() WHEN $3::int = 0 THEN NULL ELSE last_failure_at END "
    "WHERE site_id = $1 AND name = $2";
constexpr const char* kAccountKeys =
    "SELECT fingerprint, public_key, wrapped FROM console_staff_keys WHERE site_id = $1 AND name = $2 ORDER BY fingerprint";

constexpr const char* kInsertAudit =
    "INSERT INTO console_audit (site_id, console, actor, action, detail) VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kAuditLog =
    "SELECT " KIOSK_ISO("at") ", console, actor, action, detail FROM console_audit WHERE site_id = $1 ORDER BY id DESC LIMIT $2";

#define KIOSK_RESULT_COLUMNS                                                                                               \
    "id::text, kiosk_id, screening_id, screening_version, screening_hash, language, " KIOSK_ISO("started_at") ", " \
    KIOSK_ISO("submitted_at") ", outcome, source, sealed, status, coalesce(reviewed_by, ''), " KIOSK_ISO("reviewed_at") ", " \
    KIOSK_ISO("received_at")
// Oldest first (the longest waiting); the screens rank by outcome, which the screening file orders.
constexpr const char* kBoard =
    "SELECT " KIOSK_RESULT_COLUMNS " FROM results WHERE site_id = $1 AND submitted_at >= $2::timestamptz "
    "AND submitted_at < $3::timestamptz AND ($4 = '' OR kiosk_id = $4) AND ($5 = '' OR status = $5) ORDER BY submitted_at, id";
constexpr const char* kResultsBetween =
    "SELECT " KIOSK_RESULT_COLUMNS " FROM results WHERE site_id = $1 AND submitted_at >= $2::timestamptz "
    "AND submitted_at < $3::timestamptz ORDER BY submitted_at, id";
constexpr const char* kMarkReviewed =
    "UPDATE results SET status = 'reviewed', reviewed_by = $3, reviewed_at = now() "
    "WHERE site_id = $1 AND id = $2::uuid AND status = 'pending'";

#define KIOSK_ALERT_COLUMNS                                                                                      \
    "alert_id::text, kiosk_id, session_id, " KIOSK_ISO("raised_at") ", " KIOSK_ISO("received_at") ", sealed, " \
    "coalesce(acknowledged_by, ''), " KIOSK_ISO("acknowledged_at") ", " KIOSK_ISO("escalated_at")
constexpr const char* kOpenAlerts =
    "SELECT " KIOSK_ALERT_COLUMNS " FROM alerts WHERE site_id = $1 AND acknowledged_at IS NULL ORDER BY raised_at, alert_id";
constexpr const char* kAlertById = "SELECT " KIOSK_ALERT_COLUMNS " FROM alerts WHERE site_id = $1 AND alert_id = $2::uuid";
constexpr const char* kAcknowledge =
    "UPDATE alerts SET acknowledged_by = $3, acknowledged_at = now() "
    "WHERE site_id = $1 AND alert_id = $2::uuid AND acknowledged_at IS NULL";
constexpr const char* kMarkEscalated =
    "UPDATE alerts SET escalated_at = now() "
    "WHERE site_id = $1 AND alert_id = $2::uuid AND acknowledged_at IS NULL AND escalated_at IS NULL";

constexpr const char* kKiosks =
    "SELECT k.kiosk_id, h.last_seen IS NOT NULL, " KIOSK_ISO("h.last_seen") ", " KIOSK_EPOCH("now()") " - " KIOSK_EPOCH("h.last_seen") ", "
    "coalesce(h.screening_id, ''), coalesce(h.screening_version, ''), coalesce(h.screening_hash, ''), coalesce(h.rows_waiting, 0), "
    "h.oldest_waiting_seconds, coalesce(h.out_of_order, '') "
    "FROM kiosks k LEFT JOIN heartbeats h ON h.site_id = k.site_id AND h.kiosk_id = k.kiosk_id WHERE k.site_id = $1 ORDER BY k.kiosk_id";

constexpr const char* kServerNow = "SELECT " KIOSK_ISO("now()");

// The administrator's commands.
constexpr const char* kSiteExists = "SELECT EXISTS (SELECT 1 FROM sites WHERE site_id = $1)";
constexpr const char* kAddStaff = "INSERT INTO console_staff (site_id, name, role, pin_hash) VALUES ($1, $2, $3, $4)";
constexpr const char* kStaffForGrant =
    "SELECT role, pin_hash FROM console_staff WHERE site_id = $1 AND name = $2 AND active FOR UPDATE";
constexpr const char* kAddKey =
    "INSERT INTO console_staff_keys (site_id, name, fingerprint, public_key, wrapped) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT DO NOTHING";
// The administrator's rows name the role that made them as their console.
constexpr const char* kAdminAudit =
    "INSERT INTO console_audit (site_id, console, actor, action, detail) VALUES ($1, current_user, 'cli', $2, $3)";

#undef KIOSK_RESULT_COLUMNS
#undef KIOSK_ALERT_COLUMNS
#undef KIOSK_ISO
#undef KIOSK_EPOCH

// Wrong PINs counted at most this far (as the kiosk's store): far past the lockout's cap.
constexpr int64_t kFailureCountCap = 1000;

// [SECTION] Helpers

template <class T, class F>
ServerResult<T> Guarded(const char* context, F&& body) {
    try {
        return ServerResult<T>{body(), std::nullopt};
    } catch (const ServerException& e) {
        return ServerResult<T>{std::nullopt, e.error()};
    } catch (const std::exception& e) {
        return ServerResult<T>{std::nullopt, ServerError{ServerErrorKind::Other, "", e.what(), context}};
    }
}

[[noreturn]] void Fail(ServerErrorKind kind, const std::string& message, const char* context) {
    throw ServerException(ServerError{kind, "", message, context});
}

// A UUID's text as PostgreSQL reads one: anything else names no row (and would fail the cast).
bool LooksLikeUuid(const std::string& text) {
    if (text.size() != 36) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

// Opens `sealed` with the first key of `keys` it was sealed to; false when none.
bool OpenWithAny(const KeyRing& keys, const std::string& sealed, std::string& first, std::string& second) {
    for (const auto& key : keys)
        if (key && store::OpenSealedPair(*key, sealed, first, second)) return true;
    first.clear();
    second.clear();
    return false;
}

// The account name an actor stands for ("staff:Ana" -> "Ana"), else the actor itself.
std::string WhoOf(const std::string& actor) { return store::ActorStaffName(actor).value_or(actor); }

BoardResult ReadResult(const PgResult& r, int row, const KeyRing& keys) {
    BoardResult out;
    store::StoredSubmission& s = out.submission;
    s.id = r.Text(row, 0);
    s.record.kiosk_id = r.Text(row, 1);
    s.record.screening_id = r.Text(row, 2);
    s.record.screening_version = r.Text(row, 3);
    s.record.screening_hash = r.Text(row, 4);
    s.record.language = r.Text(row, 5);
    s.record.started_at = r.Text(row, 6);
    s.record.submitted_at = r.Text(row, 7);
    if (!r.IsNull(row, 8)) s.record.outcome = r.Text(row, 8);
    s.record.source = r.Text(row, 9);
    s.sealed = !OpenWithAny(keys, r.Bytes(row, 10), s.record.answers_json, s.record.decision_json);
    s.status = store::ParseSubmissionStatus(r.Text(row, 11)).value_or(store::SubmissionStatus::Pending);
    s.reviewed_by = r.Text(row, 12);
    s.reviewed_at = r.Text(row, 13);
    out.received_at = r.Text(row, 14);
    return out;
}

ServerAlert ReadAlert(const PgResult& r, int row, const KeyRing& keys) {
    ServerAlert a;
    a.alert_id = r.Text(row, 0);
    a.kiosk_id = r.Text(row, 1);
    a.session_id = r.Text(row, 2);
    a.raised_at = r.Text(row, 3);
    a.received_at = r.Text(row, 4);
    a.sealed = !OpenWithAny(keys, r.Bytes(row, 5), a.rule_id, a.reason);
    a.acknowledged_by = r.Text(row, 6);
    a.acknowledged_at = r.Text(row, 7);
    a.escalated_at = r.Text(row, 8);
    return a;
}

// The UTC instants [from, to) of local day `day` ("YYYY-MM-DD") in this process's time zone (TZ):
// the console's day, whatever the server's TimeZone setting. A day of a clock change is 23 or 25
// hours long, as mktime has it.
std::pair<std::string, std::string> LocalDayBounds(const std::string& day) {
    const char* context = "reading the board's day";
    int year = 0, month = 0, mday = 0;
    char tail = 0;
    if (day.size() != 10 || std::sscanf(day.c_str(), "%4d-%2d-%2d%c", &year, &month, &mday, &tail) != 3 || month < 1 ||
        month > 12 || mday < 1 || mday > 31)
        Fail(ServerErrorKind::BadInput, "'" + day + "' is not a day (YYYY-MM-DD)", context);
    auto midnight = [&](int add_days) {
        std::tm tm{};
        tm.tm_year = year - 1900;
        tm.tm_mon = month - 1;
        tm.tm_mday = mday + add_days;
        tm.tm_isdst = -1;
        const std::time_t t = std::mktime(&tm);
        if (t == static_cast<std::time_t>(-1)) Fail(ServerErrorKind::BadInput, "'" + day + "' is not a day the clock knows", context);
        return store::UtcIso(std::chrono::system_clock::from_time_t(t));
    };
    return {midnight(0), midnight(1)};
}

void AppendAudit(PgConnection& conn, const std::string& site, const std::string& console, const std::string& actor,
                 const std::string& action, const std::string& detail, const char* context) {
    conn.Exec(kInsertAudit, PgParams().Text(site).Text(console).Text(actor).Text(action).Text(detail), context);
}

// A staff actor's account must exist, be active and have a role that allows `permission`; the
// machine's own actors ("console") are not limited. Throws Refused.
void RequirePermission(PgConnection& conn, const std::string& site, const std::string& actor, store::Permission permission,
                       const char* context) {
    const std::optional<std::string> name = store::ActorStaffName(actor);
    if (!name) return;
    PgResult r = conn.Exec("SELECT role FROM console_staff WHERE site_id = $1 AND name = $2 AND active", PgParams().Text(site).Text(*name),
                           context);
    if (r.Rows() != 1) Fail(ServerErrorKind::Refused, "no active staff account named " + *name, context);
    const store::Role role = store::ParseRole(r.Text(0, 0)).value_or(store::Role::FrontDesk);
    if (!store::Allows(role, permission))
        Fail(ServerErrorKind::Refused, std::string("a ") + store::RoleLabel(role) + " may not " + store::PermissionLabel(permission),
             context);
}

}  // namespace

// [SECTION] Connecting

ConsoleClient::ConsoleClient(std::unique_ptr<PgConnection> conn, std::string site, std::string name)
    : m_conn(std::move(conn)), m_site(std::move(site)), m_name(std::move(name)) {}

ConsoleClient::~ConsoleClient() = default;

ServerResult<std::unique_ptr<ConsoleClient>> ConsoleClient::Connect(const std::string& conninfo) {
    const char* context = "connecting the console";
    return Guarded<std::unique_ptr<ConsoleClient>>(context, [&] {
        auto conn = std::make_unique<PgConnection>(conninfo);
        if (auto schema = CheckServerSchema(*conn); !schema.ok()) throw ServerException(*schema.error);
        // A kiosk's role may not even read consoles: refused either way, with the same sentence.
        std::optional<PgResult> me;
        try {
            me.emplace(conn->Exec(kFindConsole, context));
        } catch (const ServerException& e) {
            if (e.error().kind != ServerErrorKind::Refused) throw;
        }
        if (!me || me->Rows() != 1) {
            PgResult who = conn->Exec("SELECT current_user", context);
            Fail(ServerErrorKind::Refused,
                 "the role " + who.Text(0, 0) + " is no console's: an administrator adds one with kiosk clinic add-console", context);
        }
        return std::unique_ptr<ConsoleClient>(new ConsoleClient(std::move(conn), me->Text(0, 0), me->Text(0, 1)));
    });
}

// [SECTION] Accounts and sign-in

ServerResult<std::vector<ConsoleAccount>> ConsoleClient::Accounts() {
    const char* context = "reading the staff accounts";
    return Guarded<std::vector<ConsoleAccount>>(context, [&] {
        PgResult r = m_conn->Exec(kAccounts, PgParams().Text(m_site), context);
        std::vector<ConsoleAccount> out;
        for (int i = 0; i < r.Rows(); ++i) {
            ConsoleAccount a;
            a.name = r.Text(i, 0);
            a.role = store::ParseRole(r.Text(i, 1)).value_or(store::Role::FrontDesk);
            a.reads_results = r.Text(i, 2) == "t";
            a.seconds_locked = store::PinStateAt(r.Int(i, 3), r.Int(i, 4), r.Int(i, 5), r.Int(i, 6)).seconds_locked;
            out.push_back(std::move(a));
        }
        return out;
    });
}

ServerResult<ConsoleSignIn> ConsoleClient::SignIn(const std::string& name, const std::string& pin) {
    const char* context = "checking a console sign-in";
    return Guarded<ConsoleSignIn>(context, [&] {
        ConsoleSignIn result;
        result.name = name;
        const std::string actor = store::StaffActor(name);
        PgTransaction transaction(*m_conn, context);
        PgResult row = m_conn->Exec(kAccountForSignIn, PgParams().Text(m_site).Text(name), context);
        if (row.Rows() != 1) {
            result.outcome = ConsoleSignIn::Outcome::Unknown;
            // The typed name, shortened: what a stranger typed is not worth a long row.
            AppendAudit(*m_conn, m_site, m_name, "staff?", "sign_in_failed",
                        "no active account named \"" + name.substr(0, store::kMaxNameLength) + "\"", context);
            transaction.Commit();
            return result;
        }
        result.role = store::ParseRole(row.Text(0, 0)).value_or(store::Role::FrontDesk);
        const std::string pin_hash = row.Text(0, 1);
        const int64_t stored_failures = row.Int(0, 2), locked_until = row.Int(0, 3), last_failure = row.Int(0, 4), now = row.Int(0, 5);
        const store::PinState state = store::PinStateAt(stored_failures, locked_until, last_failure, now);

        if (state.seconds_locked > 0) {
            // While locked the PIN is not even checked.
            result.outcome = ConsoleSignIn::Outcome::Locked;
            result.seconds_locked = state.seconds_locked;
            if (state.clamped)  // a lockout stored further ahead than its own length: from now
                m_conn->Exec(kWriteCounters, PgParams().Text(m_site).Text(name).Int(stored_failures).Int(state.seconds_locked).Int(0),
                             context);
            AppendAudit(*m_conn, m_site, m_name, actor, "sign_in_locked",
                        "locked out for " + std::to_string(state.seconds_locked) + " s more", context);
            transaction.Commit();
            return result;
        }

        store::SecretCheck check = store::CheckSecret(pin_hash, pin);
        if (!check.matches) {
            const int failures = static_cast<int>(std::min<int64_t>(state.failures + 1, kFailureCountCap));
            const int64_t lockout = store::LockoutSeconds(failures);
            m_conn->Exec(kWriteCounters, PgParams().Text(m_site).Text(name).Int(failures).Int(lockout).Int(1), context);
            std::string detail = "wrong PIN, " + std::to_string(failures) + " in a row";
            if (lockout > 0) detail += "; locked out for " + std::to_string(lockout) + " s";
            AppendAudit(*m_conn, m_site, m_name, actor, "sign_in_failed", detail, context);
            transaction.Commit();
            result.outcome = ConsoleSignIn::Outcome::WrongPin;
            result.seconds_locked = lockout;
            result.attempts_left = std::max(0, store::kFreeAttempts - failures);
            return result;
        }

        m_conn->Exec(kWriteCounters, PgParams().Text(m_site).Text(name).Int(0).Int(0).Int(0), context);
        int unopened = 0;
        if (check.wrap_key) {
            PgResult keys = m_conn->Exec(kAccountKeys, PgParams().Text(m_site).Text(name), context);
            for (int i = 0; i < keys.Rows(); ++i) {
                const std::string public_bytes = keys.Bytes(i, 1);
                store::PublicKey public_key{};
                std::unique_ptr<store::ClinicKey> key;
                if (public_bytes.size() == public_key.size()) {
                    std::copy(public_bytes.begin(), public_bytes.end(), public_key.begin());
                    key = store::UnwrapClinicKey(keys.Bytes(i, 2), *check.wrap_key, public_key);
                }
                if (key) result.keys.push_back(std::move(key));
                else ++unopened;
            }
        }
        std::string detail = std::string(store::RoleLabel(result.role)) + ", " + std::to_string(result.keys.size()) + " clinic key(s)";
        if (unopened > 0) detail += ", " + std::to_string(unopened) + " that did not open";
        AppendAudit(*m_conn, m_site, m_name, actor, "sign_in", detail, context);
        transaction.Commit();
        result.outcome = ConsoleSignIn::Outcome::SignedIn;
        return result;
    });
}

// [SECTION] Results

ServerResult<std::vector<BoardResult>> ConsoleClient::Board(const BoardFilter& filter, const KeyRing& keys) {
    const char* context = "reading the board";
    return Guarded<std::vector<BoardResult>>(context, [&] {
        const auto [from, to] = LocalDayBounds(filter.day);
        PgResult r = m_conn->Exec(kBoard,
                                  PgParams().Text(m_site).Text(from).Text(to).Text(filter.kiosk).Text(
                                      filter.status ? store::SubmissionStatusName(*filter.status) : ""),
                                  context);
        std::vector<BoardResult> out;
        out.reserve(static_cast<size_t>(r.Rows()));
        for (int i = 0; i < r.Rows(); ++i) out.push_back(ReadResult(r, i, keys));
        return out;
    });
}

ServerResult<std::vector<store::StoredSubmission>> ConsoleClient::ResultsBetween(const std::string& from_utc, const std::string& to_utc,
                                                                                 const KeyRing& keys) {
    const char* context = "reading results to export";
    return Guarded<std::vector<store::StoredSubmission>>(context, [&] {
        PgResult r = m_conn->Exec(kResultsBetween, PgParams().Text(m_site).Text(from_utc).Text(to_utc), context);
        std::vector<store::StoredSubmission> out;
        out.reserve(static_cast<size_t>(r.Rows()));
        for (int i = 0; i < r.Rows(); ++i) out.push_back(std::move(ReadResult(r, i, keys).submission));
        return out;
    });
}

ServerResult<bool> ConsoleClient::MarkReviewed(const std::string& result_id, const std::string& actor) {
    const char* context = "marking a result reviewed";
    return Guarded<bool>(context, [&] {
        if (!LooksLikeUuid(result_id)) return false;
        PgTransaction transaction(*m_conn, context);
        RequirePermission(*m_conn, m_site, actor, store::Permission::MarkReviewed, context);
        if (m_conn->Exec(kMarkReviewed, PgParams().Text(m_site).Text(result_id).Text(WhoOf(actor)), context).AffectedRows() != 1)
            return false;  // rolled back: nothing changed, nothing to audit
        AppendAudit(*m_conn, m_site, m_name, actor, "review", "result " + result_id, context);
        transaction.Commit();
        return true;
    });
}

// [SECTION] Alerts

ServerResult<std::vector<ServerAlert>> ConsoleClient::OpenAlerts(const KeyRing& keys) {
    const char* context = "reading the open alerts";
    return Guarded<std::vector<ServerAlert>>(context, [&] {
        PgResult r = m_conn->Exec(kOpenAlerts, PgParams().Text(m_site), context);
        std::vector<ServerAlert> out;
        for (int i = 0; i < r.Rows(); ++i) out.push_back(ReadAlert(r, i, keys));
        return out;
    });
}

ServerResult<std::optional<ServerAlert>> ConsoleClient::AlertById(const std::string& alert_id, const KeyRing& keys) {
    const char* context = "reading an alert";
    return Guarded<std::optional<ServerAlert>>(context, [&]() -> std::optional<ServerAlert> {
        if (!LooksLikeUuid(alert_id)) return std::nullopt;
        PgResult r = m_conn->Exec(kAlertById, PgParams().Text(m_site).Text(alert_id), context);
        if (r.Rows() != 1) return std::nullopt;
        return ReadAlert(r, 0, keys);
    });
}

ServerResult<bool> ConsoleClient::Acknowledge(const std::string& alert_id, const std::string& actor) {
    const char* context = "acknowledging an alert";
    return Guarded<bool>(context, [&] {
        if (!LooksLikeUuid(alert_id)) return false;
        PgTransaction transaction(*m_conn, context);
        RequirePermission(*m_conn, m_site, actor, store::Permission::AcknowledgeAlert, context);
        if (m_conn->Exec(kAcknowledge, PgParams().Text(m_site).Text(alert_id).Text(WhoOf(actor)), context).AffectedRows() != 1)
            return false;
        AppendAudit(*m_conn, m_site, m_name, actor, "acknowledge", "alert " + alert_id, context);
        transaction.Commit();
        return true;
    });
}

ServerResult<bool> ConsoleClient::MarkEscalated(const std::string& alert_id, const std::string& detail) {
    const char* context = "recording an escalation";
    return Guarded<bool>(context, [&] {
        if (!LooksLikeUuid(alert_id)) return false;
        PgTransaction transaction(*m_conn, context);
        if (m_conn->Exec(kMarkEscalated, PgParams().Text(m_site).Text(alert_id), context).AffectedRows() != 1) return false;
        // The console's own doing, on its clock: no person acted.
        AppendAudit(*m_conn, m_site, m_name, "console", "escalate", "alert " + alert_id + ": " + detail, context);
        transaction.Commit();
        return true;
    });
}

// [SECTION] Kiosks, audit, notifications, clock

ServerResult<std::vector<KioskHealth>> ConsoleClient::Kiosks() {
    const char* context = "reading the kiosks' heartbeats";
    return Guarded<std::vector<KioskHealth>>(context, [&] {
        PgResult r = m_conn->Exec(kKiosks, PgParams().Text(m_site), context);
        std::vector<KioskHealth> out;
        for (int i = 0; i < r.Rows(); ++i) {
            KioskHealth k;
            k.kiosk_id = r.Text(i, 0);
            k.ever_seen = r.Text(i, 1) == "t";
            if (k.ever_seen) {
                k.last_seen = r.Text(i, 2);
                k.seconds_since_seen = std::max<long long>(0, r.Int(i, 3));
                k.screening_id = r.Text(i, 4);
                k.screening_version = r.Text(i, 5);
                k.screening_hash = r.Text(i, 6);
                k.rows_waiting = r.Int(i, 7);
                if (!r.IsNull(i, 8)) k.oldest_waiting_seconds = r.Int(i, 8);
                k.out_of_order = r.Text(i, 9);
            }
            out.push_back(std::move(k));
        }
        return out;
    });
}

ServerResult<bool> ConsoleClient::Audit(const std::string& actor, const std::string& action, const std::string& detail) {
    const char* context = "writing the console's audit log";
    return Guarded<bool>(context, [&] {
        AppendAudit(*m_conn, m_site, m_name, actor, action, detail, context);
        return true;
    });
}

ServerResult<std::vector<ConsoleAuditEntry>> ConsoleClient::AuditLog(int limit) {
    const char* context = "reading the console's audit log";
    return Guarded<std::vector<ConsoleAuditEntry>>(context, [&] {
        PgResult r = m_conn->Exec(kAuditLog, PgParams().Text(m_site).Int(std::max(0, limit)), context);
        std::vector<ConsoleAuditEntry> out;
        for (int i = 0; i < r.Rows(); ++i) out.push_back({r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), r.Text(i, 4)});
        return out;
    });
}

ServerResult<bool> ConsoleClient::Listen() {
    const char* context = "listening for alerts";
    return Guarded<bool>(context, [&] {
        m_conn->Exec(std::string("LISTEN ") + kAlertChannel, context);
        return true;
    });
}

ServerResult<std::optional<std::string>> ConsoleClient::WaitForAlert(std::chrono::milliseconds timeout) {
    const char* context = "waiting for an alert";
    return Guarded<std::optional<std::string>>(context, [&]() -> std::optional<std::string> {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        const std::string prefix = m_site + " ";
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            std::optional<PgNotification> n = m_conn->WaitForNotification(std::max(left, std::chrono::milliseconds(0)));
            if (!n) return std::nullopt;
            // Every site's alerts notify the one channel: another site's are passed over.
            if (n->channel == kAlertChannel && n->payload.size() > prefix.size() && n->payload.compare(0, prefix.size(), prefix) == 0)
                return n->payload.substr(prefix.size());
        }
    });
}

ServerResult<std::string> ConsoleClient::ServerNow() {
    const char* context = "reading the server's clock";
    return Guarded<std::string>(context, [&] { return m_conn->Exec(kServerNow, context).Text(0, 0); });
}

// [SECTION] The administrator's commands

ServerResult<bool> AddConsoleStaff(const std::string& admin_conninfo, const NewConsoleStaff& staff) {
    const char* context = "adding a console staff account";
    return Guarded<bool>(context, [&] {
        if (auto why = CheckClinicId("site id", staff.site)) Fail(ServerErrorKind::BadInput, *why, context);
        if (auto why = store::NameProblem(staff.name)) Fail(ServerErrorKind::BadInput, *why, context);
        if (auto why = store::PinProblem(staff.pin)) Fail(ServerErrorKind::BadInput, *why, context);
        PgConnection conn(admin_conninfo);
        if (auto schema = CheckServerSchema(conn); !schema.ok()) throw ServerException(*schema.error);
        if (conn.Exec(kSiteExists, PgParams().Text(staff.site), context).Text(0, 0) != "t")
            Fail(ServerErrorKind::BadInput,
                 "the server has no site " + staff.site + ": add its kiosks or its console first (kiosk clinic add-kiosk, add-console)",
                 context);
        std::optional<store::HashedSecret> hashed = store::HashSecret(staff.pin, staff.pin_cost);
        if (!hashed) Fail(ServerErrorKind::Other, "the PIN could not be hashed (libsodium)", context);
        PgTransaction transaction(conn, context);
        try {
            conn.Exec(kAddStaff, PgParams().Text(staff.site).Text(staff.name).Text(store::RoleKey(staff.role)).Text(hashed->stored), context);
        } catch (const ServerException& e) {
            if (e.error().kind != ServerErrorKind::Constraint) throw;
            ServerError error = e.error();
            error.message = "site " + staff.site + " has an account named " + staff.name + " already (" + error.message + ")";
            throw ServerException(std::move(error));
        }
        conn.Exec(kAdminAudit, PgParams().Text(staff.site).Text("add_staff").Text(staff.name + " (" + store::RoleLabel(staff.role) + ")"),
                  context);
        transaction.Commit();
        return true;
    });
}

ServerResult<bool> GrantConsoleKey(const std::string& admin_conninfo, const std::string& site, const std::string& name,
                                   const std::string& pin, const store::ClinicKey& key) {
    const char* context = "granting a clinic key to a console account";
    return Guarded<bool>(context, [&] {
        PgConnection conn(admin_conninfo);
        if (auto schema = CheckServerSchema(conn); !schema.ok()) throw ServerException(*schema.error);
        PgTransaction transaction(conn, context);
        PgResult row = conn.Exec(kStaffForGrant, PgParams().Text(site).Text(name), context);
        if (row.Rows() != 1) Fail(ServerErrorKind::BadInput, "site " + site + " has no active console account named " + name, context);
        const store::Role role = store::ParseRole(row.Text(0, 0)).value_or(store::Role::FrontDesk);
        if (!store::Allows(role, store::Permission::ShowAnswers))
            Fail(ServerErrorKind::Refused, name + " is a " + store::RoleLabel(role) + " account, which reads no results", context);
        store::SecretCheck check = store::CheckSecret(row.Text(0, 1), pin);
        if (!check.matches) Fail(ServerErrorKind::Refused, "wrong PIN for " + name, context);
        if (!check.wrap_key) Fail(ServerErrorKind::Other, "the PIN of " + name + " has no wrap key: set a new PIN first", context);
        const std::string fingerprint = store::KeyFingerprint(key.Public());
        const std::string public_key(key.Public().begin(), key.Public().end());
        const std::string wrapped = store::WrapClinicKey(key, *check.wrap_key);
        if (conn.Exec(kAddKey, PgParams().Text(site).Text(name).Text(fingerprint).Bytes(public_key).Bytes(wrapped), context).AffectedRows() != 1)
            return false;  // holds it already: nothing changed
        conn.Exec(kAdminAudit, PgParams().Text(site).Text("grant_key").Text(name + ": clinic key " + fingerprint), context);
        transaction.Commit();
        return true;
    });
}

}  // namespace kiosk::server
