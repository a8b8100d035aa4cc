#pragma once
// Base64 (RFC 4648 §4, with padding): AUTH credentials and challenges (RFC 4954), octets kept
// exactly in JSON reports, and the HTML report's script hash.
#include <optional>
#include <string>
#include <string_view>

namespace smtpspec {

std::string base64_encode(std::string_view octets);

// Strict: the alphabet only, a length that is a multiple of four, "=" only as the padding at
// the end. nullopt when `text` is not base64 (RFC 4954 §4 asks a server for 501 then).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace smtpspec
