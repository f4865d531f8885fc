// The audit log's hash chain: canonical encoding, append, migration of older rows, verification.
#include "store/audit_chain.h"

#include <array>
#include <cstdio>
#include <map>
#include <algorithm>
#include <set>

#include <sodium.h>

#include "store/sqlite.h"

namespace kiosk::store {
namespace {

constexpr size_t kHashBytes = crypto_hash_sha256_BYTES;
constexpr std::string_view kSubmissionTag = "kiosk.submission.v1";
constexpr std::string_view kSealedSubmissionTag = "kiosk.submission.v2";
constexpr std::string_view kAuditTag = "kiosk.audit.v1";

// The triggers that keep the audit log append-only, a stored submission's content fixed and its
// row kept until a purge names it. Each is created from this exact text and `kiosk db check`
// compares sqlite_master's copy with it, so a trigger dropped, or re-created any other way, is
// reported. `since`: the schema version whose migration first creates it (its table's).
struct Guard {
    const char* name;
    const char* sql;
    int since = 3;
};
const Guard kGuards[] = {
    {"audit_is_append_only_update",
     "CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit\n"
     "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"},
    {"audit_is_append_only_delete",
     "CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit\n"
     "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"},
    {"submission_content_is_fixed",
     "CREATE TRIGGER submission_content_is_fixed BEFORE UPDATE OF id, kiosk_id, screening_id, screening_version, "
     "screening_hash, language, started_at, submitted_at, answers, decision, outcome, source, sealed ON submissions\n"
     "BEGIN SELECT RAISE(ABORT, 'a stored submission is never changed'); END"},
    {"submission_is_kept",
     "CREATE TRIGGER submission_is_kept BEFORE DELETE ON submissions\n"
     "WHEN NOT EXISTS (SELECT 1 FROM purged WHERE submission_id = OLD.id)\n"
     "BEGIN SELECT RAISE(ABORT, 'a stored submission is deleted only by a purge'); END"},
    {"purged_is_append_only_update",
     "CREATE TRIGGER purged_is_append_only_update BEFORE UPDATE ON purged\n"
     "BEGIN SELECT RAISE(ABORT, 'the record of purged results is append-only'); END",
     6},
    {"purged_is_append_only_delete",
     "CREATE TRIGGER purged_is_append_only_delete BEFORE DELETE ON purged\n"
     "BEGIN SELECT RAISE(ABORT, 'the record of purged results is append-only'); END",
     6},
};

// A guard's text before its current one, which the migrations before `until` created: frozen with
// them (today's text may name a table those schemas lack, and SQLite then refuses any later
// ALTER TABLE of the migration).
struct RetiredGuard {
    const char* name;
    const char* sql;
    int until;
};
const RetiredGuard kRetiredGuards[] = {
    {"submission_is_kept",
     "CREATE TRIGGER submission_is_kept BEFORE DELETE ON submissions\n"
     "BEGIN SELECT RAISE(ABORT, 'a stored submission is never deleted'); END",
     6},
};

// The text of `guard` as the kiosk of schema `schema` created it.
const char* GuardSql(const Guard& guard, int schema) {
    for (const RetiredGuard& retired : kRetiredGuards)
        if (schema < retired.until && std::string_view(retired.name) == guard.name) return retired.sql;
    return guard.sql;
}

// Accumulates the canonical encoding straight into a SHA-256 state.
class Canonical {
public:
    Canonical() {
        static const bool ready = sodium_init() >= 0;
        (void)ready;
        crypto_hash_sha256_init(&m_state);
    }
    void Raw(const unsigned char* bytes, size_t size) { crypto_hash_sha256_update(&m_state, bytes, size); }
    Canonical& Field(std::string_view text) {
        unsigned char head[9];
        head[0] = 1;
        const uint64_t size = text.size();
        for (int i = 0; i < 8; ++i) head[1 + i] = static_cast<unsigned char>(size >> (56 - 8 * i));
        Raw(head, sizeof head);
        Raw(reinterpret_cast<const unsigned char*>(text.data()), text.size());
        return *this;
    }
    Canonical& Field(const std::string& text) { return Field(std::string_view(text)); }
    Canonical& Field(const std::optional<std::string>& text) {
        if (text) return Field(std::string_view(*text));
        const unsigned char absent = 0;
        Raw(&absent, 1);
        return *this;
    }
    std::string Hex() {
        unsigned char out[kHashBytes];
        crypto_hash_sha256_final(&m_state, out);
        char hex[kHashBytes * 2 + 1];
        sodium_bin2hex(hex, sizeof hex, out, sizeof out);
        return hex;
    }

private:
    crypto_hash_sha256_state m_state;
};

bool IsHashHex(const std::string& text) {
    if (text.size() != kHashBytes * 2) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::array<unsigned char, kHashBytes> HashBytes(const std::string& hex) {
    std::array<unsigned char, kHashBytes> out{};  // all zero: before the first row
    if (IsHashHex(hex)) sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, nullptr, nullptr);
    return out;
}

constexpr const char* kSelectRows =
    "SELECT id, at, actor, action, detail, submission_id, submission_hash, hash FROM audit ORDER BY id";

AuditRow ReadRow(const Statement& s) {
    AuditRow row{s.Text(1), s.Text(2), s.Text(3), s.Text(4), std::nullopt, std::nullopt};
    if (!s.IsNull(5)) row.submission_id = s.Text(5);
    if (!s.IsNull(6)) row.submission_hash = s.Text(6);
    return row;
}

// Every stored submission's id and its hash as it reads now. `sealed`: the schema has the sealed
// column (5 and later; migration 3 reads an older table).
std::map<std::string, std::string> SubmissionHashes(Connection& db, const char* context, bool sealed = true) {
    std::map<std::string, std::string> out;
    Statement s(db,
                std::string("SELECT id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, submitted_at, "
                            "answers, decision, outcome, source, ") +
                    (sealed ? "sealed" : "NULL") + " FROM submissions ORDER BY submitted_at, id",
                context);
    while (s.Step()) {
        SubmissionRecord r{s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.Text(7), s.Text(8), s.Text(9),
                           std::nullopt, s.Text(11)};
        if (!s.IsNull(10)) r.outcome = s.Text(10);
        out.emplace(s.Text(0), s.IsNull(12) ? SubmissionHash(s.Text(0), r) : SealedSubmissionHash(s.Text(0), r, s.Blob(12)));
    }
    return out;
}

std::string Id(int64_t id) { return std::to_string(id); }

}  // namespace

std::string SubmissionHash(const std::string& id, const SubmissionRecord& r) {
    Canonical c;
    c.Field(kSubmissionTag).Field(id).Field(r.kiosk_id).Field(r.screening_id).Field(r.screening_version).Field(r.screening_hash);
    c.Field(r.language).Field(r.started_at).Field(r.submitted_at).Field(r.answers_json).Field(r.decision_json);
    c.Field(r.outcome).Field(r.source);
    return c.Hex();
}

std::string SealedSubmissionHash(const std::string& id, const SubmissionRecord& r, std::string_view sealed) {
    Canonical c;
    c.Field(kSealedSubmissionTag).Field(id).Field(r.kiosk_id).Field(r.screening_id).Field(r.screening_version);
    c.Field(r.screening_hash).Field(r.language).Field(r.started_at).Field(r.submitted_at).Field(sealed);
    c.Field(r.outcome).Field(r.source);
    return c.Hex();
}

void CreateGuard(Connection& db, std::string_view name, const char* context, int schema) {
    for (const Guard& guard : kGuards)
        if (name == guard.name && guard.since <= schema) db.Exec(GuardSql(guard, schema), context);
}

std::string GuardSqlAt(std::string_view name, int schema) {
    for (const Guard& guard : kGuards)
        if (name == guard.name) return GuardSql(guard, schema);
    return {};
}

std::string PurgedIdsHash(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    std::string joined;
    for (const std::string& id : ids) {
        if (!joined.empty()) joined += '\n';
        joined += id;
    }
    static const bool ready = sodium_init() >= 0;
    (void)ready;
    unsigned char out[kHashBytes];
    crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(joined.data()), joined.size());
    char hex[kHashBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return hex;
}

std::string PurgeDetailHash(std::string_view detail) {
    size_t at = detail.rfind(kPurgeHashLabel);
    if (at == std::string_view::npos) return {};
    std::string hash(detail.substr(at + kPurgeHashLabel.size()));
    return IsHashHex(hash) ? hash : std::string();
}

std::string AuditRowHash(const std::string& previous_hex, int64_t id, const AuditRow& row) {
    Canonical c;
    const auto previous = HashBytes(previous_hex);
    c.Raw(previous.data(), previous.size());
    c.Field(kAuditTag).Field(Id(id)).Field(row.at).Field(row.actor).Field(row.action).Field(row.detail);
    c.Field(row.submission_id).Field(row.submission_hash);
    return c.Hex();
}

int64_t AppendAudit(Connection& db, const AuditRow& row) {
    const char* context = "writing the audit log";
    int64_t last = 0;
    std::string previous;
    {
        Statement head(db, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", context);
        if (head.Step()) {
            last = head.Int(0);
            previous = head.IsNull(1) ? std::string() : head.Text(1);
        }
    }
    const int64_t id = last + 1;
    Statement insert(db,
                     "INSERT INTO audit (id, at, actor, action, detail, submission_id, submission_hash, hash) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                     context);
    insert.Bind(1, id).Bind(2, row.at).Bind(3, row.actor).Bind(4, row.action).Bind(5, row.detail);
    insert.BindOptional(6, row.submission_id).BindOptional(7, row.submission_hash).Bind(8, AuditRowHash(previous, id, row));
    insert.Run();
    return id;
}

void ChainExistingRows(Connection& db) {
    const char* context = "migrating the database";
    // Each submission to the first unlinked "submission" row that names it (kiosks before the chain
    // wrote "<id> <outcome> (<source>)"); those with none get a row of their own below.
    std::map<std::string, std::string> hashes = SubmissionHashes(db, context, false);
    std::vector<std::string> unrecorded;
    {
        Statement s(db, "SELECT id, submitted_at FROM submissions ORDER BY submitted_at, id", context);
        Statement find(db,
                       "SELECT id FROM audit WHERE action = 'submission' AND submission_id IS NULL "
                       "AND (detail = ?1 OR substr(detail, 1, length(?1) + 1) = ?1 || ' ') ORDER BY id LIMIT 1",
                       context);
        Statement link(db, "UPDATE audit SET submission_id = ?2, submission_hash = ?3 WHERE id = ?1", context);
        while (s.Step()) {
            const std::string id = s.Text(0);
            find.Reset();
            find.Bind(1, id);
            if (!find.Step()) {
                unrecorded.push_back(id);
                continue;
            }
            link.Reset();
            link.Bind(1, find.Int(0)).Bind(2, id).Bind(3, hashes.at(id));
            link.Run();
        }
    }
    {
        Statement s(db, kSelectRows, context);
        Statement set(db, "UPDATE audit SET hash = ?2 WHERE id = ?1", context);
        std::string previous;
        while (s.Step()) {
            previous = AuditRowHash(previous, s.Int(0), ReadRow(s));
            set.Reset();
            set.Bind(1, s.Int(0)).Bind(2, previous);
            set.Run();
        }
    }
    const std::string now = UtcNowIso();
    for (const std::string& id : unrecorded)
        AppendAudit(db, {now, "kiosk", "submission", id + " stored before the audit chain (schema 3)", id, hashes.at(id)});
    for (const Guard& guard : kGuards)
        if (guard.since <= 3) db.Exec(GuardSql(guard, 3), context);
}

ChainReport VerifyAuditChain(Connection& db, const std::optional<ChainHead>& expected) {
    const char* context = "checking the audit chain";
    ChainReport report;
    ReadSnapshot snapshot(db, context);
    auto problem = [&](ChainProblemKind kind, int64_t row, std::string what) {
        report.problems.push_back({kind, row, std::move(what)});
    };

    std::map<std::string, std::string> triggers;
    {
        Statement s(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", context);
        while (s.Step()) triggers[s.Text(0)] = s.IsNull(1) ? std::string() : s.Text(1);
    }
    for (const Guard& guard : kGuards) {
        auto found = triggers.find(guard.name);
        if (found == triggers.end())
            problem(ChainProblemKind::TriggerChanged, 0, std::string("trigger ") + guard.name + " was dropped");
        else if (found->second != guard.sql)
            problem(ChainProblemKind::TriggerChanged, 0, std::string("trigger ") + guard.name + " is not the kiosk's (its SQL was changed)");
    }

    // Results a purge deleted: each names the purge's audit row, which holds the hash of every id
    // purged under it. A row that is not a purge's, or whose hash no longer matches (an id added by
    // hand to let a DELETE through), covers none of them.
    std::map<std::string, int64_t> purged;
    std::map<int64_t, std::vector<std::string>> purged_by_row;
    {
        Statement s(db, "SELECT submission_id, audit_id FROM purged", context);
        while (s.Step()) {
            purged[s.Text(0)] = s.Int(1);
            purged_by_row[s.Int(1)].push_back(s.Text(0));
        }
    }
    std::set<int64_t> purges_that_hold;

    std::map<std::string, std::string> submissions = SubmissionHashes(db, context);
    report.submissions = static_cast<int64_t>(submissions.size());
    std::set<std::string> recorded;
    struct Read {
        int64_t id;
        AuditRow row;
        std::string hash;
    };
    std::vector<Read> rows;
    {
        Statement s(db, kSelectRows, context);
        while (s.Step()) rows.push_back({s.Int(0), ReadRow(s), s.IsNull(7) ? std::string() : s.Text(7)});
    }
    report.rows = static_cast<int64_t>(rows.size());
    std::vector<ChainProblem> purge_problems;  // reported after the rows, in the order of the purges
    {
        std::map<int64_t, const AuditRow*> purge_rows;
        for (const Read& r : rows)
            if (r.row.action == "purge") purge_rows[r.id] = &r.row;
        for (const auto& [row_id, ids] : purged_by_row)
            if (!purge_rows.count(row_id))
                purge_problems.push_back({ChainProblemKind::PurgeChanged, row_id,
                                          Id(static_cast<int64_t>(ids.size())) + " purged results name audit row " + Id(row_id) +
                                              ", which is not a purge: they were added to the purged table by hand"});
        for (const auto& [row_id, row] : purge_rows) {
            auto ids = purged_by_row.find(row_id);
            if (PurgedIdsHash(ids == purged_by_row.end() ? std::vector<std::string>{} : ids->second) == PurgeDetailHash(row->detail))
                purges_that_hold.insert(row_id);
            else
                purge_problems.push_back({ChainProblemKind::PurgeChanged, row_id,
                                          "the results purged under audit row " + Id(row_id) +
                                              " no longer give the hash it recorded: the purged table was changed by hand"});
        }
    }
    // A submission is compared with the last row that recorded it: sealing a row stored in clear
    // records its new hash in a row of its own ("sealed").
    std::map<std::string, int64_t> last_record;
    for (const Read& r : rows)
        if (r.row.submission_id) last_record[*r.row.submission_id] = r.id;
    std::string previous;
    int64_t previous_id = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        const Read& r = rows[i];
        const std::string at = "audit row " + Id(r.id);
        bool gap = r.id != previous_id + 1;
        if (gap)
            problem(ChainProblemKind::Deleted, r.id,
                    r.id == previous_id + 2 ? "audit row " + Id(previous_id + 1) + " was deleted (a gap before row " + Id(r.id) + ")"
                                            : "audit rows " + Id(previous_id + 1) + " to " + Id(r.id - 1) + " were deleted (a gap before row " +
                                                  Id(r.id) + ")");
        if (!IsHashHex(r.hash)) {
            problem(ChainProblemKind::Inserted, r.id, at + " has no chain hash: it was inserted outside the kiosk");
        } else if (r.hash != AuditRowHash(previous, r.id, r.row) && !gap) {
            // The next row still follows this row's stored hash: this row's content changed since.
            bool next_follows = i + 1 < rows.size() && rows[i + 1].id == r.id + 1 &&
                                rows[i + 1].hash == AuditRowHash(r.hash, rows[i + 1].id, rows[i + 1].row);
            if (next_follows)
                problem(ChainProblemKind::Edited, r.id, at + " was edited: its content no longer gives its hash");
            else
                problem(ChainProblemKind::Inserted, r.id, at + " does not follow from the row before: inserted or edited outside the kiosk");
        }
        if (r.row.submission_id) {
            const std::string& sid = *r.row.submission_id;
            recorded.insert(sid);
            auto found = submissions.find(sid);
            if (found == submissions.end()) {
                auto purge = purged.find(sid);
                const bool purged_since = purge != purged.end() && purge->second > r.id && purges_that_hold.count(purge->second);
                if (last_record[sid] == r.id && !purged_since)
                    problem(ChainProblemKind::SubmissionMissing, r.id, "submission " + sid + ", recorded in " + at + ", was deleted");
            } else if (last_record[sid] != r.id) {
                // superseded by a later row (sealed since)
            } else if (!r.row.submission_hash || found->second != *r.row.submission_hash)
                problem(ChainProblemKind::SubmissionChanged, r.id,
                        "submission " + sid + " was changed after " + at + " recorded it (answers, decision or outcome)");
        }
        previous = r.hash;
        previous_id = r.id;
    }
    for (ChainProblem& p : purge_problems) report.problems.push_back(std::move(p));
    for (const auto& [sid, hash] : submissions)
        if (!recorded.count(sid))
            problem(ChainProblemKind::SubmissionExtra, 0, "submission " + sid + " is in no audit row: it was inserted outside the kiosk");
    if (!rows.empty()) report.head = {rows.back().id, rows.back().hash};
    if (expected && expected->id > 0) {
        bool held = false;
        for (const Read& r : rows)
            if (r.id == expected->id) held = r.hash == expected->hash;
        if (!held)
            problem(ChainProblemKind::HeadMissing, expected->id,
                    "the head written down earlier (" + FormatChainHead(*expected) +
                        ") is no longer in the chain: the log was rewritten or cut short");
    }
    return report;
}

const char* ChainProblemKindName(ChainProblemKind kind) {
    switch (kind) {
        case ChainProblemKind::TriggerChanged: return "trigger dropped or changed";
        case ChainProblemKind::Deleted: return "deleted";
        case ChainProblemKind::Edited: return "edited";
        case ChainProblemKind::Inserted: return "inserted";
        case ChainProblemKind::SubmissionChanged: return "submission changed";
        case ChainProblemKind::SubmissionMissing: return "submission missing";
        case ChainProblemKind::SubmissionExtra: return "submission extra";
        case ChainProblemKind::HeadMissing: return "head missing";
        case ChainProblemKind::PurgeChanged: return "purge record changed";
    }
    return "broken";
}

std::string FormatChainHead(const ChainHead& head) { return Id(head.id) + ":" + head.hash; }

std::optional<ChainHead> ParseChainHead(std::string_view text) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    ChainHead head;
    for (char c : text.substr(0, colon)) {
        if (c < '0' || c > '9' || head.id > (INT64_MAX - 9) / 10) return std::nullopt;
        head.id = head.id * 10 + (c - '0');
    }
    head.hash = std::string(text.substr(colon + 1));
    if (head.id == 0 || !IsHashHex(head.hash)) return std::nullopt;
    return head;
}

}  // namespace kiosk::store
