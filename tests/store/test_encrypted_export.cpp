// Exports sealed to a passphrase: each format comes back byte for byte; a wrong passphrase, a
// flipped byte, a file cut short anywhere and a header asking for absurd memory give a clear
// error and no plain text; the sealed file holds none of the patients' answers.
#include <doctest/doctest.h>

#include "../support.h"

#include <filesystem>

#include "rules/loader.h"
#include "store/export.h"
#include "store/export/encrypted_file.h"
#include "store/export_job.h"

namespace fs = std::filesystem;
namespace store = kiosk::store;

namespace {

// The cheapest cost a reader accepts: the format is the same, the tests are fast.
constexpr store::ExportKdfCost kQuick{1, 8ull << 20};
constexpr const char* kPassphrase = "correct horse battery staple";

// A patient's answer no other text in an export holds (a date of birth), to search the sealed bytes for.
constexpr const char* kDistinctAnswer = "1937-02-11";

std::unique_ptr<rules::Screening> DefaultScreening() {
    rules::LoadResult loaded = rules::LoadScreeningFile(std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml");
    REQUIRE(loaded.screening);
    return std::move(loaded.screening);
}

store::StoredSubmission Submission(const rules::Screening& s, const std::string& id) {
    store::StoredSubmission row;
    row.id = id;
    row.record.kiosk_id = "k";
    row.record.screening_id = s.id;
    row.record.screening_version = s.version;
    row.record.screening_hash = s.content_hash;
    row.record.language = "en";
    row.record.started_at = row.record.submitted_at = "2026-06-15T09:00:00.000Z";
    row.record.answers_json = std::string(R"({"consent_data":"yes","pain_area":"knee","dob":")") + kDistinctAnswer + "\"}";
    row.record.decision_json = R"({"outcome":"CLINICIAN_REVIEW","reasons":[],"notes":[],"undetermined":[],"tracks":{}})";
    row.record.outcome = "CLINICIAN_REVIEW";
    return row;
}

}  // namespace

TEST_CASE("EncryptExport and DecryptExport give back CSV, JSON Lines and FHIR byte for byte, and hide the answers") {
    auto screening = DefaultScreening();
    std::vector<store::StoredSubmission> rows{Submission(*screening, "a1"), Submission(*screening, "b2")};
    const std::pair<const char*, std::string> formats[] = {
        {"csv", store::ExportCsv(*screening, rows, 0)},
        {"jsonl", store::ExportJsonl(rows)},
        {"fhir", store::ExportFhirBundleText(*screening, rows)},
    };
    for (const auto& [name, plain] : formats) {
        CAPTURE(name);
        REQUIRE(plain.find(kDistinctAnswer) != std::string::npos);  // the answer is in the plain export...
        const std::string sealed = store::EncryptExport(plain, kPassphrase, kQuick);
        CHECK(sealed.rfind("KIOSK-EXPORT-1\n", 0) == 0);
        CHECK(sealed.find(kDistinctAnswer) == std::string::npos);  // ...and nowhere in the sealed one
        CHECK(sealed.find("knee") == std::string::npos);
        store::Decrypted opened = store::DecryptExport(sealed, kPassphrase);
        REQUIRE_MESSAGE(opened.ok(), opened.message);
        CHECK(*opened.plain == plain);
        // A fresh salt and stream header each time: the same export never seals to the same bytes.
        CHECK(store::EncryptExport(plain, kPassphrase, kQuick) != sealed);
    }
}

TEST_CASE("An empty export, one of exactly one chunk and one of several chunks round-trip") {
    for (size_t size : {size_t(0), size_t(1), store::kExportChunkBytes - 1, store::kExportChunkBytes, store::kExportChunkBytes + 1,
                        3 * store::kExportChunkBytes + 17}) {
        CAPTURE(size);
        std::string plain(size, '\0');
        for (size_t i = 0; i < size; ++i) plain[i] = static_cast<char>('a' + i % 26);
        store::Decrypted opened = store::DecryptExport(store::EncryptExport(plain, kPassphrase, kQuick), kPassphrase);
        REQUIRE_MESSAGE(opened.ok(), opened.message);
        CHECK(*opened.plain == plain);
    }
}

TEST_CASE("The default cost is Argon2id with 3 passes over 256 MiB, written in the header") {
    const std::string sealed = store::EncryptExport("id,outcome\r\n", kPassphrase);
    const std::string header = sealed.substr(15, 16);
    CHECK(header == std::string("\0\0\0\0\0\0\0\x03\0\0\0\0\x10\0\0\0", 16));
    store::Decrypted opened = store::DecryptExport(sealed, kPassphrase);
    REQUIRE_MESSAGE(opened.ok(), opened.message);
    CHECK(*opened.plain == "id,outcome\r\n");
}

TEST_CASE("A wrong passphrase, a flipped byte, a cut file, a foreign file and a crafted cost give clear errors and no plain text") {
    std::string plain(2 * store::kExportChunkBytes + 1000, 'x');
    const std::string sealed = store::EncryptExport(plain, kPassphrase, kQuick);
    const size_t header = 15 + 8 + 8 + 16 + 24;
    const size_t chunk = store::kExportChunkBytes + 17;
    REQUIRE(sealed.size() == header + 2 * chunk + 1000 + 17);

    SUBCASE("wrong passphrase") {
        store::Decrypted opened = store::DecryptExport(sealed, "correct horse battery stapler");
        CHECK_FALSE(opened.ok());
        CHECK(opened.problem == store::DecryptProblem::WrongPassphrase);
        CHECK(opened.message == "wrong passphrase or damaged file");
    }
    SUBCASE("a flipped byte anywhere after the magic line") {
        for (size_t at : {size_t(15 + 8 + 8 + 3), header - 5, header + 10, header + chunk + 7, sealed.size() - 1}) {
            CAPTURE(at);
            std::string bad = sealed;
            bad[at] = static_cast<char>(bad[at] ^ 0x01);
            store::Decrypted opened = store::DecryptExport(bad, kPassphrase);
            CHECK_FALSE(opened.ok());
            CHECK_FALSE(opened.plain.has_value());
            CHECK((opened.problem == store::DecryptProblem::WrongPassphrase || opened.problem == store::DecryptProblem::Damaged));
        }
    }
    SUBCASE("cut short at several points") {
        for (size_t at : {size_t(0), size_t(7), size_t(15), size_t(30), header - 1, header, header + 100, header + chunk,
                          header + chunk + 1, header + 2 * chunk, sealed.size() - 1}) {
            CAPTURE(at);
            store::Decrypted opened = store::DecryptExport(std::string_view(sealed).substr(0, at), kPassphrase);
            CHECK_FALSE(opened.ok());
            CHECK_FALSE(opened.message.empty());
            CHECK(opened.problem != store::DecryptProblem::NotAnExport);
        }
        // A cut between two whole chunks: every part authenticates, and the missing end is named.
        store::Decrypted opened = store::DecryptExport(std::string_view(sealed).substr(0, header + chunk), kPassphrase);
        CHECK(opened.problem == store::DecryptProblem::Truncated);
        CHECK(opened.message.find("truncated") == 0);
        CHECK(store::DecryptExport(std::string_view(sealed).substr(0, 40), kPassphrase).problem == store::DecryptProblem::Truncated);
    }
    SUBCASE("bytes after the end") {
        store::Decrypted opened = store::DecryptExport(sealed + std::string(40, 'y'), kPassphrase);
        CHECK_FALSE(opened.ok());
        CHECK(opened.problem == store::DecryptProblem::Damaged);
    }
    SUBCASE("not an export at all") {
        store::Decrypted opened = store::DecryptExport("id,submitted_at\r\n", kPassphrase);
        CHECK(opened.problem == store::DecryptProblem::NotAnExport);
        CHECK(opened.message.find("not a kiosk export") == 0);
    }
    SUBCASE("a header asking for too much memory or too many passes is refused before any key is derived") {
        const std::pair<size_t, std::string> crafted[] = {
            {15 + 8, std::string("\x7f\xff\xff\xff\xff\xff\xff\xff", 8)},  // memlimit: 8 EiB
            {15 + 8, std::string("\0\0\0\0\x40\0\0\x01", 8)},               // just over 1 GiB
            {15 + 8, std::string("\0\0\0\0\0\x7f\xff\xff", 8)},             // under 8 MiB
            {15, std::string("\0\0\0\0\0\0\0\x0b", 8)},                     // 11 passes
            {15, std::string("\0\0\0\0\0\0\0\0", 8)},                       // none
        };
        for (const auto& [at, bytes] : crafted) {
            CAPTURE(at);
            std::string bad = sealed;
            bad.replace(at, 8, bytes);
            store::Decrypted opened = store::DecryptExport(bad, kPassphrase);
            CHECK(opened.problem == store::DecryptProblem::CostRefused);
            CHECK(opened.message.find("refused: the file's header asks for") == 0);
        }
    }
}

TEST_CASE("The passphrase rule: at least 12 characters, no space at either end, no control characters") {
    CHECK(store::PassphraseProblem("correct horse battery staple") == std::nullopt);
    CHECK(store::PassphraseProblem("twelve chars") == std::nullopt);
    CHECK(store::PassphraseProblem("ñandú ñandú ñ") == std::nullopt);  // 13 characters, 17 bytes
    CHECK(store::PassphraseProblem("eleven char").value().find("at least 12 characters") != std::string::npos);
    CHECK(store::PassphraseProblem("ñandú ñandú").value().find("at least 12 characters (this one has 11)") != std::string::npos);
    CHECK(store::PassphraseProblem("").has_value());
    CHECK(store::PassphraseProblem(" twelve chars").value().find("no space at either end") != std::string::npos);
    CHECK(store::PassphraseProblem("twelve chars ").has_value());
    CHECK(store::PassphraseProblem("twelve\tcharacters").value().find("control") != std::string::npos);
    CHECK(store::PassphraseProblem("twelve chars\xff\xfe").has_value());
    CHECK(store::PassphraseProblem(std::string(1025, 'a')).has_value());
}

TEST_CASE("ExportResults seals to the passphrase, names the file .kxp, audits encrypted or PLAIN, and only an admin may go plain") {
    test_support::TempDir temp("kiosk-sealed-export");
    auto screening = DefaultScreening();
    auto db = test_support::OpenStore({temp.File("clinic.db")});
    store::SubmissionRecord r = Submission(*screening, "").record;
    REQUIRE(db->Submit(r, "kiosk").ok());
    REQUIRE(db->AddStaff({"Ana", store::Role::Admin, "48291573"}, "cli").ok());
    REQUIRE(db->AddStaff({"Carla", store::Role::Clinician, "97531086"}, "cli").ok());

    store::ExportRequest request;
    request.format = store::ExportFormat::Jsonl;
    request.path = temp.File("out.jsonl");
    request.actor = "cli";
    request.passphrase = kPassphrase;
    request.require_removable = false;  // a temporary folder, not a stick
    auto done = store::ExportResults(*db, *screening, request);
    REQUIRE_MESSAGE(done.ok(), done.error->Describe());
    CHECK(done.value->path == temp.File("out.jsonl.kxp"));
    CHECK(done.value->encrypted);
    CHECK_FALSE(fs::exists(temp.File("out.jsonl")));
    const std::string sealed = test_support::ReadFile(done.value->path);
    CHECK(sealed.find(kDistinctAnswer) == std::string::npos);
    store::Decrypted opened = store::DecryptExport(sealed, kPassphrase);
    REQUIRE(opened.ok());
    CHECK(opened.plain->find(kDistinctAnswer) != std::string::npos);
    auto last = db->RecentAudit(1).value->front();
    CHECK(last.action == "export");
    CHECK(last.detail.find("jsonl to " + done.value->path) == 0);
    CHECK(last.detail.ends_with("encrypted"));

    // One sealed export above is enough: Argon2id at its real cost takes a second a time, so the
    // refusals below run in order on the same database rather than as subcases replaying it.
    {
        INFO("a passphrase the rule refuses writes nothing");
        request.passphrase = "short";
        auto refused = store::ExportResults(*db, *screening, request);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error->Describe().find("at least 12 characters") != std::string::npos);
        CHECK(fs::directory_iterator(temp.path) != fs::directory_iterator());
        int files = 0;
        for (const auto& entry : fs::directory_iterator(temp.path)) files += entry.path().string().find("out.") != std::string::npos;
        CHECK(files == 1);  // only the first export's
    }
    {
        INFO("the folder must be a removable stick unless the request says otherwise");
        request.require_removable = true;
        request.passphrase = kPassphrase;
        request.path = temp.File("stick.jsonl");
        auto refused = store::ExportResults(*db, *screening, request);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error->kind == store::DbErrorKind::Io);
        CHECK(refused.error->Describe().find("No USB stick in the export slot") != std::string::npos);
        CHECK_FALSE(fs::exists(temp.File("stick.jsonl.kxp")));
        CHECK(db->RecentAudit(1).value->front().action == "export failed");
        request.require_removable = false;
    }
    {
        INFO("plain: refused for the terminal and a clinician, audited as such; written for an admin and audited as PLAIN");
        request.passphrase.clear();
        request.path = temp.File("plain.jsonl");
        // The machine's actors pass the role table but not the plain export's own check; a
        // clinician and an unknown name are stopped by whichever check comes first.
        for (std::string actor : {"cli", "kiosk", "staff:Carla", "staff:Nobody"}) {
            CAPTURE(actor);
            request.actor = actor;
            auto refused = store::ExportResults(*db, *screening, request);
            REQUIRE_FALSE(refused.ok());
            CHECK(refused.error->kind == store::DbErrorKind::Refused);
            CHECK_FALSE(fs::exists(request.path));
            auto row = db->RecentAudit(1).value->front();
            CHECK(row.action == "refused");
            CHECK(row.actor == actor);
            if (actor == "cli" || actor == "kiosk") CHECK(row.detail.find("export jsonl PLAIN to " + request.path) == 0);
        }
        request.actor = "staff:Ana";
        auto plain = store::ExportResults(*db, *screening, request);
        REQUIRE_MESSAGE(plain.ok(), plain.error->Describe());
        CHECK_FALSE(plain.value->encrypted);
        CHECK(plain.value->path == request.path);
        CHECK(test_support::ReadFile(request.path).find(kDistinctAnswer) != std::string::npos);
        auto row = db->RecentAudit(1).value->front();
        CHECK(row.action == "export");
        CHECK(row.actor == "staff:Ana");
        CHECK(row.detail.find("PLAIN") != std::string::npos);
    }
}
