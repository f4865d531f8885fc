// Tests of the patient-facing wording checks: banned words, reading grade and UTF-8 validity.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/wording.h"

namespace {

const std::vector<std::string> kNoAllowed;

std::string Repeat(const std::string& word, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += (i == 0 ? "" : " ") + word;
    return out + ".";
}

std::string Upper(const std::string& text) {
    std::string out = text;
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

}  // namespace

TEST_CASE("BuiltInBannedWords lists") {
    const std::vector<std::string> kEnglish = {
        "candidate", "eligible", "qualify", "approved", "cure", "regrow cartilage",
        "avoid surgery", "proven", "guaranteed", "no side effects",
    };
    CHECK(rules::BuiltInBannedWords("en") == kEnglish);
    CHECK(rules::BuiltInBannedWords("es").size() == 18);
    CHECK(rules::BuiltInBannedWords("es").front() == "candidato");
    CHECK(rules::BuiltInBannedWords("es").back() == "sin efectos secundarios");
    CHECK(rules::BuiltInBannedWords("fr").empty());
    CHECK(rules::BuiltInBannedWords("").empty());
    CHECK(rules::BuiltInBannedWords("EN").empty());
}

TEST_CASE("FindBannedWord finds every built-in word, in any case") {
    for (const char* language : {"en", "es"}) {
        const std::vector<std::string>& banned = rules::BuiltInBannedWords(language);
        for (const std::string& word : banned) {
            CAPTURE(language);
            CAPTURE(word);
            CHECK(rules::FindBannedWord("Ask: " + word + ", today.", banned, kNoAllowed) == word);
            CHECK(rules::FindBannedWord(Upper(word), banned, kNoAllowed) == word);
            CHECK(rules::FindBannedWord(word, banned, kNoAllowed) == word);
        }
    }
}

TEST_CASE("FindBannedWord matches whole words only") {
    const std::vector<std::string>& en = rules::BuiltInBannedWords("en");
    struct Row {
        const char* text;
        const char* found;
    };
    const Row kRows[] = {
        {"This may cure your knee.", "cure"},
        {"CURE", "cure"},
        {"Cure!", "cure"},
        {"(cure)", "cure"},
        {"\"cure\"", "cure"},
        {"a cure_all", "cure"},  // underscore is not a letter
        {"curel", ""},
        {"procure", ""},
        {"secure", ""},
        {"curettage", ""},
        {"cure2", ""},           // digits belong to the word
        {"unproven", ""},
        {"improvement", ""},
        {"ineligible", ""},
        {"FDA-approved", "approved"},
        {"fda-APPROVED device", "approved"},
        {"Not an approval.", ""},
        // English inflections: a trailing s, d or es.
        {"Good candidates", "candidate"},
        {"Cured in a week", "cure"},
        {"It cures pain", "cure"},
        {"Two cure-alls", "cure"},
        {"qualifies", ""},
        {"curing", ""},
        // Phrases: across one space, a line break, or several spaces, but not across words.
        {"It can regrow cartilage.", "regrow cartilage"},
        {"regrow\ncartilage", "regrow cartilage"},
        {"regrow  \t cartilage", "regrow cartilage"},
        {"regrow the cartilage", ""},
        {"avoid surgery", "avoid surgery"},
        {"avoid surgerys", "avoid surgery"},
        {"avoid unnecessary surgery", ""},
        {"no side effects", "no side effects"},
        {"No Side Effects.", "no side effects"},
        {"no side-effects", ""},
        // The earliest match wins.
        {"Proven to cure.", "proven"},
        {"A cure, proven.", "cure"},
        {"", ""},
        {"Please answer a few questions about your knee.", ""},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.text);
        CHECK(rules::FindBannedWord(row.text, en, kNoAllowed) == row.found);
    }
}

TEST_CASE("FindBannedWord removes allowed phrases first") {
    const std::vector<std::string>& en = rules::BuiltInBannedWords("en");
    const std::vector<std::string> allowed = {"not FDA-approved", "not a cure"};
    struct Row {
        const char* text;
        const char* found;
    };
    const Row kRows[] = {
        {"This device is not FDA-approved.", ""},
        {"This device is NOT fda-approved.", ""},
        {"This device is FDA-approved.", "approved"},
        {"Not FDA-approved, but approved elsewhere.", "approved"},
        {"This is not a cure.", ""},
        {"This is not a cure; it is a cure.", "cure"},
        {"This is not a cured ham.", "cure"},  // the allowed phrase must be whole words too
        {"This is not\na cure.", ""},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.text);
        CHECK(rules::FindBannedWord(row.text, en, allowed) == row.found);
    }
}

TEST_CASE("FindBannedWord with a screening's own lists") {
    const std::vector<std::string> banned = {"Miracle", " breakthrough ", ""};
    CHECK(rules::FindBannedWord("A MIRACLE treatment", banned, kNoAllowed) == "Miracle");
    CHECK(rules::FindBannedWord("a breakthrough", banned, kNoAllowed) == " breakthrough ");
    CHECK(rules::FindBannedWord("nothing here", banned, kNoAllowed).empty());
    CHECK(rules::FindBannedWord("a miracle", banned, {"a miracle"}).empty());
    CHECK(rules::FindBannedWord("a miracle", {}, kNoAllowed).empty());
}

TEST_CASE("FindBannedWord in Spanish, with accents") {
    const std::vector<std::string>& es = rules::BuiltInBannedWords("es");
    struct Row {
        const char* text;
        const char* found;
    };
    const Row kRows[] = {
        {"Puede EVITAR LA CIRUGÍA.", "evitar la cirugía"},
        {"Para evitar una cirugía", "evitar una cirugía"},
        {"Puede Regenerar El Cartílago", "regenerar el cartílago"},
        {"REGENERAR CARTÍLAGO", "regenerar cartílago"},
        {"¿Es usted candidato?", "candidato"},
        {"«Cura» rápida", "cura"},
        {"Los candidatos", "candidato"},
        {"Está Aprobada por la FDA", "aprobada"},
        {"SIN EFECTOS SECUNDARIOS", "sin efectos secundarios"},
        {"evitar la cirugia", ""},  // without the accent it is another spelling
        {"la curación", ""},        // "ó" is a letter, so "cura" is not a whole word here
        {"procura", ""},
        {"segura", ""},
        {"sin efectos", ""},
        {"Díganos si le operaron la rodilla.", ""},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.text);
        CHECK(rules::FindBannedWord(row.text, es, kNoAllowed) == row.found);
    }
    CHECK(rules::FindBannedWord("No es una cura.", es, {"no es una cura"}).empty());
    CHECK(rules::FindBannedWord("NO ES UNA CURA.", es, {"No es una cura"}).empty());
}

TEST_CASE("ReadingGrade in English") {
    CHECK(rules::ReadingGrade("The cat sat on the mat.", "en") < 3);
    CHECK(rules::ReadingGrade("The cat sat on the mat.", "en") >= 0);
    const char* dense =
        "Notwithstanding considerable institutional heterogeneity, comprehensive interdisciplinary "
        "epidemiological investigations systematically demonstrate unprecedented organizational "
        "accountability.";
    CHECK(rules::ReadingGrade(dense, "en") > 12);
    CHECK(rules::ReadingGrade("Have you had surgery on this knee? Do you take blood thinners?", "en") < 8);

    // One-sentence, one-word texts expose the syllable count: 2 syllables give
    // 0.39 + 23.6 - 15.59 = 8.4; 1 syllable is below zero and clamps to 0.
    struct Row {
        const char* word;
        double grade;
    };
    const Row kRows[] = {
        {"table", 8.4},  {"tables", 8.4}, {"wanted", 8.4}, {"boxes", 8.4}, {"happy", 8.4},
        {"agree", 8.4},  {"make", 0},     {"cured", 0},    {"makes", 0},   {"the", 0},
        {"day", 0},      {"2026", 0},     {"3.5", 0},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.word);
        CHECK(rules::ReadingGrade(row.word, "en") == doctest::Approx(row.grade));
    }
}

TEST_CASE("ReadingGrade counts sentences at . ! ? runs") {
    // 20 two-syllable words: in one sentence 0.39*20 + 23.6 - 15.59 = 15.81, in four 11.91.
    const std::string words = "table table table table table table table table table table";
    CHECK(rules::ReadingGrade(words + " " + words + ".", "en") == doctest::Approx(15.81));
    CHECK(rules::ReadingGrade(words + " " + words, "en") == doctest::Approx(15.81));
    CHECK(rules::ReadingGrade(words + "?! " + words + "...", "en") == doctest::Approx(0.39 * 10 + 8.01));
    const std::string five = "table table table table table";
    CHECK(rules::ReadingGrade(five + ". " + five + "! " + five + "? " + five, "en") ==
          doctest::Approx(0.39 * 5 + 8.01));
    CHECK(rules::ReadingGrade("table table, 3.5 table.", "en") ==
          doctest::Approx(0.39 * 4 + 11.8 * 7 / 4 - 15.59));
}

TEST_CASE("ReadingGrade in Spanish") {
    CHECK(rules::ReadingGrade("El gato come pan.", "es") < 3);
    CHECK(rules::ReadingGrade("¿Le duele la rodilla? ¡Díganos!", "es") < 3);
    const char* complex =
        "La implementación interdisciplinaria de metodologías epidemiológicas contemporáneas "
        "proporciona oportunidades extraordinariamente significativas para la caracterización "
        "individualizada de enfermedades osteoarticulares degenerativas.";
    CHECK(rules::ReadingGrade(complex, "es") > 12);

    // 20 copies of one word in one sentence: OP = 5, so grade = 0.049 * SP - 4.432.
    struct Row {
        const char* word;
        int syllables;
    };
    const Row kRows[] = {
        {"país", 2},     // a-í: accented weak vowel, hiatus
        {"pais", 1},     // ai: diphthong
        {"día", 2},
        {"ciudad", 2},   // iu: two weak vowels join
        {"cuidado", 3},
        {"poeta", 3},    // oe: two strong vowels split
        {"buey", 1},     // final y is not a vowel
        {"que", 1},      // silent u joins e
        {"pingüino", 3},
        {"CARTÍLAGO", 4},
        {"y", 1},        // at least one per word
        {"2026", 1},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.word);
        const double expected = 0.049 * (100.0 * row.syllables * 20 / 20) - 0.205 * 5 - 3.407;
        CHECK(rules::ReadingGrade(Repeat(row.word, 20), "es") == doctest::Approx(std::max(expected, 0.0)));
    }
}

TEST_CASE("ReadingGrade without an estimate") {
    CHECK(rules::ReadingGrade("The cat sat on the mat.", "fr") < 0);
    CHECK(rules::ReadingGrade("The cat sat on the mat.", "") < 0);
    CHECK(rules::ReadingGrade("", "en") < 0);
    CHECK(rules::ReadingGrade("... ?! -- ¿¡", "es") < 0);
}

TEST_CASE("IsValidUtf8") {
    struct Row {
        std::string text;
        bool valid;
        size_t bad_offset;
    };
    const Row kRows[] = {
        {"", true, 0},
        {"plain ASCII", true, 0},
        {"¿Le operaron la rodilla? Cirugía, cartílago, pingüino, AÑO.", true, 0},
        {"\xE2\x82\xAC euro, \xF0\x9F\x98\x80 emoji, \xF4\x8F\xBF\xBF max", true, 0},
        {"\x80", false, 0},                          // lone continuation byte
        {"ab\x80", false, 2},
        {"/\xC0\xAF", false, 1},                     // overlong "/"
        {"\xC1\xBF", false, 0},                      // overlong
        {"\xE0\x80\xAF", false, 0},                  // overlong 3-byte
        {"\xF0\x80\x80\xAF", false, 0},              // overlong 4-byte
        {"\xED\xA0\x80", false, 0},                  // surrogate U+D800
        {"ok \xED\xBF\xBF", false, 3},               // surrogate U+DFFF
        {"\xF4\x90\x80\x80", false, 0},              // above U+10FFFF
        {"\xF5\x80\x80\x80", false, 0},
        {"\xFF", false, 0},
        {"abc\xE2\x82", false, 3},                   // truncated 3-byte sequence at the end
        {"abc\xE2", false, 3},
        {"x\xC3", false, 1},                         // truncated 2-byte sequence
        {"\xC3\xA1\xC3(", false, 2},                 // bad continuation after a good "á"
        {std::string("a\0b", 3), true, 0},           // NUL is valid UTF-8
    };
    for (const Row& row : kRows) {
        CAPTURE(row.text);
        size_t bad_offset = 0;
        const bool valid = rules::IsValidUtf8(row.text, bad_offset);
        CHECK(valid == row.valid);
        if (!row.valid) CHECK(bad_offset == row.bad_offset);
    }
}
