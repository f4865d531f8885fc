// Loading a screening file's test cases: answers as an answers file gives them, parameter
// overrides, expected outcome, reasons, tracks and undetermined rules.
#include "cases_load.h"

#include <algorithm>
#include <map>
#include <set>

#include "expr_check.h"
#include "rules/answers.h"
#include "rules/decision.h"

namespace rules {
namespace {

class CaseLoader {
public:
    CaseLoader(TomlReader& read, Screening& screening, const std::vector<uint8_t>& quiet_options, bool rules_have_errors)
        : m_read(read), m_diags(read.Diags()), m_s(screening), m_quiet_options(quiet_options), m_rules_have_errors(rules_have_errors) {}

    // An answer value in a case: the same forms an answers file takes.
    std::optional<AnswerInput> CaseValue(const toml::node& n) {
        if (n.is_string()) return AnswerInput{n.as_string()->get()};
        if (n.is_integer()) return AnswerInput{static_cast<double>(n.as_integer()->get())};
        if (n.is_floating_point()) return AnswerInput{n.as_floating_point()->get()};
        if (n.is_boolean()) return AnswerInput{std::string(n.as_boolean()->get() ? "yes" : "no")};
        if (n.is_date()) {
            toml::date d = n.as_date()->get();
            return AnswerInput{Date{d.year, d.month, d.day}};
        }
        if (const toml::array* a = n.as_array()) {
            std::vector<std::string> codes;
            for (const toml::node& item : *a) {
                if (!item.is_string()) return std::nullopt;
                codes.push_back(item.as_string()->get());
            }
            return AnswerInput{codes};
        }
        if (const toml::table* t = n.as_table()) {
            const toml::node* v = t->get("value");
            const toml::node* u = t->get("unit");
            if (v && u && u->is_string() && (v->is_integer() || v->is_floating_point()) && t->size() == 2)
                return AnswerInput{MeasuredInput{v->is_integer() ? static_cast<double>(v->as_integer()->get()) : v->as_floating_point()->get(),
                                                 u->as_string()->get()}};
        }
        return std::nullopt;
    }

    std::optional<Date> DateValue(const toml::node& n) {
        if (n.is_date()) {
            toml::date d = n.as_date()->get();
            if (IsValidDate(d.year, d.month, d.day)) return Date{d.year, d.month, d.day};
        }
        if (n.is_string())
            if (auto d = ParseDate(n.as_string()->get())) return d;
        return std::nullopt;
    }

    // Answers from a table of question id -> value, into `answers`.
    void CaseAnswers(const toml::table& t, Answers& answers, const Date& today, const std::string& where,
                     std::vector<std::pair<int, SourcePos>>* given) {
        for (const auto& [key, value] : t) {
            int q = m_s.FindQuestion(key.str());
            if (q < 0) {
                std::vector<std::string> names;
                for (const Question& qq : m_s.questions) names.push_back(qq.id);
                std::string close = ClosestName(key.str(), names);
                m_diags.Error(PosOf(key.source()), where + ": unknown question '" + std::string(key.str()) + "'" +
                                                       (close.empty() ? "" : " (did you mean '" + close + "'?)"));
                continue;
            }
            std::optional<AnswerInput> input = CaseValue(value);
            if (!input) {
                m_diags.Error(Pos(value), where + ": '" + std::string(key.str()) + "' has a value that is not an answer");
                continue;
            }
            if (auto error = SetAnswer(m_s, answers, q, *input, today)) {
                if (!m_quiet_options[q])
                    m_diags.Error(Pos(value), where + ": '" + std::string(key.str()) + "' " + DescribeAnswerProblem(m_s.questions[q], *error));
            }
            else if (given)
                given->emplace_back(q, Pos(value));
        }
    }

    void LoadCases(const toml::table& root) {
        std::map<std::string, const toml::table*> templates;
        if (const toml::table* t = m_read.Table(root, "case_templates", false))
            for (const auto& [name, value] : *t) {
                if (!value.is_table()) m_diags.Error(Pos(value), "case template '" + std::string(name.str()) + "' must be a table of answers");
                else templates[std::string(name.str())] = value.as_table();
            }
        const toml::array* a = m_read.ArrayOfTables(root, "cases");
        if (!a) return;
        std::set<std::string> names;
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            TestCase c;
            SourcePos at = Pos(t);
            c.pos = at;
            c.name = m_read.String(t, "name", "[[cases]]", at, true).value_or("");
            const std::string where = "case '" + c.name + "'";
            m_read.CheckKeys(t, {"name", "template", "today", "answers", "skip", "parameters", "expect"}, where);
            if (!names.insert(c.name).second) m_diags.Error(IdPos(t, at, "name"), "duplicate case name '" + c.name + "'");
            if (const toml::node* today = m_read.Need(t, "today", where, at)) {
                if (auto d = DateValue(*today)) c.today = *d;
                else m_diags.Error(Pos(*today), where + ": today must be a date (2026-06-15)");
            }
            Answers answers = MakeAnswers(m_s);
            if (auto name = m_read.String(t, "template", where, at, false)) {
                auto it = templates.find(*name);
                if (it == templates.end()) m_diags.Error(Pos(*t.get("template")), where + ": no case template '" + *name + "'");
                else CaseAnswers(*it->second, answers, c.today, "case template '" + *name + "'", nullptr);
            }
            if (const toml::node* ans = t.get("answers")) {
                if (!ans->is_table()) m_diags.Error(Pos(*ans), where + ": answers must be a table of question id = value");
                else CaseAnswers(*ans->as_table(), answers, c.today, where, &c.answered);
            }
            for (const auto& [id, id_at] : m_read.StringListAt(t, "skip", where)) {
                int q = m_s.FindQuestion(id);
                if (q < 0) m_diags.Error(id_at, where + ": skip names unknown question '" + id + "'");
                else answers.values[q] = Answer{};
            }
            if (const toml::node* params = t.get("parameters")) LoadCaseParameters(*params, c, where);
            if (const toml::node* e = m_read.Need(t, "expect", where, at)) LoadExpectation(*e, c, where);
            c.answers = static_cast<int>(m_s.case_answers.size());
            m_s.case_answers.push_back(std::move(answers));
            m_s.cases.push_back(std::move(c));
        }
    }

    void LoadCaseParameters(const toml::node& n, TestCase& c, const std::string& where) {
        const toml::table* t = n.as_table();
        if (!t) {
            m_diags.Error(Pos(n), where + ": parameters must be a table of NAME = value");
            return;
        }
        for (const auto& [key, value] : *t) {
            int p = m_s.FindParameter(key.str());
            if (p < 0) {
                m_diags.Error(PosOf(key.source()), where + ": unknown parameter '" + std::string(key.str()) + "'");
                continue;
            }
            ParamValue v = m_s.parameters[p].value;
            if (v.is_string && value.is_string()) {
                v.text = value.as_string()->get();
                v.level = m_s.FindLevel(v.text);
            } else if (!v.is_string && (value.is_integer() || value.is_floating_point())) {
                v.number = value.is_integer() ? static_cast<double>(value.as_integer()->get()) : value.as_floating_point()->get();
                if (std::optional<std::string> problem = NumberProblem(v.number)) {
                    m_diags.Error(Pos(value), where + ": parameter '" + std::string(key.str()) + "' " + *problem);
                    continue;
                }
            } else {
                m_diags.Error(Pos(value), where + ": parameter '" + std::string(key.str()) + "' must keep its type (" +
                                              (v.is_string ? "a string" : "a number") + ")");
                continue;
            }
            c.parameters.emplace_back(p, std::move(v));
        }
    }

    void LoadExpectation(const toml::node& n, TestCase& c, const std::string& where) {
        const toml::table* t = n.as_table();
        if (!t) {
            m_diags.Error(Pos(n), where + ": expect must be a table");
            return;
        }
        m_read.CheckKeys(*t, {"outcome", "reasons", "tracks", "undetermined"}, where + " expect");
        CaseExpectation& e = c.expect;
        if (auto outcome = m_read.String(*t, "outcome", where, Pos(n), false)) {
            e.has_outcome = true;
            e.outcome = *outcome == "none" ? -1 : m_s.FindOutcome(*outcome);
            if (*outcome != "none" && e.outcome < 0)
                m_diags.Error(Pos(*t->get("outcome")), where + ": expected outcome '" + *outcome + "' is not an outcome");
        }
        if (t->get("reasons")) {
            e.has_reasons = true;
            std::vector<std::string> codes;
            for (const Rule& r : m_s.rules) codes.push_back(r.reason);
            codes.push_back(m_s.fallback_reason);
            // An undetermined rule names each answer it lacked (rules::ReasonCodes).
            for (const Question& q : m_s.questions) codes.push_back(std::string(kUnknownReasonPrefix) + q.id);
            for (const auto& [reason, reason_at] : m_read.StringListAt(*t, "reasons", where)) {
                e.reasons.push_back(reason);
                // With errors among the rules, an unknown reason is likely their consequence.
                if (m_rules_have_errors || std::find(codes.begin(), codes.end(), reason) != codes.end()) continue;
                std::string close = ClosestName(reason, codes);
                m_diags.Error(reason_at, where + ": no rule gives reason '" + reason + "'" + (close.empty() ? "" : " (did you mean '" + close + "'?)"));
            }
            std::sort(e.reasons.begin(), e.reasons.end());
        }
        if (const toml::node* tracks = t->get("tracks")) {
            const toml::table* tt = tracks->as_table();
            if (!tt) m_diags.Error(Pos(*tracks), where + ": expect.tracks must be a table such as { PRP = \"ok\" }");
            else
                for (const auto& [key, value] : *tt) {
                    int tr = m_s.FindTrack(key.str());
                    if (tr < 0) {
                        m_diags.Error(PosOf(key.source()), where + ": unknown track '" + std::string(key.str()) + "'");
                        continue;
                    }
                    if (auto st = m_read.Status(value, where + " expected track " + std::string(key.str()))) e.tracks.emplace_back(tr, *st);
                }
        }
        if (t->get("undetermined")) {
            e.has_undetermined = true;
            for (const auto& [id, id_at] : m_read.StringListAt(*t, "undetermined", where)) {
                e.undetermined.push_back(id);
                if (m_s.FindRule(id) < 0 && !m_rules_have_errors) m_diags.Error(id_at, where + ": no rule '" + id + "'");
            }
            std::sort(e.undetermined.begin(), e.undetermined.end());
        }
    }

private:
    TomlReader& m_read;
    Diagnostics& m_diags;
    Screening& m_s;
    const std::vector<uint8_t>& m_quiet_options;
    const bool m_rules_have_errors;
};

}  // namespace

void LoadCases(const toml::table& root, TomlReader& read, Screening& screening, const std::vector<uint8_t>& quiet_options,
               bool rules_have_errors) {
    CaseLoader(read, screening, quiet_options, rules_have_errors).LoadCases(root);
}

}  // namespace rules
