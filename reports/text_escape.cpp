#include "reports/text_escape.hpp"

#include <fmt/format.h>

namespace smtpspec::reports {

namespace {

bool is_printable_ascii(unsigned char octet) { return octet >= 0x20 && octet <= 0x7E; }

void append_escaped(std::string& out, unsigned char octet) {
    switch (octet) {
        case '\r': out += "<CR>"; return;
        case '\n': out += "<LF>"; return;
        case '\0': out += "<NUL>"; return;
        case '\t': out += "<HT>"; return;
        default: break;
    }
    if (is_printable_ascii(octet)) {
        out += static_cast<char>(octet);
        return;
    }
    out += fmt::format("<{:02X}>", static_cast<unsigned>(octet));
}

// The length of the valid UTF-8 sequence starting at `text[0]`, or 0 when none starts there.
// The ranges of the second octet are those of RFC 3629 §4, which exclude overlong forms (E0, F0),
// surrogates (ED) and code points above U+10FFFF (F4).
std::size_t valid_sequence_length(std::string_view text) {
    const auto octet = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto in = [](unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; };
    const unsigned char lead = octet(0);
    if (lead <= 0x7F) return 1;
    std::size_t length = 0;
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (in(lead, 0xC2, 0xDF)) {
        length = 2;
    } else if (in(lead, 0xE0, 0xEF)) {
        length = 3;
        if (lead == 0xE0) second_low = 0xA0;
        if (lead == 0xED) second_high = 0x9F;
    } else if (in(lead, 0xF0, 0xF4)) {
        length = 4;
        if (lead == 0xF0) second_low = 0x90;
        if (lead == 0xF4) second_high = 0x8F;
    } else {
        return 0;
    }
    if (text.size() < length || !in(octet(1), second_low, second_high)) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (!in(octet(i), 0x80, 0xBF)) return 0;
    return length;
}

}  // namespace

bool is_valid_utf8(std::string_view octets) {
    while (!octets.empty()) {
        const auto length = valid_sequence_length(octets);
        if (length == 0) return false;
        octets.remove_prefix(length);
    }
    return true;
}

std::string replace_invalid_utf8(std::string_view octets) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";   // U+FFFD
    std::string out;
    out.reserve(octets.size());
    while (!octets.empty()) {
        const auto length = valid_sequence_length(octets);
        out += length == 0 ? replacement : octets.substr(0, length);
        octets.remove_prefix(length == 0 ? 1 : length);
    }
    return out;
}

std::string escape_octets(std::string_view octets) {
    std::string out;
    out.reserve(octets.size());
    for (char c : octets) append_escaped(out, static_cast<unsigned char>(c));
    return out;
}

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto length = valid_sequence_length(text);
        const auto lead = static_cast<unsigned char>(text.front());
        const bool is_c1_control = lead == 0xC2 && length == 2 && static_cast<unsigned char>(text[1]) <= 0x9F;
        if (length > 1 && !is_c1_control) {
            out += text.substr(0, length);
            text.remove_prefix(length);
            continue;
        }
        const auto octets = length == 0 ? 1 : length;
        for (std::size_t i = 0; i < octets; ++i) append_escaped(out, static_cast<unsigned char>(text[i]));
        text.remove_prefix(octets);
    }
    return out;
}

std::vector<std::string_view> split_lines(std::string_view octets) {
    std::vector<std::string_view> lines;
    while (!octets.empty()) {
        const auto lf = octets.find('\n');
        const auto length = lf == std::string_view::npos ? octets.size() : lf + 1;
        lines.push_back(octets.substr(0, length));
        octets.remove_prefix(length);
    }
    return lines;
}

std::vector<std::string> escaped_lines(std::string_view octets) {
    std::vector<std::string> lines;
    for (const auto line : split_lines(octets)) lines.push_back(escape_octets(line));
    return lines;
}

std::string html_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string text_html(std::string_view text) { return html_escaped(escape_text(text)); }

}  // namespace smtpspec::reports
