// What every export reads of one stored submission, and the answer and text helpers they share.
#include "store/export/stored.h"

namespace kiosk::store::exports {

using nlohmann::json;

json ParseOrNull(const std::string& text) {
    json value = json::parse(text, nullptr, false);
    return value.is_discarded() ? json() : value;
}

Stored ReadStored(const rules::Screening& s, const StoredSubmission& submission) {
    Stored out;
    out.answers = ParseOrNull(submission.record.answers_json);
    out.decision = ReadDecision(submission.record.decision_json);
    out.same_file = !s.content_hash.empty() && submission.record.screening_hash == s.content_hash;
    return out;
}

const json& AnswerOf(const Stored& stored, const rules::Question& q) {
    static const json kNull;
    if (!stored.answers.is_object()) return kNull;
    for (const std::string& ignored : stored.decision.ignored_answers)
        if (ignored == q.id) return kNull;
    auto it = stored.answers.find(q.id);
    return it == stored.answers.end() ? kNull : *it;
}

bool IsNotSure(const json& value) {
    return (value.is_string() && value.get_ref<const std::string&>() == kNotSure) ||
           (value.is_array() && value.size() == 1 && value[0].is_string() && value[0].get_ref<const std::string&>() == kNotSure);
}

std::vector<std::string> Codes(const json& value) {
    std::vector<std::string> codes;
    if (value.is_string()) codes.push_back(value.get<std::string>());
    else if (value.is_boolean()) codes.push_back(value.get<bool>() ? "yes" : "no");
    else if (value.is_array())
        for (const json& item : value)
            if (item.is_string()) codes.push_back(item.get<std::string>());
    return codes;
}

std::optional<double> NumberOf(const rules::Question& q, const json& value) {
    if (value.is_number()) return value.get<double>();
    if (!value.is_object() || !value.contains("value") || !value["value"].is_number()) return std::nullopt;
    double number = value["value"].get<double>();
    auto unit_it = value.find("unit");
    std::string unit = unit_it != value.end() && unit_it->is_string() ? unit_it->get<std::string>() : std::string();
    if (unit.empty() || unit == q.unit) return number;
    for (const auto& [other, factor] : q.units)
        if (other == unit) return number * factor;
    return std::nullopt;
}

std::string NumberText(double number) {
    if (number == static_cast<double>(static_cast<long long>(number)) && number > -1e15 && number < 1e15)
        return std::to_string(static_cast<long long>(number));
    return json(number).dump();
}

size_t LanguageIndex(const rules::Screening& s, int language) {
    return language >= 0 && static_cast<size_t>(language) < s.languages.size() ? static_cast<size_t>(language) : 0;
}

const std::string& Text(const rules::LangText& texts, size_t language) {
    static const std::string kEmpty;
    if (texts.empty()) return kEmpty;
    return texts[language < texts.size() ? language : 0];
}

const std::string& NotSureLabel(const rules::Screening& s, size_t language) {
    static const std::string kDefault = "Not sure";
    auto it = s.labels.find(kNotSure);
    return it == s.labels.end() || Text(it->second, language).empty() ? kDefault : Text(it->second, language);
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += separator;
        out += items[i];
    }
    return out;
}

}  // namespace kiosk::store::exports
