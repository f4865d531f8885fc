// libFuzzer harness: kiosk.toml text -> kiosk::ParseConfig. Whatever the bytes, the reader gives a
// configuration or errors, each placed "kiosk.toml:LINE:COL: ..." or naming the file, and never
// throws or trips a sanitizer; the idle times it accepts are within the file's limits.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/config.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    kiosk::ConfigLoad loaded = kiosk::ParseConfig(text, "kiosk.toml");
    for (const std::string& error : loaded.errors) fuzz::Require(error.rfind("kiosk.toml:", 0) == 0, "every error names the file");
    if (!loaded.errors.empty()) return 0;
    fuzz::Require(kiosk::CheckSettings(loaded.config.settings, kiosk::SettingsAuthor::File, nullptr).empty(),
                  "accepted settings are within the file's limits");
    return 0;
}
