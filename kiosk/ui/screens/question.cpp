// One question per screen: consent, yes/no, single and multiple choice, numbers, dates, free text.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/labels.h"
#include "ui/app.h"
#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

using Kind = PatientIntent::Kind;
using rules::QuestionType;

PatientIntent Make(Kind kind) {
    PatientIntent intent;
    intent.kind = kind;
    return intent;
}

PatientIntent AnswerWith(rules::AnswerInput input) {
    PatientIntent intent = Make(Kind::Answer);
    intent.input = std::move(input);
    return intent;
}

std::string FormatNumber(double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", value);
    return buffer;
}

// Loads the UI state for a newly shown question from its current answer (after Back or from Review).
void Prepare(QuestionUi& state, int question, const rules::Question& q, const rules::Answer& answer) {
    if (state.question == question) return;
    state = QuestionUi{};
    state.question = question;
    if (answer.state != rules::AnswerState::Given) return;
    switch (q.type) {
        case QuestionType::Multi: state.multi = answer.set; break;
        case QuestionType::Integer:
        case QuestionType::Decimal: state.number = FormatNumber(answer.number); break;
        case QuestionType::Date:
            state.date_parts[0] = std::to_string(answer.date.year);
            state.date_parts[1] = std::to_string(answer.date.month);
            state.date_parts[2] = std::to_string(answer.date.day);
            break;
        case QuestionType::Text: state.text = answer.text; break;
        default: break;
    }
}

// An option's text; yes/no questions without their own labels use [labels] yes and no.
std::string OptionLabel(Ui& ui, const rules::Option& o) {
    if (static_cast<size_t>(ui.language) < o.label.size() && !o.label[ui.language].empty()) return o.label[ui.language];
    return std::string(ui.L(o.code));
}

// How many columns a list of options takes: the fewest (1 to 3) whose rows fit the height left,
// with columns no narrower than a comfortable reading width; the most that are allowed when none fits.
int ChooseColumns(Ui& ui, const std::vector<std::string>& labels, float indent) {
    const float width = ImGui::GetContentRegionAvail().x, height = ImGui::GetContentRegionAvail().y;
    const float gap = ui.metrics.gap;
    int best = 1;
    for (int columns = 1; columns <= 3; ++columns) {
        const float column_w = std::floor((width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));
        if (columns > 1 && column_w < 420 * ui.metrics.scale * ui.metrics.text_scale) break;
        best = columns;
        float total = 0;
        for (size_t i = 0; i < labels.size(); i += columns) {
            float row = 0;
            for (size_t j = i; j < std::min(labels.size(), i + columns); ++j)
                row = std::max(row, TouchButtonHeight(ui, labels[j], column_w - indent));
            total += row + gap;
        }
        if (total <= height) return columns;
    }
    return best;
}

// Yes/no and single choice: a column (two on wide screens for long lists) of large buttons; a tap answers.
PatientIntent ChoiceButtons(Ui& ui, const rules::Question& q, const SessionView& view) {
    PatientIntent intent;
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    std::vector<std::pair<std::string, std::string>> buttons;  // (code, label)
    for (const rules::Option& o : q.options) buttons.emplace_back(o.code, OptionLabel(ui, o));
    if (view.can_not_sure && q.FindOption("not_sure") < 0) buttons.emplace_back("not_sure", std::string(ui.L("not_sure")));
    std::vector<std::string> labels;
    for (const auto& button : buttons) labels.push_back(button.second);
    const int columns = ChooseColumns(ui, labels, 0);
    const float button_w = std::floor((width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));
    for (size_t i = 0; i < buttons.size(); ++i) {
        const auto& [code, label] = buttons[i];
        bool selected = false;
        if (view.answer.state == rules::AnswerState::Given) {
            if (q.type == QuestionType::YesNo) selected = (code == "yes") == view.answer.yes && (code == "yes" || code == "no");
            else selected = view.answer.option >= 0 && q.options[view.answer.option].code == code;
        } else if (view.answer.state == rules::AnswerState::Unsure) {
            selected = code == "not_sure";
        }
        if (i % columns != 0) ImGui::SameLine(0, gap);
        if (TouchButton(ui, label, "option:" + code, button_w, selected ? ButtonLook::Selected : ButtonLook::Normal))
            intent = code == "not_sure" && q.FindOption("not_sure") < 0 ? Make(Kind::NotSure) : AnswerWith(code);
    }
    return intent;
}

// Multiple choice: toggles; an exclusive option ("none") clears the others and the others clear it.
void MultiToggles(Ui& ui, const rules::Question& q, QuestionUi& state, PatientIntent& intent, const SessionView& view) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    const size_t count = q.options.size() + (view.can_not_sure && q.FindOption("not_sure") < 0 ? 1 : 0);
    std::vector<std::string> labels;
    for (const rules::Option& option : q.options) labels.push_back(OptionLabel(ui, option));
    if (count > q.options.size()) labels.emplace_back(ui.L("not_sure"));
    const float indent = std::round(ui.fonts.body->FontSize * 1.1f) + gap;  // the check box
    const int columns = ChooseColumns(ui, labels, indent);
    const float button_w = std::floor((width - gap * static_cast<float>(columns - 1)) / static_cast<float>(columns));
    for (size_t o = 0; o < q.options.size(); ++o) {
        const rules::Option& option = q.options[o];
        bool on = state.multi >> o & 1;
        if (o % columns != 0) ImGui::SameLine(0, gap);
        if (TouchToggle(ui, OptionLabel(ui, option), "option:" + option.code, button_w, on)) {
            intent = Make(Kind::Touch);
            state.problem.reset();
            if (on) {
                state.multi &= ~(uint64_t{1} << o);
            } else if (option.exclusive) {
                state.multi = uint64_t{1} << o;
            } else {
                for (size_t x = 0; x < q.options.size(); ++x)
                    if (q.options[x].exclusive) state.multi &= ~(uint64_t{1} << x);
                state.multi |= uint64_t{1} << o;
            }
        }
    }
    if (count > q.options.size()) {
        if (q.options.size() % columns != 0) ImGui::SameLine(0, gap);
        bool unsure = view.answer.state == rules::AnswerState::Unsure && state.multi == 0;
        if (TouchButton(ui, ui.L("not_sure"), "option:not_sure", button_w, unsure ? ButtonLook::Selected : ButtonLook::Normal))
            intent = Make(Kind::NotSure);
    }
}

// The display box above a pad: what was typed, large.
void Display(Ui& ui, std::string_view text, std::string_view suffix, const std::string& key, float width, bool active) {
    std::string shown = std::string(text.empty() ? "\xE2\x80\x94" : text);
    if (!suffix.empty()) shown += " " + std::string(suffix);
    TouchButton(ui, shown, key, width, active ? ButtonLook::Selected : ButtonLook::Quiet, true, ui.fonts.heading);
}

// Numbers: a row of 0..10 buttons for a short scale (pain 0-10); otherwise a number pad with the
// unit and the limits shown and a unit switch. The session re-asks a refused number once (spec §3).
bool QuickScale(const rules::Question& q) { return q.type == QuestionType::Integer && q.max - q.min <= 10; }

float PadWidth(Ui& ui, float width) { return std::min(width, std::round(560 * ui.metrics.scale * ui.metrics.text_scale)); }

// A [labels] entry with limits in the unit the patient chose, to one decimal ("from 35.4 to 96.5 in").
std::string WithLimits(Ui& ui, const rules::Question& q, const QuestionUi& state, std::string_view key, double min, double max) {
    const double factor = state.unit > 0 ? q.units[state.unit - 1].second : 1.0;
    auto shown = [&](double limit) { return FormatNumber(std::round(limit / factor * 10) / 10); };
    return Fill(ui.L(key), {{"min", shown(min)}, {"max", shown(max)}, {"unit", state.unit > 0 ? q.units[state.unit - 1].first : q.unit}});
}

// Which part of a pad question to draw: the fields (unit, limits, what was typed) or the pad.
enum class Part : uint8_t { Fields, Pad, Both };

void NumberInput(Ui& ui, const rules::Question& q, QuestionUi& state, PatientIntent& intent, const SessionView& view, Part part) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    if (QuickScale(q)) {
        const int lo = static_cast<int>(q.min), hi = static_cast<int>(q.max);
        const int count = hi - lo + 1;
        const int per_row = width >= 1100 * ui.metrics.scale ? count : (count + 1) / 2;
        const float button_w = std::floor((width - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row));
        for (int v = lo; v <= hi; ++v) {
            if ((v - lo) % per_row != 0) ImGui::SameLine(0, gap);
            bool selected = view.answer.state == rules::AnswerState::Given && static_cast<int>(view.answer.number) == v;
            if (TouchButton(ui, std::to_string(v), "number:" + std::to_string(v), button_w,
                            selected ? ButtonLook::Selected : ButtonLook::Normal, true, ui.fonts.question))
                intent = AnswerWith(static_cast<double>(v));
        }
        return;
    }
    const std::string& unit = state.unit > 0 ? q.units[state.unit - 1].first : q.unit;
    if (part == Part::Pad) {
        if (NumberPad(ui, state.number, q.type == QuestionType::Decimal, 6, PadWidth(ui, width))) {
            state.problem.reset();
            intent = Make(Kind::Touch);
        }
        return;
    }
    // The unit switch: the question's unit and its alternatives ("cm" / "in").
    if (!q.units.empty()) {
        const float unit_w = std::floor((width - gap * static_cast<float>(q.units.size())) / static_cast<float>(q.units.size() + 1));
        for (int u = 0; u <= static_cast<int>(q.units.size()); ++u) {
            if (u > 0) ImGui::SameLine(0, gap);
            const std::string& name = u == 0 ? q.unit : q.units[u - 1].first;
            if (TouchButton(ui, name, "unit:" + name, unit_w, state.unit == u ? ButtonLook::Selected : ButtonLook::Normal)) {
                state.unit = u;
                state.number.clear();
                state.problem.reset();
                intent = Make(Kind::Touch);
            }
        }
    }
    Paragraph(ui, ui.fonts.body, ui.theme.text, WithLimits(ui, q, state, "number_range", q.min, q.max));
    Display(ui, state.number, unit, "number:display", PadWidth(ui, width), false);
    if (part == Part::Both) NumberInput(ui, q, state, intent, view, Part::Pad);
}

// What was typed, as the Answer intent in the unit chosen; nothing typed = skip. The session checks
// the limits (and re-asks once, spec §3).
PatientIntent CommitNumber(const rules::Question& q, const QuestionUi& state, const SessionView& view) {
    if (state.number.empty()) return view.can_skip ? Make(Kind::Skip) : PatientIntent{};
    const double value = std::strtod(state.number.c_str(), nullptr);
    if (state.unit > 0) return AnswerWith(rules::MeasuredInput{value, q.units[state.unit - 1].first});
    return AnswerWith(value);
}

// Dates: the fields in the language's order (month/day/year or day/month/year; month and year for
// a month-precision date), one number pad that types into the selected field.
void DateInput(Ui& ui, const rules::Question& q, QuestionUi& state, PatientIntent& intent, Part draw) {
    const float width = ImGui::GetContentRegionAvail().x;
    const float gap = ui.metrics.gap;
    // Field indexes into date_parts: 0 year, 1 month, 2 day.
    std::vector<int> order;
    if (q.month_precision) order = {1, 0};
    else if (ui.L("date_order") == "dmy") order = {2, 1, 0};
    else order = {1, 2, 0};
    static constexpr const char* kNames[3] = {"date_year", "date_month", "date_day"};
    static constexpr const char* kKeys[3] = {"date:year", "date:month", "date:day"};
    static constexpr int kLength[3] = {4, 2, 2};
    if (state.date_field < 0 || state.date_field >= static_cast<int>(order.size())) state.date_field = 0;
    if (draw == Part::Pad) {
        int part = order[state.date_field];
        std::string before = state.date_parts[part];
        if (NumberPad(ui, state.date_parts[part], false, kLength[part], PadWidth(ui, width))) {
            state.problem.reset();
            intent = Make(Kind::Touch);
            // A full field moves on to the next one, as a paper form's boxes do.
            if (static_cast<int>(state.date_parts[part].size()) == kLength[part] && state.date_parts[part].size() > before.size() &&
                state.date_field + 1 < static_cast<int>(order.size()))
                ++state.date_field;
        }
        return;
    }
    const float field_w = std::floor((width - gap * static_cast<float>(order.size() - 1)) / static_cast<float>(order.size()));
    ImVec2 start = ImGui::GetCursorPos();
    for (size_t i = 0; i < order.size(); ++i) {
        ImGui::SetCursorPos(ImVec2(start.x + static_cast<float>(i) * (field_w + gap), start.y));
        Paragraph(ui, ui.fonts.body, ui.theme.text, ui.L(kNames[order[i]]), field_w);
    }
    ImGui::SetCursorPos(ImVec2(start.x, ImGui::GetCursorPosY()));
    std::string_view months = ui.L("months");
    for (size_t i = 0; i < order.size(); ++i) {
        if (i > 0) ImGui::SameLine(0, gap);
        int part = order[i];
        std::string shown = state.date_parts[part];
        if (part == 1 && !shown.empty()) {
            int m = std::atoi(shown.c_str());
            size_t from = 0;
            for (int k = 1; k < m && from != std::string_view::npos; ++k) from = months.find(',', from) + 1;
            if (m >= 1 && m <= 12 && from != std::string_view::npos)
                shown += " (" + std::string(months.substr(from, months.find(',', from) - from)) + ")";
        }
        if (shown.empty()) shown = "\xE2\x80\x94";
        if (TouchButton(ui, shown, kKeys[part], field_w, state.date_field == static_cast<int>(i) ? ButtonLook::Selected : ButtonLook::Quiet,
                        true, ui.fonts.question)) {
            state.date_field = static_cast<int>(i);
            intent = Make(Kind::Touch);
        }
    }
    if (draw == Part::Both) DateInput(ui, q, state, intent, Part::Pad);
}

// The fields as the Answer intent, written as in an answers file ("1960-02-30", "2024-03"); the engine
// refuses a date that is not one (a short year, 30 February), in the future or too long ago.
// Nothing typed = skip.
PatientIntent CommitDate(const rules::Question& q, const QuestionUi& state, const SessionView& view) {
    bool empty = state.date_parts[0].empty() && state.date_parts[1].empty() && (q.month_precision || state.date_parts[2].empty());
    if (empty) return view.can_skip ? Make(Kind::Skip) : PatientIntent{};
    auto two_digits = [](const std::string& digits) { return std::string(digits.size() < 2 ? 2 - digits.size() : 0, '0') + digits; };
    std::string text = state.date_parts[0] + "-" + two_digits(state.date_parts[1]);
    if (!q.month_precision) text += "-" + two_digits(state.date_parts[2]);
    return AnswerWith(text);
}

// Why the session refused the answer, in the patient's words: the kind picks the [labels] entry.
std::string ProblemText(Ui& ui, const rules::Question& q, const QuestionUi& state, const SessionView& view,
                        const rules::AnswerProblem& problem) {
    using rules::AnswerProblemKind;
    if (rules::IsNumberLimit(problem.kind))
        return WithLimits(ui, q, state, view.reask ? "number_reask" : "number_range", problem.min, problem.max);
    switch (problem.kind) {
        case AnswerProblemKind::InFuture: return std::string(ui.L("date_future"));
        case AnswerProblemKind::TooOld: return std::string(ui.L("date_too_old"));
        // InvalidDate; the screens send no other input the engine refuses (options come from the
        // question, the keyboard stops at the length limit), so "check it" is the honest fallback.
        default: return std::string(ui.L("date_invalid"));
    }
}

}  // namespace

PatientIntent DrawQuestion(Ui& ui, const SessionView& view, const PatientChrome& chrome, QuestionUi& state) {
    const rules::Question& q = ui.screening->questions[view.question];
    Prepare(state, view.question, q, view.answer);
    BeginScreen(ui, "question");
    PatientIntent intent = TopBar(ui, view, chrome, view.state == SessionState::Question);
    const float bottom = BottomHeight(ui);
    // Number pads and dates on a wide screen: the question on the left, the pad on the right, so
    // both fit without scrolling. Elsewhere one column that scrolls.
    const bool pad_kind = (q.type == QuestionType::Integer && !QuickScale(q)) || q.type == QuestionType::Decimal ||
                          q.type == QuestionType::Date;
    const float full_w = ImGui::GetContentRegionAvail().x;
    const bool two_columns = pad_kind && full_w >= 1100 * ui.metrics.scale;
    const float pad_w = PadWidth(ui, full_w);
    const Part part = two_columns ? Part::Fields : Part::Both;
    ImGui::BeginChild(("body:" + q.id).c_str(), ImVec2(two_columns ? full_w - pad_w - ui.metrics.gap * 2 : 0, -bottom), false,
                      ImGuiWindowFlags_NoScrollWithMouse);
    DragToScroll();
    Paragraph(ui, ui.fonts.question, ui.theme.text, q.text[ui.language]);
    if (!q.help.empty()) Paragraph(ui, ui.fonts.body, ui.theme.muted_text, q.help[ui.language]);
    if (view.helper_visible) {
        // The "not sure" helper, once a session: the patient may still pick the closest answer.
        ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
        Paragraph(ui, ui.fonts.body, ui.theme.text, view.helper_text);
        if (TouchButton(ui, ui.L("ok"), "helper:ok", std::round(300 * ui.metrics.scale), ButtonLook::Primary))
            intent = Make(Kind::DismissHelper);
    }
    if (state.problem) Paragraph(ui, ui.fonts.body, ui.theme.error_text, ProblemText(ui, q, state, view, *state.problem));
    ImGui::Dummy(ImVec2(0, ui.metrics.gap * 0.5f));
    PatientIntent control;
    switch (q.type) {
        case QuestionType::YesNo:
        case QuestionType::Single: control = ChoiceButtons(ui, q, view); break;
        case QuestionType::Multi: MultiToggles(ui, q, state, control, view); break;
        case QuestionType::Integer:
        case QuestionType::Decimal: NumberInput(ui, q, state, control, view, part); break;
        case QuestionType::Date: DateInput(ui, q, state, control, part); break;
        case QuestionType::Text: {
            const float width = ImGui::GetContentRegionAvail().x;
            Display(ui, state.text, "", "text:display", width, false);
            if (Keyboard(ui, state.text, q.max_length, width)) control = Make(Kind::Touch);
            break;
        }
    }
    ImGui::EndChild();
    if (two_columns) {
        ImGui::SameLine(0, ui.metrics.gap * 2);
        ImGui::BeginChild("pad", ImVec2(pad_w, -bottom), false, ImGuiWindowFlags_NoScrollWithMouse);
        if (q.type == QuestionType::Date) DateInput(ui, q, state, control, Part::Pad);
        else NumberInput(ui, q, state, control, view, Part::Pad);
        ImGui::EndChild();
    }
    if (control.kind != Kind::None) intent = control;

    // The bottom row: Back, then Not sure (for number and date questions) and Skip, then Next.
    const float gap = ui.metrics.gap;
    const float width = ImGui::GetContentRegionAvail().x;
    const bool choice = q.type == QuestionType::YesNo || q.type == QuestionType::Single;
    const bool quick_scale = QuickScale(q);
    const bool input_kind = !choice && !quick_scale;
    const bool show_next = input_kind || view.answer.state != rules::AnswerState::Skipped;
    const bool pad_not_sure = view.can_not_sure && (q.type == QuestionType::Integer || q.type == QuestionType::Decimal ||
                                                    q.type == QuestionType::Date || q.type == QuestionType::Text);
    const int middle = (view.can_skip ? 1 : 0) + (pad_not_sure ? 1 : 0);
    const float nav_w = std::floor((width - gap * static_cast<float>(middle + 1)) / static_cast<float>(middle + 2));
    if (TouchButton(ui, ui.L("back"), "nav:back", nav_w, ButtonLook::Normal, view.can_back)) intent = Make(Kind::Back);
    if (pad_not_sure) {
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, ui.L("not_sure"), "nav:not_sure", nav_w)) intent = Make(Kind::NotSure);
    }
    if (view.can_skip) {
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, ui.L("skip"), "nav:skip", nav_w)) intent = Make(Kind::Skip);
    }
    if (show_next) {
        ImGui::SameLine(0, gap);
        if (TouchButton(ui, ui.L("next"), "nav:next", nav_w, ButtonLook::Primary)) {
            switch (q.type) {
                case QuestionType::Multi: {
                    if (state.multi == 0) {
                        intent = view.can_skip ? Make(Kind::Skip) : PatientIntent{};
                        break;
                    }
                    std::vector<std::string> codes;
                    for (size_t o = 0; o < q.options.size(); ++o)
                        if (state.multi >> o & 1) codes.push_back(q.options[o].code);
                    intent = AnswerWith(codes);
                    break;
                }
                case QuestionType::Integer:
                case QuestionType::Decimal: intent = CommitNumber(q, state, view); break;
                case QuestionType::Date: intent = CommitDate(q, state, view); break;
                case QuestionType::Text:
                    intent = state.text.empty() ? (view.can_skip ? Make(Kind::Skip) : PatientIntent{}) : AnswerWith(state.text);
                    break;
                default: intent = Make(Kind::Next); break;
            }
        }
    }
    Footer(ui);
    EndScreen();
    return intent;
}

}  // namespace kiosk::ui
