// The kiosk's settings in the clinic database: what staff saved, read over kiosk.toml's values,
// and saved (audited) from the staff screen. The model and its limits are core/settings.h.
#pragma once

#include <string>

#include "core/settings.h"
#include "store/store.h"

namespace kiosk {

// `base` (the configuration's values) with what staff saved in `store` applied: a value saved at
// the kiosk wins over kiosk.toml, being the later, deliberate change. A saved value that is not a
// number, or settings that fail staff's limits, are all ignored (so the two times stay a pair),
// and described in `problem` when given; so is a database error.
KioskSettings ReadSavedSettings(store::Store& store, const rules::Screening* screening, const KioskSettings& base,
                                std::string* problem = nullptr);

// Saves each setting that differs between `before` and `after` with Store::SetSetting, which
// audits it as "idle_warning_seconds 90 -> 100" (or "retention_done_days 30 -> 60") by `actor`. The value says whether anything was
// written; on an error it stops there, and the value still says whether earlier ones were.
store::Result<bool> SaveSettings(store::Store& store, const KioskSettings& before, const KioskSettings& after,
                                 const std::string& actor);

}  // namespace kiosk
