// Exports sealed to a passphrase that staff type (Argon2id + libsodium's secretstream), and the
// passphrase rule the staff screen and the command line share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/sealing.h"  // WipeSecret, for the passphrases

namespace kiosk::store {

// The file format, version 1. Everything after the magic line is binary:
//   "KIOSK-EXPORT-1\n"                                  15 bytes
//   Argon2id13 opslimit, u64 big-endian                  8
//   Argon2id13 memlimit in bytes, u64 big-endian         8
//   salt                                                 16 (crypto_pwhash_SALTBYTES)
//   secretstream header                                  24 (crypto_secretstream_xchacha20poly1305_HEADERBYTES)
//   chunks: crypto_secretstream_xchacha20poly1305 messages of kExportChunkBytes plain bytes each
//           (+17 bytes of tag and MAC), the last one shorter or equal and tagged FINAL; an empty
//           export is one empty FINAL chunk.
// The key is crypto_pwhash(passphrase, salt, opslimit, memlimit, Argon2id13), 32 bytes. The cost
// is in the header so a later kiosk can raise it; a header outside the limits below is refused
// before any key is derived, so a crafted file cannot make the reader allocate without limit.
// A file cut short ends without the FINAL chunk, or inside a chunk (which fails its MAC).
inline constexpr std::string_view kExportMagic = "KIOSK-EXPORT-1\n";
inline constexpr std::string_view kEncryptedExtension = ".kxp";  // "results-....csv" -> "results-....csv.kxp"
inline constexpr size_t kExportChunkBytes = 64 * 1024;

struct ExportKdfCost {
    uint64_t opslimit = 3;
    uint64_t memlimit = 256ull << 20;  // 256 MiB
};
// What a reader accepts in a header: ops 1..10, memory 8 MiB..1 GiB.
inline constexpr uint64_t kMinExportOps = 1, kMaxExportOps = 10;
inline constexpr uint64_t kMinExportMemory = 8ull << 20, kMaxExportMemory = 1ull << 30;

inline constexpr size_t kMinPassphraseChars = 12;
inline constexpr size_t kMaxPassphraseBytes = 1024;
// Why `passphrase` cannot seal an export ("a passphrase has at least 12 characters"), or nullopt.
// One rule for the staff screen and `kiosk export`: at least 12 characters (UTF-8 code points),
// no space at either end (the terminal drops trailing spaces, the screen would keep them), no
// control characters, well-formed UTF-8, at most 1024 bytes.
std::optional<std::string> PassphraseProblem(std::string_view passphrase);

// `plain` sealed to `passphrase` in the format above. The passphrase must pass PassphraseProblem
// (asserted by the callers; this function seals whatever it is given). Takes ~0.5 s and 256 MiB
// at the default cost; `cost` is for tests of the format (the limits above still apply).
std::string EncryptExport(std::string_view plain, std::string_view passphrase, const ExportKdfCost& cost = {});

enum class DecryptProblem : uint8_t {
    NotAnExport,      // no magic line: not a file this kiosk wrote (or not version 1)
    Truncated,        // cut short: the header, or the stream before its FINAL chunk
    WrongPassphrase,  // the first chunk does not authenticate: wrong passphrase or damaged file
    Damaged,          // a later chunk does not authenticate, or bytes follow the FINAL chunk
    CostRefused,      // the header's Argon2id cost is outside the limits (crafted or damaged)
    OutOfMemory,      // the key could not be derived (the machine lacks the memory the header asks)
};

struct Decrypted {
    std::optional<std::string> plain;  // set on success
    DecryptProblem problem = DecryptProblem::NotAnExport;
    std::string message;               // one sentence for a person, when !ok()
    bool ok() const { return plain.has_value(); }
};

// The plain bytes of a file EncryptExport wrote, or why not. Nothing partial is returned: a
// stream that fails anywhere gives no plain text at all.
Decrypted DecryptExport(std::string_view file, std::string_view passphrase);

}  // namespace kiosk::store
