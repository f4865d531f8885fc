// The patient screens: each a function of the session's view that returns what was tapped.
// None of them holds screening logic, reads a file or touches the database.
#pragma once

#include "core/session.h"
#include "ui/widgets.h"

namespace kiosk::ui {

struct QuestionUi;

// The toggles every patient screen carries (larger text, high contrast) and the progress.
struct PatientChrome {
    bool larger_text = false;
    bool high_contrast = false;
};

PatientIntent DrawWelcome(Ui& ui, const SessionView& view, const PatientChrome& chrome);
// Consent and every question kind (yes/no, single, multi, number, date, text).
PatientIntent DrawQuestion(Ui& ui, const SessionView& view, const PatientChrome& chrome, QuestionUi& state);
PatientIntent DrawReview(Ui& ui, const SessionView& view, const PatientChrome& chrome);
// Urgent (a red flag), Ended and Submitting (a gate, sending), Done (the closing message).
PatientIntent DrawMessage(Ui& ui, const SessionView& view, const PatientChrome& chrome);
PatientIntent DrawIdleWarning(Ui& ui, const SessionView& view);
// Shown when the screening file or the database cannot be used; the reason is for staff only.
void DrawOutOfOrder(Ui& ui);
// Shown while no administrator exists: the kiosk serves no patient until one is added on the terminal.
void DrawNotSetUp(Ui& ui);

// Shared by the screens: the toggles row (with "question k of n" when `progress`), the footer,
// and the bottom row of navigation buttons.
PatientIntent TopBar(Ui& ui, const SessionView& view, const PatientChrome& chrome, bool progress);
void Footer(Ui& ui);
// Space the bottom rows take: a row of buttons and the footer.
float BottomHeight(Ui& ui);
// The text of an answer as the patient gave it, in the screen's language.
std::string DescribeForPatient(Ui& ui, int question, const rules::Answer& answer);

}  // namespace kiosk::ui
