// Test helper: completes the kiosk's patient flow by tapping, answering each question the screen
// shows from a set of answers (the screening file's cases), the way a patient's finger would.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "rules/screening.h"
#include "ui_driver.h"

namespace ui_driver {

// The answers of the screening file's case whose name starts with `prefix` ("V3").
inline const rules::Answers& CaseAnswers(const rules::Screening& s, const std::string& prefix) {
    for (const rules::TestCase& c : s.cases)
        if (c.name.rfind(prefix + " ", 0) == 0) return s.case_answers[c.answers];
    FAIL("no case " << prefix);
    return s.case_answers.front();
}

// Types `digits` on the number pad on screen.
inline void TypeDigits(Headless& k, const std::string& digits) {
    for (char c : digits) k.Tap(c == '.' ? std::string("pad:dot") : "pad:" + std::string(1, c));
}

// Answers the question on screen with `a` by tapping; the answer's state decides: skipped taps
// Skip, unsure taps Not sure (twice if the helper shows first), given taps the controls.
inline void TapAnswer(Headless& k, const rules::Screening& s, int q, const rules::Answer& a) {
    const rules::Question& question = s.questions[q];
    if (a.state == rules::AnswerState::Skipped) {
        k.Tap("nav:skip");
        return;
    }
    if (a.state == rules::AnswerState::Unsure) {
        std::string key = k.Has("option:not_sure") ? "option:not_sure" : "nav:not_sure";
        k.Tap(key);
        if (k.Has("helper:ok")) k.Tap(key);  // the first "not sure" only shows the helper
        return;
    }
    switch (question.type) {
        case rules::QuestionType::YesNo: k.Tap(a.yes ? "option:yes" : "option:no"); break;
        case rules::QuestionType::Single: k.Tap("option:" + question.options[a.option].code); break;
        case rules::QuestionType::Multi:
            for (size_t o = 0; o < question.options.size(); ++o)
                if (a.set >> o & 1) k.Tap("option:" + question.options[o].code);
            k.Tap("nav:next");
            break;
        case rules::QuestionType::Integer:
        case rules::QuestionType::Decimal: {
            if (k.Has("number:" + std::to_string(static_cast<int>(question.min)))) {
                k.Tap("number:" + std::to_string(static_cast<int>(std::lround(a.number))));
                break;
            }
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%g", a.number);
            k.Tap("pad:clear");
            TypeDigits(k, buffer);
            k.Tap("nav:next");
            break;
        }
        case rules::QuestionType::Date: {
            char year[8], month[4], day[4];
            std::snprintf(year, sizeof year, "%04d", a.date.year);
            std::snprintf(month, sizeof month, "%02d", a.date.month);
            std::snprintf(day, sizeof day, "%02d", a.date.day);
            k.Tap("date:month");
            k.Tap("pad:clear");
            TypeDigits(k, month);
            if (!question.month_precision) {
                k.Tap("date:day");
                k.Tap("pad:clear");
                TypeDigits(k, day);
            }
            k.Tap("date:year");
            k.Tap("pad:clear");
            TypeDigits(k, year);
            k.Tap("nav:next");
            break;
        }
        case rules::QuestionType::Text:
            for (char c : a.text) {
                if (c == ' ') k.Tap("key:space");
                else k.Tap("key:" + std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c)))));
            }
            k.Tap("nav:next");
            break;
    }
}

// From the welcome screen: taps the language, answers every question shown, continues after
// urgent screens, and stops on the review screen (or wherever the flow stops asking).
// Returns the question ids in the order they were shown.
inline std::vector<std::string> TapThrough(Headless& k, const rules::Answers& answers, const std::string& language) {
    const rules::Screening& s = *k.app->Screening();
    std::vector<std::string> asked;
    REQUIRE(k.Screen() == "welcome");
    k.Tap("lang:" + language);
    for (int guard = 0; guard < 200; ++guard) {
        std::string screen = k.Screen();
        if (screen == "urgent") {
            k.Tap("nav:continue");
            continue;
        }
        if (screen.rfind("question:", 0) != 0) break;
        std::string id = screen.substr(9);
        asked.push_back(id);
        int q = s.FindQuestion(id);
        k.Wait(std::chrono::seconds(5));
        TapAnswer(k, s, q, answers.values[q]);
        bool moved = k.Screen() != screen;
        REQUIRE_MESSAGE(moved, "still on " << id << " after answering it");
    }
    return asked;
}

// Taps the language, then answers from a case until question `id` is on screen.
inline void TapUntil(Headless& k, const rules::Answers& answers, const std::string& id, const std::string& language = "en") {
    const rules::Screening& s = *k.app->Screening();
    k.Tap("lang:" + language);
    for (int guard = 0; guard < 100 && k.Screen() != "question:" + id; ++guard) {
        if (k.Screen() == "urgent") {
            k.Tap("nav:continue");
            continue;
        }
        REQUIRE(k.Screen().rfind("question:", 0) == 0);
        int q = s.FindQuestion(k.Screen().substr(9));
        TapAnswer(k, s, q, answers.values[q]);
    }
    REQUIRE(k.Screen() == "question:" + id);
}

// Submits a spec vignette by tapping and leaves the kiosk on its welcome screen.
inline std::string SubmitCase(Headless& k, const std::string& name) {
    const rules::Screening& s = *k.app->Screening();
    auto before = k.Reader()->Submissions(std::nullopt);
    TapThrough(k, CaseAnswers(s, name), "en");
    if (k.Screen() == "review") k.Tap("nav:submit");
    REQUIRE(k.Screen() == "done");
    k.Tap("nav:finish");
    REQUIRE(k.Screen() == "welcome");
    auto after = k.Reader()->Submissions(std::nullopt);
    REQUIRE(after.value->size() == before.value->size() + 1);
    return after.value->back().id;
}

}  // namespace ui_driver
