// Makes what a Session produces durable.
#include "store/recorder.h"

#include "core/answers_json.h"
#include "core/decision_json.h"

namespace kiosk {

std::string IsoTime(SystemTime time) { return store::UtcIso(time); }

Recorder::Recorder(const rules::Screening& screening, store::Store& store, std::string kiosk_id)
    : m_screening(screening), m_store(store), m_kiosk_id(std::move(kiosk_id)) {}

std::string Recorder::SessionId(SystemTime started) const { return m_kiosk_id + "@" + IsoTime(started); }

std::optional<store::DbError> Recorder::Drain(Session& session) {
    for (SessionEvent& event : session.TakeEvents()) {
        if (auto* alert = std::get_if<UrgentAlert>(&event)) {
            m_unsaved_alerts.push_back({std::move(*alert), store::NewUuid()});
        } else if (auto* abandoned = std::get_if<Abandoned>(&event)) {
            const char* why = abandoned->reason == ResetReason::Idle ? "idle" : abandoned->reason == ResetReason::Staff ? "staff" : "start over";
            auto r = m_store.CountAbandoned(IsoTime(abandoned->time).substr(0, 10), abandoned->reason == ResetReason::Staff ? "staff" : "kiosk",
                                            std::string(why) + " reset after " + std::to_string(abandoned->answered) + " answers");
            if (!r.ok()) return r.error;
        }
    }
    std::optional<store::DbError> first_error;
    std::vector<PendingAlert> still_unsaved;
    for (PendingAlert& pending : m_unsaved_alerts) {
        const UrgentAlert& alert = pending.alert;
        const rules::Rule& rule = m_screening.rules[alert.rule];
        const std::string session_id = SessionId(alert.session_started), raised_at = IsoTime(alert.time);
        auto r = m_store.RaiseAlert(session_id, rule.id, rule.reason, raised_at, pending.id);
        if (r.ok()) {
            ++m_alerts_stored;
            continue;
        }
        if (!first_error) first_error = r.error;
        // Durable in the file: not kept for a retry here (the store moves it in later).
        if (m_store.KeepAlertOutside(pending.id, session_id, m_kiosk_id, rule.id, rule.reason, raised_at).ok()) continue;
        still_unsaved.push_back(std::move(pending));
    }
    m_unsaved_alerts = std::move(still_unsaved);
    return first_error;
}

store::Result<std::string> Recorder::Submit(Session& session) {
    store::Result<std::string> out;
    if (auto error = Drain(session)) {
        // The red flag first: a result must not be stored while its alert is not.
        out.error = error;
        return out;
    }
    std::optional<Completed> completed = session.Submit();
    if (!completed) {
        out.error = store::DbError{store::DbErrorKind::Other, 0, "nothing to submit in this state", "submitting"};
        return out;
    }
    if (!completed->decision.store) {
        session.Submitted(true);  // consent declined: nothing at all is kept
        out.value = std::string();
        return out;
    }
    store::SubmissionRecord record;
    record.kiosk_id = m_kiosk_id;
    record.screening_id = m_screening.id;
    record.screening_version = m_screening.version;
    record.screening_hash = m_screening.content_hash;
    record.language = m_screening.languages[completed->language];
    record.started_at = IsoTime(completed->started);
    record.submitted_at = IsoTime(completed->submitted);
    record.answers_json = AnswersToJson(m_screening, completed->answers).dump();
    record.decision_json = DecisionToJson(m_screening, completed->decision, completed->today, completed->language).dump();
    if (completed->decision.outcome >= 0) record.outcome = m_screening.outcomes[completed->decision.outcome].id;
    out = m_store.Submit(record, "kiosk");
    session.Submitted(out.ok());  // durable before thanked: Done only after the commit
    return out;
}

}  // namespace kiosk
