// What every libFuzzer harness here shares: a contract check that makes a broken promise a crash.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace fuzz {

// libFuzzer reports an abort as a crash and saves the input that caused it, like a sanitizer
// report or an exception that escapes. `what` says which promise was broken.
inline void Require(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "fuzz: broken promise: %s\n", what);
    std::abort();
}

}  // namespace fuzz
