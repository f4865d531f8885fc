// Loading a screening file: TOML to the Screening model, every problem reported with its place.
//
// [SECTION] Names                    — id spellings, reserved words
// [SECTION] File and texts           — file checks, per-language texts
// [SECTION] Tables                   — screening, parameters, texts, tracks, outcomes, questions,
//                                      derived values, rules, decision
// [SECTION] Whole-file checks        — reachability, parameter use, rule order
//
// Elsewhere: the typed TOML getters and places inside strings (toml_read.cpp), the test cases
// (cases_load.cpp), the wording checks of patient texts (wording.cpp).
#include "rules/loader.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <set>

#include <toml++/toml.h>

#include "cases_load.h"
#include "expr_check.h"
#include "rules/answers.h"
#include "rules/decision.h"
#include "rules/sha256.h"
#include "rules/wording.h"
#include "toml_read.h"

namespace rules {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Names
//-----------------------------------------------------------------------------

bool IsLowerSnake(std::string_view s, bool allow_leading_digit) {
    if (s.empty()) return false;
    if (!allow_leading_digit && !(s[0] >= 'a' && s[0] <= 'z')) return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool IsUpperSnake(std::string_view s) {
    if (s.empty() || !(s[0] >= 'A' && s[0] <= 'Z')) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// Limits that keep a check meaningful: a date question's "not longer ago than" and a text's length.
constexpr int kMaxAgeYears = 150;
constexpr int kMaxTextLength = 10000;
// A unit's factor to the stored unit: 1e-300 would turn any answer into about 0, inside any range.
constexpr double kMinUnitFactor = 1e-6, kMaxUnitFactor = 1e6;

const char* const kReservedNames[] = {"and", "or", "not", "in", "yes", "no", "ok", "note", "review", "contra"};

//-----------------------------------------------------------------------------
// [SECTION] File and texts
//-----------------------------------------------------------------------------

class Loader : public TomlReader {
public:
    Loader(std::string_view content, const std::string& path, Diagnostics& diags) : TomlReader(content, diags), m_path(path) {}

    std::unique_ptr<Screening> Run() {
        if (m_content.size() > kMaxScreeningFileBytes) {
            m_diags.Error({}, "file is " + std::to_string(m_content.size()) + " bytes; a screening file may be at most " +
                                  std::to_string(kMaxScreeningFileBytes) + " bytes");
            return nullptr;
        }
        size_t bad = 0;
        if (!IsValidUtf8(m_content, bad)) {
            m_diags.Error(OffsetPos(bad), "invalid UTF-8 (byte 0x" + Hex(static_cast<unsigned char>(m_content[bad])) + ")");
            return nullptr;
        }
        toml::table root;
        try {
            root = toml::parse(m_content, m_path);
        } catch (const toml::parse_error& e) {
            std::string message(e.description());
            if (message.find("control characters") != std::string::npos && message.find("string") != std::string::npos)
                message = "unterminated string: add the closing quote (a one-line string cannot hold a line break)";
            m_diags.Error(PosOf(e.source()), message);
            return nullptr;
        }
        m_s = std::make_unique<Screening>();
        m_s->path = m_path;
        m_s->content_hash = Sha256Hex(m_content);

        CheckKeys(root, {"screening", "parameters", "text", "labels", "wording", "questions", "derived", "tracks",
                         "outcomes", "decision", "rules", "case_templates", "cases"}, "the file");
        LoadScreeningTable(root);
        if (m_s->languages.empty()) return nullptr;  // nothing else can be checked without languages
        LoadParameters(root);
        LoadTexts(root, "text", m_s->texts, true);
        LoadTexts(root, "labels", m_s->labels, true);
        LoadWording(root);
        LoadTracks(root);
        LoadOutcomes(root);
        LoadQuestions(root);
        LoadDerived(root);
        CheckShowIf();
        LoadRules(root);
        LoadDecision(root);
        LoadCases(root, *this, *m_s, QuietOptions(), m_rules_have_errors);
        CheckPatientWording(*m_s, m_patient, m_diags, m_param_used);  // before CheckWholeFile: {PARAM} in texts counts as a use
        CheckWholeFile();

        if (m_diags.HasErrors()) return nullptr;
        PrepareEvaluation();
        return std::move(m_s);
    }

private:
    static std::string Hex(unsigned char c) {
        const char* digits = "0123456789ABCDEF";
        return {digits[c >> 4], digits[c & 15]};
    }

    // A per-language text: `key.en = "..."`, `key.es = "..."`.
    LangText Texts(const toml::table& t, std::string_view key, const std::string& where, SourcePos at, bool required,
                   bool patient, bool grade = false) {
        LangText out;
        const toml::node* n = required ? Need(t, key, where, at) : t.get(key);
        if (!n) return out;
        const toml::table* per_language = n->as_table();
        if (!per_language) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must give one text per language, as " +
                                       std::string(key) + "." + m_s->languages[0] + " = \"...\"");
            return out;
        }
        out.resize(m_s->languages.size());
        for (const auto& [lang, value] : *per_language) {
            int l = m_s->FindLanguage(lang.str());
            if (l < 0) {
                m_diags.Error(PosOf(lang.source()), "'" + std::string(lang.str()) + "' is not a language of this screening (" +
                                                        Join(m_s->languages) + ")");
                continue;
            }
            if (!value.is_string()) {
                m_diags.Error(Pos(value), "'" + std::string(key) + "." + std::string(lang.str()) + "' in " + where + " must be a string");
                continue;
            }
            out[l] = value.as_string()->get();
            if (out[l].empty()) m_diags.Error(Pos(value), "'" + std::string(key) + "." + std::string(lang.str()) + "' in " + where + " is empty");
        }
        for (size_t l = 0; l < m_s->languages.size(); ++l)
            if (!per_language->contains(m_s->languages[l]))
                m_diags.Error(Pos(*n), "missing '" + m_s->languages[l] + "' text for '" + std::string(key) + "' in " + where);
        if (patient) {
            for (size_t l = 0; l < m_s->languages.size(); ++l)
                if (const toml::node* v = per_language->get(m_s->languages[l]); v && v->is_string())
                    m_patient.push_back({v->as_string()->get(), Pos(*v), static_cast<int>(l), grade, "'" + std::string(key) + "' in " + where});
        }
        return out;
    }

    //-------------------------------------------------------------------------
    // [SECTION] Tables
    //-------------------------------------------------------------------------

    void LoadScreeningTable(const toml::table& root) {
        const toml::table* t = Table(root, "screening", true);
        if (!t) return;
        const std::string where = "[screening]";
        SourcePos at = Pos(*t);
        CheckKeys(*t, {"id", "version", "clinical_owner", "languages", "title", "canonical_url"}, where);
        m_s->id = String(*t, "id", where, at, true).value_or("");
        m_s->version = String(*t, "version", where, at, true).value_or("");
        m_s->clinical_owner = String(*t, "clinical_owner", where, at, true).value_or("");
        m_s->canonical_url = String(*t, "canonical_url", where, at, false).value_or("");
        const toml::node* langs = Need(*t, "languages", where, at);
        if (langs) {
            std::vector<std::string> list = StringList(*t, "languages", where);
            std::set<std::string> seen;
            for (const std::string& l : list) {
                if (l.size() < 2 || l.size() > 8 || !IsLowerSnake(l, false)) {
                    m_diags.Error(Pos(*langs), "'" + l + "' is not a language code (such as \"en\" or \"es\")");
                    continue;
                }
                if (!seen.insert(l).second) {
                    m_diags.Error(Pos(*langs), "language '" + l + "' is listed twice");
                    continue;
                }
                m_s->languages.push_back(l);
            }
            if (m_s->languages.empty() && !m_diags.HasErrors())
                m_diags.Error(Pos(*langs), "[screening] languages must name at least one language");
        }
        if (!m_s->languages.empty()) m_s->title = Texts(*t, "title", where, at, true, true);
    }

    void LoadParameters(const toml::table& root) {
        const toml::table* t = Table(root, "parameters", false);
        if (!t) return;
        for (const auto& [key, value] : *t) {
            Parameter p;
            p.id = std::string(key.str());
            p.pos = PosOf(key.source());
            if (!IsUpperSnake(p.id)) {
                m_diags.Error(p.pos, "parameter '" + p.id + "' must be written in UPPER_SNAKE_CASE");
                continue;
            }
            if (value.is_integer() || value.is_floating_point()) {
                p.value.number = value.is_integer() ? static_cast<double>(value.as_integer()->get()) : value.as_floating_point()->get();
                if (std::optional<std::string> problem = NumberProblem(p.value.number)) {
                    m_diags.Error(Pos(value), "parameter '" + p.id + "' " + *problem);
                    p.value.number = 0;  // kept, so the rules that read it report nothing more
                }
            } else if (value.is_string()) {
                p.value.is_string = true;
                p.value.text = value.as_string()->get();
            } else {
                m_diags.Error(Pos(value), "parameter '" + p.id + "' must be a number or a string");
                continue;
            }
            m_param_pos.push_back(Pos(value));
            m_s->parameters.push_back(std::move(p));
        }
        m_param_used.assign(m_s->parameters.size(), false);
    }

    void LoadTexts(const toml::table& root, std::string_view key, std::map<std::string, LangText>& out, bool patient) {
        const toml::table* t = Table(root, key, false);
        if (!t) return;
        const std::string where = "[" + std::string(key) + "]";
        for (const auto& [name, value] : *t) {
            (void)value;
            out[std::string(name.str())] = Texts(*t, name.str(), where, PosOf(name.source()), true, patient, key == "text");
        }
    }

    void LoadWording(const toml::table& root) {
        size_t n = m_s->languages.size();
        m_s->banned_words.resize(n);
        m_s->allowed_phrases.resize(n);
        for (size_t l = 0; l < n; ++l) m_s->banned_words[l] = BuiltInBannedWords(m_s->languages[l]);
        const toml::table* t = Table(root, "wording", false);
        if (!t) return;
        CheckKeys(*t, {"banned", "allow"}, "[wording]");
        for (const char* key : {"banned", "allow"}) {
            const toml::node* node = t->get(key);
            if (!node) continue;
            const toml::table* per = node->as_table();
            if (!per) {
                m_diags.Error(Pos(*node), std::string("[wording] ") + key + " must give a list per language, as " + key + ".en = [...]");
                continue;
            }
            for (const auto& [lang, value] : *per) {
                (void)value;
                int l = m_s->FindLanguage(lang.str());
                if (l < 0) {
                    m_diags.Error(PosOf(lang.source()), "'" + std::string(lang.str()) + "' is not a language of this screening");
                    continue;
                }
                for (std::string word : StringList(*per, lang.str(), std::string("[wording] ") + key)) {
                    std::transform(word.begin(), word.end(), word.begin(), [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
                    (std::string_view(key) == "banned" ? m_s->banned_words : m_s->allowed_phrases)[l].push_back(word);
                }
            }
        }
    }

    void LoadTracks(const toml::table& root) {
        const toml::array* a = ArrayOfTables(root, "tracks");
        if (!a) return;
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            Track tr;
            SourcePos at = Pos(t);
            tr.id = String(t, "id", "[[tracks]]", at, true).value_or("");
            const std::string where = "track '" + tr.id + "'";
            CheckKeys(t, {"id", "label"}, where);
            if (!tr.id.empty() && !IsUpperSnake(tr.id)) m_diags.Error(IdPos(t, at), "track id '" + tr.id + "' must be UPPER_SNAKE_CASE");
            if (m_s->FindTrack(tr.id) >= 0) m_diags.Error(IdPos(t, at), "duplicate track id '" + tr.id + "'");
            tr.label = Texts(t, "label", where, at, true, false);
            m_s->tracks.push_back(std::move(tr));
        }
        if (m_s->tracks.size() > 32) m_diags.Error(Pos(*a), "at most 32 tracks");
    }

    void LoadOutcomes(const toml::table& root) {
        const toml::array* a = ArrayOfTables(root, "outcomes");
        if (!a) {
            m_diags.Error({1, 0}, "the file needs [[outcomes]]");
            return;
        }
        std::set<int> ranks;
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            Outcome o;
            SourcePos at = Pos(t);
            o.pos = at;
            o.id = String(t, "id", "[[outcomes]]", at, true).value_or("");
            const std::string where = "outcome '" + o.id + "'";
            CheckKeys(t, {"id", "rank", "staff_label", "patient_message", "track_status"}, where);
            if (!o.id.empty() && !IsUpperSnake(o.id)) m_diags.Error(IdPos(t, at), "outcome id '" + o.id + "' must be UPPER_SNAKE_CASE");
            if (m_s->FindOutcome(o.id) >= 0) m_diags.Error(IdPos(t, at), "duplicate outcome id '" + o.id + "'");
            if (m_s->FindParameter(o.id) >= 0) m_diags.Error(IdPos(t, at), "outcome id '" + o.id + "' is also a parameter");
            if (int level = m_s->FindLevel(o.id); level == kLevelNote || level == kLevelIndication)
                m_diags.Error(IdPos(t, at), "outcome id '" + o.id + "' is the name of a level that is not an outcome");
            if (auto rank = Number(t, "rank", where, at, true)) {
                const toml::node* rn = t.get("rank");
                // Checked before the conversion: a double outside int's range has no int value.
                if (*rank != std::floor(*rank) || *rank < 1 || *rank > 63) {
                    m_diags.Error(Pos(*rn), where + ": rank must be a whole number from 1 to 63");
                } else {
                    o.rank = static_cast<int>(*rank);
                    if (!ranks.insert(o.rank).second) m_diags.Error(Pos(*rn), where + ": rank " + std::to_string(o.rank) + " is used by another outcome");
                }
            }
            o.staff_label = Texts(t, "staff_label", where, at, true, false);
            o.patient_message = Texts(t, "patient_message", where, at, true, true, true);
            if (const toml::node* ts = t.get("track_status"))
                if (auto st = Status(*ts, where + " track_status")) o.track_status = static_cast<int8_t>(*st);
            m_s->outcomes.push_back(std::move(o));
        }
        for (Parameter& p : m_s->parameters) {
            if (!p.value.is_string) continue;
            p.value.level = m_s->FindLevel(p.value.text);
        }
    }

    void LoadQuestions(const toml::table& root) {
        const toml::array* a = ArrayOfTables(root, "questions");
        if (!a) {
            m_diags.Error({1, 0}, "the file needs [[questions]]");
            return;
        }
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            Question q;
            SourcePos at = Pos(t);
            q.pos = at;
            q.id = String(t, "id", "[[questions]]", at, true).value_or("");
            const std::string where = "question '" + q.id + "'";
            CheckKeys(t, {"id", "type", "text", "help", "not_sure", "required", "show_if", "options", "min", "max", "unit",
                          "units", "past_only", "max_age_years", "precision", "max_length"}, where);
            if (!q.id.empty() && !IsLowerSnake(q.id, false)) m_diags.Error(IdPos(t, at), "question id '" + q.id + "' must be lower_snake_case");
            if (std::find(std::begin(kReservedNames), std::end(kReservedNames), q.id) != std::end(kReservedNames))
                m_diags.Error(IdPos(t, at), "question id '" + q.id + "' is a reserved word");
            if (!q.id.empty() && !m_s->question_index.emplace(q.id, static_cast<int>(m_s->questions.size())).second)
                m_diags.Error(IdPos(t, at), "duplicate question id '" + q.id + "'");
            std::string type = String(t, "type", where, at, true).value_or("");
            static const std::pair<const char*, QuestionType> kTypes[] = {
                {"yes_no", QuestionType::YesNo}, {"single", QuestionType::Single}, {"multi", QuestionType::Multi},
                {"integer", QuestionType::Integer}, {"decimal", QuestionType::Decimal}, {"date", QuestionType::Date},
                {"text", QuestionType::Text}};
            bool known_type = false;
            for (const auto& [name, kind] : kTypes)
                if (type == name) { q.type = kind; known_type = true; }
            if (!known_type && t.get("type"))
                m_diags.Error(Pos(*t.get("type")), where + ": unknown type '" + type + "' (yes_no, single, multi, integer, decimal, date, text)");
            q.text = Texts(t, "text", where, at, true, true, true);
            q.help = Texts(t, "help", where, at, false, true, true);
            q.not_sure = Bool(t, "not_sure", where, false);
            q.required = Bool(t, "required", where, false);
            if (q.required && q.not_sure) m_diags.Error(at, where + ": a required question cannot offer \"not sure\"");
            LoadOptions(t, q, where, at);
            LoadLimits(t, q, where, at);
            m_show_if.push_back(t.get("show_if"));
            m_s->questions.push_back(std::move(q));
        }
        if (m_s->questions.size() > 4096) m_diags.Error(Pos(*a), "at most 4096 questions");
    }

    void LoadOptions(const toml::table& t, Question& q, const std::string& where, SourcePos at) {
        const int errors_before = m_diags.ErrorCount();
        LoadOptionList(t, q, where, at);
        if (m_diags.ErrorCount() > errors_before) m_broken_questions.insert(q.id);
    }

    void LoadOptionList(const toml::table& t, Question& q, const std::string& where, SourcePos at) {
        const toml::node* n = t.get("options");
        bool choice = q.type == QuestionType::Single || q.type == QuestionType::Multi;
        if (!n) {
            if (choice) m_diags.Error(at, where + " needs options");
            if (q.type == QuestionType::YesNo) {
                for (const char* code : {"yes", "no"}) {
                    Option o;
                    o.code = code;
                    q.options.push_back(o);
                }
            }
            return;
        }
        if (!choice && q.type != QuestionType::YesNo) {
            m_diags.Error(Pos(*n), where + ": a " + QuestionTypeName(q.type) + " question has no options");
            return;
        }
        const toml::array* a = n->as_array();
        if (!a) {
            m_diags.Error(Pos(*n), where + ": options must be a list of { code = ..., " + m_s->languages[0] + " = ... }");
            return;
        }
        for (const toml::node& item : *a) {
            const toml::table* ot = item.as_table();
            if (!ot) {
                m_diags.Error(Pos(item), where + ": each option must be { code = ..., " + m_s->languages[0] + " = ... }");
                continue;
            }
            Option o;
            SourcePos oat = Pos(item);
            o.code = String(*ot, "code", where + " option", oat, true).value_or("");
            std::string owhere = "option '" + o.code + "' of " + where;
            for (const auto& [key, value] : *ot) {
                std::string_view k = key.str();
                if (k == "code" || k == "exclusive") continue;
                if (m_s->FindLanguage(k) < 0) {
                    m_diags.Error(PosOf(key.source()), "unknown key '" + std::string(k) + "' in " + owhere + " (code, exclusive, or a language: " +
                                                           Join(m_s->languages) + ")");
                }
                (void)value;
            }
            o.exclusive = Bool(*ot, "exclusive", owhere, false);
            if (o.exclusive && q.type != QuestionType::Multi) m_diags.Error(oat, owhere + ": only multiple-choice options can be exclusive");
            o.label.resize(m_s->languages.size());
            for (size_t l = 0; l < m_s->languages.size(); ++l) {
                const toml::node* label = ot->get(m_s->languages[l]);
                if (!label) {
                    m_diags.Error(oat, "missing '" + m_s->languages[l] + "' label for " + owhere);
                    continue;
                }
                if (!label->is_string() || label->as_string()->get().empty()) {
                    m_diags.Error(Pos(*label), "the '" + m_s->languages[l] + "' label of " + owhere + " must be a non-empty string");
                    continue;
                }
                o.label[l] = label->as_string()->get();
                m_patient.push_back({label->as_string()->get(), Pos(*label), static_cast<int>(l), false, owhere});
            }
            SourcePos code_at = IdPos(*ot, oat, "code");
            if (!o.code.empty() && !IsLowerSnake(o.code, true))
                m_diags.Error(code_at, owhere + ": option codes are lower_snake_case");
            if (o.code == "not_sure")
                m_diags.Error(code_at, where + ": \"not_sure\" is not an option code; set not_sure = true on the question");
            if (q.FindOption(o.code) >= 0) m_diags.Error(code_at, where + ": duplicate option code '" + o.code + "'");
            q.options.push_back(std::move(o));
        }
        if (q.type == QuestionType::YesNo) {
            if (q.options.size() != 2 || q.FindOption("yes") < 0 || q.FindOption("no") < 0) {
                m_diags.Error(Pos(*n), where + ": the options of a yes_no question must be exactly 'yes' and 'no'");
                q.options.clear();
                for (const char* code : {"yes", "no"}) {
                    Option o;
                    o.code = code;
                    q.options.push_back(o);
                }
            } else if (q.options[0].code != "yes") {
                std::swap(q.options[0], q.options[1]);
            }
        }
        if (choice && q.options.empty()) m_diags.Error(Pos(*n), where + " needs at least one option");
        if (q.options.size() > 63) m_diags.Error(Pos(*n), where + ": at most 63 options");
    }

    void LoadLimits(const toml::table& t, Question& q, const std::string& where, SourcePos at) {
        auto forbid = [&](std::initializer_list<const char*> keys) {
            for (const char* k : keys)
                if (const toml::node* n = t.get(k))
                    m_diags.Error(Pos(*n), where + ": '" + k + "' does not apply to a " + QuestionTypeName(q.type) + " question");
        };
        bool number = q.type == QuestionType::Integer || q.type == QuestionType::Decimal;
        if (number) {
            // A limit that is missing or refused (nan, inf) has its error; the range stays open on
            // that side, so the one error is not followed by "min is greater than max" or by one
            // "outside" error for every case that answers the question.
            q.min = Number(t, "min", where, at, true).value_or(std::numeric_limits<double>::lowest());
            q.max = Number(t, "max", where, at, true).value_or(std::numeric_limits<double>::max());
            if (q.min > q.max) m_diags.Error(at, where + ": min is greater than max");
            q.unit = String(t, "unit", where, at, false).value_or("");
            if (const toml::node* u = t.get("units")) {
                const toml::table* ut = u->as_table();
                if (!ut) m_diags.Error(Pos(*u), where + ": units must be a table such as { in = 2.54 }");
                else
                    for (const auto& [name, factor] : *ut) {
                        double f = factor.is_integer() ? static_cast<double>(factor.as_integer()->get())
                                 : factor.is_floating_point() ? factor.as_floating_point()->get() : 0;
                        const std::string unit_name(name.str());
                        // nan passes `f <= 0`, and a factor such as 1e-300 turns every answer into
                        // about 0, inside any range: either would switch the range check off.
                        if (std::optional<std::string> problem = NumberProblem(f)) {
                            m_diags.Error(Pos(factor), where + ": the factor for unit '" + unit_name + "' " + *problem);
                            f = 0;
                        } else if (f <= 0) {
                            m_diags.Error(Pos(factor), where + ": the factor for unit '" + unit_name + "' must be a positive number");
                        } else if (f < kMinUnitFactor || f > kMaxUnitFactor) {
                            m_diags.Error(Pos(factor), where + ": the factor for unit '" + unit_name +
                                                           "' must be from 0.000001 to 1000000 (a unit no more than a million times larger or smaller)");
                            f = 0;
                        }
                        if (q.unit.empty()) m_diags.Error(Pos(*u), where + ": 'units' needs 'unit', the unit answers are stored in");
                        q.units.emplace_back(std::string(name.str()), f);
                    }
            }
            forbid({"past_only", "max_age_years", "precision", "max_length"});
        } else if (q.type == QuestionType::Date) {
            q.past_only = Bool(t, "past_only", where, false);
            if (std::optional<double> years = Number(t, "max_age_years", where, at, false)) {
                // Checked before the conversion; 0 or less would switch the "too long ago" check off.
                if (*years != std::floor(*years) || *years < 1 || *years > kMaxAgeYears)
                    m_diags.Error(Pos(*t.get("max_age_years")), where + ": max_age_years must be a whole number of years from 1 to " +
                                                                    std::to_string(kMaxAgeYears));
                else
                    q.max_age_years = static_cast<int>(*years);
            }
            std::string precision = String(t, "precision", where, at, false).value_or("day");
            if (precision == "month") q.month_precision = true;
            else if (precision != "day") m_diags.Error(Pos(*t.get("precision")), where + ": precision is \"day\" or \"month\"");
            forbid({"min", "max", "unit", "units", "max_length"});
        } else if (q.type == QuestionType::Text) {
            q.max_length = 1;
            if (std::optional<double> max_length = Number(t, "max_length", where, at, true)) {
                // Checked before the conversion: 1e300 has no int value, and a limit no one could
                // reach is no limit.
                if (*max_length != std::floor(*max_length) || *max_length < 1 || *max_length > kMaxTextLength)
                    m_diags.Error(Pos(*t.get("max_length")), where + ": max_length must be a whole number of characters from 1 to " +
                                                                 std::to_string(kMaxTextLength));
                else
                    q.max_length = static_cast<int>(*max_length);
            }
            forbid({"min", "max", "unit", "units", "past_only", "max_age_years", "precision"});
        } else {
            forbid({"min", "max", "unit", "units", "past_only", "max_age_years", "precision", "max_length"});
        }
    }

    void LoadDerived(const toml::table& root) {
        const toml::array* a = ArrayOfTables(root, "derived");
        if (!a) return;
        std::vector<const toml::node*> exprs;
        std::vector<SyntaxTree> trees;
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            DerivedValue d;
            SourcePos at = Pos(t);
            d.pos = at;
            d.id = String(t, "id", "[[derived]]", at, true).value_or("");
            const std::string where = "derived value '" + d.id + "'";
            CheckKeys(t, {"id", "expr"}, where);
            SourcePos id_at = IdPos(t, at);
            if (!d.id.empty() && !IsLowerSnake(d.id, false)) m_diags.Error(id_at, "derived value id '" + d.id + "' must be lower_snake_case");
            if (m_s->FindQuestion(d.id) >= 0) m_diags.Error(id_at, "derived value '" + d.id + "' has the id of a question");
            if (m_s->FindParameter(d.id) >= 0) m_diags.Error(id_at, "derived value '" + d.id + "' has the id of a parameter");
            for (const DerivedValue& other : m_s->derived)
                if (other.id == d.id) m_diags.Error(id_at, "duplicate derived value id '" + d.id + "'");
            if (std::find(std::begin(kReservedNames), std::end(kReservedNames), d.id) != std::end(kReservedNames))
                m_diags.Error(id_at, "derived value id '" + d.id + "' is a reserved word");
            const toml::node* e = Need(t, "expr", where, at);
            SyntaxTree tree;
            if (e && e->is_string()) {
                StringMapper mapper(m_lines, Pos(*e));
                if (!ParseExpression(e->as_string()->get(), mapper, m_diags, tree)) tree.root = -1;
            } else if (e) {
                m_diags.Error(Pos(*e), where + ": expr must be an expression in a string");
            }
            exprs.push_back(e);
            trees.push_back(std::move(tree));
            m_s->derived.push_back(std::move(d));
        }
        // Dependencies among derived values, cycles, then checking in dependency order.
        size_t count = m_s->derived.size();
        std::vector<std::vector<std::pair<size_t, SourcePos>>> deps(count);
        for (size_t i = 0; i < count; ++i) {
            if (trees[i].root < 0) continue;
            std::vector<std::pair<std::string, SourcePos>> names;
            CollectNames(trees[i], names);
            for (const auto& [name, pos] : names)
                for (size_t j = 0; j < count; ++j)
                    if (m_s->derived[j].id == name && m_s->FindQuestion(name) < 0) deps[i].emplace_back(j, pos);
        }
        std::vector<int> state(count, 0);  // 0 new, 1 on the stack, 2 done
        std::vector<size_t> stack;
        std::vector<bool> in_cycle(count, false);
        std::function<void(size_t)> visit = [&](size_t i) {
            state[i] = 1;
            stack.push_back(i);
            for (const auto& [j, pos] : deps[i]) {
                if (state[j] == 1) {
                    std::string path;
                    auto it = std::find(stack.begin(), stack.end(), j);
                    for (; it != stack.end(); ++it) {
                        path += m_s->derived[*it].id + " -> ";
                        in_cycle[*it] = true;
                    }
                    path += m_s->derived[j].id;
                    m_diags.Error(pos, "derived values form a cycle: " + path);
                } else if (state[j] == 0) {
                    visit(j);
                }
            }
            stack.pop_back();
            state[i] = 2;
            if (in_cycle[i] || trees[i].root < 0) return;
            for (const auto& [j, pos] : deps[i])
                if (!m_s->derived[j].checked) return;  // a dependency failed; its own error is reported
            CheckEnv env{*m_s, ExprPlace::Derived, -1, "derived value '" + m_s->derived[i].id + "'"};
            env.quiet_options = &QuietOptions();
            CheckResult result;
            if (CheckExpression(trees[i], env, false, m_diags, result)) {
                DerivedValue& d = m_s->derived[i];
                d.expr = result.root;
                d.type = result.type;
                d.questions = result.questions;
                d.last_question = d.questions.empty() ? -1 : d.questions.back();
                d.checked = true;
                NoteParams(trees[i]);
            }
        };
        for (size_t i = 0; i < count; ++i)
            if (state[i] == 0) visit(i);
    }

    const std::vector<uint8_t>& QuietOptions() {
        if (m_quiet_options.size() != m_s->questions.size()) {
            m_quiet_options.assign(m_s->questions.size(), 0);
            for (size_t q = 0; q < m_s->questions.size(); ++q) m_quiet_options[q] = m_broken_questions.count(m_s->questions[q].id) > 0;
        }
        return m_quiet_options;
    }

    void NoteParams(const SyntaxTree& tree) {
        std::vector<std::pair<std::string, SourcePos>> names;
        CollectNames(tree, names);
        for (const auto& [name, pos] : names) {
            (void)pos;
            int p = m_s->FindParameter(name);
            if (p >= 0) m_param_used[p] = true;
        }
    }

    int32_t CheckedExpression(const toml::node& n, CheckEnv& env, bool want_bool, CheckResult& result) {
        env.quiet_options = &QuietOptions();
        if (!n.is_string()) {
            m_diags.Error(Pos(n), env.owner + " must be an expression in a string");
            return -1;
        }
        StringMapper mapper(m_lines, Pos(n));
        SyntaxTree tree;
        if (!ParseExpression(n.as_string()->get(), mapper, m_diags, tree)) return -1;
        NoteParams(tree);
        if (!CheckExpression(tree, env, want_bool, m_diags, result)) return -1;
        return result.root;
    }

    void CheckShowIf() {
        for (size_t q = 0; q < m_s->questions.size(); ++q) {
            if (!m_show_if[q]) continue;
            CheckEnv env{*m_s, ExprPlace::ShowIf, static_cast<int>(q), "show_if of '" + m_s->questions[q].id + "'"};
            CheckResult result;
            m_s->questions[q].show_if = CheckedExpression(*m_show_if[q], env, true, result);
        }
    }

    void LoadRules(const toml::table& root) {
        const int errors_before = m_diags.ErrorCount();
        LoadRuleTables(root);
        m_rules_have_errors = m_diags.ErrorCount() > errors_before;
    }

    void LoadRuleTables(const toml::table& root) {
        const toml::array* a = ArrayOfTables(root, "rules");
        if (!a) {
            m_diags.Error({1, 0}, "the file needs [[rules]]");
            return;
        }
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            Rule r;
            SourcePos at = Pos(t);
            r.pos = at;
            r.id = String(t, "id", "[[rules]]", at, true).value_or("");
            const std::string where = "rule '" + r.id + "'";
            int unknown_keys = CheckKeys(t, {"id", "when", "level", "level_from", "tracks", "flow", "store", "reason", "reason_text",
                                             "staff_text", "sources", "reversible", "unknown", "patient_message"}, where);
            if (m_s->FindRule(r.id) >= 0) m_diags.Error(IdPos(t, at), "duplicate rule id '" + r.id + "'");
            if (const toml::node* w = Need(t, "when", where, at)) {
                CheckEnv env{*m_s, ExprPlace::Rule, -1, "'when' of " + where};
                CheckResult result;
                r.when = CheckedExpression(*w, env, true, result);
                r.questions = result.questions;
                r.last_question = r.questions.empty() ? -1 : r.questions.back();
                r.reads_state = result.reads_state;
            }
            const toml::node* level = t.get("level");
            const toml::node* level_from = t.get("level_from");
            if (level && level_from) m_diags.Error(Pos(*level_from), where + ": give 'level' or 'level_from', not both");
            if (level) r.level = Level(*level, where);
            if (level_from) {
                std::string p = level_from->is_string() ? level_from->as_string()->get() : "";
                r.level_from = m_s->FindParameter(p);
                if (r.level_from < 0 || !m_s->parameters[r.level_from].value.is_string)
                    m_diags.Error(Pos(*level_from), where + ": level_from must name a string parameter");
                else {
                    m_param_used[r.level_from] = true;
                    if (m_s->parameters[r.level_from].value.level == kLevelNone)
                        m_diags.Error(m_param_pos[r.level_from], "parameter '" + p + "' is used as a rule level but '" +
                                                                    m_s->parameters[r.level_from].value.text + "' is not NOTE, INDICATION or an outcome id");
                }
            }
            if (const toml::node* tracks = t.get("tracks")) LoadRuleTracks(*tracks, r, where);
            if (!level && !level_from && r.tracks.empty())
                m_diags.Error(at, where + " needs 'level', 'level_from' or 'tracks': it would change nothing");
            std::string flow = String(t, "flow", where, at, false).value_or("");
            if (flow == "interrupt") r.flow = Flow::Interrupt;
            else if (flow == "end") r.flow = Flow::End;
            else if (!flow.empty()) m_diags.Error(Pos(*t.get("flow")), where + ": flow is \"interrupt\" or \"end\"");
            r.store = Bool(t, "store", where, true);
            if (!r.store && r.flow != Flow::End) m_diags.Error(Pos(*t.get("store")), where + ": store = false needs flow = \"end\"");
            r.reason = String(t, "reason", where, at, false).value_or("");
            if (!r.reason.empty()) r.reason_text = Texts(t, "reason_text", where, at, true, false);
            else if (t.get("reason_text") && unknown_keys == 0)  // a mistyped 'reason' key is reported already
                m_diags.Error(Pos(*t.get("reason_text")), where + ": reason_text without a reason code");
            r.staff_text = String(t, "staff_text", where, at, true).value_or("");
            r.sources = StringList(t, "sources", where);
            r.reversible = Bool(t, "reversible", where, false);
            std::string unknown = String(t, "unknown", where, at, false).value_or("");
            if (unknown == "review") r.unknown = UnknownPolicy::Review;
            else if (unknown == "ignore") r.unknown = UnknownPolicy::Ignore;
            else if (!unknown.empty()) m_diags.Error(Pos(*t.get("unknown")), where + ": unknown is \"review\" or \"ignore\"");
            r.patient_message = Texts(t, "patient_message", where, at, false, true, true);
            if (!r.patient_message.empty() && r.flow == Flow::None)
                m_diags.Error(Pos(*t.get("patient_message")), where + ": a patient_message needs a flow (the patient sees outcome messages otherwise)");
            m_s->rules.push_back(std::move(r));
        }
    }

    int Level(const toml::node& n, const std::string& where) {
        std::string text = n.is_string() ? n.as_string()->get() : "";
        if (int level = m_s->FindLevel(text); level != kLevelNone) return level;
        std::vector<std::string> names{"note", "indication"};
        for (const Outcome& out : m_s->outcomes) names.push_back(out.id);
        m_diags.Error(Pos(n), where + ": level '" + text + "' is not an outcome, \"note\" or \"indication\" (" + Join(names) + ")");
        return kLevelNone;
    }

    void LoadRuleTracks(const toml::node& n, Rule& r, const std::string& where) {
        const toml::table* t = n.as_table();
        if (!t) {
            m_diags.Error(Pos(n), where + ": tracks must be a table such as { PRP = \"review\" }");
            return;
        }
        r.tracks.assign(m_s->tracks.size(), kNoTrackEffect);
        for (const auto& [key, value] : *t) {
            int tr = m_s->FindTrack(key.str());
            if (tr < 0) {
                std::vector<std::string> ids;
                for (const Track& track : m_s->tracks) ids.push_back(track.id);
                m_diags.Error(PosOf(key.source()), where + ": unknown track '" + std::string(key.str()) + "' (" + Join(ids) + ")");
                continue;
            }
            if (auto st = Status(value, where + " track " + std::string(key.str()))) r.tracks[tr] = static_cast<int8_t>(*st);
        }
    }

    void LoadDecision(const toml::table& root) {
        const toml::table* t = Table(root, "decision", true);
        if (!t) return;
        const std::string where = "[decision]";
        SourcePos at = Pos(*t);
        CheckKeys(*t, {"review_outcome", "fallback_outcome", "fallback_reason", "fallback_staff_text"}, where);
        auto outcome = [&](const char* key) {
            std::string id = String(*t, key, where, at, true).value_or("");
            int o = m_s->FindOutcome(id);
            if (o < 0 && t->get(key)) m_diags.Error(Pos(*t->get(key)), where + ": '" + id + "' is not an outcome");
            return o;
        };
        m_s->review_outcome = outcome("review_outcome");
        m_s->fallback_outcome = outcome("fallback_outcome");
        m_s->fallback_reason = String(*t, "fallback_reason", where, at, true).value_or("");
        m_s->fallback_staff_text = String(*t, "fallback_staff_text", where, at, true).value_or("");
    }

    //-------------------------------------------------------------------------
    // [SECTION] Whole-file checks
    //-------------------------------------------------------------------------

    void CheckWholeFile() {
        // Every outcome must be reachable: named by a rule level, a level parameter, or the fallback.
        for (size_t o = 0; o < m_s->outcomes.size() && !m_rules_have_errors; ++o) {
            bool reachable = static_cast<int>(o) == m_s->fallback_outcome;
            for (const Rule& r : m_s->rules)
                if (r.level == static_cast<int>(o) || (r.level_from >= 0 && m_s->parameters[r.level_from].value.level == static_cast<int>(o)))
                    reachable = true;
            if (!reachable) m_diags.Error(m_s->outcomes[o].pos, "outcome '" + m_s->outcomes[o].id + "' is never given: no rule has it as its level");
        }
        // Rules that read level() or status() see only the rules above them.
        int first_reader = -1;
        for (size_t r = 0; r < m_s->rules.size(); ++r) {
            const Rule& rule = m_s->rules[r];
            if (rule.reads_state) {
                if (first_reader < 0) first_reader = static_cast<int>(r);
                continue;
            }
            bool changes = rule.level >= 0 || rule.level_from >= 0 ||
                           std::any_of(rule.tracks.begin(), rule.tracks.end(), [](int8_t t) { return t != kNoTrackEffect; });
            if (first_reader >= 0 && changes)
                m_diags.Error(rule.pos, "rule '" + rule.id + "' changes the outcome or a track but comes after rule '" +
                                            m_s->rules[first_reader].id + "', which reads level() or status(): move it above");
        }
        for (const Rule& rule : m_s->rules)
            if (rule.flow == Flow::End && rule.reads_state)
                m_diags.Error(rule.pos, "rule '" + rule.id + "' ends the screening, so it cannot read level() or status()");
        // A condition that reads no answer and is false can never fire.
        if (!m_diags.HasErrors()) {
            PrepareEvaluation();
            Answers empty = MakeAnswers(*m_s);
            Decision scratch;
            std::vector<ParamValue> params = m_s->ParameterValues();
            for (const Rule& rule : m_s->rules) {
                if (rule.when < 0 || !rule.questions.empty() || rule.reads_state) continue;
                Value v = EvaluateExpression(*m_s, rule.when, empty, Date{2000, 1, 1}, params, scratch);
                if (v.state == State::Known && !v.boolean)
                    m_diags.Warning(rule.pos, "rule '" + rule.id + "' can never fire: its condition reads no answer and is false");
            }
        }
        for (size_t p = 0; p < m_s->parameters.size(); ++p)
            if (!m_param_used[p])
                m_diags.Warning(m_s->parameters[p].pos, "parameter '" + m_s->parameters[p].id + "' is not used by any rule, derived value, show_if or text");
    }

    // String constants point into their nodes; then what deciding reads is built.
    void PrepareEvaluation() {
        for (Node& n : m_s->expr.nodes)
            if (n.op == Op::Const && n.type.kind == ValueType::String) n.constant.text = n.constant_text;
        PrepareDecisions(*m_s);
    }

    std::string m_path;
    std::unique_ptr<Screening> m_s;
    std::vector<const toml::node*> m_show_if;
    std::vector<PatientText> m_patient;
    std::vector<bool> m_param_used;
    std::vector<SourcePos> m_param_pos;
    std::set<std::string> m_broken_questions;  // questions whose options had errors
    std::vector<uint8_t> m_quiet_options;
    bool m_rules_have_errors = false;
};

}  // namespace

LoadResult LoadScreeningText(std::string_view content, const std::string& path) {
    LoadResult result{nullptr, Diagnostics(path)};
    Loader loader(content, path, result.diagnostics);
    result.screening = loader.Run();
    return result;
}

LoadResult LoadScreeningFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        LoadResult result{nullptr, Diagnostics(path)};
        result.diagnostics.Error({}, "cannot open the file");
        return result;
    }
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size < 0 || static_cast<size_t>(size) > kMaxScreeningFileBytes) {
        LoadResult result{nullptr, Diagnostics(path)};
        result.diagnostics.Error({}, "file is " + std::to_string(size) + " bytes; a screening file may be at most " +
                                         std::to_string(kMaxScreeningFileBytes) + " bytes");
        return result;
    }
    std::string content(static_cast<size_t>(size), '\0');
    in.read(content.data(), size);
    return LoadScreeningText(content, path);
}

}  // namespace rules
