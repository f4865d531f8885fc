// SHA-256 (FIPS 180-4), written out here so the content hash needs no third-party code.
#include "rules/sha256.h"

#include <array>
#include <cstdint>

namespace rules {

namespace {

// First 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 4.2.2).
constexpr std::array<uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// First 32 bits of the fractional parts of the square roots of the first 8 primes (5.3.3).
constexpr std::array<uint32_t, 8> kInitialHash = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

constexpr size_t kBlockSize = 64;

uint32_t RotateRight(uint32_t value, int count) {
    return (value >> count) | (value << (32 - count));
}

void ProcessBlock(std::array<uint32_t, 8>& hash, const unsigned char* block) {
    std::array<uint32_t, 64> schedule{};
    for (size_t t = 0; t < 16; ++t) {
        schedule[t] = (static_cast<uint32_t>(block[t * 4]) << 24) |
                      (static_cast<uint32_t>(block[t * 4 + 1]) << 16) |
                      (static_cast<uint32_t>(block[t * 4 + 2]) << 8) |
                      static_cast<uint32_t>(block[t * 4 + 3]);
    }
    for (size_t t = 16; t < 64; ++t) {
        const uint32_t s0 = RotateRight(schedule[t - 15], 7) ^ RotateRight(schedule[t - 15], 18) ^
                            (schedule[t - 15] >> 3);
        const uint32_t s1 = RotateRight(schedule[t - 2], 17) ^ RotateRight(schedule[t - 2], 19) ^
                            (schedule[t - 2] >> 10);
        schedule[t] = schedule[t - 16] + s0 + schedule[t - 7] + s1;
    }

    uint32_t a = hash[0], b = hash[1], c = hash[2], d = hash[3];
    uint32_t e = hash[4], f = hash[5], g = hash[6], h = hash[7];
    for (size_t t = 0; t < 64; ++t) {
        const uint32_t sum1 = RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25);
        const uint32_t choose = (e & f) ^ (~e & g);
        const uint32_t temp1 = h + sum1 + choose + kRoundConstants[t] + schedule[t];
        const uint32_t sum0 = RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22);
        const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        const uint32_t temp2 = sum0 + majority;
        h = g;
        g = f;
        f = e;
        e = d + temp1;
        d = c;
        c = b;
        b = a;
        a = temp1 + temp2;
    }
    hash[0] += a;
    hash[1] += b;
    hash[2] += c;
    hash[3] += d;
    hash[4] += e;
    hash[5] += f;
    hash[6] += g;
    hash[7] += h;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
    std::array<uint32_t, 8> hash = kInitialHash;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());

    size_t offset = 0;
    for (; data.size() - offset >= kBlockSize; offset += kBlockSize) ProcessBlock(hash, bytes + offset);

    // Padding (5.1.1): the rest of the message, a 1 bit, zeros, then the length in bits as a
    // big-endian 64-bit number; one or two blocks depending on how much room the rest leaves.
    std::array<unsigned char, kBlockSize * 2> tail{};
    const size_t rest = data.size() - offset;
    for (size_t i = 0; i < rest; ++i) tail[i] = bytes[offset + i];
    tail[rest] = 0x80;
    const size_t tail_size = rest + 1 + 8 <= kBlockSize ? kBlockSize : kBlockSize * 2;
    const uint64_t bit_length = static_cast<uint64_t>(data.size()) * 8;
    for (size_t i = 0; i < 8; ++i) {
        tail[tail_size - 1 - i] = static_cast<unsigned char>(bit_length >> (i * 8));
    }
    for (size_t block = 0; block < tail_size; block += kBlockSize) ProcessBlock(hash, tail.data() + block);

    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (uint32_t word : hash) {
        for (int shift = 28; shift >= 0; shift -= 4) out += kHexDigits[(word >> shift) & 0xf];
    }
    return out;
}

}  // namespace rules
