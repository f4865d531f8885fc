// A Decision as JSON, self-explaining (outcome, reasons with their texts and sources, what was
// missing), and its reader. The keys live here only: MakeStoredDecision + ToJson write, ReadDecision reads.
//
// [SECTION] From a rules::Decision
// [SECTION] To JSON
// [SECTION] From JSON
#include "core/decision_json.h"

#include <algorithm>

namespace kiosk {
namespace {

using nlohmann::json;

// Keys of the stored JSON. kLegacyReasons: what the reasons were stored under until they were
// named "reasons" (submissions already in clinics' databases keep it).
constexpr const char* kReasons = "reasons";
constexpr const char* kLegacyReasons = "fired";

//-----------------------------------------------------------------------------
// [SECTION] From a rules::Decision
//-----------------------------------------------------------------------------

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

void SortByTrack(std::vector<StoredTrack>& tracks) {
    std::sort(tracks.begin(), tracks.end(), [](const StoredTrack& a, const StoredTrack& b) { return a.track < b.track; });
}

StoredRule MakeRule(const rules::Screening& s, const rules::Rule& rule, int level, int language) {
    StoredRule r;
    r.id = rule.id;
    r.level = LevelName(s, level);
    for (size_t t = 0; t < s.tracks.size(); ++t) {
        int8_t status = rules::RuleTrackEffect(s, rule, level, t);
        if (status != rules::kNoTrackEffect)
            r.tracks.push_back({s.tracks[t].id, rules::TrackStatusName(static_cast<rules::TrackStatus>(status))});
    }
    SortByTrack(r.tracks);
    if (rule.flow == rules::Flow::Interrupt) r.flow = "interrupt";
    if (rule.flow == rules::Flow::End) r.flow = "end";
    r.reason = rule.reason;
    if (!rule.reason.empty()) r.reason_text = Text(rule.reason_text, language);
    r.staff_text = rule.staff_text;
    r.sources = rule.sources;
    r.reversible = rule.reversible;
    return r;
}

//-----------------------------------------------------------------------------
// [SECTION] To JSON
//-----------------------------------------------------------------------------

json RuleToJson(const StoredRule& r, bool undetermined) {
    json j;
    j["id"] = r.id;
    json effect;
    effect["level"] = r.level;
    if (!r.tracks.empty()) {
        json tracks = json::object();
        for (const StoredTrack& t : r.tracks) tracks[t.track] = t.status;
        effect["tracks"] = tracks;
    }
    if (!r.flow.empty()) effect["flow"] = r.flow;
    j["effect"] = effect;
    j["reason"] = r.reason.empty() ? json(nullptr) : json(r.reason);
    if (!r.reason.empty()) j["reason_text"] = r.reason_text;
    j["staff_text"] = r.staff_text;
    j["sources"] = r.sources;
    if (r.reversible) j["reversible"] = true;
    if (undetermined) j["missing"] = r.missing;
    return j;
}

json RulesToJson(const std::vector<StoredRule>& rules, bool undetermined) {
    json list = json::array();
    for (const StoredRule& r : rules) list.push_back(RuleToJson(r, undetermined));
    return list;
}

//-----------------------------------------------------------------------------
// [SECTION] From JSON
//-----------------------------------------------------------------------------

const json* Field(const json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string Str(const json& object, const char* key) {
    const json* value = Field(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

bool Bool(const json& object, const char* key, bool otherwise) {
    const json* value = Field(object, key);
    return value && value->is_boolean() ? value->get<bool>() : otherwise;
}

std::vector<std::string> Strings(const json& object, const char* key) {
    std::vector<std::string> out;
    const json* list = Field(object, key);
    if (!list || !list->is_array()) return out;
    for (const json& item : *list)
        if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

// A {"track": "status"} object; a status that is not text is left empty.
std::vector<StoredTrack> Tracks(const json& object, const char* key) {
    std::vector<StoredTrack> out;
    const json* tracks = Field(object, key);
    if (!tracks || !tracks->is_object()) return out;
    for (const auto& [track, status] : tracks->items())
        out.push_back({track, status.is_string() ? status.get<std::string>() : std::string()});
    return out;
}

StoredRule ReadRule(const json& j) {
    StoredRule r;
    r.id = Str(j, "id");
    if (const json* effect = Field(j, "effect")) {
        r.level = Str(*effect, "level");
        r.tracks = Tracks(*effect, "tracks");
        r.flow = Str(*effect, "flow");
    }
    r.reason = Str(j, "reason");
    r.reason_text = Str(j, "reason_text");
    r.staff_text = Str(j, "staff_text");
    r.sources = Strings(j, "sources");
    r.reversible = Bool(j, "reversible", false);
    r.missing = Strings(j, "missing");
    return r;
}

std::vector<StoredRule> ReadRules(const json& decision, const char* key) {
    std::vector<StoredRule> out;
    const json* list = Field(decision, key);
    if (!list || !list->is_array()) return out;
    for (const json& rule : *list) out.push_back(ReadRule(rule));
    return out;
}

}  // namespace

const std::string& StoredDecision::TrackStatus(std::string_view track) const {
    static const std::string kNone;
    for (const StoredTrack& t : tracks)
        if (t.track == track) return t.status;
    return kNone;
}

StoredDecision MakeStoredDecision(const rules::Screening& s, const rules::Decision& d, const rules::Date& today, int language) {
    std::vector<rules::ParamValue> params = s.ParameterValues();
    StoredDecision out;
    out.readable = true;
    out.screening_id = s.id;
    out.screening_version = s.version;
    out.screening_hash = s.content_hash;
    out.today = today;
    out.language = s.languages[language];
    if (d.outcome >= 0) {
        out.outcome = s.outcomes[d.outcome].id;
        out.outcome_label = Text(s.outcomes[d.outcome].staff_label, language);
    }
    const rules::Rule* ended = d.ended_by >= 0 ? &s.rules[d.ended_by] : nullptr;
    out.patient_message = ended && !ended->patient_message.empty() ? Text(ended->patient_message, language)
                        : d.outcome >= 0 ? Text(s.outcomes[d.outcome].patient_message, language) : std::string();
    out.interrupt = d.Interrupts(s);
    if (ended) out.ended_by = StoredEnd{ended->id, d.store};
    if (d.fallback) out.fallback = StoredFallback{s.fallback_reason, s.fallback_staff_text};
    for (int32_t r : d.fired) {
        const rules::Rule& rule = s.rules[r];
        int level = rules::RuleLevel(s, rule, params);
        bool note = level == rules::kLevelNote || level == rules::kLevelIndication;
        (note ? out.notes : out.reasons).push_back(MakeRule(s, rule, level, language));
    }
    for (const rules::UndeterminedRule& u : d.undetermined) {
        const rules::Rule& rule = s.rules[u.rule];
        StoredRule item = MakeRule(s, rule, rules::RuleLevel(s, rule, params), language);
        for (int32_t i = 0; i < u.missing_count; ++i) item.missing.push_back(s.questions[d.missing[u.missing_first + i]].id);
        out.undetermined.push_back(std::move(item));
    }
    for (size_t t = 0; t < s.tracks.size(); ++t)
        out.tracks.push_back({s.tracks[t].id, rules::TrackStatusName(static_cast<rules::TrackStatus>(d.tracks[t]))});
    SortByTrack(out.tracks);
    for (int32_t q : d.ignored) out.ignored_answers.push_back(s.questions[q].id);
    return out;
}

nlohmann::json ToJson(const StoredDecision& d) {
    json j;
    j["screening"] = {{"id", d.screening_id}, {"version", d.screening_version}, {"content_hash", d.screening_hash}};
    if (d.today) j["today"] = rules::FormatDate(*d.today);
    j["language"] = d.language;
    if (!d.outcome.empty()) {
        j["outcome"] = d.outcome;
        j["outcome_label"] = d.outcome_label;
    } else {
        j["outcome"] = nullptr;
    }
    j["patient_message"] = d.patient_message;
    j["interrupt"] = d.interrupt;
    j["ended_by"] = d.ended_by ? json{{"rule", d.ended_by->rule}, {"store", d.ended_by->store}} : json(nullptr);
    if (d.fallback) j["fallback"] = {{"reason", d.fallback->reason}, {"staff_text", d.fallback->staff_text}};
    j[kReasons] = RulesToJson(d.reasons, false);
    j["notes"] = RulesToJson(d.notes, false);
    j["undetermined"] = RulesToJson(d.undetermined, true);
    json tracks = json::object();
    for (const StoredTrack& t : d.tracks) tracks[t.track] = t.status;
    j["tracks"] = tracks;
    j["ignored_answers"] = d.ignored_answers;
    return j;
}

nlohmann::json DecisionToJson(const rules::Screening& s, const rules::Decision& d, const rules::Date& today, int language) {
    return ToJson(MakeStoredDecision(s, d, today, language));
}

StoredDecision ReadDecision(const nlohmann::json& j) {
    StoredDecision d;
    if (!j.is_object()) return d;
    d.readable = true;
    if (const json* screening = Field(j, "screening")) {
        d.screening_id = Str(*screening, "id");
        d.screening_version = Str(*screening, "version");
        d.screening_hash = Str(*screening, "content_hash");
    }
    d.today = rules::ParseDate(Str(j, "today"));
    d.language = Str(j, "language");
    d.outcome = Str(j, "outcome");
    d.outcome_label = Str(j, "outcome_label");
    d.patient_message = Str(j, "patient_message");
    d.interrupt = Bool(j, "interrupt", false);
    if (const json* ended = Field(j, "ended_by"); ended && ended->is_object())
        d.ended_by = StoredEnd{Str(*ended, "rule"), Bool(*ended, "store", true)};
    if (const json* fallback = Field(j, "fallback"); fallback && fallback->is_object())
        d.fallback = StoredFallback{Str(*fallback, "reason"), Str(*fallback, "staff_text")};
    d.reasons = ReadRules(j, Field(j, kReasons) ? kReasons : kLegacyReasons);
    d.notes = ReadRules(j, "notes");
    d.undetermined = ReadRules(j, "undetermined");
    d.tracks = Tracks(j, "tracks");
    d.ignored_answers = Strings(j, "ignored_answers");
    return d;
}

StoredDecision ReadDecision(std::string_view text) {
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    return j.is_discarded() ? StoredDecision{} : ReadDecision(j);
}

}  // namespace kiosk
