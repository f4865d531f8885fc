// The stored decision: every case of the default screening written as JSON and read back as a
// StoredDecision with nothing lost, decisions stored before the reasons were named "reasons", and
// stored text that is damaged or mistyped read without throwing.
#include <doctest/doctest.h>

#include "../support.h"

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/decision_json.h"
#include "core/json_scan.h"
#include "rules/cases.h"
#include "rules/decision.h"
#include "session_driver.h"
#include "store/sqlite.h"
#include "store/store.h"

using kiosk::ReadDecision;
using kiosk::StoredDecision;
using kiosk::StoredRule;
using nlohmann::json;
using session_driver::Default;

namespace {

std::string LevelName(const rules::Screening& s, int level) {
    if (level >= 0) return s.outcomes[level].id;
    if (level == rules::kLevelNote) return "note";
    if (level == rules::kLevelIndication) return "indication";
    return "tracks";
}

std::vector<std::string> Ids(const std::vector<StoredRule>& rules_read) {
    std::vector<std::string> out;
    for (const StoredRule& r : rules_read) out.push_back(r.id);
    return out;
}

// The frozen submissions, stored by the kiosk before the reasons were named "reasons".
std::vector<kiosk::store::StoredSubmission> LegacyRows(const test_support::TempDir& dir) {
    std::string path = dir.File("legacy.db");
    {
        kiosk::store::Connection db(path, true);
        db.Exec(test_support::ReadFile(KIOSK_SOURCE_DIR "/tests/store/fixtures/legacy-submissions.sql"), "loading the fixture");
    }
    auto store = test_support::OpenStore({path});
    auto rows = store->Submissions(std::nullopt);
    REQUIRE(rows.ok());
    return *rows.value;
}

}  // namespace

TEST_CASE("every case of the default screening: DecisionToJson then ReadDecision gives back the whole decision") {
    const rules::Screening& s = Default();
    const std::vector<rules::ParamValue> defaults = s.ParameterValues();
    rules::Decision d;
    int stored = 0;
    kiosk::DecisionReader reader;  // one for all: reading into reused storage gives the same
    for (const rules::TestCase& c : s.cases) {
        CAPTURE(c.name);
        std::vector<rules::ParamValue> params = defaults;
        for (const auto& [p, v] : c.parameters) params[p] = v;
        rules::Decide(s, s.case_answers[c.answers], c.today, params, d);
        const int language = stored++ % 2;  // English and Spanish texts alike
        const json written = kiosk::DecisionToJson(s, d, c.today, language);
        CHECK(written.contains("reasons"));
        CHECK_FALSE(written.contains("fired"));
        const StoredDecision read = ReadDecision(written.dump());
        CHECK(reader.Read(written.dump()) == read);

        // Nothing is lost either way: the struct is what the writer described, and writes the same JSON.
        CHECK(read == kiosk::MakeStoredDecision(s, d, c.today, language));
        CHECK(kiosk::ToJson(read) == written);

        // And it says what the decision says, field by field.
        CHECK(read.readable);
        CHECK(read.screening_id == s.id);
        CHECK(read.screening_version == s.version);
        CHECK(read.screening_hash == s.content_hash);
        CHECK(read.today == c.today);
        CHECK(read.language == s.languages[language]);
        CHECK(read.outcome == (d.outcome >= 0 ? s.outcomes[d.outcome].id : std::string()));
        if (d.outcome >= 0) CHECK(read.outcome_label == s.outcomes[d.outcome].staff_label[language]);
        CHECK(read.interrupt == d.Interrupts(s));
        CHECK(read.ended_by.has_value() == (d.ended_by >= 0));
        if (d.ended_by >= 0) CHECK(read.ended_by->rule == s.rules[d.ended_by].id);
        CHECK(read.fallback.has_value() == d.fallback);

        std::vector<std::string> fired, reasons_and_notes = Ids(read.reasons), notes = Ids(read.notes);
        for (const rules::FiredRule& f : d.fired) fired.push_back(s.rules[f.rule].id);
        reasons_and_notes.insert(reasons_and_notes.end(), notes.begin(), notes.end());
        std::sort(fired.begin(), fired.end());
        std::sort(reasons_and_notes.begin(), reasons_and_notes.end());
        CHECK(reasons_and_notes == fired);
        // A note never sets the outcome; a reason is at an outcome or track level.
        for (const StoredRule& r : read.notes) CHECK((r.level == "note" || r.level == "indication"));
        for (const StoredRule& r : read.reasons) CHECK((r.level != "note" && r.level != "indication"));
        // Levels as resolved when decided, with this case's own parameters (a case may lift a level).
        for (const rules::FiredRule& f : d.fired) {
            CAPTURE(s.rules[f.rule].id);
            const std::vector<StoredRule>& list = f.level == rules::kLevelNote || f.level == rules::kLevelIndication ? read.notes : read.reasons;
            auto found = std::find_if(list.begin(), list.end(), [&](const StoredRule& r) { return r.id == s.rules[f.rule].id; });
            REQUIRE(found != list.end());
            CHECK(found->level == LevelName(s, f.level));
            CHECK(f.level == rules::RuleLevel(s, s.rules[f.rule], params));
        }
        for (const StoredRule& r : read.reasons) {
            const rules::Rule& rule = s.rules[s.FindRule(r.id)];
            CHECK(r.reason == rule.reason);
            CHECK(r.staff_text == rule.staff_text);
            CHECK(r.sources == rule.sources);
            if (!rule.reason.empty()) CHECK(r.reason_text == rule.reason_text[language]);
        }

        REQUIRE(read.undetermined.size() == d.undetermined.size());
        for (size_t u = 0; u < d.undetermined.size(); ++u) {
            CHECK(read.undetermined[u].id == s.rules[d.undetermined[u].rule].id);
            std::vector<std::string> missing;
            for (int32_t i = 0; i < d.undetermined[u].missing_count; ++i)
                missing.push_back(s.questions[d.missing[d.undetermined[u].missing_first + i]].id);
            CHECK(read.undetermined[u].missing == missing);
            CHECK(read.undetermined[u].unknown_reasons == rules::UnknownReasonCodes(s, d, d.undetermined[u]));
        }
        REQUIRE(read.tracks.size() == s.tracks.size());
        for (size_t t = 0; t < s.tracks.size(); ++t)
            CHECK(read.TrackStatus(s.tracks[t].id) == rules::TrackStatusName(static_cast<rules::TrackStatus>(d.tracks[t])));
        std::vector<std::string> ignored;
        for (int32_t q : d.ignored) ignored.push_back(s.questions[q].id);
        CHECK(read.ignored_answers == ignored);
        // The codes read back are the engine's, the ones a case's expect.reasons is compared with.
        CHECK(read.ReasonCodes() == rules::ReasonCodes(s, d));
        if (c.expect.has_reasons && d.store) CHECK(read.ReasonCodes() == c.expect.reasons);
        // Staff never see an outcome at review or above with no reason (spec 7a.3).
        if (d.outcome >= 0 && s.outcomes[d.outcome].rank >= s.outcomes[s.review_outcome].rank) CHECK_FALSE(read.ReasonCodes().empty());
    }
    CHECK(stored > 50);
}

TEST_CASE("a decision stored before the reasons were named \"reasons\" reads its \"fired\" list as the reasons") {
    test_support::TempDir dir;
    std::vector<kiosk::store::StoredSubmission> rows = LegacyRows(dir);
    REQUIRE(rows.size() == 10);
    kiosk::DecisionReader reader;
    for (const kiosk::store::StoredSubmission& row : rows) {
        CAPTURE(row.id);
        const json raw = json::parse(row.record.decision_json);
        REQUIRE(raw.contains("fired"));
        REQUIRE_FALSE(raw.contains("reasons"));
        const StoredDecision read = ReadDecision(row.record.decision_json);
        // Old and new keys one after the other through one reader, as an export of a mixed database reads them.
        CHECK(reader.Read(row.record.decision_json) == read);
        CHECK(reader.Read(kiosk::ToJson(read).dump()) == read);
        CHECK(read.readable);
        REQUIRE(read.reasons.size() == raw["fired"].size());
        for (size_t i = 0; i < read.reasons.size(); ++i) {
            CHECK(read.reasons[i].id == raw["fired"][i]["id"]);
            CHECK(read.reasons[i].level == raw["fired"][i]["effect"]["level"]);
        }
        CHECK(read.notes.size() == raw["notes"].size());
        CHECK(read.undetermined.size() == raw["undetermined"].size());
        CHECK(read.outcome == row.record.outcome.value_or(""));
        CHECK(read.screening_hash == row.record.screening_hash);
        CHECK(read.language == row.record.language);
        // Read, then written again today: the same decision under today's key.
        json today = raw;
        today["reasons"] = today["fired"];
        today.erase("fired");
        CHECK(kiosk::ToJson(read) == today);
    }
    // V1 (jumper's knee, NSAID): PRP is considered, with the NSAID as a note; V11's red flag interrupts.
    CHECK(rows[0].record.language == "en");
    CHECK(ReadDecision(rows[0].record.decision_json).outcome == "CONSIDER_PRP");
    CHECK(ReadDecision(rows[0].record.decision_json).ReasonCodes() == std::vector<std::string>{"IND-TENDON-PRP", "R-NSAID-PREP"});
    CHECK(ReadDecision(rows[7].record.decision_json).interrupt);
    CHECK(ReadDecision(rows[1].record.decision_json).ended_by.has_value());
    CHECK(rows[2].record.language == "es");
    CHECK(ReadDecision(rows[6].record.decision_json).undetermined.size() == 9);
}

TEST_CASE("an outcome raised only by an undetermined rule is stored with the code of the answer it lacked") {
    const rules::Screening& s = Default();
    auto stored = [&](const std::string& name) {
        for (const rules::TestCase& c : s.cases) {
            if (c.name.rfind(name, 0) != 0) continue;
            std::vector<rules::ParamValue> params = s.ParameterValues();
            for (const auto& [p, v] : c.parameters) params[p] = v;
            rules::Decision d;
            rules::Decide(s, s.case_answers[c.answers], c.today, params, d);
            return ReadDecision(kiosk::DecisionToJson(s, d, c.today, 0).dump());
        }
        FAIL("no case " << name);
        return StoredDecision{};
    };
    // No rule names the replacement plan: the undetermined R-TJA-SOON rule does, and staff see it.
    const StoredDecision plan = stored("Replacement plan not sure");
    CHECK(plan.outcome == "CLINICIAN_REVIEW");
    for (const StoredRule& r : plan.reasons) CHECK(r.reason.rfind("R-UNKNOWN-", 0) != 0);
    CHECK(plan.UnknownReasonCodes() == std::vector<std::string>{"R-UNKNOWN-replacement_plan"});
    CHECK(plan.ReasonCodes() == std::vector<std::string>{"IND-OA-MSC", "R-UNKNOWN-replacement_plan"});
    // C-24 already names a skipped pregnancy answer: it is listed once, as that rule's reason.
    const StoredDecision pregnancy = stored("Pregnancy skipped");
    CHECK(pregnancy.UnknownReasonCodes().empty());
    CHECK(pregnancy.ReasonCodes() == std::vector<std::string>{"IND-OA-MSC", "R-UNKNOWN-pregnant"});
    // A rule that ignores unknowns (the BMI rules) names nothing.
    const StoredDecision height = stored("Height skipped");
    CHECK(height.outcome == "LIKELY_CANDIDATE_MSC");
    for (const StoredRule& r : height.undetermined) CHECK(r.unknown_reasons.empty());
}

TEST_CASE("\"reasons\" wins over a legacy \"fired\" in the same decision") {
    const StoredDecision d = ReadDecision(std::string(R"({"reasons": [{"id": "NEW"}], "fired": [{"id": "OLD"}]})"));
    REQUIRE(d.reasons.size() == 1);
    CHECK(d.reasons[0].id == "NEW");
}

TEST_CASE("stored text that is damaged or mistyped reads as empty fields, never as an exception") {
    for (const std::string text : {"", "{not json", "[]", "null", "42", "\"text\""}) {
        CAPTURE(text);
        const StoredDecision d = ReadDecision(text);
        CHECK_FALSE(d.readable);
        CHECK(d == StoredDecision{});
    }
    const StoredDecision d = ReadDecision(std::string(
        R"({"outcome": 5, "outcome_label": null, "interrupt": "yes", "today": "2026-13-45", "ended_by": "G1",
            "fallback": [], "reasons": {"id": "x"}, "notes": [7, {"id": 3, "reason": null, "sources": "S1",
            "effect": {"level": ["x"], "tracks": {"PRP": 2}}, "missing": [1, "q"]}], "tracks": {"PRP": "ok", "BMAC": 3},
            "ignored_answers": ["a", 1], "screening": "s"})"));
    CHECK(d.readable);
    CHECK(d.outcome.empty());
    CHECK(d.outcome_label.empty());
    CHECK_FALSE(d.interrupt);
    CHECK_FALSE(d.today.has_value());
    CHECK_FALSE(d.ended_by.has_value());
    CHECK_FALSE(d.fallback.has_value());
    CHECK(d.reasons.empty());
    REQUIRE(d.notes.size() == 2);
    CHECK(d.notes[0] == StoredRule{});
    CHECK(d.notes[1].id.empty());
    CHECK(d.notes[1].reason.empty());
    CHECK(d.notes[1].sources.empty());
    CHECK(d.notes[1].level.empty());
    CHECK(d.notes[1].tracks == std::vector<kiosk::StoredTrack>{{"PRP", ""}});
    CHECK(d.notes[1].missing == std::vector<std::string>{"q"});
    CHECK(d.TrackStatus("PRP") == "ok");
    CHECK(d.TrackStatus("BMAC").empty());
    CHECK(d.TrackStatus("ADIPOSE").empty());
    CHECK(d.ignored_answers == std::vector<std::string>{"a"});
    CHECK(d.screening_id.empty());
}

TEST_CASE("the decision reader's JSON scanner accepts exactly the JSON a tree parser accepts, and reads the same strings") {
    const char* const texts[] = {
        R"({})", R"([])", R"({"a": "b"})", R"( {"a" : [1, -2.5e+3, 0, true, false, null, {"b": []}]} )",
        R"({"text": "tab\tquote\" slash\/ back\\ nl\n uni\u00e9 pair\ud83d\ude00 nul\u0000"})", R"("ñandú")",
        R"({"a": 1,})", R"({"a" 1})", R"({a: 1})", R"([1, 2,])", R"([,1])", R"({"a": 01})", R"({"a": 1.})", R"({"a": .5})",
        R"({"a": -})", R"({"a": 1e})", R"({"a": tru})", R"({"a": nul})", R"({"a": "x"} {})", R"({"a": "\x"})",
        R"({"a": "\ud83d"})", R"({"a": "\ude00"})", R"({"a": "\u12"})", "{\"a\": \"line\nbreak\"}", "{\"a\": \"\xC3\"}",
        "{\"a\": \"\xC0\xAF\"}", "{\"a\": \"\xED\xA0\x80\"}", "{\"a\": \"\xF4\x90\x80\x80\"}", "{\"a\": \"\xE2\x82\xAC\"}", "",
        "   ", R"({"a": [[[[[]]]]]})", R"({"a": {"b": {"c": "d"}}})", R"({"a":"b","a":"c"})", R"(nulls)", R"(-0)", R"(1E-7)",
    };
    for (const std::string text : texts) {
        CAPTURE(text);
        const bool valid = !json::parse(text, nullptr, false).is_discarded();
        kiosk::JsonScan scan(text);
        scan.Skip();
        CHECK(scan.Finish() == valid);
    }
    // Strings read back as a tree parser reads them, escapes and all.
    const json tree = json::parse(texts[4]);
    kiosk::JsonScan scan(texts[4]);
    std::string key, value;
    REQUIRE(scan.EnterObject());
    REQUIRE(scan.NextKey(key));
    CHECK(key == "text");
    CHECK(scan.ReadString(value));
    CHECK(value == tree["text"].get<std::string>());
    CHECK_FALSE(scan.NextKey(key));
    CHECK(scan.Finish());
}
