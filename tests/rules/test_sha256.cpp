// Tests of SHA-256 against the NIST example vectors and digests from Python's hashlib.
#include <doctest/doctest.h>

#include <string>

#include "rules/sha256.h"

TEST_CASE("Sha256Hex known vectors") {
    struct Row {
        std::string input;
        const char* digest;
    };
    const Row kRows[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
        {std::string(1000000, 'a'), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.input.size());
        CHECK(rules::Sha256Hex(row.input) == row.digest);
    }
}

TEST_CASE("Sha256Hex around the padding boundaries") {
    // 55 bytes fit the length in one final block, 56 need a second; 64 is a whole block.
    struct Row {
        size_t length;
        const char* digest;
    };
    const Row kRows[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
    };
    for (const Row& row : kRows) {
        CAPTURE(row.length);
        CHECK(rules::Sha256Hex(std::string(row.length, 'a')) == row.digest);
    }
}

TEST_CASE("Sha256Hex of bytes above 0x7F and embedded NULs") {
    const std::string with_nul("a\0b", 3);
    CHECK(rules::Sha256Hex(with_nul) == "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
    CHECK(rules::Sha256Hex("cirugía") == "0ee29af465dc24fcfb66fb342414bfe8965bc7aab4c5f29bfeb398dfa951dd45");
}
