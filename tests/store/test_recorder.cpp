// The session and the clinic database together: the spec's vignettes, answered through the session,
// are found stored with the right outcome and reasons; a red flag is stored before the patient goes
// on; a failed write keeps every answer for a retry; resets are counted without patient data.
#include <doctest/doctest.h>

#include "../support.h"

#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/decision_json.h"
#include "store/recorder.h"
#include "../core/session_driver.h"
#include "store/sqlite.h"

namespace fs = std::filesystem;
using namespace session_driver;

namespace {

struct Db {
    test_support::TempDir dir;
    std::string path = dir.File("clinic.db");
    std::unique_ptr<kiosk::store::Store> store = test_support::OpenStore({path, 100});
};

const rules::Answers& CaseAnswers(const std::string& prefix) {
    for (const rules::TestCase& c : Default().cases)
        if (c.name.rfind(prefix + " ", 0) == 0) return Default().case_answers[c.answers];
    FAIL("no case " << prefix);
    return Default().case_answers.front();
}

const rules::TestCase& CaseNamed(const std::string& prefix) {
    for (const rules::TestCase& c : Default().cases)
        if (c.name.rfind(prefix + " ", 0) == 0) return c;
    FAIL("no case " << prefix);
    return Default().cases.front();
}

// The codes a stored decision names, as staff see them: what a case's expect.reasons lists.
std::vector<std::string> StoredReasons(const std::string& decision_json) { return kiosk::ReadDecision(decision_json).ReasonCodes(); }

}  // namespace

TEST_CASE("every spec vignette answered through the session is stored with the right outcome and reasons") {
    for (const char* name : {"V1", "V2", "V3", "V5", "V6", "V8", "V10", "V11", "V12", "V13"}) {
        CAPTURE(name);
        Db db;
        Kiosk k;
        kiosk::Recorder recorder(Default(), *db.store, "kiosk-1");
        Drive(k, CaseAnswers(name), 0, [&] { REQUIRE_FALSE(recorder.Drain(k.session)); });
        auto saved = recorder.Submit(k.session);
        REQUIRE_MESSAGE(saved.ok(), saved.error->Describe());
        CHECK(k.session.State() == SessionState::Done);  // thanked only now, after the commit

        auto rows = db.store->Submissions(std::nullopt);
        REQUIRE(rows.value->size() == 1);
        const auto& row = rows.value->front();
        CHECK(row.id == *saved.value);
        const rules::TestCase& c = CaseNamed(name);
        CHECK(row.record.outcome.value_or("none") == Default().outcomes[c.expect.outcome].id);
        CHECK(StoredReasons(row.record.decision_json) == c.expect.reasons);
        CHECK(row.record.screening_hash == Default().content_hash);
        CHECK(row.record.started_at == "2026-06-15T09:00:00.000Z");
        nlohmann::json answers = nlohmann::json::parse(row.record.answers_json);
        if (std::string(name) == "V2") CHECK(answers.size() == 2);  // only consent and date of birth
    }
}

TEST_CASE("a red flag is stored the moment it fires, before the patient goes on or submits") {
    Db db;
    Kiosk k;
    kiosk::Recorder recorder(Default(), *db.store, "kiosk-1");
    bool alert_seen_before_submit = false;
    Drive(k, CaseAnswers("V11"), 0, [&] {
        REQUIRE_FALSE(recorder.Drain(k.session));
        if (!db.store->OpenAlerts().value->empty()) alert_seen_before_submit = true;
    });
    CHECK(alert_seen_before_submit);
    auto alerts = db.store->OpenAlerts();
    REQUIRE(alerts.value->size() == 1);
    CHECK((*alerts.value)[0].rule_id == "U2");
    CHECK((*alerts.value)[0].reason == "R-RF-SPINE");
    CHECK((*alerts.value)[0].session_id == "kiosk-1@2026-06-15T09:00:00.000Z");
    REQUIRE(recorder.Submit(k.session).ok());
    CHECK(db.store->AcknowledgeAlert((*alerts.value)[0].id, "Ana").value == true);
    CHECK(db.store->OpenAlerts().value->empty());
}

TEST_CASE("a locked database at submit: the patient is not thanked, every answer is kept, and a retry stores it") {
    Db db;
    Kiosk k;
    kiosk::Recorder recorder(Default(), *db.store, "kiosk-1");
    Drive(k, CaseAnswers("V3"), 0, [&] { REQUIRE_FALSE(recorder.Drain(k.session)); });
    {
        kiosk::store::Connection other(db.path, false);
        other.Exec("BEGIN EXCLUSIVE", "test");
        auto failed = recorder.Submit(k.session);
        REQUIRE_FALSE(failed.ok());
        CHECK(failed.error->kind == kiosk::store::DbErrorKind::Busy);
        CHECK(k.session.State() == SessionState::Review);
        CHECK(k.session.View().submit_failed);
        other.Exec("COMMIT", "test");
    }
    auto retried = recorder.Submit(k.session);
    REQUIRE(retried.ok());
    auto rows = db.store->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    CHECK(rows.value->front().record.outcome == "LIKELY_CANDIDATE_MSC");
}

TEST_CASE("consent declined stores nothing, a staff reset and an idle wipe are counted without patient data") {
    Db db;
    Kiosk k;
    kiosk::Recorder recorder(Default(), *db.store, "kiosk-1");
    REQUIRE(k.session.ChooseLanguage(0));
    k.Say(std::string("no"));
    auto declined = recorder.Submit(k.session);
    REQUIRE(declined.ok());
    CHECK(declined.value->empty());
    CHECK(db.store->Submissions(std::nullopt).value->empty());

    REQUIRE(k.session.Finish());
    REQUIRE(k.session.ChooseLanguage(1));
    k.Say(std::string("yes"));
    k.session.StaffReset();
    REQUIRE_FALSE(recorder.Drain(k.session));
    REQUIRE(k.session.ChooseLanguage(0));
    k.clock.Advance(121s);
    k.session.Tick();
    REQUIRE_FALSE(recorder.Drain(k.session));
    CHECK(*db.store->AbandonedOn("2026-06-15").value == 2);
    auto audit = db.store->RecentAudit(10);
    int resets = 0;
    for (const auto& row : *audit.value)
        if (row.action == "session reset") {
            ++resets;
            CHECK(row.detail.find("yes") == std::string::npos);  // no answer in the log
        }
    CHECK(resets == 2);
}
