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
    Closed, Pin, ChoosePin, Fault, Menu, Session, ConfirmReset, Queue, Result, Alerts, Name, Export, Settings, ConfirmQuit,
};
const char* ScreenName(Screen screen);  // "staff:pin", ...

// What a staff screen asks StaffMode to do.
struct Intent {
    enum class Kind : uint8_t {
        None,
        Open,          // go to `screen`
        Back,          // the screen above this one (the menu, or the queue from a result)
        Lock,
        EnterPin,      // the PIN pad's digits are complete (PinUi::digits)
        ShowAnswers,   // the interrupted patient's answers, on request (audited)
        HideAnswers,
        ResetSession,  // confirmed
        Quit,          // confirmed
        Filter,        // the queue: value 0 = to review, 1 = all
        OpenResult,    // id: a submission
        Review,        // id: a submission; asks for the staff name first
        Acknowledge,   // id: an alert; asks for the staff name first
        NameEntered,   // NameUi::text is the name; do what asked for it
        Export,        // value: store::ExportFormat
        SaveSettings,  // SettingsUi holds the values
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
    std::string kiosk_id;
    std::string fault, store_problem, load_problem;
    int open_alerts = 0, to_review = 0;
    SessionSummary session;
    std::string notice;          // what the last action did ("3 results exported ...")
};

// --- UI state, one struct per screen, owned by StaffMode; wiped when staff mode locks ----------

struct PinUi {
    std::string digits;   // typed; cleared after every check
    std::string first;    // choosing a PIN: the first entry, to confirm
    std::string message;
};

struct QueueUi {
    bool all = false;     // false: only results still to review
};

struct NameUi {
    std::string text;             // prefilled with the last name typed this visit
    Intent::Kind purpose = Intent::Kind::None;  // Review or Acknowledge
    std::string target;           // the submission or alert id
    Screen back_to = Screen::Menu;
    std::string message;
};

struct ExportUi {
    bool pending_only = false;
    bool mark_exported = true;
    std::string result;           // what the last export did, or its error
    bool failed = false;
};

struct SettingsUi {
    KioskSettings values;         // as staff set them on the screen; the language always one of the screening's
    std::string message;
    bool failed = false;
};

struct SessionUi {
    bool show_answers = false;    // staff asked; hidden again when they leave the screen
    std::string message;          // why the answers were not shown (their audit row was not written)
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
bool RowButton(Ui& ui, const std::string& key, const std::vector<RowLine>& lines, ButtonLook look, float width);
// Text on a panel in the urgent colour, across `width`.
void UrgentPanel(Ui& ui, std::string_view text, float width);
// A row of `count` equal buttons across the width: the width of one.
float ColumnWidth(int count);
// A confirmation's text and its Cancel / confirm row, keyed "<key>:cancel" and "<key>:confirm";
// Cancel gives Back, the (urgent) confirm button `on_confirm`.
Intent::Kind ConfirmRow(Ui& ui, std::string_view explanation, const std::string& key, std::string_view confirm_label,
                        Intent::Kind on_confirm, bool enabled = true);

// --- Screens ------------------------------------------------------------------------------

Intent DrawPin(Ui& ui, bool choosing, bool out_of_order, PinUi& state, bool to_top);
Intent DrawFault(Ui& ui, std::string_view fault, std::string_view store_problem, bool signed_in, bool to_top);
Intent DrawMenu(Ui& ui, const MenuView& view, bool to_top);
Intent DrawSession(Ui& ui, const SessionSummary& summary, const std::vector<std::pair<std::string, std::string>>& answers,
                   const SessionUi& state, bool to_top);
Intent DrawConfirmReset(Ui& ui, const SessionSummary& summary, bool to_top);
Intent DrawConfirmQuit(Ui& ui, bool to_top);
Intent DrawQueue(Ui& ui, const std::vector<ResultView>& results, const QueueUi& state, std::string_view problem, bool to_top);
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
// The interrupted session's answers (shown questions with an answer) as question, answer.
std::vector<std::pair<std::string, std::string>> SessionAnswers(Ui& ui, const Session& session);
// Where the session is, in one or two sentences, with no answer in them.
SessionSummary SummariseSession(const Session* session);

}  // namespace kiosk::ui::staff
