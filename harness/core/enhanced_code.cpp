#include "core/enhanced_code.hpp"

#include <string>

#include <fmt/format.h>

namespace smtpspec {

namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 3463 §2: subject and detail are 1*3digit without leading zeros. Takes the number off the
// front of `text`.
std::optional<int> take_number(std::string_view& text) {
    std::size_t digits = 0;
    // Counting a fourth digit tells "5.1.1000" (too long) from "5.1.100".
    while (digits < text.size() && digits < 4 && is_digit(text[digits])) ++digits;
    if (digits == 0 || digits > 3) return std::nullopt;
    if (digits > 1 && text[0] == '0') return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) value = value * 10 + (text[i] - '0');
    text.remove_prefix(digits);
    return value;
}

bool take_dot(std::string_view& text) {
    if (text.empty() || text.front() != '.') return false;
    text.remove_prefix(1);
    return true;
}

bool is_exempt(const Reply& reply, ReplyContext context) {
    // RFC 2034 §3(4), §4: the greeting and the HELO/EHLO replies come before the client can
    // know the extension is there; 3xx replies carry data (354, 334 challenges), not status.
    return context != ReplyContext::other || reply.code / 100 == 3;
}

}  // namespace

std::optional<EnhancedCode> parse_enhanced_code(std::string_view text) {
    if (text.empty() || (text[0] != '2' && text[0] != '4' && text[0] != '5')) return std::nullopt;
    EnhancedCode code;
    code.klass = text[0] - '0';
    text.remove_prefix(1);
    if (!take_dot(text)) return std::nullopt;
    const auto subject = take_number(text);
    if (!subject || !take_dot(text)) return std::nullopt;
    const auto detail = take_number(text);
    if (!detail) return std::nullopt;
    // "2.1.5x" or "2.1.5." is some other token that merely starts like a code.
    if (!text.empty() && text.front() != ' ') return std::nullopt;
    code.subject = *subject;
    code.detail = *detail;
    return code;
}

std::vector<Finding> check_enhanced_codes(const Reply& reply, ReplyContext context, bool advertised) {
    std::vector<Finding> findings;
    if (is_exempt(reply, context)) return findings;

    const int reply_class = reply.code / 100;
    std::optional<EnhancedCode> first;  // the code the other lines are held to
    std::size_t first_line = 0;
    for (std::size_t line = 0; line < reply.lines.size(); ++line) {
        const auto code = parse_enhanced_code(reply.lines[line]);
        if (!code) {
            if (advertised) {
                findings.push_back({FindingKind::enhanced_missing, line,
                                    "text does not begin with class.subject.detail"});
            }
            continue;
        }
        if (code->klass != reply_class) {
            findings.push_back({FindingKind::enhanced_class_mismatch, line,
                                fmt::format("{} in a {} reply", code->text(), reply.code)});
        }
        if (!first) {
            first = code;
            first_line = line;
        } else if (*code != *first) {
            findings.push_back({FindingKind::enhanced_inconsistent, line,
                                fmt::format("{} differs from {} on line {}", code->text(),
                                            first->text(), first_line)});
        }
    }
    return findings;
}

}  // namespace smtpspec
