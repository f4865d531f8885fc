// The command line's database commands. Each opens the clinic database, does one thing, audits it.
#include "cli/db_commands.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/staff_commands.h"
#include "core/answers_json.h"
#include "core/clock.h"
#include "core/decision_json.h"
#include "rules/decision.h"
#include "rules/loader.h"
#include "store/export.h"
#include "store/export_job.h"
#include "store/store.h"

namespace kiosk {
namespace {

const char* const kDbHelp =
    "Usage: kiosk db check [--head] [--expect-head ID:HASH] [--db PATH]\n"
    "\n"
    "Opens the clinic database (creating it if needed), runs SQLite's integrity check, prints the\n"
    "schema version, and verifies the audit chain: every audit row's hash over the row before it,\n"
    "every stored submission against the hash its audit row recorded, and the triggers that keep\n"
    "both append-only. The first broken row is named (edited, deleted, inserted, a submission\n"
    "changed, missing or not recorded, a trigger dropped).\n"
    "\n"
    "Someone with the file can recompute the whole chain after editing it; only a head written\n"
    "down earlier and kept off this machine catches that:\n"
    "  --head               print the chain's head (ID:HASH) to write down or send off the box\n"
    "  --expect-head ID:HASH  fail when that head is no longer in the chain\n"
    "\n"
    "Exit 0 when everything holds, 1 otherwise, 2 on wrong usage.\n";

const char* const kQueueHelp =
    "Usage: kiosk queue [--all] [--as NAME] [--db PATH]\n"
    "\n"
    "Lists pending results (with --all: every result), oldest first: time, language, outcome and\n"
    "reasons. Reasons are sealed with the answers: they are listed only with --as NAME, an account\n"
    "that reads results, whose PIN is read from a prompt that does not show it (or a line of\n"
    "standard input); else each row says \"sealed\". Exit 0, or 1 when the database cannot be read\n"
    "or the sign-in failed.\n";

const char* const kSubmitHelp =
    "Usage: kiosk submit --answers ANSWERS.json [--language CODE] [--today YYYY-MM-DD]\n"
    "                    [--screening FILE] [--db PATH]\n"
    "\n"
    "Records a completed screening typed in from a paper form: the answers (the format of\n"
    "'kiosk evaluate') are evaluated with the screening (default: the shipped one), stored and\n"
    "audited exactly like a kiosk submission. Prints the new submission's id only after the\n"
    "commit. Exit 0 stored, 1 invalid answers or the database refused the write, 2 wrong usage.\n";

const char* const kExportHelp =
    "Usage: kiosk export --format csv|jsonl|fhir --out PATH --as NAME [--since YYYY-MM-DD]\n"
    "                    [--status STATUS] [--mark-exported] [--language CODE] [--screening FILE]\n"
    "                    [--db PATH]\n"
    "\n"
    "Writes stored results to PATH (atomically, owner-only): CSV (one row per submission, a column\n"
    "pair per question), JSON Lines, or a FHIR R4 Bundle of QuestionnaireResponses. --since keeps\n"
    "results submitted on or after that day (UTC); --status keeps pending, reviewed or exported\n"
    "ones; --mark-exported marks what was written as exported. Every export is audited, in the name\n"
    "of NAME, an administrator whose PIN (read from a prompt that does not show it, or a line of\n"
    "standard input) unlocks the sealed results.\n"
    "Exit 0 written, 1 the database or the file could not be used, 2 wrong usage.\n";

const char* const kQuestionnaireHelp =
    "Usage: kiosk export-questionnaire --out PATH [--language CODE] [--screening FILE]\n"
    "\n"
    "Writes the screening as a FHIR R4 Questionnaire (items, answer options, enableWhen where a\n"
    "show_if maps to it). Exit 0 written, 1 invalid screening or unwritable file, 2 wrong usage.\n";

// The command's screening (ResolveScreeningPath); null (diagnostics printed) when invalid.
std::unique_ptr<rules::Screening> LoadScreening(const CommandStart& c, std::ostream& err) {
    rules::LoadResult loaded = rules::LoadScreeningFile(c.files.screening);
    if (!loaded.screening) err << loaded.diagnostics.Format();
    return std::move(loaded.screening);
}

// --language as an index of the screening's languages (0 without it); -1, reported after `prefix`
// ("kiosk: "), when the screening lacks it.
int LanguageIndex(const CommandStart& c, const rules::Screening& s, std::string_view prefix, std::ostream& err) {
    std::optional<std::string> code = c.args.Value("--language");
    if (!code) return 0;
    int language = s.FindLanguage(*code);
    if (language < 0) err << prefix << "the screening has no language '" << *code << "'\n";
    return language;
}

constexpr Option kAllOption{"--all", ""};
constexpr Option kAsOption{"--as", "a staff account's name"};
constexpr Option kFormatOption{"--format", "csv, jsonl or fhir"};
constexpr Option kSinceOption{"--since", "a date"};
constexpr Option kStatusOption{"--status", "pending, reviewed or exported"};
constexpr Option kMarkExportedOption{"--mark-exported", ""};
constexpr Option kHeadOption{"--head", ""};
constexpr Option kExpectHeadOption{"--expect-head", "ID:HASH"};

}  // namespace

std::unique_ptr<store::Store> OpenClinicStore(const std::string& path, std::ostream& err) {
    EnsureDataFolder(path);
    auto opened = store::Store::Open({path});
    if (auto* error = std::get_if<store::DbError>(&opened)) {
        err << "kiosk: the clinic database cannot be used (" << store::DbErrorKindName(error->kind) << "): " << error->Describe() << "\n";
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<store::Store>>(opened));
}

int RunDb(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"db", {kHeadOption, kExpectHeadOption}, 1, kDbHelp,
                                   [](const ParsedArgs& a) -> std::optional<std::string> {
                                       if (a.positional != std::vector<std::string>{"check"}) return "";
                                       if (auto head = a.Value("--expect-head"); head && !store::ParseChainHead(*head))
                                           return "--expect-head is ID:HASH, as --head printed it";
                                       return std::nullopt;
                                   }},
                                  args, out, err);
    if (c.exit) return *c.exit;
    std::optional<store::ChainHead> expected;
    if (auto head = c.args.Value("--expect-head")) expected = store::ParseChainHead(*head);
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    auto report = db->IntegrityCheck();
    if (!report.ok()) { err << "kiosk db: " << report.error->Describe() << "\n"; return kExitInvalid; }
    out << c.files.database << ": schema version " << db->SchemaVersion() << ", integrity " << *report.value << "\n";
    if (*report.value != "ok") return kExitInvalid;
    auto chain = db->CheckAuditChain(expected);
    if (!chain.ok()) { err << "kiosk db: " << chain.error->Describe() << "\n"; return kExitInvalid; }
    const store::ChainReport& r = *chain.value;
    if (c.args.Has("--head")) out << "head " << store::FormatChainHead(r.head) << "\n";
    if (!r.ok()) {
        const store::ChainProblem& first = r.problems.front();
        err << "kiosk db: audit chain broken (" << store::ChainProblemKindName(first.kind) << "): " << first.what << "\n";
        if (size_t more = r.problems.size() - 1; more > 0)
            err << "kiosk db: " << more << (more == 1 ? " more problem" : " more problems") << " after it\n";
        return kExitInvalid;
    }
    out << "audit chain ok: " << r.rows << (r.rows == 1 ? " row, " : " rows, ") << r.submissions
        << (r.submissions == 1 ? " submission recorded" : " submissions recorded")
        << (expected ? ", head " + store::FormatChainHead(*expected) + " still in it" : std::string()) << "\n";
    return kExitOk;
}

int RunQueue(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"queue", {kAllOption, kAsOption}, 0, kQueueHelp, {}}, args, out, err);
    if (c.exit) return *c.exit;
    const bool all = c.args.Has("--all");
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    std::string actor = "cli";
    if (std::optional<std::string> name = c.args.Value("--as")) {
        auto signed_in = SignInOnTerminal(*db, *name, {in, out, err, "kiosk queue", "nothing listed"});
        if (!signed_in) return kExitInvalid;
        actor = store::StaffActor(signed_in->account.name);
    }
    // Listing results reads patient data: recorded first, or not listed.
    auto audited = db->Authorize(actor, store::Permission::SeeQueue, "view queue", all ? "all results" : "results to review");
    if (!audited.ok()) { err << "kiosk queue: not listed: the audit log cannot be written: " << audited.error->Describe() << "\n"; return kExitInvalid; }
    auto rows = db->Submissions(all ? std::nullopt : std::optional(store::SubmissionStatus::Pending));
    if (!rows.ok()) { err << "kiosk queue: " << rows.error->Describe() << "\n"; return kExitInvalid; }
    for (const store::StoredSubmission& s : *rows.value) {
        StoredDecision decision = ReadDecision(s.record.decision_json);
        std::string reasons;
        for (const StoredRule& rule : decision.reasons)
            if (!rule.reason.empty()) reasons += (reasons.empty() ? "" : " ") + rule.reason;
        for (const std::string& code : decision.UnknownReasonCodes()) reasons += (reasons.empty() ? "" : " ") + code;
        if (!decision.undetermined.empty()) reasons += " (+" + std::to_string(decision.undetermined.size()) + " undetermined)";
        if (s.sealed) reasons = "sealed";
        out << s.record.submitted_at << "  " << s.record.language << "  " << s.record.outcome.value_or("none") << "  "
            << store::SubmissionStatusName(s.status) << "  " << s.id << "  " << reasons << "\n";
    }
    out << rows.value->size() << (all ? " results\n" : " pending\n");
    return kExitOk;
}

int RunSubmit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"submit", {kAnswersOption, kLanguageOption, kTodayOption, kScreeningOption}, 0, kSubmitHelp,
                                   [](const ParsedArgs& a) -> std::optional<std::string> {
                                       return a.Value("--answers") ? DateProblem(a, "--today") : HelpUnless(false);
                                   }},
                                  args, out, err);
    if (c.exit) return *c.exit;
    const std::optional<std::string> today_text = c.args.Value("--today");
    const rules::Date today = today_text ? *rules::ParseDate(*today_text) : SystemClock().Today();
    auto loaded = LoadScreening(c, err);
    if (!loaded) return kExitInvalid;
    const rules::Screening& screening = *loaded;
    int language = LanguageIndex(c, screening, "kiosk submit: ", err);
    if (language < 0) return kExitUsage;
    const std::string answers_path = c.args.ValueOr("--answers");
    std::ifstream file(answers_path, std::ios::binary);
    if (!file) { err << answers_path << ": cannot open the answers file\n"; return kExitInvalid; }
    std::stringstream text;
    text << file.rdbuf();
    AnswersParse parsed = AnswersFromJsonText(screening, text.str(), today);
    if (!parsed.ok()) {
        for (const std::string& e : parsed.errors) err << answers_path << ": error: " << e << "\n";
        err << "kiosk submit: nothing stored\n";
        return kExitInvalid;
    }
    rules::Decision decision;
    rules::Decide(screening, parsed.answers, today, screening.ParameterValues(), decision);
    if (!decision.store) {
        out << "consent was declined: nothing is stored\n";
        return kExitOk;
    }
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    // Answers to questions that were not shown are never submitted.
    rules::Answers submitted = parsed.answers;
    for (size_t q = 0; q < submitted.values.size(); ++q)
        if (!decision.shown[q]) submitted.values[q] = rules::Answer{};
    store::SubmissionRecord record;
    auto kiosk_id = db->GetSetting("kiosk.id");
    record.kiosk_id = kiosk_id.ok() && *kiosk_id.value ? **kiosk_id.value : c.files.config.kiosk_id;
    record.screening_id = screening.id;
    record.screening_version = screening.version;
    record.screening_hash = screening.content_hash;
    record.language = screening.languages[language];
    record.started_at = record.submitted_at = store::UtcNowIso();
    record.answers_json = AnswersToJson(screening, submitted).dump();
    record.decision_json = DecisionToJson(screening, decision, today, language).dump();
    if (decision.outcome >= 0) record.outcome = screening.outcomes[decision.outcome].id;
    record.source = "paper";
    auto saved = db->Submit(record, "cli");
    if (!saved.ok()) {
        err << "kiosk submit: not stored (" << store::DbErrorKindName(saved.error->kind) << "): " << saved.error->Describe() << "\n";
        return kExitInvalid;
    }
    out << *saved.value << "\n";
    return kExitOk;
}

}  // namespace kiosk

namespace kiosk {

int RunExport(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand(
        {"export",
         {kFormatOption, kOutOption, kAsOption, kSinceOption, kStatusOption, kLanguageOption, kScreeningOption, kMarkExportedOption},
         0,
         kExportHelp,
         [](const ParsedArgs& a) -> std::optional<std::string> {
             const std::string format = a.ValueOr("--format");
             if (!a.Value("--out") || (format != "csv" && format != "jsonl" && format != "fhir")) return "";
             if (!a.Value("--as")) return "export needs --as NAME: an administrator's PIN unlocks the sealed results";
             if (auto status = a.Value("--status"); status && !store::ParseSubmissionStatus(*status))
                 return "--status is pending, reviewed or exported";
             return DateProblem(a, "--since");
         }},
        args, out, err);
    if (c.exit) return *c.exit;
    const std::string format = c.args.ValueOr("--format");
    std::optional<store::SubmissionStatus> status;
    if (auto text = c.args.Value("--status")) status = store::ParseSubmissionStatus(*text);
    const std::optional<std::string> since = c.args.Value("--since");
    auto screening = LoadScreening(c, err);
    if (!screening) return kExitInvalid;
    int language = LanguageIndex(c, *screening, "kiosk: ", err);
    if (language < 0) return kExitUsage;
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    auto signed_in = SignInOnTerminal(*db, c.args.ValueOr("--as"), {in, out, err, "kiosk export", "nothing written"});
    if (!signed_in) return kExitInvalid;
    store::ExportRequest request;
    request.actor = store::StaffActor(signed_in->account.name);
    request.format = *store::ParseExportFormat(format);
    request.path = c.args.ValueOr("--out");
    request.status = status;
    request.since = since.value_or("");
    request.mark_exported = c.args.Has("--mark-exported");
    request.language = language;
    auto done = store::ExportResults(*db, *screening, request);
    if (!done.ok()) {
        err << "kiosk export: not written: " << done.error->Describe() << "\n";
        return kExitInvalid;
    }
    out << done.value->count << " results written to " << done.value->path << " (" << format << ")\n";
    return kExitOk;
}

int RunExportQuestionnaire(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"export-questionnaire", {kOutOption, kLanguageOption, kScreeningOption}, 0, kQuestionnaireHelp,
                                   [](const ParsedArgs& a) { return HelpUnless(a.Value("--out").has_value()); }},
                                  args, out, err);
    if (c.exit) return *c.exit;
    auto screening = LoadScreening(c, err);
    if (!screening) return kExitInvalid;
    int language = LanguageIndex(c, *screening, "kiosk: ", err);
    if (language < 0) return kExitUsage;
    const std::string path = c.args.ValueOr("--out");
    if (auto error = store::WriteFileAtomically(path, store::ExportQuestionnaire(*screening, language).dump(2) + "\n")) {
        err << "kiosk export-questionnaire: not written: " << *error << "\n";
        return kExitInvalid;
    }
    out << "Questionnaire " << screening->id << " " << screening->version << " written to " << path << "\n";
    return kExitOk;
}

}  // namespace kiosk
