#include "core/base64.hpp"

#include <algorithm>
#include <cstdint>

namespace smtpspec {

namespace {
constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

std::string base64_encode(std::string_view octets) {
    std::string out;
    out.reserve((octets.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < octets.size(); i += 3) {
        const std::size_t available = std::min<std::size_t>(3, octets.size() - i);
        std::uint32_t group = 0;
        for (std::size_t k = 0; k < 3; ++k)
            group = (group << 8) | (k < available ? static_cast<unsigned char>(octets[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) {
            const auto sextet = (group >> (18 - 6 * k)) & 0x3Fu;
            out += k <= available ? base64_alphabet[sextet] : '=';
        }
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t group = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool is_padding = i >= text.size() - padding;
        const auto value = is_padding ? 0 : base64_alphabet.find(text[i]);
        if (value == std::string_view::npos) return std::nullopt;   // outside the alphabet, or a "=" inside
        group = (group << 6) | static_cast<std::uint32_t>(value);
        if (i % 4 != 3) continue;
        const std::size_t octets = i + 1 == text.size() ? 3 - padding : 3;
        for (std::size_t k = 0; k < octets; ++k) out += static_cast<char>((group >> (16 - 8 * k)) & 0xFFu);
        group = 0;
    }
    return out;
}

}  // namespace smtpspec
