// The command line as staff and IT use it: check, test, evaluate, exit codes and messages.
#include <doctest/doctest.h>

#include "../support.h"
#include "run_kiosk.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "rules/sha256.h"

namespace {

using test_support::Kiosk;
using test_support::Run;

const std::string kDefault = std::string(KIOSK_SOURCE_DIR) + "/assets/screenings/default.toml";

using test_support::TempDir;

using test_support::ReadFile;

const char* const kV3Answers = R"({
  "consent_data": "yes", "dob": "1968-01-10", "sex_at_birth": "male", "pain_area": "knee", "pain_side": "left",
  "diagnosis": "arthritis", "oa_severity": "moderate", "pain_duration": "gt_1y", "pain_score": 7,
  "treatments_tried": ["pt", "meds", "steroid_shot"], "last_steroid_shot": "gt_3m", "lasting_relief": "short",
  "prior_surgery": "no", "replacement_plan": "recommended", "imaging": "yes_12m", "hot_joint": "no",
  "infection_now": "no", "fever_7d": "no", "skin_problem": ["none"], "blood_conditions": ["none"],
  "bleeding_history": "no", "cancer": "no", "other_conditions": ["none"], "medications": ["nsaid"],
  "allergies": ["none"], "tobacco": "former", "height": {"value": 69, "unit": "in"}, "weight": {"value": 180, "unit": "lb"},
  "harvest_site_history": ["none"], "interest": "advice"
})";

}  // namespace

TEST_CASE("kiosk check: a valid file exits 0, a broken one exits 1 with file:line:col diagnostics") {
    Run ok = Kiosk({"check", kDefault});
    CHECK(ok.code == kiosk::kExitOk);
    CHECK(ok.out.find(": ok: regen-ortho-default") != std::string::npos);

    TempDir dir;
    std::string broken = dir.Write("broken.toml", ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/minimal.toml") +
                                                      "\n[[rules]]\nid = \"bad\"\nwhen = \"area = kneee\"\nlevel = \"note\"\nstaff_text = \"x\"\n");
    Run bad = Kiosk({"check", kDefault, broken});
    CHECK(bad.code == kiosk::kExitInvalid);
    CHECK(bad.err.find("broken.toml:119:16: error: 'kneee' is not an option of 'area'") != std::string::npos);
    CHECK(bad.out.find("invalid (1 error") != std::string::npos);

    Run missing = Kiosk({"check", (dir.path / "nope.toml").string()});
    CHECK(missing.code == kiosk::kExitInvalid);
    CHECK(missing.err.find("cannot open the file") != std::string::npos);
}

TEST_CASE("kiosk check: a limit of nan or inf, or a max_length of 1e300, is refused at its place, not a check switched off") {
    const std::string broken = std::string(KIOSK_SOURCE_DIR) + "/tests/rules/broken/";
    struct Row {
        const char* file;
        const char* message;
    };
    const Row rows[] = {
        {"42-number-min-nan.toml", "42-number-min-nan.toml:46:7: error: 'min' in question 'weight' is nan"},
        {"43-number-limits-infinite.toml", "43-number-limits-infinite.toml:48:7: error: 'max' in question 'weight' is inf"},
        {"44-text-max-length-huge.toml", "44-text-max-length-huge.toml:56:14: error: 'max_length' in question 'other' is 1e+300"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.file);
        Run r = Kiosk({"check", broken + row.file});
        CHECK(r.code == kiosk::kExitInvalid);
        CHECK(r.err.find(row.message) != std::string::npos);
    }
}

TEST_CASE("kiosk test: counts, names each failure with expected against actual, fails on unfired rules") {
    Run ok = Kiosk({"test", kDefault});
    CHECK(ok.code == kiosk::kExitOk);
    CHECK(ok.out.find(" passed, 0 failed\n") != std::string::npos);
    CHECK(ok.out.find("rules fired in at least one case") != std::string::npos);

    TempDir dir;
    std::string text = ReadFile(std::string(KIOSK_SOURCE_DIR) + "/tests/rules/data/minimal.toml");
    std::string wrong = text;
    wrong.replace(wrong.find("expect.outcome = \"STOP\""), 23, "expect.outcome = \"REVIEW\"");
    Run failing = Kiosk({"test", dir.Write("wrong.toml", wrong)});
    CHECK(failing.code == kiosk::kExitInvalid);
    CHECK(failing.out.find("case 'adult on a thinner' FAILED") != std::string::npos);
    CHECK(failing.out.find("outcome: expected REVIEW, got STOP") != std::string::npos);
    CHECK(failing.out.find("1 passed, 1 failed") != std::string::npos);

    std::string unfired = text + "\n[[rules]]\nid = \"never\"\nwhen = \"area = knee and back in meds\"\nlevel = \"note\"\nstaff_text = \"x\"\n";
    unfired.replace(unfired.find("back in meds"), 12, "thinner in meds");
    Run uncovered = Kiosk({"test", dir.Write("unfired.toml", unfired)});
    CHECK(uncovered.code == kiosk::kExitInvalid);
    CHECK(uncovered.out.find("rule 'never' is fired by no case") != std::string::npos);
}

TEST_CASE("kiosk evaluate: the decision as JSON, explained and traceable to the screening file") {
    TempDir dir;
    std::string answers = dir.Write("v3.json", kV3Answers);
    Run r = Kiosk({"evaluate", kDefault, "--answers", answers, "--today", "2026-06-15"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["outcome"] == "LIKELY_CANDIDATE_MSC");
    CHECK(j["screening"]["id"] == "regen-ortho-default");
    CHECK(j["screening"]["version"] == "1.0.0");
    CHECK(j["screening"]["content_hash"] == rules::Sha256Hex(ReadFile(kDefault)));
    CHECK(j["tracks"] == nlohmann::json{{"PRP", "note"}, {"BMAC", "note"}, {"ADIPOSE", "ok"}});
    std::vector<std::string> notes;
    for (const auto& n : j["notes"]) notes.push_back(n["reason"]);
    CHECK(notes == std::vector<std::string>{"R-NSAID-PREP", "IND-OA-MSC"});
    REQUIRE(j["reasons"].size() == 1);
    CHECK(j["reasons"][0]["id"] == "D-5");
    CHECK_FALSE(j["reasons"][0]["staff_text"].get<std::string>().empty());
    CHECK(j["notes"][0]["sources"].size() > 0);
    CHECK(j["undetermined"].empty());
    CHECK(j["patient_message"].get<std::string>().find("Thank you") != std::string::npos);

    Run es = Kiosk({"evaluate", kDefault, "--answers", answers, "--today", "2026-06-15", "--language", "es"});
    REQUIRE(es.code == kiosk::kExitOk);
    nlohmann::json je = nlohmann::json::parse(es.out);
    CHECK(je["language"] == "es");
    CHECK(je["patient_message"].get<std::string>().find("Gracias") != std::string::npos);
}

TEST_CASE("kiosk evaluate: undetermined rules name the answers they lacked") {
    TempDir dir;
    nlohmann::json a = nlohmann::json::parse(kV3Answers);
    a["cancer"] = "not_sure";
    a.erase("infection_now");
    Run r = Kiosk({"evaluate", kDefault, "--answers", dir.Write("a.json", a.dump()), "--today", "2026-06-15"});
    REQUIRE_MESSAGE(r.code == kiosk::kExitOk, r.err);
    nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j["outcome"] == "CLINICIAN_REVIEW");
    bool n8 = false, n1 = false;
    for (const auto& u : j["undetermined"]) {
        if (u["id"] == "N-8") n8 = u["missing"] == nlohmann::json{"cancer"};
        if (u["id"] == "N-1") n1 = u["missing"] == nlohmann::json{"infection_now"};
    }
    CHECK(n8);
    CHECK(n1);
}

TEST_CASE("kiosk evaluate: unknown ids and ill-typed values are errors naming the id, and nothing is printed") {
    TempDir dir;
    nlohmann::json a = nlohmann::json::parse(kV3Answers);
    a["pain_areaa"] = "knee";
    a["pain_score"] = "seven";
    a["treatments_tried"] = {"pt", "none"};
    a["dob"] = "2030-01-01";
    Run r = Kiosk({"evaluate", kDefault, "--answers", dir.Write("bad.json", a.dump()), "--today", "2026-06-15"});
    CHECK(r.code == kiosk::kExitInvalid);
    CHECK(r.out.empty());
    CHECK(r.err.find("'pain_areaa' is not a question") != std::string::npos);
    CHECK(r.err.find("'pain_score' expects a number") != std::string::npos);
    CHECK(r.err.find("'treatments_tried' combines an option that excludes the others") != std::string::npos);
    CHECK(r.err.find("'dob' 2030-01-01 is in the future") != std::string::npos);

    Run syntax = Kiosk({"evaluate", kDefault, "--answers", dir.Write("syntax.json", "{\"dob\": "), "--today", "2026-06-15"});
    CHECK(syntax.code == kiosk::kExitInvalid);
    CHECK(syntax.err.find("not valid JSON") != std::string::npos);
}

TEST_CASE("kiosk evaluate and submit: a number too large for a double (1e400) is an error naming the id, exit 1") {
    TempDir dir;
    std::string text = nlohmann::json::parse(kV3Answers).dump();
    const std::string weight = R"("weight":{"unit":"lb","value":180})";
    REQUIRE(text.find(weight) != std::string::npos);
    text.replace(text.find(weight), weight.size(), R"("weight":1e400)");
    const std::string answers = dir.Write("overflow.json", text);
    Run evaluate = Kiosk({"evaluate", kDefault, "--answers", answers, "--today", "2026-06-15"});
    CHECK(evaluate.code == kiosk::kExitInvalid);
    CHECK(evaluate.out.empty());
    CHECK(evaluate.err.find("'weight' has a number that cannot be read") != std::string::npos);
    CHECK(evaluate.err.find("internal error") == std::string::npos);
    Run submit = Kiosk({"submit", "--answers", answers, "--today", "2026-06-15", "--db", dir.File("clinic.db")});
    CHECK(submit.code == kiosk::kExitInvalid);
    CHECK(submit.out.empty());
    CHECK(submit.err.find("'weight' has a number that cannot be read") != std::string::npos);
}

TEST_CASE("usage: help exits 0, wrong usage exits 2 with the usage text") {
    CHECK(Kiosk({"--help"}).code == kiosk::kExitOk);
    for (const char* command : {"check", "test", "evaluate"}) {
        CAPTURE(command);
        Run help = Kiosk({command, "--help"});
        CHECK(help.code == kiosk::kExitOk);
        CHECK(help.out.find(std::string("Usage: kiosk ") + command) != std::string::npos);
    }
    CHECK(Kiosk({"frobnicate"}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"check"}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"evaluate", kDefault}).code == kiosk::kExitUsage);
    CHECK(Kiosk({"evaluate", kDefault, "--answers", "x.json", "--today", "15/06/2026"}).code == kiosk::kExitUsage);
}
