// libFuzzer harness: screening file text -> rules::LoadScreeningText. Whatever the bytes, the
// loader reports diagnostics and never throws, crashes or trips a sanitizer; a file it accepts
// decides a patient who answered nothing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "rules/decision.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    rules::LoadResult result = rules::LoadScreeningText(text, "fuzz.toml");
    fuzz::Require((result.screening == nullptr) == result.diagnostics.HasErrors(), "a screening is returned exactly when there are no errors");
    (void)result.diagnostics.Format();
    if (!result.screening) return 0;
    const rules::Screening& s = *result.screening;
    rules::Decision decision = rules::Decide(s, rules::MakeAnswers(s), rules::Date{2026, 6, 15});
    (void)decision;
    return 0;
}
