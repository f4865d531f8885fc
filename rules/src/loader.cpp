// Loading a screening file: TOML to the Screening model, every problem reported with its place.
//
// [SECTION] Reading and placing      — file checks, positions inside expression strings
// [SECTION] Typed getters            — strings, numbers, per-language texts, unknown keys
// [SECTION] Tables                   — screening, parameters, texts, tracks, outcomes, questions,
//                                      derived values, rules, decision, cases
// [SECTION] Whole-file checks        — reachability, parameter use, rule order, wording
#include "rules/loader.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "expr_check.h"
#include "rules/answers.h"
#include "rules/decision.h"
#include "rules/sha256.h"
#include "rules/wording.h"

namespace rules {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Reading and placing
//-----------------------------------------------------------------------------

SourcePos PosOf(const toml::source_region& r) {
    return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

size_t CodepointLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

// Maps offsets in a parsed TOML string back to the file, walking the raw literal.
class StringMapper : public PosMapper {
public:
    StringMapper(const std::vector<std::string_view>& lines, SourcePos start) : m_fallback(start) {
        if (start.line < 1 || start.line > static_cast<int>(lines.size())) return;
        int line = start.line;
        std::string_view raw = lines[line - 1];
        // toml++ columns count code points; find the byte offset of the opening quote.
        size_t i = 0;
        for (int col = 1; col < start.col && i < raw.size(); ++col) i += CodepointLength(static_cast<unsigned char>(raw[i]));
        int col = start.col;
        if (i >= raw.size()) return;
        char quote = raw[i];
        if (quote != '"' && quote != '\'') return;
        bool multi = raw.substr(i, 3) == std::string(3, quote);
        size_t skip = multi ? 3 : 1;
        i += skip;
        col += static_cast<int>(skip);
        bool basic = quote == '"';
        if (multi && i >= raw.size()) {  // a newline right after the opening delimiter is trimmed
            ++line;
            i = 0;
            col = 1;
            if (line > static_cast<int>(lines.size())) return;
            raw = lines[line - 1];
        }
        while (true) {
            if (i >= raw.size()) {
                if (!multi || line >= static_cast<int>(lines.size())) break;
                m_map.push_back({line, col});  // the newline itself
                ++line;
                raw = lines[line - 1];
                i = 0;
                col = 1;
                continue;
            }
            char c = raw[i];
            if (c == quote && (!multi || raw.substr(i, 3) == std::string(3, quote))) break;
            if (basic && c == '\\' && i + 1 < raw.size()) {
                char e = raw[i + 1];
                size_t raw_len = e == 'u' ? 6 : e == 'U' ? 10 : 2;
                size_t decoded = e == 'u' || e == 'U' ? 3 : 1;  // approximate for \u escapes
                for (size_t k = 0; k < decoded; ++k) m_map.push_back({line, col});
                i += raw_len;
                col += static_cast<int>(raw_len);
                continue;
            }
            size_t len = CodepointLength(static_cast<unsigned char>(c));
            for (size_t k = 0; k < len; ++k) m_map.push_back({line, col});
            i += len;
            ++col;
        }
        m_map.push_back({line, col});
    }

    SourcePos Map(size_t offset) const override {
        if (m_map.empty()) return m_fallback;
        return m_map[std::min(offset, m_map.size() - 1)];
    }

private:
    std::vector<SourcePos> m_map;
    SourcePos m_fallback;
};

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
}

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

const char* const kReservedNames[] = {"and", "or", "not", "in", "yes", "no", "ok", "note", "review", "contra"};

//-----------------------------------------------------------------------------
// [SECTION] Typed getters
//-----------------------------------------------------------------------------

class Loader {
public:
    Loader(std::string_view content, const std::string& path, Diagnostics& diags)
        : m_content(content), m_path(path), m_diags(diags) {
        size_t start = 0;
        while (start <= content.size()) {
            size_t end = content.find('\n', start);
            if (end == std::string_view::npos) end = content.size();
            std::string_view line = content.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            m_lines.push_back(line);
            start = end + 1;
        }
    }

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
        LoadCases(root);
        CheckPatientWording();  // before CheckWholeFile: {PARAM} in texts counts as a use
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

    // Columns count characters (code points), as toml++ and editors do.
    SourcePos OffsetPos(size_t offset) const {
        int line = 1, col = 1;
        for (size_t i = 0; i < offset && i < m_content.size(); ++i) {
            if (m_content[i] == '\n') { ++line; col = 1; }
            else if ((static_cast<unsigned char>(m_content[i]) & 0xC0) != 0x80) ++col;
        }
        return {line, col};
    }

    // Where an id is written, for errors about the id itself; the table when it has none.
    static SourcePos IdPos(const toml::table& t, SourcePos table, const char* key = "id") {
        const toml::node* n = t.get(key);
        return n ? Pos(*n) : table;
    }

    static SourcePos Pos(const toml::node& n) { return PosOf(n.source()); }

    // Reports keys not in `allowed`; returns how many there were.
    int CheckKeys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& where) {
        int unknown = 0;
        for (const auto& [key, value] : t) {
            if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
            ++unknown;
            std::vector<std::string> names(allowed.begin(), allowed.end());
            std::string close = ClosestName(key.str(), names);
            m_diags.Error(PosOf(key.source()), "unknown key '" + std::string(key.str()) + "' in " + where +
                                                   (close.empty() ? " (allowed: " + Join(names) + ")" : " (did you mean '" + close + "'?)"));
            (void)value;
        }
        return unknown;
    }

    const toml::node* Need(const toml::table& t, std::string_view key, const std::string& where, SourcePos at) {
        const toml::node* n = t.get(key);
        if (!n) m_diags.Error(at, where + " needs '" + std::string(key) + "'");
        return n;
    }

    std::optional<std::string> String(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                                      bool required) {
        const toml::node* n = required ? Need(t, key, where, at) : t.get(key);
        if (!n) return std::nullopt;
        if (!n->is_string()) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a string");
            return std::nullopt;
        }
        return n->as_string()->get();
    }

    std::optional<double> Number(const toml::table& t, std::string_view key, const std::string& where, SourcePos at,
                                 bool required) {
        const toml::node* n = required ? Need(t, key, where, at) : t.get(key);
        if (!n) return std::nullopt;
        if (n->is_integer()) return static_cast<double>(n->as_integer()->get());
        if (n->is_floating_point()) return n->as_floating_point()->get();
        m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a number");
        return std::nullopt;
    }

    bool Bool(const toml::table& t, std::string_view key, const std::string& where, bool fallback) {
        const toml::node* n = t.get(key);
        if (!n) return fallback;
        if (!n->is_boolean()) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be true or false");
            return fallback;
        }
        return n->as_boolean()->get();
    }

    std::vector<std::string> StringList(const toml::table& t, std::string_view key, const std::string& where) {
        std::vector<std::string> out;
        for (auto& [text, pos] : StringListAt(t, key, where)) out.push_back(std::move(text));
        return out;
    }

    // The strings of a list, each with its place (for errors about one item).
    std::vector<std::pair<std::string, SourcePos>> StringListAt(const toml::table& t, std::string_view key, const std::string& where) {
        std::vector<std::pair<std::string, SourcePos>> out;
        const toml::node* n = t.get(key);
        if (!n) return out;
        const toml::array* a = n->as_array();
        if (!a) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' in " + where + " must be a list of strings");
            return out;
        }
        for (const toml::node& item : *a) {
            if (!item.is_string()) {
                m_diags.Error(Pos(item), "'" + std::string(key) + "' in " + where + " must hold strings only");
                continue;
            }
            out.emplace_back(item.as_string()->get(), Pos(item));
        }
        return out;
    }

    struct PatientText {
        const toml::node* node;
        int language;
        bool grade;  // estimate the reading grade (sentences, not labels)
        std::string where;
    };

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
                    m_patient.push_back({v, static_cast<int>(l), grade, "'" + std::string(key) + "' in " + where});
        }
        return out;
    }

    //-------------------------------------------------------------------------
    // [SECTION] Tables
    //-------------------------------------------------------------------------

    const toml::array* ArrayOfTables(const toml::table& root, std::string_view key) {
        const toml::node* n = root.get(key);
        if (!n) return nullptr;
        const toml::array* a = n->as_array();
        if (!a || !a->is_array_of_tables()) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' must be written as [[" + std::string(key) + "]] tables");
            return nullptr;
        }
        return a;
    }

    const toml::table* Table(const toml::table& root, std::string_view key, bool required) {
        const toml::node* n = root.get(key);
        if (!n) {
            if (required) m_diags.Error({1, 0}, "the file needs a [" + std::string(key) + "] table");
            return nullptr;
        }
        if (!n->is_table()) {
            m_diags.Error(Pos(*n), "'" + std::string(key) + "' must be a table [" + std::string(key) + "]");
            return nullptr;
        }
        return n->as_table();
    }

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
            if (value.is_integer()) p.value.number = static_cast<double>(value.as_integer()->get());
            else if (value.is_floating_point()) p.value.number = value.as_floating_point()->get();
            else if (value.is_string()) {
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

    std::optional<TrackStatus> Status(const toml::node& n, const std::string& where) {
        if (n.is_string())
            if (auto st = ParseTrackStatus(n.as_string()->get())) return st;
        m_diags.Error(Pos(n), where + " must be one of ok, note, review, contra");
        return std::nullopt;
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
            if (auto rank = Number(t, "rank", where, at, true)) {
                o.rank = static_cast<int>(*rank);
                const toml::node* rn = t.get("rank");
                if (*rank != o.rank || o.rank < 1 || o.rank > 63) m_diags.Error(Pos(*rn), where + ": rank must be a whole number from 1 to 63");
                else if (!ranks.insert(o.rank).second) m_diags.Error(Pos(*rn), where + ": rank " + std::to_string(o.rank) + " is used by another outcome");
            }
            o.staff_label = Texts(t, "staff_label", where, at, true, false);
            o.patient_message = Texts(t, "patient_message", where, at, true, true, true);
            if (const toml::node* ts = t.get("track_status"))
                if (auto st = Status(*ts, where + " track_status")) o.track_status = static_cast<int8_t>(*st);
            m_s->outcomes.push_back(std::move(o));
        }
        for (Parameter& p : m_s->parameters) {
            if (!p.value.is_string) continue;
            std::string upper = p.value.text;
            std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
            if (upper == "NOTE") p.value.level = kLevelNote;
            else if (upper == "INDICATION") p.value.level = kLevelIndication;
            else p.value.level = m_s->FindOutcome(p.value.text) >= 0 ? m_s->FindOutcome(p.value.text) : kLevelNone;
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
                m_patient.push_back({label, static_cast<int>(l), false, owhere});
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
            q.min = Number(t, "min", where, at, true).value_or(0);
            q.max = Number(t, "max", where, at, true).value_or(0);
            if (q.min > q.max) m_diags.Error(at, where + ": min is greater than max");
            q.unit = String(t, "unit", where, at, false).value_or("");
            if (const toml::node* u = t.get("units")) {
                const toml::table* ut = u->as_table();
                if (!ut) m_diags.Error(Pos(*u), where + ": units must be a table such as { in = 2.54 }");
                else
                    for (const auto& [name, factor] : *ut) {
                        double f = factor.is_integer() ? static_cast<double>(factor.as_integer()->get())
                                 : factor.is_floating_point() ? factor.as_floating_point()->get() : 0;
                        if (f <= 0) m_diags.Error(Pos(factor), where + ": the factor for unit '" + std::string(name.str()) + "' must be a positive number");
                        if (q.unit.empty()) m_diags.Error(Pos(*u), where + ": 'units' needs 'unit', the unit answers are stored in");
                        q.units.emplace_back(std::string(name.str()), f);
                    }
            }
            forbid({"past_only", "max_age_years", "precision", "max_length"});
        } else if (q.type == QuestionType::Date) {
            q.past_only = Bool(t, "past_only", where, false);
            q.max_age_years = static_cast<int>(Number(t, "max_age_years", where, at, false).value_or(0));
            std::string precision = String(t, "precision", where, at, false).value_or("day");
            if (precision == "month") q.month_precision = true;
            else if (precision != "day") m_diags.Error(Pos(*t.get("precision")), where + ": precision is \"day\" or \"month\"");
            forbid({"min", "max", "unit", "units", "max_length"});
        } else if (q.type == QuestionType::Text) {
            double max_length = Number(t, "max_length", where, at, true).value_or(1);
            q.max_length = static_cast<int>(max_length);
            if (q.max_length < 1) m_diags.Error(at, where + ": max_length must be at least 1");
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
        if (text == "note") return kLevelNote;
        if (text == "indication") return kLevelIndication;
        int o = m_s->FindOutcome(text);
        if (o >= 0) return o;
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
            int q = m_s->FindQuestion(key.str());
            if (q < 0) {
                std::vector<std::string> names;
                for (const Question& qq : m_s->questions) names.push_back(qq.id);
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
            if (auto error = SetAnswer(*m_s, answers, q, *input, today)) {
                if (!QuietOptions()[q]) m_diags.Error(Pos(value), where + ": '" + std::string(key.str()) + "' " + *error);
            }
            else if (given)
                given->emplace_back(q, Pos(value));
        }
    }

    void LoadCases(const toml::table& root) {
        std::map<std::string, const toml::table*> templates;
        if (const toml::table* t = Table(root, "case_templates", false))
            for (const auto& [name, value] : *t) {
                if (!value.is_table()) m_diags.Error(Pos(value), "case template '" + std::string(name.str()) + "' must be a table of answers");
                else templates[std::string(name.str())] = value.as_table();
            }
        const toml::array* a = ArrayOfTables(root, "cases");
        if (!a) return;
        std::set<std::string> names;
        for (const toml::node& n : *a) {
            const toml::table& t = *n.as_table();
            TestCase c;
            SourcePos at = Pos(t);
            c.pos = at;
            c.name = String(t, "name", "[[cases]]", at, true).value_or("");
            const std::string where = "case '" + c.name + "'";
            CheckKeys(t, {"name", "template", "today", "answers", "skip", "parameters", "expect"}, where);
            if (!names.insert(c.name).second) m_diags.Error(IdPos(t, at, "name"), "duplicate case name '" + c.name + "'");
            if (const toml::node* today = Need(t, "today", where, at)) {
                if (auto d = DateValue(*today)) c.today = *d;
                else m_diags.Error(Pos(*today), where + ": today must be a date (2026-06-15)");
            }
            Answers answers = MakeAnswers(*m_s);
            if (auto name = String(t, "template", where, at, false)) {
                auto it = templates.find(*name);
                if (it == templates.end()) m_diags.Error(Pos(*t.get("template")), where + ": no case template '" + *name + "'");
                else CaseAnswers(*it->second, answers, c.today, "case template '" + *name + "'", nullptr);
            }
            if (const toml::node* ans = t.get("answers")) {
                if (!ans->is_table()) m_diags.Error(Pos(*ans), where + ": answers must be a table of question id = value");
                else CaseAnswers(*ans->as_table(), answers, c.today, where, &c.answered);
            }
            for (const auto& [id, id_at] : StringListAt(t, "skip", where)) {
                int q = m_s->FindQuestion(id);
                if (q < 0) m_diags.Error(id_at, where + ": skip names unknown question '" + id + "'");
                else answers.values[q] = Answer{};
            }
            if (const toml::node* params = t.get("parameters")) LoadCaseParameters(*params, c, where);
            if (const toml::node* e = Need(t, "expect", where, at)) LoadExpectation(*e, c, where);
            c.answers = static_cast<int>(m_s->case_answers.size());
            m_s->case_answers.push_back(std::move(answers));
            m_s->cases.push_back(std::move(c));
        }
    }

    void LoadCaseParameters(const toml::node& n, TestCase& c, const std::string& where) {
        const toml::table* t = n.as_table();
        if (!t) {
            m_diags.Error(Pos(n), where + ": parameters must be a table of NAME = value");
            return;
        }
        for (const auto& [key, value] : *t) {
            int p = m_s->FindParameter(key.str());
            if (p < 0) {
                m_diags.Error(PosOf(key.source()), where + ": unknown parameter '" + std::string(key.str()) + "'");
                continue;
            }
            ParamValue v = m_s->parameters[p].value;
            if (v.is_string && value.is_string()) {
                v.text = value.as_string()->get();
                int o = m_s->FindOutcome(v.text);
                v.level = v.text == "NOTE" || v.text == "note" ? kLevelNote : v.text == "INDICATION" ? kLevelIndication : o >= 0 ? o : kLevelNone;
            } else if (!v.is_string && (value.is_integer() || value.is_floating_point())) {
                v.number = value.is_integer() ? static_cast<double>(value.as_integer()->get()) : value.as_floating_point()->get();
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
        CheckKeys(*t, {"outcome", "reasons", "tracks", "undetermined"}, where + " expect");
        CaseExpectation& e = c.expect;
        if (auto outcome = String(*t, "outcome", where, Pos(n), false)) {
            e.has_outcome = true;
            e.outcome = *outcome == "none" ? -1 : m_s->FindOutcome(*outcome);
            if (*outcome != "none" && e.outcome < 0)
                m_diags.Error(Pos(*t->get("outcome")), where + ": expected outcome '" + *outcome + "' is not an outcome");
        }
        if (t->get("reasons")) {
            e.has_reasons = true;
            std::vector<std::string> codes;
            for (const Rule& r : m_s->rules) codes.push_back(r.reason);
            codes.push_back(m_s->fallback_reason);
            for (const auto& [reason, reason_at] : StringListAt(*t, "reasons", where)) {
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
                    int tr = m_s->FindTrack(key.str());
                    if (tr < 0) {
                        m_diags.Error(PosOf(key.source()), where + ": unknown track '" + std::string(key.str()) + "'");
                        continue;
                    }
                    if (auto st = Status(value, where + " expected track " + std::string(key.str()))) e.tracks.emplace_back(tr, *st);
                }
        }
        if (t->get("undetermined")) {
            e.has_undetermined = true;
            for (const auto& [id, id_at] : StringListAt(*t, "undetermined", where)) {
                e.undetermined.push_back(id);
                if (m_s->FindRule(id) < 0 && !m_rules_have_errors) m_diags.Error(id_at, where + ": no rule '" + id + "'");
            }
            std::sort(e.undetermined.begin(), e.undetermined.end());
        }
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

    void CheckPatientWording() {
        for (PatientText& pt : m_patient) {
            std::string text = pt.node->as_string()->get();
            std::string expanded = ExpandParameters(text, Pos(*pt.node), &pt.where);
            const std::string& lang = m_s->languages[pt.language];
            std::string banned = FindBannedWord(expanded, m_s->banned_words[pt.language], m_s->allowed_phrases[pt.language]);
            if (!banned.empty())
                m_diags.Error(Pos(*pt.node), pt.where + " (" + lang + ") uses \"" + banned +
                                                 "\", which patient text must not use (screening spec section 6)");
            if (pt.grade) {
                double grade = ReadingGrade(expanded, lang);
                if (grade > 8.0) {
                    char buffer[16];
                    std::snprintf(buffer, sizeof buffer, "%.1f", grade);
                    m_diags.Warning(Pos(*pt.node), pt.where + " (" + lang + ") reads at about grade " + buffer +
                                                       "; patient text should be at grade 8 or below");
                }
            }
        }
        // Apply the expansion to the model's texts.
        auto expand = [&](LangText& texts) {
            for (std::string& t : texts) t = ExpandParameters(t);
        };
        expand(m_s->title);
        for (auto& [key, texts] : m_s->texts) expand(texts);
        for (auto& [key, texts] : m_s->labels) expand(texts);
        for (Question& q : m_s->questions) {
            expand(q.text);
            expand(q.help);
            for (Option& o : q.options) expand(o.label);
        }
        for (Outcome& o : m_s->outcomes) expand(o.patient_message);
        for (Rule& r : m_s->rules) expand(r.patient_message);
    }

    // Replaces {PARAM} with the parameter's value. With `where`, reports unknown names and
    // counts the parameters as used; without, leaves unknown names as they are.
    std::string ExpandParameters(const std::string& text, SourcePos at = {}, const std::string* where = nullptr) {
        if (text.find('{') == std::string::npos) return text;
        std::string out;
        size_t i = 0;
        while (i < text.size()) {
            size_t open = text.find('{', i);
            size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
            if (close == std::string::npos) break;
            out += text.substr(i, open - i);
            std::string name = text.substr(open + 1, close - open - 1);
            int p = m_s->FindParameter(name);
            if (p >= 0) {
                out += ParamText(m_s->parameters[p].value);
                if (where) m_param_used[p] = true;
            } else {
                out += text.substr(open, close - open + 1);
                if (where) m_diags.Error(at, *where + ": {" + name + "} is not a parameter");
            }
            i = close + 1;
        }
        return out + text.substr(i);
    }

    static std::string ParamText(const ParamValue& v) {
        if (v.is_string) return v.text;
        char buffer[32];
        if (v.number == static_cast<double>(static_cast<long long>(v.number))) std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v.number));
        else std::snprintf(buffer, sizeof buffer, "%g", v.number);
        return buffer;
    }

    std::string_view m_content;
    std::string m_path;
    Diagnostics& m_diags;
    std::vector<std::string_view> m_lines;
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
