// The database commands as staff and IT use them: db check, submit (paper), queue, export, review.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/db_commands.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace {

// A scratch folder whose clinic database sits in a subfolder the commands must create.
struct Scratch : test_support::TempDir {
    std::string db = File("sub/clinic.db");
};

using test_support::Kiosk;
using test_support::Run;
using test_support::kPaperAnswers;

}  // namespace

TEST_CASE("submit stores a paper form like a kiosk submission and prints the id only after the commit") {
    Scratch s;
    std::string answers = s.Write("paper.json", kPaperAnswers);
    // A new database has no clinic key to seal to: refused, nothing stored in clear.
    Run unsealed = Kiosk({"submit", "--answers", answers, "--language", "es", "--today", "2026-06-15", "--db", s.db});
    CHECK(unsealed.code == kiosk::kExitInvalid);
    CHECK(unsealed.err.find("the clinic has no key yet") != std::string::npos);
    CHECK(Kiosk({"queue", "--all", "--db", s.db}).out.find("0 results") != std::string::npos);

    test_support::SetUpClinic(s.db);
    Run r = Kiosk({"submit", "--answers", answers, "--language", "es", "--today", "2026-06-15", "--db", s.db});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    std::string id = r.out.substr(0, r.out.find('\n'));
    CHECK(id.size() == 36);

    auto store = test_support::OpenStore({s.db});
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    const auto& row = rows.value->front();
    CHECK(row.id == id);
    CHECK(row.record.source == "paper");
    CHECK(row.record.language == "es");
    CHECK(row.record.outcome == "NOT_ELIGIBLE_TODAY");
    CHECK(row.record.decision_json.find("R-HEME-PLT") != std::string::npos);
    CHECK(row.record.answers_json.find("\"pain_side\"") != std::string::npos);

    // The outcome is in clear, the reasons sealed: listed only for an account that reads results.
    Run queue = Kiosk({"queue", "--db", s.db});
    CHECK(queue.code == kiosk::kExitOk);
    CHECK(queue.out.find("NOT_ELIGIBLE_TODAY") != std::string::npos);
    CHECK(queue.out.find("R-HEME-PLT") == std::string::npos);
    CHECK(queue.out.find("sealed") != std::string::npos);
    CHECK(queue.out.find("1 pending") != std::string::npos);
    Run read = Kiosk({"queue", "--as", test_support::kClinicAdmin, "--db", s.db}, std::string(test_support::kClinicAdminPin) + "\n");
    CHECK(read.code == kiosk::kExitOk);
    CHECK(read.out.find("R-HEME-PLT") != std::string::npos);
    Run wrong = Kiosk({"queue", "--as", test_support::kClinicAdmin, "--db", s.db}, "99999999\n");
    CHECK(wrong.code == kiosk::kExitInvalid);
    CHECK(wrong.out.find("R-HEME-PLT") == std::string::npos);
    CHECK(wrong.err.find("wrong PIN") != std::string::npos);

    Run check = Kiosk({"db", "check", "--db", s.db});
    CHECK(check.code == kiosk::kExitOk);
    CHECK(check.out.find("schema version " + std::to_string(kiosk::store::Store::kSchemaVersion) + ", integrity ok") != std::string::npos);
}

TEST_CASE("submit stores nothing for invalid answers or declined consent") {
    Scratch s;
    Run bad = Kiosk({"submit", "--answers", s.Write("bad.json", R"({"consent_data":"yes","pain_area":"elbw"})"), "--db", s.db});
    CHECK(bad.code == kiosk::kExitInvalid);
    CHECK(bad.err.find("'pain_area' has no option 'elbw'") != std::string::npos);
    CHECK(bad.err.find("nothing stored") != std::string::npos);
    Run declined = Kiosk({"submit", "--answers", s.Write("no.json", R"({"consent_data":"no"})"), "--db", s.db});
    CHECK(declined.code == kiosk::kExitOk);
    CHECK(declined.out.find("nothing is stored") != std::string::npos);
    Run queue = Kiosk({"queue", "--all", "--db", s.db});
    CHECK(queue.out.find("0 results") != std::string::npos);
}

TEST_CASE("a database the kiosk cannot use is reported with its kind, and nothing is lost") {
    Scratch s;
    fs::create_directories(fs::path(s.db).parent_path());
    s.Write("sub/clinic.db", "not a database at all, just text");
    Run r = Kiosk({"submit", "--answers", s.Write("paper.json", kPaperAnswers), "--db", s.db});
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.err.find("cannot be used (corrupt)") != std::string::npos);
    CHECK(Kiosk({"db", "check", "--db", s.db}).code == kiosk::kExitInvalid);
}

TEST_CASE("export writes a file with the results, audits it, and marks them exported when asked") {
    Scratch s;
    test_support::SetUpClinic(s.db);
    const std::string pin = std::string(test_support::kClinicAdminPin) + "\n";
    const std::string as = test_support::kClinicAdmin;
    std::string answers = s.Write("paper.json", kPaperAnswers);
    REQUIRE(Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", s.db}).code == kiosk::kExitOk);
    REQUIRE(Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", s.db}).code == kiosk::kExitOk);
    // Plain files, to read them here: the administrator's, whose PIN unlocks the sealed results.
    const std::string config = test_support::AnyFolderConfig(s);
    auto plain = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "export");
        for (const char* extra : {"--plain", "--as", as.c_str(), "--config", config.c_str(), "--db", s.db.c_str()}) args.push_back(extra);
        return Kiosk(args, pin);
    };

    std::string csv = (s.path / "out.csv").string();
    // Without --as no result is unsealed, so none is written.
    Run unsigned_export = Kiosk({"export", "--format", "csv", "--out", csv, "--db", s.db});
    CHECK(unsigned_export.code == kiosk::kExitUsage);
    CHECK(unsigned_export.err.find("export needs --as NAME") != std::string::npos);
    CHECK_FALSE(fs::exists(csv));
    Run r = plain({"--format", "csv", "--out", csv, "--status", "pending", "--mark-exported"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    CHECK(r.out.find("2 results written to " + csv + " (csv, PLAIN: not encrypted)") != std::string::npos);
    std::ifstream in(csv, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Header and two rows, each ended by CRLF (a cell's reason texts are one a line, with '\n' alone).
    size_t rows = 0;
    for (size_t at = content.find("\r\n"); at != std::string::npos; at = content.find("\r\n", at + 2)) ++rows;
    CHECK(rows == 3);
    CHECK(content.find("NOT_ELIGIBLE_TODAY") != std::string::npos);
    struct stat st{};
    REQUIRE(::stat(csv.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    CHECK(Kiosk({"queue", "--db", s.db}).out.find("0 pending") != std::string::npos);
    Run again = plain({"--format", "jsonl", "--out", (s.path / "again.jsonl").string(), "--status", "pending"});
    CHECK(again.out.find("0 results written") != std::string::npos);
    Run since = plain({"--format", "fhir", "--out", (s.path / "b.json").string(), "--since", "2999-01-01"});
    CHECK(since.out.find("0 results written") != std::string::npos);

    auto opened = kiosk::store::Store::Open({s.db});
    auto& store = std::get<std::unique_ptr<kiosk::store::Store>>(opened);
    auto recent = store->RecentAudit(10);
    int exports = 0;
    for (const auto& row : *recent.value)
        if (row.action == "export") {
            ++exports;
            CHECK(row.actor == "staff:" + as);
            CHECK(row.detail.find("PLAIN") != std::string::npos);
        }
    CHECK(exports == 3);

    Run bad = Kiosk({"export", "--format", "xls", "--out", csv, "--as", as, "--db", s.db}, pin);
    CHECK(bad.code == kiosk::kExitUsage);
    Run unwritable = plain({"--format", "csv", "--out", (s.path / "missing-folder" / "x.csv").string()});
    CHECK(unwritable.code == kiosk::kExitInvalid);
    CHECK(unwritable.err.find("not written") != std::string::npos);
}

TEST_CASE("export seals each format to the passphrase typed twice, and decrypt-export gives the file back") {
    Scratch s;
    test_support::SetUpClinic(s.db);
    const std::string typed = std::string(test_support::kClinicAdminPin) + "\n" + test_support::kPassphraseTwice;
    std::string answers = s.Write("paper.json", kPaperAnswers);
    REQUIRE(Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", s.db}).code == kiosk::kExitOk);
    REQUIRE(Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", s.db}).code == kiosk::kExitOk);
    const std::string config = test_support::AnyFolderConfig(s);
    const std::string once = std::string(test_support::kPassphrase) + "\n";
    for (const char* format : {"csv", "jsonl", "fhir"}) {
        CAPTURE(format);
        const std::string out = (s.path / (std::string("results.") + format)).string();
        Run r = Kiosk({"export", "--format", format, "--out", out, "--as", test_support::kClinicAdmin, "--config", config, "--db", s.db}, typed);
        REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
        CHECK(r.out.find("2 results written to " + out + ".kxp (" + format + ", encrypted)") != std::string::npos);
        CHECK_FALSE(fs::exists(out));
        const std::string sealed = test_support::ReadFile(out + ".kxp");
        CHECK(sealed.rfind("KIOSK-EXPORT-1\n", 0) == 0);
        CHECK(sealed.find("1968-01-10") == std::string::npos);  // the patients' date of birth
        CHECK(sealed.find("NOT_ELIGIBLE_TODAY") == std::string::npos);

        Run opened = Kiosk({"decrypt-export", out + ".kxp"}, once);
        REQUIRE_MESSAGE(opened.code == kiosk::kExitOk, opened.err);
        CHECK(opened.out.find("written to " + out) != std::string::npos);
        struct stat st{};
        REQUIRE(::stat(out.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        const std::string text = test_support::ReadFile(out);
        CHECK(text.find("1968-01-10") != std::string::npos);
        if (std::string(format) == "csv") CHECK(text.rfind("\xEF\xBB\xBFid,", 0) == 0);
        if (std::string(format) == "jsonl") CHECK(std::count(text.begin(), text.end(), '\n') == 2);
        if (std::string(format) == "fhir") CHECK(nlohmann::json::parse(text)["entry"].size() == 2);

        // An existing plain file is never overwritten; standard output takes it instead.
        Run twice = Kiosk({"decrypt-export", out + ".kxp"}, once);
        CHECK(twice.code == kiosk::kExitInvalid);
        CHECK(twice.err.find(out + " already exists") != std::string::npos);
        CHECK(test_support::ReadFile(out) == text);
        if (std::string(format) == "csv") {
            Run to_stdout = Kiosk({"decrypt-export", out + ".kxp", "--out", "-"}, once);
            REQUIRE(to_stdout.code == kiosk::kExitOk);
            CHECK(to_stdout.out == text);
        }
    }
    auto store = test_support::OpenStore({s.db});
    auto last = store->RecentAudit(1).value->front();
    CHECK(last.actor == std::string("staff:") + test_support::kClinicAdmin);
    CHECK(last.action == "export");
    CHECK(last.detail.ends_with("2 results, encrypted"));
}

TEST_CASE("decrypt-export refuses a wrong passphrase, a damaged, cut or foreign file, and writes nothing") {
    Scratch s;
    test_support::SetUpClinic(s.db);
    const std::string config = test_support::AnyFolderConfig(s);
    const std::string out = s.File("r.jsonl");
    REQUIRE(Kiosk({"export", "--format", "jsonl", "--out", out, "--as", test_support::kClinicAdmin, "--config", config, "--db", s.db},
                  std::string(test_support::kClinicAdminPin) + "\n" + test_support::kPassphraseTwice)
                .code == kiosk::kExitOk);
    const std::string sealed = test_support::ReadFile(out + ".kxp");
    struct Case {
        const char* name;
        std::string bytes;
        std::string passphrase;
        std::string says;
    };
    std::string flipped = sealed;
    flipped[flipped.size() - 3] = static_cast<char>(flipped[flipped.size() - 3] ^ 0x20);
    const Case cases[] = {
        {"wrong", sealed, "correct horse battery stapler", "wrong passphrase or damaged file"},
        {"flipped", flipped, test_support::kPassphrase, "wrong passphrase or damaged file"},
        {"cut", sealed.substr(0, 40), test_support::kPassphrase, "truncated"},
        {"foreign", "id,outcome\r\n", test_support::kPassphrase, "not a kiosk export"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const std::string file = s.Write(std::string(c.name) + ".csv.kxp", c.bytes);
        Run r = Kiosk({"decrypt-export", file}, c.passphrase + "\n");
        CHECK(r.code == kiosk::kExitInvalid);
        CHECK(r.err.find(c.says) != std::string::npos);
        CHECK(r.err.find("nothing written") != std::string::npos);
        CHECK_FALSE(fs::exists(s.File(std::string(c.name) + ".csv")));
    }
    CHECK(Kiosk({"decrypt-export", out + ".kxp"}).code == kiosk::kExitInvalid);  // no passphrase at all
    CHECK_FALSE(fs::exists(out));
    // Wrong usage: no file, two files, a file whose plain name cannot be guessed.
    CHECK(Kiosk({"decrypt-export"}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"decrypt-export", out + ".kxp", "other.kxp"}).code == kiosk::kExitUsage);
    Run unnamed = Kiosk({"decrypt-export", s.File("export.bin")});
    CHECK(unnamed.code == kiosk::kExitUsage);
    CHECK(unnamed.err.find("does not end with .kxp: say where the plain file goes with --out PATH") != std::string::npos);
}

TEST_CASE("export refuses a short passphrase, two that differ, plain without an administrator, and a folder that is no stick") {
    test_support::CleanEnvironment env;  // no kiosk.toml of the developer's: the default holds
    Scratch s;
    test_support::SetUpClinic(s.db);
    const std::string as = test_support::kClinicAdmin;
    const std::string pin = std::string(test_support::kClinicAdminPin) + "\n";
    REQUIRE(Kiosk({"submit", "--answers", s.Write("paper.json", kPaperAnswers), "--today", "2026-06-15", "--db", s.db}).code ==
            kiosk::kExitOk);
    REQUIRE(Kiosk({"staff", "add", "Carla", "--role", "clinician", "--db", s.db}, "97531086\n97531086\n").code == kiosk::kExitOk);
    const std::string config = test_support::AnyFolderConfig(s);
    const std::string out = s.File("out.csv");
    auto no_file = [&] { return !fs::exists(out) && !fs::exists(out + ".kxp"); };

    Run short_one = Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--config", config, "--db", s.db}, pin + "too short\ntoo short\n");
    CHECK(short_one.code == kiosk::kExitInvalid);
    CHECK(short_one.err.find("a passphrase has at least 12 characters") != std::string::npos);
    Run differ = Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--config", config, "--db", s.db},
                       pin + "correct horse battery staple\ncorrect horse battery stable\n");
    CHECK(differ.code == kiosk::kExitInvalid);
    CHECK(differ.err.find("the two passphrases differ; nothing written") != std::string::npos);
    Run once = Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--config", config, "--db", s.db}, pin + "correct horse battery staple\n");
    CHECK(once.code == kiosk::kExitInvalid);
    CHECK(no_file());

    Run clinician = Kiosk({"export", "--format", "csv", "--out", out, "--plain", "--as", "Carla", "--config", config, "--db", s.db},
                          "97531086\n");
    CHECK(clinician.code == kiosk::kExitInvalid);
    CHECK(clinician.err.find("kiosk export: refused: ") == 0);
    CHECK(clinician.err.find("a clinician may not export results") != std::string::npos);
    CHECK(no_file());
    CHECK(test_support::OpenStore({s.db})->RecentAudit(1).value->front().action == "refused");
    CHECK(Kiosk({"export", "--format", "csv", "--out", out, "--plain", "--db", s.db}).code == kiosk::kExitUsage);  // no --as

    // No kiosk.toml: the folder must be a removable stick, and a temporary folder is none. Said
    // before any passphrase is asked (standard input is empty here).
    Run no_stick = Kiosk({"export", "--format", "csv", "--out", out, "--as", as, "--db", s.db});
    CHECK(no_stick.code == kiosk::kExitInvalid);
    CHECK(no_stick.err.find("No USB stick in the export slot: insert one") != std::string::npos);
    CHECK(no_stick.err.find("export_requires_removable = false") != std::string::npos);
    CHECK(no_file());
    Run broken = Kiosk({"export", "--format", "csv", "--out", out, "--as", as,
                        "--config", s.Write("bad.toml", "export_requires_removable = \"no\"\n"), "--db", s.db});
    CHECK(broken.code == kiosk::kExitInvalid);
    CHECK(broken.err.find("bad.toml:1:29: 'export_requires_removable' must be true or false") != std::string::npos);
}

TEST_CASE("export-questionnaire writes the screening as a FHIR Questionnaire") {
    Scratch s;
    std::string path = (s.path / "q.json").string();
    Run r = Kiosk({"export-questionnaire", "--out", path, "--language", "es"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    std::ifstream in(path);
    nlohmann::json q = nlohmann::json::parse(in);
    CHECK(q["resourceType"] == "Questionnaire");
    CHECK(q["item"].size() == 35);
    CHECK(q["item"][1]["text"].get<std::string>().find("nacimiento") != std::string::npos);
}

TEST_CASE("review marks a result reviewed by the signed-in account, once, audited, the queue no longer lists it as pending") {
    Scratch s;
    test_support::SetUpClinic(s.db);
    REQUIRE(Kiosk({"staff", "add", "Dr Ana Ruiz", "--role", "clinician", "--db", s.db}, "73510264\n73510264\n").code == kiosk::kExitOk);
    Run submitted = Kiosk({"submit", "--answers", s.Write("paper.json", kPaperAnswers), "--today", "2026-06-15", "--db", s.db});
    REQUIRE(submitted.code == kiosk::kExitOk);
    std::string id = submitted.out.substr(0, submitted.out.find('\n'));
    Run r = Kiosk({"review", id, "--as", "Dr Ana Ruiz", "--db", s.db}, "73510264\n");
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    CHECK(Kiosk({"queue", "--db", s.db}).out.find("0 pending") != std::string::npos);
    CHECK(Kiosk({"queue", "--all", "--db", s.db}).out.find("reviewed") != std::string::npos);
    Run again = Kiosk({"review", id, "--as", "Dr Ana Ruiz", "--db", s.db}, "73510264\n");
    CHECK(again.code == kiosk::kExitInvalid);
    CHECK(again.err.find("no unreviewed result") != std::string::npos);
    CHECK(Kiosk({"review", id, "--db", s.db}).code == kiosk::kExitUsage);
    auto opened = kiosk::store::Store::Open({s.db});
    auto& store = std::get<std::unique_ptr<kiosk::store::Store>>(opened);
    // Newest first: the second review's sign-in (the review itself found nothing to mark), the two
    // listings, the review.
    auto recent = store->RecentAudit(4);
    REQUIRE(recent.value->size() == 4);
    CHECK((*recent.value)[0].action == "sign-in");
    CHECK((*recent.value)[1].action == "view queue");
    CHECK((*recent.value)[1].actor == "cli");
    CHECK((*recent.value)[1].detail == "all results");
    CHECK((*recent.value)[2].action == "view queue");
    CHECK((*recent.value)[3].actor == "staff:Dr Ana Ruiz");
    CHECK((*recent.value)[3].action == "review");
}

TEST_CASE("a configuration file sets the database, the kiosk id and the screening, a broken one is refused with its place") {
    Scratch s;
    std::string db = (s.path / "from-config.db").string();
    std::string config = s.Write("kiosk.toml", "database = \"" + db + "\"\nkiosk_id = \"front-desk-2\"\nidle_warning_seconds = 60\n");
    test_support::SetUpClinic(db);
    Run r = Kiosk({"submit", "--answers", s.Write("paper.json", kPaperAnswers), "--today", "2026-06-15", "--config", config});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    auto opened = kiosk::store::Store::Open({db});
    REQUIRE(std::holds_alternative<std::unique_ptr<kiosk::store::Store>>(opened));
    auto rows = std::get<std::unique_ptr<kiosk::store::Store>>(opened)->Submissions(std::nullopt);
    REQUIRE(rows.value->size() == 1);
    CHECK(rows.value->front().record.kiosk_id == "front-desk-2");

    std::string broken = s.Write("broken.toml", "kiosk_id = \"a\"\ndatabse = \"/tmp/x.db\"\nidle_reset_seconds = 5\n");
    Run bad = Kiosk({"queue", "--config", broken});
    CHECK(bad.code == kiosk::kExitInvalid);
    CHECK(bad.err.find("broken.toml:2:1: unknown key 'databse'") != std::string::npos);
    CHECK(bad.err.find("broken.toml:3:22: 'idle_reset_seconds' must be a whole number of seconds from 20 to 7200") != std::string::npos);
    Run missing = Kiosk({"queue", "--config", (s.path / "nope.toml").string()});
    CHECK(missing.code == kiosk::kExitInvalid);
    CHECK(missing.err.find("no such configuration file") != std::string::npos);
}
