// The command line's database commands. Each opens the clinic database, does one thing, audits it.
#include "cli/db_commands.h"

#include <filesystem>
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
#include "cli/pin_entry.h"
#include "store/export.h"
#include "store/export/encrypted_file.h"
#include "store/export/removable.h"
#include "store/export_job.h"
#include "store/saved_settings.h"
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

const char* const kPurgeHelp =
    "Usage: kiosk purge [--dry-run] [--config PATH] [--db PATH]\n"
    "\n"
    "Deletes the results kept past the clinic's retention: a reviewed or exported result\n"
    "retention_done_days after it was reviewed (else exported), default 30; a pending one\n"
    "retention_unreviewed_days after it was submitted, default 90; and acknowledged urgent alerts\n"
    "after the first limit. The limits are kiosk.toml's, or what an administrator saved on the\n"
    "staff screen. The rows are overwritten on disk, and one audit row records the counts and a\n"
    "hash of the ids (never an id). The kiosk does this itself at start-up and once a day.\n"
    "\n"
    "  --dry-run   delete nothing: list each result that would go (id, status, since when) and\n"
    "              the counts; the listing is audited\n"
    "\n"
    "Exit 0 (with a warning when the deleted rows' sealed bytes are left in the database's log\n"
    "until its next checkpoint), 1 when the database cannot be used, 2 on wrong usage.\n";

const char* const kSubmitHelp =
    "Usage: kiosk submit --answers ANSWERS.json [--language CODE] [--today YYYY-MM-DD]\n"
    "                    [--screening FILE] [--db PATH]\n"
    "\n"
    "Records a completed screening typed in from a paper form: the answers (the format of\n"
    "'kiosk evaluate') are evaluated with the screening (default: the shipped one), stored and\n"
    "audited exactly like a kiosk submission. Prints the new submission's id only after the\n"
    "commit. Exit 0 stored, 1 invalid answers or the database refused the write, 2 wrong usage.\n";

const char* const kExportHelp =
    "Usage: kiosk export --format csv|jsonl|fhir --out PATH --as NAME [--plain] [--since YYYY-MM-DD]\n"
    "                    [--status STATUS] [--mark-exported] [--language CODE] [--screening FILE]\n"
    "                    [--config PATH] [--db PATH]\n"
    "\n"
    "Writes stored results to PATH (atomically, owner-only): CSV (one row per submission, a column\n"
    "pair per question), JSON Lines, or a FHIR R4 Bundle of QuestionnaireResponses. --since keeps\n"
    "results submitted on or after that day (UTC); --status keeps pending, reviewed or exported\n"
    "ones; --mark-exported marks what was written as exported. Every export is audited.\n"
    "\n"
    "Results are stored sealed: NAME, an administrator, signs in with their PIN first (a prompt\n"
    "that does not show it, or the first line of standard input), which unlocks them. The file is\n"
    "encrypted to a passphrase (at least 12 characters) typed twice after it, at the same kind of\n"
    "prompt or as the next two lines; \".kxp\" is added to PATH, and 'kiosk decrypt-export' gives\n"
    "the plain file back. --plain writes it unencrypted (audited as a PLAIN export).\n"
    "PATH's folder must be a mounted removable device (a USB stick) unless kiosk.toml says\n"
    "export_requires_removable = false.\n"
    "Exit 0 written, 1 the database, the passphrase, the folder or the file could not be used,\n"
    "2 wrong usage.\n";

const char* const kDecryptHelp =
    "Usage: kiosk decrypt-export FILE [--out PATH]\n"
    "\n"
    "Opens an encrypted export (FILE.kxp) with its passphrase, asked at a prompt that does not\n"
    "show it, or read from the first line of standard input, and writes the plain CSV, JSON Lines\n"
    "or FHIR file: to PATH, by default FILE without \".kxp\" (an existing file is never\n"
    "overwritten), or to standard output with --out -. Needs no database: it runs on any machine\n"
    "with the kiosk installed. Exit 0 written, 1 wrong passphrase, damaged, truncated or not an\n"
    "export, or the file exists, 2 wrong usage.\n";

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
constexpr Option kPlainOption{"--plain", ""};
constexpr Option kDryRunOption{"--dry-run", ""};

// A new passphrase typed twice, as a new PIN is (cli/pin_entry.h); empty with `problem` set when it
// cannot be used.
struct NewPassphrase {
    std::string text;
    std::optional<std::string> problem;
};

NewPassphrase ReadNewPassphrase(std::istream& in, std::ostream& out) {
    NewPassphrase result;
    std::optional<std::string> first = ReadSecretLine(
        in, out, "Passphrase for the export (at least " + std::to_string(store::kMinPassphraseChars) + " characters): ");
    std::optional<std::string> second = first ? ReadSecretLine(in, out, "The same passphrase again: ") : std::nullopt;
    if (!first || !second) result.problem = "the passphrase is typed twice (two lines on standard input)";
    else if (*first != *second) result.problem = "the two passphrases differ";
    else if (auto problem = store::PassphraseProblem(*first)) result.problem = *problem;
    else result.text = *first;
    if (first) store::WipeSecret(*first);
    if (second) store::WipeSecret(*second);
    return result;
}

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

int RunPurge(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart c = StartCommand({"purge", {kDryRunOption}, 0, kPurgeHelp, {}}, args, out, err);
    if (c.exit) return *c.exit;
    const bool dry_run = c.args.Has("--dry-run");
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    std::string problem;
    const KioskSettings settings = ReadSavedSettings(*db, nullptr, c.files.config.settings, &problem);
    if (!problem.empty()) err << "kiosk purge: " << problem << "\n";
    auto purged = db->Purge(SystemClock().Now(), settings.retention_done, settings.retention_unreviewed, "cli", dry_run);
    if (!purged.ok()) {
        err << "kiosk purge: nothing deleted (" << store::DbErrorKindName(purged.error->kind) << "): " << purged.error->Describe() << "\n";
        return kExitInvalid;
    }
    const store::PurgeSummary& p = *purged.value;
    if (dry_run)
        for (const store::PurgedResult& r : p.results)
            out << r.id << "  " << store::SubmissionStatusName(r.status) << "  since " << r.since << "\n";
    out << (dry_run ? "would delete " : "deleted ") << p.done << " reviewed or exported (after " << settings.retention_done.count()
        << " days), " << p.unreviewed << " unreviewed (after " << settings.retention_unreviewed.count() << " days), " << p.alerts
        << " acknowledged alerts\n";
    // The deletion is committed: a log not emptied is a warning, not a failure.
    if (!p.wal_not_emptied.empty())
        err << "kiosk purge: warning: deleted " << p.done + p.unreviewed << (p.done + p.unreviewed == 1 ? " result and " : " results and ")
            << p.alerts << (p.alerts == 1 ? " acknowledged alert" : " acknowledged alerts")
            << "; the database's log still holds the deleted rows' sealed bytes until the next checkpoint: " << p.wal_not_emptied << "\n";
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
         {kFormatOption, kOutOption, kSinceOption, kStatusOption, kLanguageOption, kScreeningOption, kMarkExportedOption, kPlainOption,
          kAsOption},
         0,
         kExportHelp,
         [](const ParsedArgs& a) -> std::optional<std::string> {
             const std::string format = a.ValueOr("--format");
             if (!a.Value("--out") || (format != "csv" && format != "jsonl" && format != "fhir")) return "";
             if (!a.Value("--as")) return "export needs --as NAME: an administrator's PIN unlocks the sealed results";
             if (auto status = a.Value("--status"); status && !store::ParseSubmissionStatus(*status))
                 return "--status is pending, reviewed or exported";
             if (a.ValueOr("--as").empty()) return "export needs --as NAME: an administrator's PIN unlocks the sealed results";
             return DateProblem(a, "--since");
         }},
        args, out, err);
    if (c.exit) return *c.exit;
    const std::string format = c.args.ValueOr("--format");
    const bool plain = c.args.Has("--plain");
    std::optional<store::SubmissionStatus> status;
    if (auto text = c.args.Value("--status")) status = store::ParseSubmissionStatus(*text);
    const std::optional<std::string> since = c.args.Value("--since");
    auto screening = LoadScreening(c, err);
    if (!screening) return kExitInvalid;
    int language = LanguageIndex(c, *screening, "kiosk: ", err);
    if (language < 0) return kExitUsage;
    store::ExportRequest request;
    request.format = *store::ParseExportFormat(format);
    request.path = c.args.ValueOr("--out");
    request.status = status;
    request.since = since.value_or("");
    request.mark_exported = c.args.Has("--mark-exported");
    request.language = language;
    request.require_removable = c.files.config.export_requires_removable;
    // Said before anyone types a passphrase or a PIN for nothing; the export checks it again.
    if (request.require_removable) {
        std::filesystem::path folder = std::filesystem::path(request.path).parent_path();
        if (auto problem = store::ExportFolderProblem(folder.empty() ? "." : folder.string())) {
            err << "kiosk export: not written: " << *problem << "\n"
                << "kiosk export: (kiosk.toml's export_requires_removable = false allows any folder)\n";
            return kExitInvalid;
        }
    }
    auto db = OpenClinicStore(c.files.database, err);
    if (!db) return kExitInvalid;
    auto signed_in = SignInOnTerminal(*db, c.args.ValueOr("--as"), {in, out, err, "kiosk export", "nothing written"});
    if (!signed_in) return kExitInvalid;
    request.actor = store::StaffActor(signed_in->account.name);
    if (!plain) {
        NewPassphrase passphrase = ReadNewPassphrase(in, out);
        if (passphrase.problem) {
            err << "kiosk export: " << *passphrase.problem << "; nothing written\n";
            return kExitInvalid;
        }
        request.passphrase = std::move(passphrase.text);
    }
    auto done = store::ExportResults(*db, *screening, request);
    store::WipeSecret(request.passphrase);
    if (!done.ok()) {
        if (done.error->kind == store::DbErrorKind::Refused) err << "kiosk export: refused: " << done.error->Describe() << "\n";
        else err << "kiosk export: not written: " << done.error->Describe() << "\n";
        return kExitInvalid;
    }
    out << done.value->count << " results written to " << done.value->path << " (" << format
        << (done.value->encrypted ? ", encrypted" : ", PLAIN: not encrypted") << ")\n";
    return kExitOk;
}

int RunDecryptExport(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    CommandStart c = ParseCommand({"decrypt-export", {kOutOption}, 1, kDecryptHelp,
                                   [](const ParsedArgs& a) -> std::optional<std::string> {
                                       if (a.positional.size() != 1) return "";
                                       if (!a.Value("--out") && !std::string_view(a.positional[0]).ends_with(store::kEncryptedExtension))
                                           return "'" + a.positional[0] + "' does not end with " +
                                                  std::string(store::kEncryptedExtension) + ": say where the plain file goes with --out PATH";
                                       return std::nullopt;
                                   }},
                                  args, out, err);
    if (c.exit) return *c.exit;
    const std::string file = c.args.positional[0];
    std::string target = c.args.ValueOr("--out");
    if (target.empty()) target = file.substr(0, file.size() - store::kEncryptedExtension.size());
    const bool to_stdout = target == "-";
    std::error_code ec;
    if (!to_stdout && std::filesystem::exists(std::filesystem::symlink_status(target, ec))) {
        err << "kiosk decrypt-export: " << target << " already exists; it was left as it was (choose another with --out)\n";
        return kExitInvalid;
    }
    std::ifstream input(file, std::ios::binary);
    if (!input) { err << "kiosk decrypt-export: " << file << ": cannot open the file\n"; return kExitInvalid; }
    std::stringstream sealed;
    sealed << input.rdbuf();
    // The prompt goes to standard error: with --out - standard output is the plain file itself.
    std::optional<std::string> passphrase = ReadSecretLine(in, err, "Passphrase for " + file + ": ");
    if (!passphrase) { err << "kiosk decrypt-export: no passphrase was given; nothing written\n"; return kExitInvalid; }
    store::Decrypted opened = store::DecryptExport(sealed.str(), *passphrase);
    store::WipeSecret(*passphrase);
    if (!opened.ok()) {
        err << "kiosk decrypt-export: " << file << ": " << opened.message << "; nothing written\n";
        return kExitInvalid;
    }
    if (to_stdout) {
        out << *opened.plain << std::flush;
        store::WipeSecret(*opened.plain);
        return kExitOk;
    }
    auto error = store::WriteFileAtomically(target, *opened.plain);
    store::WipeSecret(*opened.plain);
    if (error) { err << "kiosk decrypt-export: not written: " << *error << "\n"; return kExitInvalid; }
    out << "written to " << target << " (owner-only: it holds patients' answers)\n";
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
