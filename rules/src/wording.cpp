// Checks of patient-facing wording (screening spec section 6): banned words, reading grade, UTF-8,
// and the loader's pass over a screening's patient texts with them.
#include "rules/wording.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "rules/screening.h"

namespace rules {

namespace {

struct CodePoint {
    uint32_t value = 0;
    size_t length = 1;   // bytes; 1 for an invalid byte so scanning always moves on
    bool valid = false;
};

// Strict decoding: no overlong forms, no surrogates, nothing above U+10FFFF.
CodePoint DecodeAt(std::string_view text, size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) return {lead, 1, true};
    size_t continuation_count = 0;
    uint32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuation_count = 1;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation_count = 2;
        value = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation_count = 3;
        value = lead & 0x07u;
    } else {
        return {};  // a stray continuation byte, C0/C1 (always overlong) or F5..FF
    }
    for (size_t i = 1; i <= continuation_count; ++i) {
        if (pos + i >= text.size()) return {};
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        if ((byte & 0xC0) != 0x80) return {};
        value = (value << 6) | (byte & 0x3Fu);
    }
    if (continuation_count == 2 && (value < 0x800 || (value >= 0xD800 && value <= 0xDFFF))) return {};
    if (continuation_count == 3 && (value < 0x10000 || value > 0x10FFFF)) return {};
    return {value, continuation_count + 1, true};
}

// Letters and digits make words. Outside ASCII, anything that is not known punctuation,
// a symbol or a space counts as a letter, so accented words stay whole while quotes,
// dashes and the Spanish ¿ ¡ still separate words.
bool IsWordCodePoint(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp < 0xC0) return false;                        // Latin-1 controls, NBSP, ¡ ¿ « » ...
    if (cp == 0xD7 || cp == 0xF7) return false;         // × ÷
    if (cp >= 0x2000 && cp <= 0x2BFF) return false;     // punctuation, currency, arrows, symbols
    if (cp >= 0x3000 && cp <= 0x303F) return false;     // CJK punctuation
    if (cp >= 0xFE00 && cp <= 0xFE0F) return false;     // variation selectors
    if (cp == 0xFEFF) return false;                     // byte order mark
    if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;     // specials, such as U+FFFD
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return false;   // emoji and pictographs
    return true;
}

bool IsDigitCodePoint(uint32_t cp) { return cp >= '0' && cp <= '9'; }

// ASCII and the Latin-1 capitals (À..Þ except ×), which covers Á É Í Ó Ú Ñ Ü.
uint32_t ToLower(uint32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
    return cp;
}

bool IsSpace(uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0;
}

// The form banned and allowed phrases are matched in: lowercase, and every run of white
// space one ASCII space, so a phrase still matches across a line break. Lowercasing keeps
// byte lengths (Latin-1 capitals and small letters are both two bytes in UTF-8).
// `letter` marks each byte that belongs to a word code point.
struct Folded {
    std::string text;
    std::vector<bool> letter;
};

Folded Fold(std::string_view text) {
    Folded out;
    out.text.reserve(text.size());
    out.letter.reserve(text.size());
    bool pending_space = false;
    for (size_t pos = 0; pos < text.size();) {
        const CodePoint cp = DecodeAt(text, pos);
        if (cp.valid && IsSpace(cp.value)) {
            pending_space = true;
            pos += cp.length;
            continue;
        }
        if (pending_space && !out.text.empty()) {
            out.text += ' ';
            out.letter.push_back(false);
        }
        pending_space = false;
        if (!cp.valid) {
            // Kept as is and not a letter, so a banned word next to a bad byte is still found.
            out.text += text[pos];
            out.letter.push_back(false);
        } else {
            const uint32_t lower = ToLower(cp.value);
            const bool is_letter = IsWordCodePoint(lower);
            if (lower < 0x80) {
                out.text += static_cast<char>(lower);
            } else if (lower != cp.value) {
                // Only Latin-1 capitals change: two bytes, C3 then the new continuation byte.
                out.text += text[pos];
                out.text += static_cast<char>(0x80 | (lower & 0x3F));
            } else {
                out.text.append(text.substr(pos, cp.length));
            }
            out.letter.insert(out.letter.end(), cp.length, is_letter);
        }
        pos += cp.length;
    }
    return out;
}

// True if `phrase` occurs at `pos` as whole words, optionally followed by `suffix`. Edges
// that are not letters themselves (a phrase ending in ".") need no boundary.
bool MatchesAt(const Folded& text, size_t pos, const Folded& phrase, std::string_view suffix) {
    const size_t end = pos + phrase.text.size() + suffix.size();
    if (end > text.text.size()) return false;
    if (text.text.compare(pos, phrase.text.size(), phrase.text) != 0) return false;
    if (text.text.compare(pos + phrase.text.size(), suffix.size(), suffix) != 0) return false;
    if (phrase.letter.front() && pos > 0 && text.letter[pos - 1]) return false;
    const bool ends_in_letter = !suffix.empty() || phrase.letter.back();
    if (ends_in_letter && end < text.text.size() && text.letter[end]) return false;
    return true;
}

// The inflections a banned word is also caught with ("candidates", "cured"). The entry
// does not say its language, so this applies to every entry; for the Spanish list it
// catches plurals ("candidatos") and adds nothing that is a different word.
constexpr std::string_view kSuffixes[] = {"", "s", "d", "es"};

// English syllables by the usual heuristic: vowel groups (y counts after the first letter),
// less a silent final "e" (but not consonant + "le"), less an unsounded "-ed"/"-es".
int EnglishSyllables(const std::vector<uint32_t>& word) {
    if (std::any_of(word.begin(), word.end(), IsDigitCodePoint)) return 1;
    const size_t n = word.size();
    auto is_vowel = [&](size_t i) {
        const uint32_t cp = word[i];
        if (cp == 'a' || cp == 'e' || cp == 'i' || cp == 'o' || cp == 'u') return true;
        if (cp == 'y') return i > 0;
        return (cp >= 0xE0 && cp <= 0xFC && cp != 0xE7 && cp != 0xF0 && cp != 0xF1 && cp != 0xF7 &&
                cp != 0xF8);  // accented vowels as in "café"
    };
    int count = 0;
    bool previous_vowel = false;
    for (size_t i = 0; i < n; ++i) {
        const bool vowel = is_vowel(i);
        if (vowel && !previous_vowel) ++count;
        previous_vowel = vowel;
    }
    // Consonant + "le" at the end is its own syllable ("ta-ble", "ta-bles", "ta-bled").
    auto consonant_le_at = [&](size_t l_index) {
        return l_index >= 1 && word[l_index] == 'l' && !is_vowel(l_index - 1);
    };
    if (count > 1 && n >= 2 && word[n - 1] == 'e' && !is_vowel(n - 2) && !consonant_le_at(n - 2)) {
        --count;  // "make", "care"
    } else if (count > 1 && n >= 3 && (word[n - 1] == 'd' || word[n - 1] == 's') && word[n - 2] == 'e' &&
               !is_vowel(n - 3) && !consonant_le_at(n - 3)) {
        const uint32_t before = word[n - 3];
        const bool sounded = word[n - 1] == 'd'
                                 ? (before == 't' || before == 'd')  // "wanted", "needed"
                                 : (before == 's' || before == 'x' || before == 'z' || before == 'c' ||
                                    before == 'g' || before == 'h');  // "boxes", "pages", "wishes"
        if (!sounded) --count;  // "cured", "makes"
    }
    return std::max(count, 1);
}

enum class SpanishVowel { None, Weak, Strong };

// Accented i and u break a diphthong (hiatus, "dí-a"), so they count as strong.
SpanishVowel ClassifySpanish(uint32_t cp) {
    switch (cp) {
        case 'a': case 'e': case 'o':
        case 0xE1: case 0xE9: case 0xF3:   // á é ó
        case 0xED: case 0xFA:              // í ú
        case 0xE0: case 0xE8: case 0xF2:   // à è ò, seen in loanwords
            return SpanishVowel::Strong;
        case 'i': case 'u': case 0xFC:     // i u ü
            return SpanishVowel::Weak;
        default:
            return SpanishVowel::None;
    }
}

// Spanish syllables: one per vowel group, where two adjacent strong vowels split (hiatus)
// and a weak vowel joins its neighbour (diphthongs and triphthongs).
int SpanishSyllables(const std::vector<uint32_t>& word) {
    if (std::any_of(word.begin(), word.end(), IsDigitCodePoint)) return 1;
    int count = 0;
    SpanishVowel previous = SpanishVowel::None;
    for (uint32_t cp : word) {
        const SpanishVowel current = ClassifySpanish(cp);
        if (current != SpanishVowel::None) {
            if (previous == SpanishVowel::None ||
                (previous == SpanishVowel::Strong && current == SpanishVowel::Strong)) {
                ++count;
            }
        }
        previous = current;
    }
    return std::max(count, 1);
}

bool IsSentenceEnd(uint32_t cp) { return cp == '.' || cp == '!' || cp == '?'; }

}  // namespace

const std::vector<std::string>& BuiltInBannedWords(std::string_view language) {
    static const std::vector<std::string> kEnglish = {
        "candidate", "eligible", "qualify", "approved", "cure", "regrow cartilage",
        "avoid surgery", "proven", "guaranteed", "no side effects",
    };
    static const std::vector<std::string> kSpanish = {
        "candidato", "candidata", "elegible", "califica", "calificar", "aprobado", "aprobada",
        "cura", "curar", "regenerar cartílago", "regenerar el cartílago", "evitar la cirugía",
        "evitar una cirugía", "comprobado", "comprobada", "garantizado", "garantizada",
        "sin efectos secundarios",
    };
    static const std::vector<std::string> kNone;
    if (language == "en") return kEnglish;
    if (language == "es") return kSpanish;
    return kNone;
}

std::string FindBannedWord(std::string_view text, const std::vector<std::string>& banned,
                           const std::vector<std::string>& allowed) {
    Folded folded = Fold(text);

    // Allowed phrases go first ("not FDA-approved"), blanked so what remains cannot match.
    // The blank is at least as long as the phrase, and phrases match only across single
    // spaces, so words either side of a removed phrase never join into a banned phrase.
    for (const std::string& phrase : allowed) {
        const Folded allowed_phrase = Fold(phrase);
        if (allowed_phrase.text.empty()) continue;
        for (size_t pos = folded.text.find(allowed_phrase.text); pos != std::string::npos;
             pos = folded.text.find(allowed_phrase.text, pos + 1)) {
            if (!MatchesAt(folded, pos, allowed_phrase, "")) continue;
            for (size_t i = pos; i < pos + allowed_phrase.text.size(); ++i) {
                folded.text[i] = ' ';
                folded.letter[i] = false;
            }
        }
    }

    // The banned entry that starts earliest in the text; on a tie, the one listed first.
    size_t best_pos = std::string::npos;
    const std::string* best = nullptr;
    for (const std::string& entry : banned) {
        const Folded banned_phrase = Fold(entry);
        if (banned_phrase.text.empty()) continue;
        for (size_t pos = folded.text.find(banned_phrase.text); pos != std::string::npos && pos < best_pos;
             pos = folded.text.find(banned_phrase.text, pos + 1)) {
            const bool matched =
                std::any_of(std::begin(kSuffixes), std::end(kSuffixes), [&](std::string_view suffix) {
                    return MatchesAt(folded, pos, banned_phrase, suffix);
                });
            if (matched) {
                best_pos = pos;
                best = &entry;
                break;
            }
        }
    }
    return best ? *best : std::string();
}

double ReadingGrade(std::string_view text, std::string_view language) {
    const bool english = language == "en";
    if (!english && language != "es") return -1;

    int words = 0;
    int sentences = 0;
    int syllables = 0;
    int words_in_sentence = 0;
    std::vector<uint32_t> word;
    auto finish_word = [&] {
        if (word.empty()) return;
        ++words;
        ++words_in_sentence;
        syllables += english ? EnglishSyllables(word) : SpanishSyllables(word);
        word.clear();
    };
    for (size_t pos = 0; pos < text.size();) {
        const CodePoint cp = DecodeAt(text, pos);
        pos += cp.length;
        const uint32_t value = cp.valid ? ToLower(cp.value) : 0xFFFD;
        if (cp.valid && IsWordCodePoint(value)) {
            word.push_back(value);
            continue;
        }
        // "3.5" and "1,000" stay one number, not two words and a sentence end.
        const bool in_number = (value == '.' || value == ',') && !word.empty() &&
                               IsDigitCodePoint(word.back()) && pos < text.size() &&
                               IsDigitCodePoint(static_cast<unsigned char>(text[pos]));
        if (in_number) {
            word.push_back(value);
            continue;
        }
        finish_word();
        // A run like "?!" or "..." ends one sentence, and only a sentence with words in it.
        if (IsSentenceEnd(value) && words_in_sentence > 0) {
            ++sentences;
            words_in_sentence = 0;
        }
    }
    finish_word();
    if (words_in_sentence > 0) ++sentences;  // the last sentence may lack its full stop
    if (words == 0) return -1;

    double grade = 0;
    if (english) {
        // Flesch-Kincaid grade level.
        grade = 0.39 * words / sentences + 11.8 * syllables / words - 15.59;
    } else {
        // Crawford (1984): sentences and syllables per 100 words.
        const double sentences_per_100 = 100.0 * sentences / words;
        const double syllables_per_100 = 100.0 * syllables / words;
        grade = -0.205 * sentences_per_100 + 0.049 * syllables_per_100 - 3.407;
    }
    // Very easy text scores below zero; clamp so a negative result only ever means
    // "no estimate", as the header promises.
    return std::max(grade, 0.0);
}

bool IsValidUtf8(std::string_view text, size_t& bad_offset) {
    for (size_t pos = 0; pos < text.size();) {
        const CodePoint cp = DecodeAt(text, pos);
        if (!cp.valid) {
            bad_offset = pos;  // where the ill-formed sequence starts
            return false;
        }
        pos += cp.length;
    }
    return true;
}

namespace {

std::string ParamText(const ParamValue& v) {
    if (v.is_string) return v.text;
    char buffer[32];
    if (v.number == static_cast<double>(static_cast<long long>(v.number))) std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(v.number));
    else std::snprintf(buffer, sizeof buffer, "%g", v.number);
    return buffer;
}

// Replaces {PARAM} with the parameter's value. With `where`, reports unknown names and counts
// the parameters as used; without, leaves unknown names as they are.
class ParameterExpander {
public:
    ParameterExpander(const Screening& s, Diagnostics& diags, std::vector<bool>& param_used)
        : m_s(s), m_diags(diags), m_param_used(param_used) {}

    std::string Expand(const std::string& text, SourcePos at = {}, const std::string* where = nullptr) {
        if (text.find('{') == std::string::npos) return text;
        std::string out;
        size_t i = 0;
        while (i < text.size()) {
            size_t open = text.find('{', i);
            size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
            if (close == std::string::npos) break;
            out += text.substr(i, open - i);
            std::string name = text.substr(open + 1, close - open - 1);
            int p = m_s.FindParameter(name);
            if (p >= 0) {
                out += ParamText(m_s.parameters[p].value);
                if (where) m_param_used[p] = true;
            } else {
                out += text.substr(open, close - open + 1);
                if (where) m_diags.Error(at, *where + ": {" + name + "} is not a parameter");
            }
            i = close + 1;
        }
        return out + text.substr(i);
    }

private:
    const Screening& m_s;
    Diagnostics& m_diags;
    std::vector<bool>& m_param_used;
};

}  // namespace

void CheckPatientWording(Screening& s, const std::vector<PatientText>& texts, Diagnostics& diags, std::vector<bool>& param_used) {
    ParameterExpander expander(s, diags, param_used);
    for (const PatientText& pt : texts) {
        std::string expanded = expander.Expand(pt.text, pt.pos, &pt.where);
        const std::string& lang = s.languages[pt.language];
        std::string banned = FindBannedWord(expanded, s.banned_words[pt.language], s.allowed_phrases[pt.language]);
        if (!banned.empty())
            diags.Error(pt.pos, pt.where + " (" + lang + ") uses \"" + banned +
                                    "\", which patient text must not use (screening spec section 6)");
        if (pt.grade) {
            double grade = ReadingGrade(expanded, lang);
            if (grade > 8.0) {
                char buffer[16];
                std::snprintf(buffer, sizeof buffer, "%.1f", grade);
                diags.Warning(pt.pos, pt.where + " (" + lang + ") reads at about grade " + buffer +
                                          "; patient text should be at grade 8 or below");
            }
        }
    }
    // Apply the expansion to the model's texts.
    auto expand = [&](LangText& values) {
        for (std::string& t : values) t = expander.Expand(t);
    };
    expand(s.title);
    for (auto& [key, values] : s.texts) expand(values);
    for (auto& [key, values] : s.labels) expand(values);
    for (Question& q : s.questions) {
        expand(q.text);
        expand(q.help);
        for (Option& o : q.options) expand(o.label);
    }
    for (Outcome& o : s.outcomes) expand(o.patient_message);
    for (Rule& r : s.rules) expand(r.patient_message);
}

}  // namespace rules
