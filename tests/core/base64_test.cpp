// Base64 (RFC 4648 §4): its test vectors both ways, and what strict decoding refuses.
#include <gtest/gtest.h>

#include "core/base64.hpp"

namespace smtpspec {
namespace {

using namespace std::string_view_literals;

struct Vector {
    std::string_view octets;
    std::string_view text;
};

// RFC 4648 §10, plus octets outside ASCII and a NUL (AUTH PLAIN's separator).
constexpr Vector vectors[] = {{"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},
                              {"foo", "Zm9v"},   {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                              {"foobar", "Zm9vYmFy"}, {"\xFF\xFE\x00"sv, "//4A"}};

TEST(Base64, EncodesAndDecodesTheRfcVectors) {
    for (const auto& [octets, text] : vectors) {
        EXPECT_EQ(base64_encode(octets), text);
        EXPECT_EQ(base64_decode(text), std::string(octets)) << text;
    }
}

TEST(Base64, DecodingIsStrict) {
    for (std::string_view bad : {"Zg=", "Zg", "Z===", "Zg=a", "Z=g=", "Zm9v!A==", "Zm 9", "===="})
        EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace smtpspec
