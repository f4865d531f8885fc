// Makes what a Session produces durable: urgent alerts at once, completed screenings, and counts of
// abandoned sessions. The kiosk window and the tests drive a Session and hand it to a Recorder.
#pragma once

#include <optional>
#include <string>

#include "core/session.h"
#include "store/store.h"

namespace kiosk {

class Recorder {
public:
    // `screening` and `store` must outlive the recorder.
    Recorder(const rules::Screening& screening, store::Store& store, std::string kiosk_id);

    // Stores the session's pending events: each UrgentAlert at once, each Abandoned as a count
    // (no patient data). Call after every intent. Returns the first error; an alert that could not
    // be stored is kept and tried again on the next call, so a red flag is never dropped.
    std::optional<store::DbError> Drain(Session& session);

    // Review or Ended: submits and makes the result durable, then tells the session. On success
    // the new id (empty when nothing is stored: consent declined); on failure the session keeps
    // every answer for a retry and the error is for the staff screen.
    store::Result<std::string> Submit(Session& session);

    // Stable id of the session that started at `started` on this kiosk (links alerts to results).
    std::string SessionId(SystemTime started) const;

private:
    const rules::Screening& m_screening;
    store::Store& m_store;
    std::string m_kiosk_id;
    std::vector<UrgentAlert> m_unsaved_alerts;
};

std::string IsoTime(SystemTime time);

}  // namespace kiosk
