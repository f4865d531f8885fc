// libFuzzer harness: answers file text -> kiosk::AnswersFromJsonText against the default
// screening. Whatever the bytes, it gives answers or errors (each naming what is wrong) and never
// throws or trips a sanitizer; answers it accepts write back (AnswersToJson) to a file that reads
// back to the same file.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "core/answers_json.h"
#include "fuzz_support.h"
#include "rules/loader.h"

namespace {

const rules::Screening& DefaultScreening() {
    static const std::unique_ptr<rules::Screening> screening = [] {
        rules::LoadResult result = rules::LoadScreeningFile(KIOSK_SOURCE_DIR "/assets/screenings/default.toml");
        fuzz::Require(result.screening != nullptr, "the default screening loads");
        return std::move(result.screening);
    }();
    return *screening;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const rules::Screening& s = DefaultScreening();
    const rules::Date today{2026, 6, 15};
    const std::string text(reinterpret_cast<const char*>(data), size);
    kiosk::AnswersParse parsed = kiosk::AnswersFromJsonText(s, text, today);
    for (const std::string& error : parsed.errors) fuzz::Require(!error.empty(), "an error says something");
    if (!parsed.ok()) return 0;
    const std::string written = kiosk::AnswersToJson(s, parsed.answers).dump();
    kiosk::AnswersParse again = kiosk::AnswersFromJsonText(s, written, today);
    fuzz::Require(again.ok(), "accepted answers, written back, are accepted");
    fuzz::Require(kiosk::AnswersToJson(s, again.answers).dump() == written, "accepted answers round-trip");
    return 0;
}
