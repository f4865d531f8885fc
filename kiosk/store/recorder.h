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
    // (no patient data). Call after every intent. Returns the first error. An alert the database
    // does not take is kept in the file beside it (Store::KeepAlertOutside), durable there, and
    // moves into the database when it takes writes again; the database's error is still
    // returned (the kiosk goes out of order). Only when the file cannot take it either is the
    // alert kept in memory and tried again on the next call, so a red flag is never dropped.
    //
    // The urgent screen is shown to the patient whatever happened here: the session is already in
    // it when the alert is drained. Sending the patient to the desk is the safe act even when no
    // record of the alert could be made; staff see why on every staff screen.
    std::optional<store::DbError> Drain(Session& session);

    // Alerts neither the database nor the file took, held in memory until one does.
    size_t AlertsInMemory() const { return m_unsaved_alerts.size(); }
    // Alerts stored in the database so far: one more than before means a new row for the outbox.
    int64_t AlertsStored() const { return m_alerts_stored; }

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
    struct PendingAlert {
        UrgentAlert alert;
        std::string id;  // unique: every retry, and the move from the file, stores it once
    };
    std::vector<PendingAlert> m_unsaved_alerts;
    int64_t m_alerts_stored = 0;
};

std::string IsoTime(SystemTime time);

}  // namespace kiosk
