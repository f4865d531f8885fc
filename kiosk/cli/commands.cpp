// The kiosk's command line: run the window, check, test and evaluate screening files.
#include "cli/commands.h"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>
#include <utility>

#include "cli/clinic_commands.h"
#include "cli/db_commands.h"
#include "cli/key_commands.h"
#include "cli/mutate_command.h"
#include "cli/options.h"
#include "cli/properties_command.h"
#include "cli/staff_commands.h"
#include "cli/sync_command.h"
#include "core/answers_json.h"
#include "core/clock.h"
#include "core/decision_json.h"
#include "core/labels.h"
#include "rules/cases.h"
#include "rules/decision.h"
#include "rules/loader.h"

namespace kiosk {
namespace {

const char* const kUsage =
    "Usage: kiosk [COMMAND] [ARGS]\n"
    "\n"
    "Commands:\n"
    "  run [--windowed WIDTHxHEIGHT] [--screenshot PATH] [--db PATH] [--screening FILE]\n"
    "                                      open the kiosk window (what 'kiosk' alone does)\n"
    "  check FILE...                       validate screening files; every problem as file:line:col\n"
    "  test FILE                           run a screening file's test cases\n"
    "  test --mutate FILE                  plant faults in its rules; fail if a case misses a dangerous one\n"
    "  test --properties FILE [--seed N] [--count N]\n"
    "                                      check what must hold for every patient, over generated answers\n"
    "  evaluate FILE --answers ANSWERS.json [--today YYYY-MM-DD] [--language CODE]\n"
    "                                      print the decision for one patient's answers as JSON\n"
    "  submit --answers ANSWERS.json [--language CODE] [--db PATH]\n"
    "                                      store a screening typed in from a paper form\n"
    "  queue [--all] [--as NAME] [--db PATH]\n"
    "                                      list pending results with outcome (and reasons, signed in\n"
    "                                      as NAME, whose account reads results)\n"
    "  review ID --as NAME [--db PATH]     mark a result reviewed, signed in with NAME's PIN\n"
    "  export --format csv|jsonl|fhir --out PATH --as ADMIN [--plain] [--since DATE] [--status pending]\n"
    "         [--mark-exported]            write stored results to a file, signed in as ADMIN, encrypted\n"
    "                                      to a passphrase (typed twice) unless --plain\n"
    "  decrypt-export FILE [--out PATH]    the plain file of an encrypted export (passphrase asked)\n"
    "  export-questionnaire --out PATH     the screening as a FHIR R4 Questionnaire\n"
    "  staff add NAME --role front_desk|clinician|admin [--db PATH]\n"
    "                                      add a staff account (PIN typed twice; an admin gets a\n"
    "                                      one-time recovery code)\n"
    "  staff list [--admins] [--db PATH]   staff accounts: role, active, lockout, recovery code\n"
    "  staff disable|set-pin|unlock NAME [--db PATH]\n"
    "                                      disable an account, give it a new PIN, clear its lockout\n"
    "  keys status|init --as ADMIN|grant NAME --by ADMIN [--db PATH]\n"
    "                                      the clinic key results are sealed to, and who reads them\n"
    "  db check [--db PATH]                integrity check and schema version of the clinic database\n"
    "  purge [--dry-run] [--db PATH]       delete results kept past the retention (kiosk.toml, staff\n"
    "                                      screen); --dry-run lists what would go\n"
    "  clinic init|migrate --server URI    set up or migrate the clinic's PostgreSQL server\n"
    "  clinic add-kiosk|add-console --server URI --site SITE --kiosk ID|--name NAME\n"
    "                                      a kiosk's or console's login on it (printed once)\n"
    "  clinic add-staff --server URI --site SITE --name NAME --role front_desk|clinician|admin\n"
    "                                      a person's account at the site's consoles (PIN typed twice)\n"
    "  clinic grant-key --server URI --site SITE --name NAME --db PATH --by ADMIN\n"
    "                                      a console account gets the clinic key of kiosk database PATH\n"
    "  sync [--status] [--db PATH]         send what the clinic server does not have yet, once;\n"
    "                                      --status: last sent, rows waiting, the last failure\n"
    "  console --server URI [...]          the front desk's console: every kiosk's results, urgent\n"
    "                                      alerts that ring, the kiosks' health, export\n"
    "\n"
    "The clinic database is --db PATH, else $KIOSK_DB, else the configuration file's database, else\n"
    "$XDG_DATA_HOME/screening-kiosk/clinic.db (~/.local/share/screening-kiosk/clinic.db).\n"
    "\n"
    "With no command, kiosk opens the kiosk window, fullscreen, on the default screening\n"
    "($KIOSK_SCREENING or assets/screenings/default.toml).\n"
    "'kiosk COMMAND --help' describes a command. Exit codes: 0 success, 1 invalid input or\n"
    "failed cases, 2 wrong usage, 3 the window could not open (no display, no OpenGL 3),\n"
    "4 no active administrator (staff list --admins), 5 the clinic server could not be reached or\n"
    "refused (sync).\n";

const char* const kRunHelp =
    "Usage: kiosk run [--windowed WIDTHxHEIGHT] [--screenshot PATH] [--exit-after-first-frame]\n"
    "                 [--db PATH] [--config PATH] [--screening FILE]\n"
    "\n"
    "Opens the kiosk window: fullscreen on the primary monitor, or a WIDTHxHEIGHT window for\n"
    "development. A patient cannot close it; staff can, from the staff screen (Ctrl+Alt+S).\n"
    "SIGTERM or SIGINT close it cleanly.\n"
    "\n"
    "  --screenshot PATH          write a PNG of the screen once the first one is drawn, and again\n"
    "                             on every SIGUSR1\n"
    "  --exit-after-first-frame   exit 0 as soon as the first frame is on screen (start-up benchmark)\n"
    "\n"
    "$KIOSK_TAPPABLES=FILE keeps FILE up to date with the screen and its touch targets as JSON\n"
    "(for the end-to-end test); $KIOSK_FRAME_LOG=FILE logs each frame's CPU time.\n"
    "Exit 0 when closed, 1 invalid configuration, 2 wrong usage, 3 no display or no OpenGL 3.\n";

const char* const kConsoleHelp =
    "Usage: kiosk console --server URI [--windowed WIDTHxHEIGHT] [--screenshot PATH]\n"
    "                     [--screening FILE] [--export-folder PATH] [--lock-after SECONDS]\n"
    "                     [--escalate-after SECONDS] [--escalation-command CMD]\n"
    "\n"
    "Opens the front-desk console, a desktop window (1280x800 unless --windowed says otherwise),\n"
    "on the clinic server. URI is the console's login as `kiosk clinic add-console` printed it (its\n"
    "password in ~/.pgpass). Staff sign in by name and PIN with accounts kept on the server\n"
    "(`kiosk clinic add-staff`); reasons and answers open for accounts granted the clinic key\n"
    "(`kiosk clinic grant-key`).\n"
    "\n"
    "  --screening FILE           the screening the kiosks run: outcome labels and reason texts\n"
    "  --export-folder PATH       where an administrator's exports are written (none: no export)\n"
    "  --lock-after SECONDS       lock when untouched this long (default 300)\n"
    "  --escalate-after SECONDS   an urgent alert unacknowledged this long escalates (default 120):\n"
    "                             a louder alarm, and CMD runs\n"
    "  --escalation-command CMD   run by /bin/sh -c when an alert escalates, with ALERT_ID,\n"
    "                             ALERT_KIOSK and ALERT_SITE in its environment (a pager, a message)\n"
    "\n"
    "The alarm plays on ALSA's default device ($KIOSK_SOUND_DEVICE for another); with none, the\n"
    "console says so on screen. Exit 0 when closed, 2 wrong usage, 3 no display or no OpenGL 3.\n";

const char* const kCheckHelp =
    "Usage: kiosk check FILE...\n"
    "\n"
    "Loads and validates each screening file as the kiosk would before showing it to a patient,\n"
    "and prints every problem as FILE:LINE:COL: error: MESSAGE (or warning:).\n"
    "Exit 0 when every file is valid (warnings allowed), 1 when any has an error, 2 on wrong usage.\n";

const char* const kTestHelp =
    "Usage: kiosk test FILE\n"
    "       kiosk test --mutate FILE\n"
    "       kiosk test --properties FILE [--seed N] [--count N] [--today YYYY-MM-DD]\n"
    "\n"
    "Runs the [[cases]] of a screening file and prints each failure with expected against actual,\n"
    "then 'N passed, N failed'. Fails (exit 1) when any case fails, when any rule is fired by no\n"
    "case, or when the file does not load. Exit 2 on wrong usage.\n"
    "\n"
    "--mutate plants one fault at a time in the rules (a rule removed or negated, a threshold\n"
    "moved one step, < and <= swapped, an option dropped from a list, an outcome or procedure\n"
    "status lowered, a show_if term removed, a derived value changed) and runs the cases on each.\n"
    "Each fault no case notices is printed with its place, in words, and a [[cases]] block that\n"
    "tells it apart, then 'mutants: K killed / T total, D dangerous survivors, S other survivors'.\n"
    "Dangerous: a safety rule (review or above, or a procedure set to review or contra) weakened\n"
    "so that some patient is decided lower. Exit 1 when a dangerous fault survives.\n"
    "\n"
    "--properties checks what must hold for every patient, over answer sets drawn from the file\n"
    "(options, limits and the values either side of each threshold, dates around the ages and\n"
    "months the rules compare with, skips, \"not sure\", answers to hidden questions):\n"
    "unknown_never_helps, monotone_safety, language_invariance, determinism and\n"
    "every_review_has_reason (docs/screening-format.md says what each means). --count answer sets\n"
    "a property (default 10000) from --seed (default 20260615, printed), for the screening day\n"
    "--today (default: the first case's). A violation is printed with its smallest failing answer\n"
    "set as a [[cases]] block and the command that repeats it; exit 1 when any property fails.\n";

const char* const kEvaluateHelp =
    "Usage: kiosk evaluate FILE --answers ANSWERS.json [--today YYYY-MM-DD] [--language CODE]\n"
    "\n"
    "Decides for one patient's answers and prints the decision as JSON: outcome, fired rules\n"
    "(id, effect, reason, staff text, sources), notes, undetermined rules with the answers they\n"
    "lacked, track statuses, and the screening's id, version and content hash.\n"
    "\n"
    "ANSWERS.json maps question ids to values: \"yes\"/\"no\", an option code, a list of codes,\n"
    "a number (or {\"value\": 5.5, \"unit\": \"ft\"}), \"YYYY-MM-DD\", text, or \"not_sure\".\n"
    "An absent id is a skipped question. Unknown ids and ill-typed values are errors (exit 1).\n"
    "--today is the screening day (default: today's local date); --language picks the language\n"
    "of reason texts and messages (default: the screening's first language).\n";

// Loads a screening, printing diagnostics; null when it has errors.
std::unique_ptr<rules::Screening> LoadAndReport(const std::string& path, std::ostream& err, bool warnings) {
    rules::LoadResult result = rules::LoadScreeningFile(path);
    if (result.diagnostics.HasErrors() || warnings) err << result.diagnostics.Format();
    return std::move(result.screening);
}

}  // namespace

int RunCheck(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart start = ParseCommand({"check", {}, kAnyNumber, kCheckHelp, [](const ParsedArgs& a) { return HelpUnless(!a.positional.empty()); }},
                                  args, out, err);
    if (start.exit) return *start.exit;
    int status = kExitOk;
    for (const std::string& path : start.args.positional) {
        rules::LoadResult result = rules::LoadScreeningFile(path);
        err << result.diagnostics.Format();
        // A file the engine accepts may still lack what the window shows: refused as well.
        std::vector<std::string> missing;
        if (result.screening) missing = MissingPatientLabels(*result.screening);
        for (const std::string& line : missing) err << line << "\n";
        if (!missing.empty()) {
            status = kExitInvalid;
            out << path << ": invalid for the kiosk window (" << missing.size() << " missing label"
                << (missing.size() == 1 ? "" : "s") << ")\n";
        } else if (result.diagnostics.HasErrors()) {
            status = kExitInvalid;
            out << path << ": invalid (" << result.diagnostics.ErrorCount() << " error"
                << (result.diagnostics.ErrorCount() == 1 ? "" : "s") << ", " << result.diagnostics.WarningCount() << " warning"
                << (result.diagnostics.WarningCount() == 1 ? "" : "s") << ")\n";
        } else {
            const rules::Screening& s = *result.screening;
            out << path << ": ok: " << s.id << " " << s.version << ", " << s.questions.size() << " questions, " << s.rules.size()
                << " rules, " << s.cases.size() << " cases, " << s.languages.size() << " languages, "
                << result.diagnostics.WarningCount() << " warning" << (result.diagnostics.WarningCount() == 1 ? "" : "s")
                << ", sha256 " << s.content_hash.substr(0, 12) << "\n";
        }
    }
    return status;
}

int RunTest(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart start = ParseCommand({"test", {kMutateOption, kPropertiesOption, kSeedOption, kCountOption, kTodayOption}, 1, kTestHelp,
                                       [](const ParsedArgs& a) -> std::optional<std::string> {
                                           if (a.positional.size() != 1) return "";
                                           if (a.Has("--mutate") && a.Has("--properties")) return "--mutate and --properties are run one at a time";
                                           return PropertyOptionsProblem(a);
                                       }},
                                  args, out, err);
    if (start.exit) return *start.exit;
    const std::string& path = start.args.positional[0];
    if (start.args.Has("--mutate")) return RunMutate(path, out, err);
    if (start.args.Has("--properties")) return RunProperties(path, start.args, out, err);
    auto screening = LoadAndReport(path, err, false);
    if (!screening) {
        out << "0 passed, 0 failed\n" << path << ": does not load; no case was run\n";
        return kExitInvalid;
    }
    const rules::Screening& s = *screening;
    rules::CaseReport report = rules::RunCases(s);
    for (const rules::CaseResult& r : report.results) {
        if (r.passed) continue;
        const rules::TestCase& c = s.cases[r.case_index];
        out << s.path << ":" << c.pos.line << ": case '" << c.name << "' FAILED\n";
        for (const std::string& f : r.failures) out << "    " << f << "\n";
    }
    for (int r : report.never_fired)
        out << s.path << ":" << s.rules[r].pos.line << ": rule '" << s.rules[r].id << "' is fired by no case\n";
    out << report.passed << " passed, " << report.failed << " failed\n";
    if (!report.never_fired.empty())
        out << report.never_fired.size() << " of " << s.rules.size() << " rules never fired\n";
    else
        out << "all " << s.rules.size() << " rules fired in at least one case\n";
    return report.failed == 0 && report.never_fired.empty() ? kExitOk : kExitInvalid;
}

int RunEvaluate(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CommandStart start = ParseCommand({"evaluate", {kAnswersOption, kTodayOption, kLanguageOption}, kAnyNumber, kEvaluateHelp,
                                   [](const ParsedArgs& a) -> std::optional<std::string> {
                                       if (a.positional.size() > 1) return "one screening file only";
                                       if (a.positional.empty() || a.positional[0].empty() || a.ValueOr("--answers").empty()) return "";
                                       return DateProblem(a, "--today");
                                   }},
                                  args, out, err);
    if (start.exit) return *start.exit;
    const std::string& file = start.args.positional[0];
    const std::string answers_path = start.args.ValueOr("--answers"), language = start.args.ValueOr("--language");
    const std::optional<std::string> today_text = start.args.Value("--today");
    const rules::Date today = today_text ? *rules::ParseDate(*today_text) : SystemClock().Today();
    auto screening = LoadAndReport(file, err, false);
    if (!screening) return kExitInvalid;
    int lang = 0;
    if (!language.empty()) {
        lang = screening->FindLanguage(language);
        if (lang < 0) { err << "kiosk evaluate: the screening has no language '" << language << "'\n"; return kExitUsage; }
    }
    std::ifstream in(answers_path, std::ios::binary);
    if (!in) { err << answers_path << ": cannot open the answers file\n"; return kExitInvalid; }
    std::stringstream buffer;
    buffer << in.rdbuf();
    AnswersParse answers = AnswersFromJsonText(*screening, buffer.str(), today);
    if (!answers.ok()) {
        for (const std::string& e : answers.errors) err << answers_path << ": error: " << e << "\n";
        return kExitInvalid;
    }
    rules::Decision decision;
    std::vector<rules::ParamValue> params = screening->ParameterValues();
    rules::Decide(*screening, answers.answers, today, params, decision);
    out << DecisionToJson(*screening, decision, today, lang).dump(2) << "\n";
    return kExitOk;
}

namespace {

// "1280x800" as a window size; nullopt when it is not one.
std::optional<std::pair<int, int>> ParseWindowSize(const std::string& text) {
    size_t x = text.find('x');
    if (x == std::string::npos) return std::nullopt;
    int size[2] = {0, 0};
    for (int part = 0; part < 2; ++part) {
        std::string digits = part == 0 ? text.substr(0, x) : text.substr(x + 1);
        if (digits.empty() || digits.size() > 5) return std::nullopt;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            size[part] = size[part] * 10 + (c - '0');
        }
    }
    if (size[0] < 320 || size[1] < 240 || size[0] > 16384 || size[1] > 16384) return std::nullopt;
    return std::make_pair(size[0], size[1]);
}

}  // namespace

int RunWindowCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const WindowRunner& window) {
    constexpr Option kWindowed{"--windowed", "a size such as 1280x800"}, kScreenshot{"--screenshot", "a file"},
        kExitAfterFirstFrame{"--exit-after-first-frame", ""};
    CommandStart start = StartCommand({"run", {kWindowed, kScreenshot, kExitAfterFirstFrame, kScreeningOption}, 0, kRunHelp,
                                   [](const ParsedArgs& a) -> std::optional<std::string> {
                                       if (auto size = a.Value("--windowed"); size && !ParseWindowSize(*size))
                                           return "--windowed needs WIDTHxHEIGHT (320x240 at least), not '" + *size + "'";
                                       return std::nullopt;
                                   }},
                                  args, out, err);
    if (start.exit) return *start.exit;
    RunOptions run;
    if (std::optional<std::string> size = start.args.Value("--windowed")) std::tie(run.width, run.height) = *ParseWindowSize(*size);
    run.screenshot_path = start.args.ValueOr("--screenshot");
    run.exit_after_first_frame = start.args.Has("--exit-after-first-frame");
    run.config = std::move(start.files.config);
    run.database = std::move(start.files.database);
    run.screening = std::move(start.files.screening);
    EnsureDataFolder(run.database);
    if (!window) {
        err << "kiosk: this program has no window; 'kiosk --help' lists the commands\n";
        return kExitNoWindow;
    }
    return window(run, err);
}

int RunConsoleCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const WindowRunner& window) {
    constexpr Option kServer{"--server", "a postgresql:// URI"}, kWindowed{"--windowed", "a size such as 1280x800"},
        kScreenshot{"--screenshot", "a file"}, kExportFolder{"--export-folder", "a folder"}, kLockAfter{"--lock-after", "seconds"},
        kEscalateAfter{"--escalate-after", "seconds"}, kEscalationCommand{"--escalation-command", "a command"};
    auto seconds = [](const std::optional<std::string>& text, int low, int high) -> std::optional<int> {
        if (!text || text->empty() || text->size() > 6) return std::nullopt;
        int value = 0;
        for (char c : *text) {
            if (c < '0' || c > '9') return std::nullopt;
            value = value * 10 + (c - '0');
        }
        return value >= low && value <= high ? std::optional<int>(value) : std::nullopt;
    };
    CommandStart start = StartCommand(
        {"console", {kServer, kWindowed, kScreenshot, kScreeningOption, kExportFolder, kLockAfter, kEscalateAfter, kEscalationCommand}, 0,
         kConsoleHelp,
         [&seconds](const ParsedArgs& a) -> std::optional<std::string> {
             if (!a.Has("--server")) return "console needs --server URI (the console's login)";
             if (auto size = a.Value("--windowed"); size && !ParseWindowSize(*size))
                 return "--windowed needs WIDTHxHEIGHT (320x240 at least), not '" + *size + "'";
             if (a.Has("--lock-after") && !seconds(a.Value("--lock-after"), 15, 86400))
                 return "--lock-after needs a number of seconds from 15 to 86400";
             if (a.Has("--escalate-after") && !seconds(a.Value("--escalate-after"), 10, 3600))
                 return "--escalate-after needs a number of seconds from 10 to 3600";
             return std::nullopt;
         }},
        args, out, err);
    if (start.exit) return *start.exit;
    RunOptions run;
    run.console = true;
    if (std::optional<std::string> size = start.args.Value("--windowed")) std::tie(run.width, run.height) = *ParseWindowSize(*size);
    run.screenshot_path = start.args.ValueOr("--screenshot");
    run.console_server = start.args.ValueOr("--server");
    run.console_export_folder = start.args.ValueOr("--export-folder");
    run.escalation_command = start.args.ValueOr("--escalation-command");
    if (start.args.Has("--lock-after")) run.lock_after_seconds = *seconds(start.args.Value("--lock-after"), 15, 86400);
    if (start.args.Has("--escalate-after")) run.escalate_after_seconds = *seconds(start.args.Value("--escalate-after"), 10, 3600);
    run.config = std::move(start.files.config);
    run.screening = std::move(start.files.screening);
    if (!window) {
        err << "kiosk: this program has no window; 'kiosk --help' lists the commands\n";
        return kExitNoWindow;
    }
    return window(run, err);
}

int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const WindowRunner& window,
                   std::istream* in) {
    if (args.empty()) return RunWindowCommand({}, out, err, window);
    const std::string& command = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--help" || command == "-h" || command == "help") { out << kUsage; return kExitOk; }
    if (command == "run") return RunWindowCommand(rest, out, err, window);
    if (command == "check") return RunCheck(rest, out, err);
    if (command == "test") return RunTest(rest, out, err);
    if (command == "evaluate") return RunEvaluate(rest, out, err);
    if (command == "staff") return RunStaff(rest, in ? *in : std::cin, out, err);
    if (command == "db") return RunDb(rest, out, err);
    if (command == "submit") return RunSubmit(rest, out, err);
    if (command == "purge") return RunPurge(rest, out, err);
    if (command == "review") return RunReview(rest, in ? *in : std::cin, out, err);
    if (command == "decrypt-export") return RunDecryptExport(rest, in ? *in : std::cin, out, err);
    if (command == "keys") return RunKeys(rest, in ? *in : std::cin, out, err);
    if (command == "queue") return RunQueue(rest, in ? *in : std::cin, out, err);
    if (command == "export") return RunExport(rest, in ? *in : std::cin, out, err);
    if (command == "clinic") return RunClinic(rest, in ? *in : std::cin, out, err);
    if (command == "sync") return RunSync(rest, out, err);
    if (command == "console") return RunConsoleCommand(rest, out, err, window);
    if (command == "export-questionnaire") return RunExportQuestionnaire(rest, out, err);
    err << "kiosk: unknown command '" << command << "'\n\n" << kUsage;
    return kExitUsage;
}

}  // namespace kiosk
