// The command line's database commands. Each opens the clinic database, does one thing, audits it.
#include "cli/db_commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/config.h"
#include "core/answers_json.h"
#include "core/decision_json.h"
#include "rules/decision.h"
#include "rules/loader.h"
#include "store/export.h"
#include "store/export_job.h"
#include "store/staff_pin.h"
#include "store/store.h"

namespace kiosk {
namespace {

const char* const kStaffHelp =
    "Usage: kiosk staff set-pin [--db PATH]\n"
    "\n"
    "Sets the staff PIN (at least 6 digits) from standard input: one line, or two identical\n"
    "lines when typed at a terminal. The PIN is stored only as an Argon2id hash; a new PIN\n"
    "clears any lockout. There is no default PIN. Exit 0 set, 1 refused, 2 wrong usage.\n";

const char* const kDbHelp =
    "Usage: kiosk db check [--db PATH]\n"
    "\n"
    "Opens the clinic database (creating it if needed), runs SQLite's integrity check and prints\n"
    "the schema version. Exit 0 when the check passes, 1 otherwise, 2 on wrong usage.\n";

const char* const kQueueHelp =
    "Usage: kiosk queue [--db PATH] [--all]\n"
    "\n"
    "Lists pending results (with --all: every result), oldest first: time, language, outcome and\n"
    "reasons. Exit 0, or 1 when the database cannot be read.\n";

const char* const kSubmitHelp =
    "Usage: kiosk submit --answers ANSWERS.json [--language CODE] [--today YYYY-MM-DD]\n"
    "                    [--screening FILE] [--db PATH]\n"
    "\n"
    "Records a completed screening typed in from a paper form: the answers (the format of\n"
    "'kiosk evaluate') are evaluated with the screening (default: the shipped one), stored and\n"
    "audited exactly like a kiosk submission. Prints the new submission's id only after the\n"
    "commit. Exit 0 stored, 1 invalid answers or the database refused the write, 2 wrong usage.\n";

const char* const kExportHelp =
    "Usage: kiosk export --format csv|jsonl|fhir --out PATH [--since YYYY-MM-DD] [--status STATUS]\n"
    "                    [--mark-exported] [--language CODE] [--screening FILE] [--db PATH]\n"
    "\n"
    "Writes stored results to PATH (atomically, owner-only): CSV (one row per submission, a column\n"
    "pair per question), JSON Lines, or a FHIR R4 Bundle of QuestionnaireResponses. --since keeps\n"
    "results submitted on or after that day (UTC); --status keeps pending, reviewed or exported\n"
    "ones; --mark-exported marks what was written as exported. Every export is audited.\n"
    "Exit 0 written, 1 the database or the file could not be used, 2 wrong usage.\n";

const char* const kQuestionnaireHelp =
    "Usage: kiosk export-questionnaire --out PATH [--language CODE] [--screening FILE]\n"
    "\n"
    "Writes the screening as a FHIR R4 Questionnaire (items, answer options, enableWhen where a\n"
    "show_if maps to it). Exit 0 written, 1 invalid screening or unwritable file, 2 wrong usage.\n";

struct Options {
    std::string db;
    KioskConfig config;
    std::string config_errors;  // a broken configuration file: invalid input, not wrong usage
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;
    std::vector<std::string> flags;
    std::string error;
};

// --db PATH and the named options of a command; everything else is positional.
Options Parse(const std::vector<std::string>& args, const std::vector<std::string>& valued, const std::vector<std::string>& flags) {
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        bool takes_value = a == "--db" || a == "--config" || std::find(valued.begin(), valued.end(), a) != valued.end();
        if (takes_value) {
            if (i + 1 >= args.size()) {
                o.error = a + " needs a value";
                return o;
            }
            (a == "--db" ? o.db : o.values[a]) = args[++i];
        } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
            o.flags.push_back(a);
        } else if (!a.empty() && a[0] == '-') {
            o.error = "unknown option '" + a + "'";
            return o;
        } else {
            o.positional.push_back(a);
        }
    }
    ConfigLoad config = LoadConfig(o.values.count("--config") ? o.values["--config"] : "");
    for (const std::string& e : config.errors) o.config_errors += "kiosk: " + e + "\n";
    o.config = config.config;
    o.db = ResolveDatabasePath(o.db, o.config);
    return o;
}

// Reports a broken configuration file; true when the command must stop (exit 1).
bool ConfigBroken(const Options& o, std::ostream& err) {
    if (o.config_errors.empty()) return false;
    err << o.config_errors;
    return true;
}

bool Has(const Options& o, const char* flag) { return std::find(o.flags.begin(), o.flags.end(), flag) != o.flags.end(); }

std::unique_ptr<store::Store> OpenStore(const std::string& path, std::ostream& err) {
    std::error_code ec;
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (!folder.empty() && !std::filesystem::exists(folder, ec)) {
        std::filesystem::create_directories(folder, ec);
        if (!ec) std::filesystem::permissions(folder, std::filesystem::perms::owner_all, ec);
    }
    auto opened = store::Store::Open({path});
    if (auto* error = std::get_if<store::DbError>(&opened)) {
        err << "kiosk: the clinic database cannot be used (" << store::DbErrorKindName(error->kind) << "): " << error->Describe() << "\n";
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<store::Store>>(opened));
}

std::string ReadPinLine(std::istream& in) {
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

// The screening for --screening FILE or the default; null (diagnostics printed) when invalid.
std::unique_ptr<rules::Screening> LoadScreening(Options& o, std::ostream& err) {
    std::string path = o.values.count("--screening") ? o.values["--screening"]
                     : !o.config.screening.empty() && !std::getenv("KIOSK_SCREENING") ? o.config.screening
                                                                                      : DefaultScreeningPath();
    rules::LoadResult loaded = rules::LoadScreeningFile(path);
    if (!loaded.screening) err << loaded.diagnostics.Format();
    return std::move(loaded.screening);
}

int LanguageIndex(Options& o, const rules::Screening& s, std::ostream& err) {
    if (!o.values.count("--language")) return 0;
    int language = s.FindLanguage(o.values["--language"]);
    if (language < 0) err << "kiosk: the screening has no language '" << o.values["--language"] << "'\n";
    return language;
}

}  // namespace

std::string DefaultDatabasePath() {
    if (const char* env = std::getenv("KIOSK_DB"); env && *env) return env;
    std::string base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home) base = std::string(home) + "/.local/share";
    else base = ".";
    return base + "/screening-kiosk/clinic.db";
}

int RunStaff(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    Options o = Parse(args, {}, {"--help", "-h"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kStaffHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || o.positional != std::vector<std::string>{"set-pin"}) {
        err << (o.error.empty() ? "" : "kiosk staff: " + o.error + "\n") << kStaffHelp;
        return kExitUsage;
    }
    bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
    if (terminal) out << "New staff PIN (at least " << store::kMinPinDigits << " digits): " << std::flush;
    std::string pin = ReadPinLine(in);
    if (terminal) {
        out << "Again: " << std::flush;
        if (ReadPinLine(in) != pin) { err << "kiosk staff: the two PINs differ; nothing changed\n"; return kExitInvalid; }
    }
    if (auto problem = store::PinProblem(pin)) { err << "kiosk staff: " << *problem << "; nothing changed\n"; return kExitInvalid; }
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    auto r = store::SetStaffPin(*db, pin, "cli");
    if (!r.ok()) { err << "kiosk staff: " << r.error->Describe() << "\n"; return kExitInvalid; }
    out << "staff PIN set in " << o.db << "\n";
    return kExitOk;
}

int RunDb(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Options o = Parse(args, {}, {"--help", "-h"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kDbHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || o.positional != std::vector<std::string>{"check"}) {
        err << (o.error.empty() ? "" : "kiosk db: " + o.error + "\n") << kDbHelp;
        return kExitUsage;
    }
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    auto report = db->IntegrityCheck();
    if (!report.ok()) { err << "kiosk db: " << report.error->Describe() << "\n"; return kExitInvalid; }
    out << o.db << ": schema version " << db->SchemaVersion() << ", integrity " << *report.value << "\n";
    return *report.value == "ok" ? kExitOk : kExitInvalid;
}

int RunQueue(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Options o = Parse(args, {}, {"--help", "-h", "--all"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kQueueHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || !o.positional.empty()) {
        err << (o.error.empty() ? "" : "kiosk queue: " + o.error + "\n") << kQueueHelp;
        return kExitUsage;
    }
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    auto rows = db->Submissions(Has(o, "--all") ? std::nullopt : std::optional(store::SubmissionStatus::Pending));
    if (!rows.ok()) { err << "kiosk queue: " << rows.error->Describe() << "\n"; return kExitInvalid; }
    for (const store::StoredSubmission& s : *rows.value) {
        StoredDecision decision = ReadDecision(s.record.decision_json);
        std::string reasons;
        for (const StoredRule& rule : decision.reasons)
            if (!rule.reason.empty()) reasons += (reasons.empty() ? "" : " ") + rule.reason;
        if (!decision.undetermined.empty()) reasons += " (+" + std::to_string(decision.undetermined.size()) + " undetermined)";
        out << s.record.submitted_at << "  " << s.record.language << "  " << s.record.outcome.value_or("none") << "  "
            << store::SubmissionStatusName(s.status) << "  " << s.id << "  " << reasons << "\n";
    }
    out << rows.value->size() << (Has(o, "--all") ? " results\n" : " pending\n");
    return kExitOk;
}

int RunSubmit(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Options o = Parse(args, {"--answers", "--language", "--today", "--screening"}, {"--help", "-h"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kSubmitHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || !o.positional.empty() || !o.values.count("--answers")) {
        err << (o.error.empty() ? "" : "kiosk submit: " + o.error + "\n") << kSubmitHelp;
        return kExitUsage;
    }
    rules::Date today = LocalToday();
    if (o.values.count("--today")) {
        auto parsed = rules::ParseDate(o.values["--today"]);
        if (!parsed) { err << "kiosk submit: --today must be a date as YYYY-MM-DD\n"; return kExitUsage; }
        today = *parsed;
    }
    std::string screening_path = o.values.count("--screening") ? o.values["--screening"]
                               : !o.config.screening.empty() && !std::getenv("KIOSK_SCREENING") ? o.config.screening
                                                                                                : DefaultScreeningPath();
    rules::LoadResult loaded = rules::LoadScreeningFile(screening_path);
    if (!loaded.screening) { err << loaded.diagnostics.Format(); return kExitInvalid; }
    const rules::Screening& screening = *loaded.screening;
    int language = 0;
    if (o.values.count("--language")) {
        language = screening.FindLanguage(o.values["--language"]);
        if (language < 0) { err << "kiosk submit: the screening has no language '" << o.values["--language"] << "'\n"; return kExitUsage; }
    }
    std::ifstream file(o.values["--answers"], std::ios::binary);
    if (!file) { err << o.values["--answers"] << ": cannot open the answers file\n"; return kExitInvalid; }
    std::stringstream text;
    text << file.rdbuf();
    AnswersParse parsed = AnswersFromJsonText(screening, text.str(), today);
    if (!parsed.ok()) {
        for (const std::string& e : parsed.errors) err << o.values["--answers"] << ": error: " << e << "\n";
        err << "kiosk submit: nothing stored\n";
        return kExitInvalid;
    }
    rules::Decision decision;
    rules::Decide(screening, parsed.answers, today, screening.ParameterValues(), decision);
    if (!decision.store) {
        out << "consent was declined: nothing is stored\n";
        return kExitOk;
    }
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    // Answers to questions that were not shown are never submitted.
    rules::Answers submitted = parsed.answers;
    for (size_t q = 0; q < submitted.values.size(); ++q)
        if (!decision.shown[q]) submitted.values[q] = rules::Answer{};
    store::SubmissionRecord record;
    auto kiosk_id = db->GetSetting("kiosk.id");
    record.kiosk_id = kiosk_id.ok() && *kiosk_id.value ? **kiosk_id.value : o.config.kiosk_id;
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

int RunReview(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const char* help =
        "Usage: kiosk review ID --by NAME [--db PATH]\n"
        "\n"
        "Marks a stored result reviewed by NAME (audited). Exit 0 marked, 1 no unreviewed result with\n"
        "that id or the database refused, 2 wrong usage.\n";
    Options o = Parse(args, {"--by"}, {"--help", "-h"});
    if (Has(o, "--help") || Has(o, "-h")) { out << help; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || o.positional.size() != 1 || !o.values.count("--by") || o.values["--by"].empty()) {
        err << (o.error.empty() ? "" : "kiosk review: " + o.error + "\n") << help;
        return kExitUsage;
    }
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    auto r = db->MarkReviewed(o.positional[0], o.values["--by"]);
    if (!r.ok()) { err << "kiosk review: " << r.error->Describe() << "\n"; return kExitInvalid; }
    if (!*r.value) { err << "kiosk review: no unreviewed result " << o.positional[0] << "\n"; return kExitInvalid; }
    out << o.positional[0] << " reviewed by " << o.values["--by"] << "\n";
    return kExitOk;
}

int RunExport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Options o = Parse(args, {"--format", "--out", "--since", "--status", "--language", "--screening"}, {"--help", "-h", "--mark-exported"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kExportHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    std::string format = o.values.count("--format") ? o.values["--format"] : "";
    if (!o.error.empty() || !o.positional.empty() || !o.values.count("--out") || (format != "csv" && format != "jsonl" && format != "fhir")) {
        err << (o.error.empty() ? "" : "kiosk export: " + o.error + "\n") << kExportHelp;
        return kExitUsage;
    }
    std::optional<store::SubmissionStatus> status;
    if (o.values.count("--status")) {
        status = store::ParseSubmissionStatus(o.values["--status"]);
        if (!status) {
            err << "kiosk export: --status is pending, reviewed or exported\n";
            return kExitUsage;
        }
    }
    std::string since;
    if (o.values.count("--since")) {
        if (!rules::ParseDate(o.values["--since"])) { err << "kiosk export: --since must be a date as YYYY-MM-DD\n"; return kExitUsage; }
        since = o.values["--since"];
    }
    auto screening = LoadScreening(o, err);
    if (!screening) return kExitInvalid;
    int language = LanguageIndex(o, *screening, err);
    if (language < 0) return kExitUsage;
    auto db = OpenStore(o.db, err);
    if (!db) return kExitInvalid;
    store::ExportRequest request;
    request.format = *store::ParseExportFormat(format);
    request.path = o.values["--out"];
    request.status = status;
    request.since = since;
    request.mark_exported = Has(o, "--mark-exported");
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
    Options o = Parse(args, {"--out", "--language", "--screening"}, {"--help", "-h"});
    if (Has(o, "--help") || Has(o, "-h")) { out << kQuestionnaireHelp; return kExitOk; }
    if (ConfigBroken(o, err)) return kExitInvalid;
    if (!o.error.empty() || !o.positional.empty() || !o.values.count("--out")) {
        err << (o.error.empty() ? "" : "kiosk export-questionnaire: " + o.error + "\n") << kQuestionnaireHelp;
        return kExitUsage;
    }
    auto screening = LoadScreening(o, err);
    if (!screening) return kExitInvalid;
    int language = LanguageIndex(o, *screening, err);
    if (language < 0) return kExitUsage;
    const std::string& path = o.values["--out"];
    if (auto error = store::WriteFileAtomically(path, store::ExportQuestionnaire(*screening, language).dump(2) + "\n")) {
        err << "kiosk export-questionnaire: not written: " << *error << "\n";
        return kExitInvalid;
    }
    out << "Questionnaire " << screening->id << " " << screening->version << " written to " << path << "\n";
    return kExitOk;
}

}  // namespace kiosk
