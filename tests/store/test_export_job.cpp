// An export as the staff screen asks for it from code: selected, written, audited as the staff
// member, marked exported; a file that cannot be written changes nothing in the database.
#include <doctest/doctest.h>

#include "../support.h"

#include <filesystem>

#include "rules/loader.h"
#include "store/export_job.h"

namespace fs = std::filesystem;

TEST_CASE("ExportResults: written, audited as the staff member, marked exported, a failed write marks nothing") {
    test_support::TempDir temp("kiosk-export-job");
    const fs::path& dir = temp.path;
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    REQUIRE(loaded.screening);
    auto store = test_support::OpenStore({(dir / "clinic.db").string()});
    kiosk::store::SubmissionRecord r;
    r.kiosk_id = "k";
    r.screening_id = loaded.screening->id;
    r.screening_version = loaded.screening->version;
    r.screening_hash = loaded.screening->content_hash;
    r.language = "en";
    r.started_at = r.submitted_at = "2026-06-15T09:00:00.000Z";
    r.answers_json = R"({"consent_data":"yes","pain_area":"knee"})";
    r.decision_json = R"({"outcome":"CLINICIAN_REVIEW","reasons":[],"notes":[],"undetermined":[],"tracks":{}})";
    r.outcome = "CLINICIAN_REVIEW";
    REQUIRE(store->Submit(r, "kiosk").ok());
    // Exporting is an administrator's: the actor below is a signed-in account of that role.
    REQUIRE(store->AddStaff({"Ana", kiosk::store::Role::Admin, "48291564"}, "cli").ok());

    kiosk::store::ExportRequest failing;
    failing.path = (dir / "no-such-folder" / "out.csv").string();
    failing.mark_exported = true;
    failing.actor = "staff:Ana";  // an administrator: a plain export (no passphrase) is allowed
    failing.require_removable = false;  // a temporary folder, not a stick
    auto failed = kiosk::store::ExportResults(*store, *loaded.screening, failing);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error->kind == kiosk::store::DbErrorKind::Io);
    CHECK(store->Submissions(kiosk::store::SubmissionStatus::Pending).value->size() == 1);  // nothing marked

    kiosk::store::ExportRequest request = failing;
    request.path = (dir / "out.json").string();
    request.format = kiosk::store::ExportFormat::Fhir;
    request.status = kiosk::store::SubmissionStatus::Pending;
    auto done = kiosk::store::ExportResults(*store, *loaded.screening, request);
    REQUIRE_MESSAGE(done.ok(), done.error->Describe());
    CHECK(done.value->count == 1);
    CHECK(fs::file_size(request.path) > 100);
    CHECK(store->Submissions(kiosk::store::SubmissionStatus::Exported).value->size() == 1);
    auto recent = store->RecentAudit(2);
    CHECK((*recent.value)[0].actor == "staff:Ana");
    CHECK((*recent.value)[0].action == "export");
    CHECK((*recent.value)[1].action == "export failed");
    // A role that may not export: refused and audited before any row is read: no file, nothing marked.
    REQUIRE(store->AddStaff({"Flo", kiosk::store::Role::FrontDesk, "60481764"}, "cli").ok());
    request.actor = "staff:Flo";
    request.path = (dir / "refused.json").string();
    request.status = std::nullopt;
    auto refused = kiosk::store::ExportResults(*store, *loaded.screening, request);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error->kind == kiosk::store::DbErrorKind::Refused);
    CHECK_FALSE(fs::exists(request.path));
    CHECK(store->RecentAudit(1).value->front().action == "refused");
    request.mark_exported = false;  // refused without marking as well
    refused = kiosk::store::ExportResults(*store, *loaded.screening, request);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error->kind == kiosk::store::DbErrorKind::Refused);
    CHECK(refused.error->Describe().find("a front desk may not export results") != std::string::npos);
    CHECK_FALSE(fs::exists(request.path));
    CHECK(store->RecentAudit(1).value->front().action == "refused");
}
