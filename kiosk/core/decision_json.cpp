// A Decision as JSON, self-explaining: outcome, rules fired with reasons and sources, what was missing.
#include "core/decision_json.h"

#include <vector>

namespace kiosk {
namespace {

std::string LevelName(const rules::Screening& s, int level) {
    if (level >= 0) return s.outcomes[level].id;
    if (level == rules::kLevelNote) return "note";
    if (level == rules::kLevelIndication) return "indication";
    return "tracks";
}

std::string Text(const rules::LangText& texts, int language) {
    if (texts.empty()) return {};
    return texts[static_cast<size_t>(language) < texts.size() ? language : 0];
}

nlohmann::json RuleJson(const rules::Screening& s, const rules::Rule& rule, int level, int language) {
    nlohmann::json j;
    j["id"] = rule.id;
    nlohmann::json effect;
    effect["level"] = LevelName(s, level);
    nlohmann::json tracks = nlohmann::json::object();
    for (size_t t = 0; t < s.tracks.size(); ++t) {
        int8_t status = rules::RuleTrackEffect(s, rule, level, t);
        if (status != rules::kNoTrackEffect) tracks[s.tracks[t].id] = rules::TrackStatusName(static_cast<rules::TrackStatus>(status));
    }
    if (!tracks.empty()) effect["tracks"] = tracks;
    if (rule.flow == rules::Flow::Interrupt) effect["flow"] = "interrupt";
    if (rule.flow == rules::Flow::End) effect["flow"] = "end";
    j["effect"] = effect;
    j["reason"] = rule.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(rule.reason);
    if (!rule.reason.empty()) j["reason_text"] = Text(rule.reason_text, language);
    j["staff_text"] = rule.staff_text;
    j["sources"] = rule.sources;
    if (rule.reversible) j["reversible"] = true;
    return j;
}

}  // namespace

nlohmann::json DecisionToJson(const rules::Screening& s, const rules::Decision& d, const rules::Date& today, int language) {
    nlohmann::json j;
    j["screening"] = {{"id", s.id}, {"version", s.version}, {"content_hash", s.content_hash}};
    j["today"] = rules::FormatDate(today);
    j["language"] = s.languages[language];
    if (d.outcome >= 0) {
        const rules::Outcome& o = s.outcomes[d.outcome];
        j["outcome"] = o.id;
        j["outcome_label"] = Text(o.staff_label, language);
    } else {
        j["outcome"] = nullptr;
    }
    const rules::Rule* ended = d.ended_by >= 0 ? &s.rules[d.ended_by] : nullptr;
    std::string message = ended && !ended->patient_message.empty() ? Text(ended->patient_message, language)
                        : d.outcome >= 0 ? Text(s.outcomes[d.outcome].patient_message, language) : std::string();
    j["patient_message"] = message;
    j["interrupt"] = d.Interrupts(s);
    if (ended) j["ended_by"] = {{"rule", ended->id}, {"store", d.store}};
    else j["ended_by"] = nullptr;
    if (d.fallback)
        j["fallback"] = {{"reason", s.fallback_reason}, {"staff_text", s.fallback_staff_text}};

    nlohmann::json fired = nlohmann::json::array(), notes = nlohmann::json::array();
    for (const rules::FiredRule& f : d.fired) {
        const rules::Rule& rule = s.rules[f.rule];
        int level = f.level;
        bool note = level == rules::kLevelNote || level == rules::kLevelIndication;
        (note ? notes : fired).push_back(RuleJson(s, rule, level, language));
    }
    j["fired"] = fired;
    j["notes"] = notes;
    nlohmann::json undetermined = nlohmann::json::array();
    for (const rules::UndeterminedRule& u : d.undetermined) {
        const rules::Rule& rule = s.rules[u.rule];
        nlohmann::json item = RuleJson(s, rule, u.level, language);
        nlohmann::json missing = nlohmann::json::array();
        for (int32_t i = 0; i < u.missing_count; ++i) {
            int32_t q = d.missing[u.missing_first + i];
            missing.push_back(s.questions[q].id);
        }
        item["missing"] = missing;
        undetermined.push_back(item);
    }
    j["undetermined"] = undetermined;
    nlohmann::json tracks = nlohmann::json::object();
    for (size_t t = 0; t < s.tracks.size(); ++t) tracks[s.tracks[t].id] = rules::TrackStatusName(static_cast<rules::TrackStatus>(d.tracks[t]));
    j["tracks"] = tracks;
    nlohmann::json ignored = nlohmann::json::array();
    for (int32_t q : d.ignored) ignored.push_back(s.questions[q].id);
    j["ignored_answers"] = ignored;
    return j;
}

}  // namespace kiosk
