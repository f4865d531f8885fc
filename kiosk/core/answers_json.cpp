// Answers files (JSON) to checked answers and back.
#include "core/answers_json.h"

#include "rules/date.h"

namespace kiosk {

AnswersParse AnswersFromJson(const rules::Screening& screening, const nlohmann::json& object, const rules::Date& today) {
    AnswersParse out;
    out.answers = rules::MakeAnswers(screening);
    if (!object.is_object()) {
        out.errors.push_back("the answers must be a JSON object of question id -> value");
        return out;
    }
    for (const auto& [id, value] : object.items()) {
        int q = screening.FindQuestion(id);
        if (q < 0) {
            out.errors.push_back("'" + id + "' is not a question of screening '" + screening.id + "'");
            continue;
        }
        if (value.is_null()) continue;  // skipped
        rules::AnswerInput input;
        if (value.is_string()) {
            input = value.get<std::string>();
        } else if (value.is_number()) {
            input = value.get<double>();
        } else if (value.is_boolean()) {
            input = std::string(value.get<bool>() ? "yes" : "no");
        } else if (value.is_array()) {
            std::vector<std::string> codes;
            bool strings = true;
            for (const auto& item : value) {
                if (!item.is_string()) { strings = false; break; }
                codes.push_back(item.get<std::string>());
            }
            if (!strings) {
                out.errors.push_back("'" + id + "' must be a list of option codes (strings)");
                continue;
            }
            input = std::move(codes);
        } else if (value.is_object() && value.size() == 2 && value.contains("value") && value.contains("unit") &&
                   value["value"].is_number() && value["unit"].is_string()) {
            input = rules::MeasuredInput{value["value"].get<double>(), value["unit"].get<std::string>()};
        } else {
            out.errors.push_back("'" + id + "' has a value that is not an answer: " + value.dump());
            continue;
        }
        if (auto problem = rules::SetAnswer(screening, out.answers, q, input, today))
            out.errors.push_back("'" + id + "' " + rules::DescribeAnswerProblem(screening.questions[q], *problem));
    }
    for (size_t q = 0; q < screening.questions.size(); ++q)
        if (screening.questions[q].required && out.answers.values[q].state == rules::AnswerState::Skipped &&
            screening.questions[q].show_if < 0)
            out.errors.push_back("'" + screening.questions[q].id + "' is required and has no answer");
    return out;
}

AnswersParse AnswersFromJsonText(const rules::Screening& screening, const std::string& text, const rules::Date& today) {
    nlohmann::json object;
    // The question id whose value is being read, so that a number too large for a double (1e400:
    // nlohmann::json refuses it with out_of_range, not parse_error) is named by its question.
    std::string id;
    auto track_id = [&id](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (depth == 1 && event == nlohmann::json::parse_event_t::key && parsed.is_string()) id = parsed.get<std::string>();
        return true;
    };
    auto failed = [&](const std::string& error) {
        AnswersParse out;
        out.answers = rules::MakeAnswers(screening);
        out.errors.push_back(error);
        return out;
    };
    try {
        object = nlohmann::json::parse(text, track_id);
    } catch (const nlohmann::json::parse_error& e) {
        return failed(std::string("not valid JSON: ") + e.what());
    } catch (const nlohmann::json::out_of_range& e) {
        const std::string what = e.what();
        const std::string reason = what.substr(what.find("] ") == std::string::npos ? 0 : what.find("] ") + 2);
        return failed(id.empty() ? "a number cannot be read: " + reason
                                 : "'" + id + "' has a number that cannot be read (not finite as a double): " + reason);
    }
    return AnswersFromJson(screening, object, today);
}

nlohmann::json AnswersToJson(const rules::Screening& screening, const rules::Answers& answers) {
    nlohmann::json out = nlohmann::json::object();
    for (size_t i = 0; i < screening.questions.size(); ++i) {
        const rules::Question& q = screening.questions[i];
        const rules::Answer& a = answers.values[i];
        if (a.state == rules::AnswerState::Skipped) continue;
        if (a.state == rules::AnswerState::Unsure) {
            out[q.id] = "not_sure";
            continue;
        }
        switch (q.type) {
            case rules::QuestionType::YesNo: out[q.id] = a.yes ? "yes" : "no"; break;
            case rules::QuestionType::Single: out[q.id] = q.options[a.option].code; break;
            case rules::QuestionType::Multi: {
                nlohmann::json codes = nlohmann::json::array();
                for (size_t o = 0; o < q.options.size(); ++o)
                    if ((a.set >> o) & 1u) codes.push_back(q.options[o].code);
                out[q.id] = codes;
                break;
            }
            case rules::QuestionType::Integer: out[q.id] = static_cast<long long>(a.number); break;
            case rules::QuestionType::Decimal: out[q.id] = a.number; break;
            case rules::QuestionType::Date: {
                std::string d = rules::FormatDate(a.date);
                out[q.id] = q.month_precision ? d.substr(0, 7) : d;
                break;
            }
            case rules::QuestionType::Text: out[q.id] = a.text; break;
        }
    }
    return out;
}

}  // namespace kiosk
