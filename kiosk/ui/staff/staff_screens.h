// Staff mode's screens: each draws a view that StaffMode read from the store, keeps only UI state
// in its own struct, and returns an intent; StaffMode (ui/staff.cpp) acts on it. Staff text is
// English, in code; what came from the screening file (labels, rule texts) is in the staff language.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/session.h"
#include "core/settings.h"
#include "store/store.h"
#include "ui/widgets.h"

namespace kiosk::ui::staff {

enum class Screen : uint8_t {
    Closed, NotSetUp, SignIn, Pin, NewCode, Fault, Menu, Session, ConfirmReset, Queue, Result, Alerts, Name, Export, Settings,
    ConfirmQuit, Staff, ConfirmDisable, NewRole,
};
const char* ScreenName(Screen screen);  // "staff:pin", ...

// What a staff screen asks StaffMode to do.
struct Intent {
    enum class Kind : uint8_t {
        None,
        Open,          // go to `screen`
        Back,          // the screen above this one (the menu, or the queue from a result)
        Lock,
        ChooseAccount, // sign-in: id is the account's name, tapped on the list
        TypeName,      // sign-in: the keyboard, for a name not tapped
        NotYou,        // the PIN pad: back to the list of accounts
        UseRecovery,   // an administrator's PIN pad: the recovery code instead
        EnterPin,      // the PIN pad's digits are complete (PinUi::digits)
        CodeDone,      // the new recovery code is written down: forget it
        CodeRetry,     // making the new recovery code failed: try again
        ShowAnswers,   // the interrupted patient's answers, on request (audited)
        HideAnswers,
        ResetSession,  // confirmed
        Quit,          // confirmed
        Filter,        // the queue: value 0 = to review, 1 = all
        OpenResult,    // id: a submission
        Review,        // id: a submission; by the signed-in account
        Acknowledge,   // id: an alert; by the signed-in account
        NameEntered,   // NameUi::text is complete; do what asked for it
        Export,        // value: store::ExportFormat
        SaveSettings,  // SettingsUi holds the values
        AccountPin,    // the staff screen: id is the account to give a new PIN
        Unlock,        // id: an account
        Disable,       // id: an account; asks first
        ConfirmDisable,
        AddAccount,    // the staff screen: a new account's name first
        ChooseRole,    // value: store::Role of the new account
    };
    Kind kind = Kind::None;
    Screen screen = Screen::Closed;
    std::string id;
    int value = 0;
};

// --- Views: what StaffMode read for a screen, as text ready to draw --------------------------

struct ReasonView {
    std::string code;        // the rule's reason ("R-INFECT"), or its id when it has none
    std::string rule;        // rule id
    std::string level;       // outcome id, "note", "indication" or "tracks"
    std::string staff_text;
    std::string sources;     // "S2, S3"
    std::string missing;     // undetermined: the questions left unanswered, by their text
};

struct ResultView {
    std::string id;
    std::string time;            // local, "2026-06-15 09:30"
    std::string language;        // its name in the staff language
    store::SubmissionStatus status = store::SubmissionStatus::Pending;
    std::string source;          // kiosk | paper
    std::string outcome_label;   // the screening's staff label (or the stored id)
    bool urgent = false;         // a red flag fired
    std::vector<ReasonView> reasons, notes, undetermined;
    std::vector<std::pair<std::string, std::string>> tracks;   // track label, status
    std::vector<std::pair<std::string, std::string>> answers;  // question, answer (detail only)
    std::string problem;         // the stored decision or answers could not be read
    bool NeedsReview() const { return store::NeedsReview(status); }
};

struct AlertView {
    int64_t id = 0;
    std::string time;        // local
    std::string rule, reason, staff_text;
    std::string kept_id;     // kept outside the database (Store::KeptAlerts): its alert id; else empty
};

// The interrupted session as staff may see it without asking: where the patient is, not what they said.
struct SessionSummary {
    bool present = false;        // there is a session at all (not out of order)
    bool active = false;         // a patient has started (not the welcome screen)
    std::string where;           // "A patient is on question 12 of 30."
    int answered = 0;
    bool can_show_answers = false;
};

struct MenuView {
    bool has_store = false, has_screening = false, signed_in = false;
    store::Role role = store::Role::FrontDesk;  // the signed-in account's: the menu offers what it allows
    std::string who;             // "Ana Ruiz, clinician"
    std::string kiosk_id;
    std::string fault, store_problem, load_problem;
    std::string clinic_server;   // "Clinic server: last sent 12 s ago, 0 waiting"; empty: no server configured
    int open_alerts = 0, to_review = 0;
    SessionSummary session;
    std::string notice;          // what the last action did ("3 results exported ...")
};

// --- UI state, one struct per screen, owned by StaffMode; wiped when staff mode locks ----------

// What the PIN pad is for: signing in, a break-glass code, or a new PIN (typed twice).
enum class PinPurpose : uint8_t {
    SignIn,      // the account's PIN
    Recovery,    // an administrator's 20-digit recovery code (then a reason)
    OwnPin,      // signed in with the recovery code: the account chooses a new PIN
    AccountPin,  // an administrator sets another account's PIN
    NewAccount,  // the PIN of an account being added
};

struct PinUi {
    PinPurpose purpose = PinPurpose::SignIn;
    std::string account;  // whose PIN or code
    bool admin = false;   // SignIn: the account is an administrator, so it may use its recovery code
    std::string digits;   // typed; cleared after every check
    std::string first;    // a new PIN: the first entry, to confirm
    std::string message;
};

// The accounts to tap at sign-in (active ones only), or why they cannot be read.
struct SignInView {
    std::vector<store::StaffAccount> accounts;
    std::string problem;
};

// A new recovery code, shown once; wiped when staff confirm they wrote it down (or lock).
struct NewCodeUi {
    std::string account;
    std::string digits;           // empty: it could not be made (message says why)
    std::string message;
    Screen after = Screen::Menu;  // where "I have written it down" goes
};

// The administrator's staff screen, and an account being added.
struct StaffUi {
    std::vector<store::StaffAccount> accounts;  // disabled ones too
    std::string message;
    bool failed = false;
    std::string target;           // the account to disable, awaiting confirmation
    std::string new_name;         // the account being added
    store::Role new_role = store::Role::FrontDesk;
};

struct QueueUi {
    bool all = false;     // false: only results still to review
};

// What the keyboard is typing.
enum class NamePurpose : uint8_t {
    SignIn,      // an account's name, not tapped on the list
    Reason,      // why the recovery code is used (required, audited)
    NewAccount,  // a new account's name
};

struct NameUi {
    std::string text;
    NamePurpose purpose = NamePurpose::SignIn;
    Screen back_to = Screen::SignIn;
    std::string message;
};

// The longest passphrase the export screen's keyboard types, in characters.
constexpr int kMaxPassphraseTyped = 128;

struct ExportUi {
    bool pending_only = false;
    bool mark_exported = true;
    std::string result;           // what the last export did, or its error
    bool failed = false;
    // Encrypted by default: the passphrase typed twice on the keyboard, shown masked; wiped when
    // staff leave the screen or it locks (StaffMode::State::ForgetPassphrases).
    std::string passphrase, again;
    int field = 0;                // the field the keyboard types into: 0 passphrase, 1 again
    bool may_plain = false;       // the account is an administrator: "plain" is offered at all
    bool plain = false;           // an administrator chose a file that is not encrypted
    std::string folder_problem;   // the folder is no removable stick (ExportFolderProblem); empty: it is, or not required
};

struct SettingsUi {
    KioskSettings values;         // as staff set them on the screen; the language always one of the screening's
    std::string message;
    bool failed = false;
};

struct SessionUi {
    bool show_answers = false;    // staff asked; hidden again when they leave the screen
    std::string message;          // why the answers were not shown or the reset refused
};

// --- The shared frame: a title row with Back and Lock, then a scrolling body -----------------

// Draws the title row and opens the body; returns Back or Lock when tapped. `to_top`: a new
// screen starts scrolled to the top. The lock button ("staff:lock") reads `lock_label`. `footer`:
// height kept below the body for buttons that must stay in reach however long the body is.
Intent BeginStaffBody(Ui& ui, std::string_view title, bool back, const char* body_id, bool to_top,
                      std::string_view lock_label = "Lock", float footer = 0);
void EndStaffBody();
// One line of a RowButton, in its own font; `muted` lines are secondary (dimmer where the look allows).
struct RowLine {
    ImFont* font = nullptr;
    std::string text;
    bool muted = false;
};
// A list row as a touch target: several lines in different fonts (a time, an outcome, reasons),
// left-aligned and wrapped, at least Metrics::button_height tall. Pressed on release, not after a
// drag that scrolled the list. Recorded as a Tappable under `key`.
// Not `interactive`: the same row as plain text, no touch target (what a role may see but not open).
bool RowButton(Ui& ui, const std::string& key, const std::vector<RowLine>& lines, ButtonLook look, float width,
               bool interactive = true);
// Text on a panel in the urgent colour, across `width`.
void UrgentPanel(Ui& ui, std::string_view text, float width);
// A row of `count` equal buttons across the width: the width of one.
float ColumnWidth(int count);
// A confirmation's text and its Cancel / confirm row, keyed "<key>:cancel" and "<key>:confirm";
// Cancel gives Back, the (urgent) confirm button `on_confirm`.
Intent::Kind ConfirmRow(Ui& ui, std::string_view explanation, const std::string& key, std::string_view confirm_label,
                        Intent::Kind on_confirm, bool enabled = true);

// --- Screens ------------------------------------------------------------------------------

// Not set up: no administrator yet. The same explanation as the patient's, and only Close.
Intent DrawNotSetUp(Ui& ui, std::string_view fault, bool to_top);
Intent DrawSignIn(Ui& ui, const SignInView& view, bool out_of_order, bool to_top);
Intent DrawPin(Ui& ui, bool out_of_order, PinUi& state, bool to_top);
Intent DrawNewCode(Ui& ui, const NewCodeUi& state, bool to_top);
Intent DrawStaff(Ui& ui, const StaffUi& state, bool to_top);
Intent DrawConfirmDisable(Ui& ui, const StaffUi& state, bool to_top);
Intent DrawNewRole(Ui& ui, const StaffUi& state, bool to_top);
Intent DrawFault(Ui& ui, std::string_view fault, std::string_view store_problem, bool signed_in, bool to_top);
Intent DrawMenu(Ui& ui, const MenuView& view, bool to_top);
// `may_show_answers`: the role may see them (else the button is not there at all).
Intent DrawSession(Ui& ui, const SessionSummary& summary, const std::vector<std::pair<std::string, std::string>>& answers,
                   const SessionUi& state, bool may_show_answers, bool to_top);
Intent DrawConfirmReset(Ui& ui, const SessionSummary& summary, bool to_top);
Intent DrawConfirmQuit(Ui& ui, bool to_top);
// `may_open`: rows open the result (else they are text: the front desk sees outcomes only).
Intent DrawQueue(Ui& ui, const std::vector<ResultView>& results, const QueueUi& state, std::string_view problem, bool may_open,
                 bool to_top);
Intent DrawResult(Ui& ui, const ResultView& result, std::string_view disclaimer, std::string_view notice, bool to_top);
Intent DrawAlerts(Ui& ui, const std::vector<AlertView>& alerts, std::string_view notice, bool to_top);
Intent DrawName(Ui& ui, NameUi& state, bool to_top);
Intent DrawExport(Ui& ui, std::string_view folder, ExportUi& state, bool to_top);
Intent DrawSettings(Ui& ui, const rules::Screening* screening, SettingsUi& state, bool to_top);

// --- Reading stored results for the screens (ui/staff/results.cpp) ---------------------------

// The staff language: English when the screening has it, else its first language.
int StaffLanguage(const rules::Screening* screening);
// An ISO 8601 UTC time as local "YYYY-MM-DD HH:MM"; the text itself if it does not parse.
std::string LocalTime(const std::string& iso);
// A stored result for the queue; with `answers`, also its answers described for staff.
// `ui` is in the staff language (labels of answers come from the screening file).
ResultView ReadResult(Ui& ui, const store::StoredSubmission& row, bool answers);
// An open alert of Store::OpenAlerts(), with the rule's staff text from the screening.
AlertView ReadAlert(const rules::Screening* screening, const store::Alert& alert);
// The red banner of every staff screen while alerts are kept outside the database: how many and
// since when (local HH:MM); with `reasons` (reading unlocked, a signed-in screen) also which red
// flags fired. `problem`: the file could not be read. Empty when there is nothing to say.
std::string KeptAlertsBanner(const rules::Screening* screening, const std::vector<store::Alert>& kept, std::string_view problem,
                             bool reasons);
// The interrupted session's answers (shown questions with an answer) as question, answer.
std::vector<std::pair<std::string, std::string>> SessionAnswers(Ui& ui, const Session& session);
// Where the session is, in one or two sentences, with no answer in them.
SessionSummary SummariseSession(const Session* session);

}  // namespace kiosk::ui::staff
