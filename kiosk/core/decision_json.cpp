// A Decision as JSON, self-explaining (outcome, reasons with their texts and sources, what was
// missing), and its reader. The keys live here only: MakeStoredDecision + ToJson write, ReadDecision reads.
//
// [SECTION] From a rules::Decision
// [SECTION] To JSON
// [SECTION] From JSON
#include "core/decision_json.h"

#include <algorithm>

#include "core/json_scan.h"
#include "rules/cases.h"

namespace kiosk {
namespace {

using nlohmann::json;

// Keys of the stored JSON. kLegacyReasons: what the reasons were stored under until they were
// named "reasons" (submissions already in clinics' databases keep it).
using namespace std::literals;
constexpr std::string_view kReasons = "reasons";
constexpr std::string_view kLegacyReasons = "fired";

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
    if (undetermined && !r.unknown_reasons.empty()) j["unknown_reasons"] = r.unknown_reasons;
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

// Reading goes through JsonScan, not a tree, into storage kept from the decision read before:
// exports read a decision per row (bench_store). Each reader leaves its field as a tree reader
// would: a mistyped value reads as empty, a key given twice as its last value.

// The next element of a list being read again: the one already there (its storage reused) or a new one.
template <class T>
T& NextSlot(std::vector<T>& list, size_t& used) {
    if (used == list.size()) list.emplace_back();
    return list[used++];
}

void ReadStrings(JsonScan& scan, std::vector<std::string>& out) {
    size_t used = 0;
    if (scan.EnterArray()) {
        while (scan.NextItem()) {
            std::string& item = NextSlot(out, used);
            if (!scan.ReadString(item)) --used;  // not text: left out
        }
    }
    out.resize(used);
}

// A {"track": "status"} object, ordered by track id; a status that is not text reads as empty.
void ReadTracks(JsonScan& scan, std::vector<StoredTrack>& out, std::string& key) {
    size_t used = 0;
    if (scan.EnterObject()) {
        while (scan.NextKey(key)) {
            StoredTrack& t = NextSlot(out, used);
            t.track = key;
            scan.ReadString(t.status);
        }
    }
    out.resize(used);
    // As a JSON object holds them: one status a track (the last given), by track id. The writer's
    // are in that order already.
    auto before = [](const StoredTrack& a, const StoredTrack& b) { return a.track < b.track; };
    bool ordered = true;
    for (size_t i = 1; i < out.size() && ordered; ++i) ordered = before(out[i - 1], out[i]);
    if (ordered) return;
    std::stable_sort(out.begin(), out.end(), before);
    size_t kept = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        if (kept > 0 && out[kept - 1].track == out[i].track) out[kept - 1] = std::move(out[i]);
        else if (kept++ != i) out[kept - 1] = std::move(out[i]);
    }
    out.resize(kept);
}

void ReadRule(JsonScan& scan, StoredRule& r, std::string& key) {
    r.id.clear();
    r.level.clear();
    r.tracks.clear();
    r.flow.clear();
    r.reason.clear();
    r.reason_text.clear();
    r.staff_text.clear();
    r.sources.clear();
    r.reversible = false;
    r.missing.clear();
    r.unknown_reasons.clear();
    if (!scan.EnterObject()) return;
    while (scan.NextKey(key)) {
        if (key == "id"sv) scan.ReadString(r.id);
        else if (key == "effect"sv) {
            r.level.clear();
            r.tracks.clear();
            r.flow.clear();
            if (!scan.EnterObject()) continue;
            while (scan.NextKey(key)) {
                if (key == "level"sv) scan.ReadString(r.level);
                else if (key == "tracks"sv) ReadTracks(scan, r.tracks, key);
                else if (key == "flow"sv) scan.ReadString(r.flow);
                else scan.Skip();
            }
        } else if (key == "reason"sv) scan.ReadString(r.reason);
        else if (key == "reason_text"sv) scan.ReadString(r.reason_text);
        else if (key == "staff_text"sv) scan.ReadString(r.staff_text);
        else if (key == "sources"sv) ReadStrings(scan, r.sources);
        else if (key == "reversible"sv) {
            r.reversible = false;
            scan.ReadBool(r.reversible);
        } else if (key == "missing"sv) ReadStrings(scan, r.missing);
        else if (key == "unknown_reasons"sv) ReadStrings(scan, r.unknown_reasons);
        else scan.Skip();
    }
}

void ReadRules(JsonScan& scan, std::vector<StoredRule>& out, std::string& key) {
    size_t used = 0;
    if (scan.EnterArray())
        while (scan.NextItem()) ReadRule(scan, NextSlot(out, used), key);
    out.resize(used);
}

}  // namespace

const std::string& StoredDecision::TrackStatus(std::string_view track) const {
    static const std::string kNone;
    for (const StoredTrack& t : tracks)
        if (t.track == track) return t.status;
    return kNone;
}

std::vector<std::string> StoredDecision::ReasonCodes() const {
    std::vector<std::string> codes;
    for (const auto* list : {&reasons, &notes})
        for (const StoredRule& r : *list)
            if (!r.reason.empty()) codes.push_back(r.reason);
    for (const StoredRule& r : undetermined) codes.insert(codes.end(), r.unknown_reasons.begin(), r.unknown_reasons.end());
    if (fallback && !fallback->reason.empty()) codes.push_back(fallback->reason);
    std::sort(codes.begin(), codes.end());
    codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
    return codes;
}

std::vector<std::string> StoredDecision::UnknownReasonCodes() const {
    std::vector<std::string> codes;
    auto named = [&](const std::string& code) {
        for (const auto* list : {&reasons, &notes})
            for (const StoredRule& r : *list)
                if (r.reason == code) return true;
        return std::find(codes.begin(), codes.end(), code) != codes.end();
    };
    for (const StoredRule& r : undetermined)
        for (const std::string& code : r.unknown_reasons)
            if (!named(code)) codes.push_back(code);
    return codes;
}

StoredDecision MakeStoredDecision(const rules::Screening& s, const rules::Decision& d, const rules::Date& today, int language) {
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
    for (const rules::FiredRule& f : d.fired) {
        const rules::Rule& rule = s.rules[f.rule];
        int level = f.level;  // as resolved with the parameters this decision used
        bool note = level == rules::kLevelNote || level == rules::kLevelIndication;
        (note ? out.notes : out.reasons).push_back(MakeRule(s, rule, level, language));
    }
    for (const rules::UndeterminedRule& u : d.undetermined) {
        const rules::Rule& rule = s.rules[u.rule];
        StoredRule item = MakeRule(s, rule, u.level, language);
        for (int32_t i = 0; i < u.missing_count; ++i) item.missing.push_back(s.questions[d.missing[u.missing_first + i]].id);
        item.unknown_reasons = rules::UnknownReasonCodes(s, d, u);
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
    j[std::string(kReasons)] = RulesToJson(d.reasons, false);
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
    return ReadDecision(std::string_view(j.dump(-1, ' ', false, json::error_handler_t::replace)));
}

StoredDecision ReadDecision(std::string_view text) { return DecisionReader().Read(text); }

const StoredDecision& DecisionReader::Read(std::string_view text) {
    JsonScan scan(text);
    StoredDecision& d = m_decision;
    std::string& key = m_key;
    bool has_reasons = false;  // "reasons" given: a legacy "fired" is then ignored
    d.readable = false;
    d.screening_id.clear();
    d.screening_version.clear();
    d.screening_hash.clear();
    d.today.reset();
    d.language.clear();
    d.outcome.clear();
    d.outcome_label.clear();
    d.patient_message.clear();
    d.interrupt = false;
    d.ended_by.reset();
    d.fallback.reset();
    // Lists keep their elements (and so their storage) for the readers below; a list the text
    // does not give is emptied at the end.
    bool has_legacy = false, has_notes = false, has_undetermined = false, has_tracks = false, has_ignored = false;
    const bool object = scan.EnterObject();
    if (object) {
        while (scan.NextKey(key)) {
            if (key == "screening"sv) {
                d.screening_id.clear();
                d.screening_version.clear();
                d.screening_hash.clear();
                if (!scan.EnterObject()) continue;
                while (scan.NextKey(key)) {
                    if (key == "id"sv) scan.ReadString(d.screening_id);
                    else if (key == "version"sv) scan.ReadString(d.screening_version);
                    else if (key == "content_hash"sv) scan.ReadString(d.screening_hash);
                    else scan.Skip();
                }
            } else if (key == "today"sv) {
                scan.ReadString(key);
                d.today = rules::ParseDate(key);
            } else if (key == "language"sv) scan.ReadString(d.language);
            else if (key == "outcome"sv) scan.ReadString(d.outcome);
            else if (key == "outcome_label"sv) scan.ReadString(d.outcome_label);
            else if (key == "patient_message"sv) scan.ReadString(d.patient_message);
            else if (key == "interrupt"sv) {
                d.interrupt = false;
                scan.ReadBool(d.interrupt);
            } else if (key == "ended_by"sv) {
                d.ended_by.reset();
                if (!scan.EnterObject()) continue;
                StoredEnd& end = d.ended_by.emplace();
                while (scan.NextKey(key)) {
                    if (key == "rule"sv) scan.ReadString(end.rule);
                    else if (key == "store"sv) {
                        end.store = true;
                        scan.ReadBool(end.store);
                    } else scan.Skip();
                }
            } else if (key == "fallback"sv) {
                d.fallback.reset();
                if (!scan.EnterObject()) continue;
                StoredFallback& fallback = d.fallback.emplace();
                while (scan.NextKey(key)) {
                    if (key == "reason"sv) scan.ReadString(fallback.reason);
                    else if (key == "staff_text"sv) scan.ReadString(fallback.staff_text);
                    else scan.Skip();
                }
            } else if (key == kReasons) {
                ReadRules(scan, d.reasons, key);
                has_reasons = true;
            } else if (key == kLegacyReasons) {
                ReadRules(scan, m_legacy_reasons, key);
                has_legacy = true;
            } else if (key == "notes"sv) {
                ReadRules(scan, d.notes, key);
                has_notes = true;
            } else if (key == "undetermined"sv) {
                ReadRules(scan, d.undetermined, key);
                has_undetermined = true;
            } else if (key == "tracks"sv) {
                ReadTracks(scan, d.tracks, key);
                has_tracks = true;
            } else if (key == "ignored_answers"sv) {
                ReadStrings(scan, d.ignored_answers);
                has_ignored = true;
            } else {
                scan.Skip();
            }
        }
    }
    if (!object || !scan.Finish()) {
        d = StoredDecision{};
        return d;
    }
    if (!has_legacy) m_legacy_reasons.clear();
    if (!has_reasons) std::swap(d.reasons, m_legacy_reasons);
    if (!has_notes) d.notes.clear();
    if (!has_undetermined) d.undetermined.clear();
    if (!has_tracks) d.tracks.clear();
    if (!has_ignored) d.ignored_answers.clear();
    d.readable = true;
    return d;
}

}  // namespace kiosk
