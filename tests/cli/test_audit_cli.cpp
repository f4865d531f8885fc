// `kiosk db check` against the tampering a person with the database file can do: each edit made
// with the triggers dropped and then re-created exactly, so only the chain can tell; and a chain
// recomputed from the start, which only a head written down earlier catches.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include <functional>
#include <vector>

#include "cli/commands.h"
#include "store/audit_chain.h"
#include "store/sqlite.h"

namespace store = kiosk::store;
using test_support::Kiosk;
using test_support::Run;
using test_support::kPaperAnswers;

namespace {

// A database with rows 1 (the clinic key) and 2 (its administrator), 3 and 4 (two paper forms),
// 5 (a clinician's account added), 6 (its sign-in), 7 (its review of the first form) and 8 (the
// queue listed).
struct Clinic : test_support::TempDir {
    std::string db = File("clinic.db");
    std::vector<std::string> ids;
    Clinic() {
        test_support::SetUpClinic(db);
        std::string answers = Write("paper.json", kPaperAnswers);
        for (int i = 0; i < 2; ++i) {
            Run r = Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", db});
            REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
            ids.push_back(r.out.substr(0, r.out.find('\n')));
        }
        REQUIRE(Kiosk({"staff", "add", "Dr Ana Ruiz", "--role", "clinician", "--db", db}, "73510264\n73510264\n").code == kiosk::kExitOk);
        REQUIRE(Kiosk({"review", ids[0], "--as", "Dr Ana Ruiz", "--db", db}, "73510264\n").code == kiosk::kExitOk);
        REQUIRE(Kiosk({"queue", "--db", db}).code == kiosk::kExitOk);
    }
    Run Check(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"db", "check", "--db", db};
        args.insert(args.end(), extra.begin(), extra.end());
        return Kiosk(args);
    }
    // Drops every trigger, runs `edit`, and re-creates the triggers from their own stored SQL.
    void Tamper(const std::function<void(store::Connection&)>& edit) {
        store::Connection raw(db, false);
        std::vector<std::pair<std::string, std::string>> triggers;
        {
            store::Statement s(raw, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'", "test");
            while (s.Step()) triggers.emplace_back(s.Text(0), s.Text(1));
        }
        REQUIRE(triggers.size() == 6);
        for (const auto& [name, sql] : triggers) raw.Exec("DROP TRIGGER " + name, "tampering");
        edit(raw);
        for (const auto& [name, sql] : triggers) raw.Exec(sql, "tampering");
    }
};

void Caught(Run r, const std::string& kind, const std::string& what) {
    CAPTURE(r.out);
    CAPTURE(r.err);
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.err.find("audit chain broken (" + kind + ")") != std::string::npos);
    CHECK(r.err.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("db check: the untouched chain holds, and each tampering is caught and its first broken row named") {
    Clinic c;
    Run clean = c.Check();
    REQUIRE_MESSAGE(clean.code == kiosk::kExitOk, clean.err);
    CHECK(clean.out.find("audit chain ok: 8 rows, 2 submissions recorded") != std::string::npos);

    SUBCASE("an audit row edited") {
        c.Tamper([](store::Connection& db) { db.Exec("UPDATE audit SET actor = 'staff:Someone Else' WHERE id = 7", "t"); });
        Caught(c.Check(), "edited", "audit row 7 was edited");
    }
    SUBCASE("an audit row deleted") {
        c.Tamper([](store::Connection& db) { db.Exec("DELETE FROM audit WHERE id = 4", "t"); });
        Caught(c.Check(), "deleted", "audit row 4 was deleted (a gap before row 5)");
    }
    SUBCASE("an audit row inserted") {
        c.Tamper([](store::Connection& db) {
            db.Exec("INSERT INTO audit (at, actor, action, detail) VALUES ('2026-06-15T10:00:00.000Z', 'staff', 'lock', '')", "t");
        });
        Caught(c.Check(), "inserted", "audit row 9 has no chain hash");
    }
    SUBCASE("an outcome changed after the fact") {
        c.Tamper([&](store::Connection& db) {
            db.Exec("UPDATE submissions SET outcome = 'PRP_CANDIDATE' WHERE id = '" + c.ids[1] + "'", "t");
        });
        Caught(c.Check(), "submission changed", "submission " + c.ids[1] + " was changed after audit row 4 recorded it");
    }
    SUBCASE("a submission deleted") {
        c.Tamper([&](store::Connection& db) { db.Exec("DELETE FROM submissions WHERE id = '" + c.ids[0] + "'", "t"); });
        Caught(c.Check(), "submission missing", "submission " + c.ids[0] + ", recorded in audit row 3, was deleted");
    }
    SUBCASE("a submission inserted") {
        c.Tamper([&](store::Connection& db) {
            db.Exec("INSERT INTO submissions (id, kiosk_id, screening_id, screening_version, screening_hash, language, started_at, "
                    "submitted_at, answers, decision, outcome, source, status, reviewed_by, reviewed_at, exported_at, sealed) "
                    "SELECT 'forged', kiosk_id, screening_id, screening_version, screening_hash, language, "
                    "started_at, submitted_at, answers, decision, outcome, source, 'pending', NULL, NULL, NULL, sealed FROM submissions LIMIT 1",
                    "t");
        });
        Caught(c.Check(), "submission extra", "submission forged is in no audit row");
    }
    SUBCASE("the triggers dropped") {
        {
            store::Connection raw(c.db, false);
            raw.Exec("DROP TRIGGER audit_is_append_only_delete", "tampering");
        }
        Caught(c.Check(), "trigger dropped or changed", "trigger audit_is_append_only_delete was dropped");
    }
    SUBCASE("a trigger re-created so that it never fires") {
        {
            store::Connection raw(c.db, false);
            raw.Exec("DROP TRIGGER submission_is_kept", "tampering");
            raw.Exec("CREATE TRIGGER submission_is_kept BEFORE DELETE ON submissions WHEN 0\n"
                     "BEGIN SELECT RAISE(ABORT, 'a stored submission is never deleted'); END",
                     "tampering");
        }
        Caught(c.Check(), "trigger dropped or changed", "trigger submission_is_kept is not the kiosk's");
    }
}

TEST_CASE("db check --head prints the head, and a chain recomputed after an edit passes alone but not --expect-head") {
    Clinic c;
    Run head = c.Check({"--head"});
    REQUIRE(head.code == kiosk::kExitOk);
    size_t at = head.out.find("head 8:");
    REQUIRE(at != std::string::npos);
    const std::string written_down = head.out.substr(at + 5, head.out.find('\n', at) - at - 5);
    CHECK(written_down.size() == 2 + 64);
    // More rows later: the head written down is still in the chain.
    REQUIRE(Kiosk({"queue", "--all", "--db", c.db}).code == kiosk::kExitOk);
    CHECK(c.Check({"--expect-head", written_down}).code == kiosk::kExitOk);
    CHECK(c.Check({"--expect-head", "4:nothex"}).code == kiosk::kExitUsage);

    // The attacker edits row 7 (the review) and recomputes every hash after it with the published encoding.
    c.Tamper([](store::Connection& db) {
        db.Exec("UPDATE audit SET actor = 'staff:Someone Else' WHERE id = 7", "t");
        std::string previous;
        store::Statement rows(db, "SELECT id, at, actor, action, detail, submission_id, submission_hash FROM audit ORDER BY id", "t");
        while (rows.Step()) {
            store::AuditRow row{rows.Text(1), rows.Text(2), rows.Text(3), rows.Text(4), std::nullopt, std::nullopt};
            if (!rows.IsNull(5)) row.submission_id = rows.Text(5);
            if (!rows.IsNull(6)) row.submission_hash = rows.Text(6);
            previous = store::AuditRowHash(previous, rows.Int(0), row);
            db.Exec("UPDATE audit SET hash = '" + previous + "' WHERE id = " + std::to_string(rows.Int(0)), "t");
        }
    });
    CHECK(c.Check().code == kiosk::kExitOk);  // what the chain alone cannot see
    Caught(c.Check({"--expect-head", written_down}), "head missing", "the head written down earlier (" + written_down + ") is no longer in the chain");
}

TEST_CASE("queue and export are refused, and no file left, while the audit log cannot be written") {
    Clinic c;
    store::Connection lock(c.db, false);
    lock.Exec("BEGIN IMMEDIATE", "holding the write lock");
    Run queue = Kiosk({"queue", "--all", "--db", c.db});
    CHECK(queue.code == kiosk::kExitInvalid);
    CHECK(queue.err.find("not listed: the audit log cannot be written") != std::string::npos);
    CHECK(queue.out.find(c.ids[0]) == std::string::npos);
    const std::string out = c.File("export.csv");
    const std::string config = test_support::AnyFolderConfig(c);
    // The administrator's PIN unlocks the sealed results, then the passphrase, typed twice.
    const std::string typed = std::string(test_support::kClinicAdminPin) + "\n" + test_support::kPassphraseTwice;
    const std::string as = test_support::kClinicAdmin;
    Run exported = Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--config", config, "--db", c.db}, typed);
    CHECK(exported.code == kiosk::kExitInvalid);
    CHECK(exported.err.find("could not be recorded") != std::string::npos);  // the sign-in, before any row is read
    CHECK_FALSE(std::filesystem::exists(out + ".kxp"));
    CHECK_FALSE(std::filesystem::exists(out));
    lock.Exec("ROLLBACK", "releasing the write lock");
    CHECK(Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--config", config, "--db", c.db}, typed).code == kiosk::kExitOk);
    CHECK(std::filesystem::exists(out + ".kxp"));
}
