// The clinic's key in the database: its public half, the wrapped copies of its private half (one
// per account that may read results), and sealing what an older kiosk stored in clear.
#include <cstring>

#include "store/audit_chain.h"
#include "store/guard.h"
#include "store/key_store.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace kiosk::store {
namespace {

DbError Problem(DbErrorKind kind, std::string message, const char* context) { return DbError{kind, 0, std::move(message), context}; }

// Seals every submission and alert still in clear (stored before the clinic had a key). Each
// sealed submission gets an audit row with its new hash, so the chain still covers it.
int64_t SealClearRows(Connection& db, const PublicKey& key, const std::string& actor, const char* context) {
    struct Clear {
        std::string id;
        SubmissionRecord record;
    };
    std::vector<Clear> rows;
    {
        Statement s(db,
                    "SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at, "
                    "answers, decision, outcome, source FROM submissions WHERE sealed IS NULL ORDER BY submitted_at, id",
                    context);
        while (s.Step()) {
            Clear row{s.Text(0), {s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9),
                                  std::nullopt, s.Text(11)}};
            if (!s.IsNull(10)) row.record.outcome = s.Text(10);
            rows.push_back(std::move(row));
        }
    }
    const std::string now = UtcNowIso();
    if (!rows.empty()) {
        // The guard refuses any change to a stored submission's content: sealing is the one change
        // the kiosk makes, inside this transaction, and the guard is back before it commits.
        db.Exec("DROP TRIGGER IF EXISTS submission_content_is_fixed", context);
        Statement seal(db, "UPDATE submissions SET answers = NULL, decision = NULL, sealed = ?2 WHERE id = ?1", context);
        for (const Clear& row : rows) {
            const std::string sealed = SealSubmission(key, row.record.answers_json, row.record.decision_json);
            seal.Reset();
            seal.Bind(1, row.id).BindBlob(2, sealed);
            seal.Run();
            AppendAudit(db, {now, actor, "sealed", row.id, row.id, SealedSubmissionHash(row.id, row.record, sealed)});
        }
        CreateGuard(db, "submission_content_is_fixed", context);
    }
    struct ClearAlert {
        int64_t id;
        std::string rule_id, reason;
    };
    std::vector<ClearAlert> alerts;
    {
        Statement s(db, "SELECT id, rule_id, reason FROM alerts WHERE sealed IS NULL ORDER BY id", context);
        while (s.Step()) alerts.push_back({s.Int(0), s.Text(1), s.Text(2)});
    }
    Statement seal_alert(db, "UPDATE alerts SET rule_id = '', reason = '', sealed = ?2 WHERE id = ?1", context);
    for (const ClearAlert& alert : alerts) {
        seal_alert.Reset();
        seal_alert.Bind(1, alert.id).BindBlob(2, SealAlert(key, alert.rule_id, alert.reason));
        seal_alert.Run();
    }
    if (!rows.empty() || !alerts.empty())
        AppendAudit(db, {now, actor, "sealed", std::to_string(rows.size()) + " results and " + std::to_string(alerts.size()) +
                                                   " alerts stored in clear are now sealed to the clinic key",
                         std::nullopt, std::nullopt});
    return static_cast<int64_t>(rows.size() + alerts.size());
}

}  // namespace

std::optional<PublicKey> ReadClinicPublicKey(Connection& db, const char* context) {
    Statement s(db, "SELECT public_key FROM clinic_key WHERE id = 1", context);
    if (!s.Step()) return std::nullopt;
    const std::string bytes = s.Blob(0);
    if (bytes.size() != kPublicKeyBytes)  // the column's CHECK admits 32 bytes only
        throw DbException(Problem(DbErrorKind::Other, "the clinic key stored in the database is damaged", context));
    PublicKey key{};
    std::memcpy(key.data(), bytes.data(), key.size());
    return key;
}

int64_t InstallClinicPublicKey(Connection& db, const PublicKey& key, const std::string& actor, const char* context) {
    if (ReadClinicPublicKey(db, context))
        throw DbException(Problem(DbErrorKind::Constraint, "the clinic already has a key; it was left as it was", context));
    Statement insert(db, "INSERT INTO clinic_key (id, public_key, created_at, created_by) VALUES (1, ?1, ?2, ?3)", context);
    const std::string now = UtcNowIso();
    insert.BindBlob(1, std::string_view(reinterpret_cast<const char*>(key.data()), key.size())).Bind(2, now).Bind(3, actor);
    insert.Run();
    AppendAudit(db, {now, actor, "clinic key", "created, fingerprint " + KeyFingerprint(key), std::nullopt, std::nullopt});
    return SealClearRows(db, key, actor, context);
}

void CompactAfterSealing(Connection& db) {
    const char* context = "removing the clear copies of sealed rows";
    db.Exec("VACUUM", context);
    // Copies the WAL into the file, truncates it and syncs the truncation, so that a power cut
    // cannot bring back the log's old pages with the clear rows. With another connection reading,
    // the copy waits for it and the next checkpoint finishes it (as after a purge).
    db.EmptyWal(context);
}

void PutWrap(Connection& db, int64_t staff_id, std::string_view secret, std::string_view wrapped, const char* context) {
    Statement s(db,
                "INSERT INTO key_wraps (staff_id, secret, wrapped) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (staff_id, secret) DO UPDATE SET wrapped = excluded.wrapped",
                context);
    s.Bind(1, staff_id).Bind(2, secret).BindBlob(3, wrapped);
    s.Run();
}

void DropWraps(Connection& db, int64_t staff_id, std::optional<std::string_view> secret, const char* context) {
    Statement s(db, "DELETE FROM key_wraps WHERE staff_id = ?1 AND (?2 IS NULL OR secret = ?2)", context);
    s.Bind(1, staff_id);
    if (secret) s.Bind(2, *secret);
    else s.BindNull(2);
    s.Run();
}

std::optional<std::string> ReadWrap(Connection& db, int64_t staff_id, std::string_view secret, const char* context) {
    Statement s(db, "SELECT wrapped FROM key_wraps WHERE staff_id = ?1 AND secret = ?2", context);
    s.Bind(1, staff_id).Bind(2, secret);
    if (!s.Step()) return std::nullopt;
    return s.Blob(0);
}

std::string SealSubmission(const PublicKey& key, std::string_view answers_json, std::string_view decision_json) {
    return Seal(key, JoinFields({answers_json, decision_json}));
}

std::string SealAlert(const PublicKey& key, std::string_view rule_id, std::string_view reason) {
    return Seal(key, JoinFields({rule_id, reason}));
}

bool OpenSealedPair(const ClinicKey& key, std::string_view sealed, std::string& first, std::string& second) {
    std::optional<std::string> plain = key.Open(sealed);
    if (!plain) return false;
    std::optional<std::vector<std::string>> fields = SplitFields(*plain, 2);
    WipeSecret(*plain);
    if (!fields) return false;
    first = std::move((*fields)[0]);
    second = std::move((*fields)[1]);
    return true;
}


// --- Store members ----------------------------------------------------------------------------

Result<bool> Store::HasClinicKey() {
    return Guard<bool>([&] { return ReadClinicPublicKey(*m_db, "reading the clinic key").has_value(); });
}

Result<std::optional<PublicKey>> Store::ClinicPublicKey() {
    return Guard<std::optional<PublicKey>>([&] { return ReadClinicPublicKey(*m_db, "reading the clinic key"); });
}

void Store::UnlockReading(std::shared_ptr<const ClinicKey> key) { m_key = std::move(key); }

void Store::LockReading() { m_key.reset(); }

Result<int64_t> Store::InitClinicKey(const SignIn& admin) {
    return Guard<int64_t>([&] {
        const char* context = "creating the clinic key";
        if (admin.status != SignIn::Status::Ok || !admin.wrap_key || admin.account.role != Role::Admin)
            throw DbException(Problem(DbErrorKind::Refused, "only an administrator signed in with a PIN may create the clinic key", context));
        std::shared_ptr<const ClinicKey> key = ClinicKey::Generate();
        if (!key) throw DbException(Problem(DbErrorKind::Other, "libsodium could not make a key pair (guarded memory)", context));
        const std::string actor = StaffActor(admin.account.name);
        int64_t sealed = 0;
        {
            Transaction t(*m_db, context);
            sealed = InstallClinicPublicKey(*m_db, key->Public(), actor, context);
            PutWrap(*m_db, admin.account.id, kPinWrap, WrapClinicKey(*key, *admin.wrap_key), context);
            t.Commit();
        }
        m_key = key;
        if (sealed > 0) CompactAfterSealing(*m_db);
        return sealed;
    });
}

Result<int64_t> Store::AdoptClinicPublicKey(const PublicKey& key, const std::string& actor) {
    return Guard<int64_t>([&] {
        const char* context = "adopting the clinic key";
        int64_t sealed = 0;
        {
            Transaction t(*m_db, context);
            if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
            sealed = InstallClinicPublicKey(*m_db, key, actor, context);
            t.Commit();
        }
        if (sealed > 0) CompactAfterSealing(*m_db);
        return sealed;
    });
}

Result<bool> Store::GrantReading(const SignIn& reader, const std::string& actor) {
    return Guard<bool>([&] {
        const char* context = "letting an account read results";
        if (reader.status != SignIn::Status::Ok || !reader.wrap_key)
            throw DbException(Problem(DbErrorKind::Refused, "the account must sign in with its PIN first", context));
        if (!Allows(reader.account.role, Permission::ShowAnswers))
            throw DbException(Problem(DbErrorKind::Refused,
                                      std::string("a ") + RoleLabel(reader.account.role) + " does not read results", context));
        if (!m_key)
            throw DbException(Problem(DbErrorKind::Refused, "reading is locked: an account that reads results must sign in first", context));
        Transaction t(*m_db, context);
        if (auto refused = Refusal(*m_db, t, actor, Permission::ManageStaff, context)) throw DbException(*refused);
        std::optional<PublicKey> clinic = ReadClinicPublicKey(*m_db, context);
        if (!clinic || *clinic != m_key->Public())
            throw DbException(Problem(DbErrorKind::Refused, "the key held is not this clinic's", context));
        PutWrap(*m_db, reader.account.id, kPinWrap, WrapClinicKey(*m_key, *reader.wrap_key), context);
        AppendAudit(*m_db, {UtcNowIso(), actor, "reading granted", reader.account.name, std::nullopt, std::nullopt});
        t.Commit();
        return true;
    });
}

}  // namespace kiosk::store
