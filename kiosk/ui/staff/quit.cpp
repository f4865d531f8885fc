// Closing the kiosk program, after a confirmation (patients cannot use it until it is started again).
#include "ui/staff/staff_screens.h"

namespace kiosk::ui::staff {

Intent DrawConfirmQuit(Ui& ui, bool to_top) {
    Intent intent = BeginStaffBody(ui, "Close the kiosk?", true, "body:confirm_quit", to_top);
    Intent::Kind kind = ConfirmRow(ui,
                                   "The kiosk program stops. Stored results stay in the clinic database. "
                                   "Patients cannot use the kiosk until it is started again.",
                                   "staff:quit", "Yes, close the kiosk", Intent::Kind::Quit);
    if (kind != Intent::Kind::None) intent.kind = kind;
    EndStaffBody();
    return intent;
}

}  // namespace kiosk::ui::staff
