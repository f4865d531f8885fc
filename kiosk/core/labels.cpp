// The [labels] the kiosk window needs, checked once, and the fill-in of their %placeholders.
#include "core/labels.h"

#include <algorithm>

namespace kiosk {

namespace {

const rules::LangText* Find(const rules::Screening& screening, std::string_view key) {
    constexpr std::string_view kText = "text:";
    const auto& table = key.starts_with(kText) ? screening.texts : screening.labels;
    if (key.starts_with(kText)) key.remove_prefix(kText.size());
    auto it = table.find(std::string(key));
    return it == table.end() ? nullptr : &it->second;
}

}  // namespace

std::vector<std::string> MissingPatientLabels(const rules::Screening& screening) {
    std::vector<std::string> missing;
    for (std::string_view key : kPatientLabels) {
        const rules::LangText* text = Find(screening, key);
        bool is_text = key.starts_with("text:");
        std::string_view name = is_text ? key.substr(5) : key;
        std::string table = is_text ? "[text]" : "[labels]";
        if (!text) {
            missing.push_back(screening.path + ": error: " + table + " has no '" + std::string(name) +
                              "' (the kiosk window needs it)");
            continue;
        }
        for (size_t l = 0; l < screening.languages.size(); ++l)
            if (l >= text->size() || (*text)[l].empty())
                missing.push_back(screening.path + ": error: " + table + " '" + std::string(name) + "' has no " +
                                  screening.languages[l] + " text (the kiosk window needs it)");
    }
    return missing;
}

std::string_view Label(const rules::Screening& screening, std::string_view key, int language) {
    const rules::LangText* text = Find(screening, key);
    if (!text || language < 0 || static_cast<size_t>(language) >= text->size()) return {};
    return (*text)[language];
}

std::string Fill(std::string_view text, std::initializer_list<std::pair<std::string_view, std::string>> values) {
    std::vector<std::pair<std::string_view, std::string>> sorted(values);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        bool replaced = false;
        if (text[i] == '%') {
            for (const auto& [name, value] : sorted) {
                if (text.substr(i + 1, name.size()) == name) {
                    out += value;
                    i += 1 + name.size();
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += text[i++];
    }
    return out;
}

}  // namespace kiosk
