#include "core/expectation.hpp"

#include <fmt/format.h>

namespace smtpspec {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 5321 §4.2 Reply-code: first digit 2-5, second 0-5, third 0-9. A pattern outside that
// grammar could never match a parsed reply, so it is refused rather than silently dead.
bool legal_first_digit(char c) { return c >= '2' && c <= '5'; }
bool legal_second_digit(char c) { return c >= '0' && c <= '5'; }

int digit_value(char c) { return c - '0'; }

}  // namespace

std::optional<CodePattern> CodePattern::parse(std::string_view text) {
    CodePattern pattern;
    pattern.text_ = std::string(text);
    if (text == "close") {
        pattern.kind_ = Kind::close;
        return pattern;
    }
    if (text == "timeout") {
        pattern.kind_ = Kind::timeout;
        return pattern;
    }
    if (text.size() != 3 || !legal_first_digit(text[0])) return std::nullopt;
    if (text[1] == 'x') {
        if (text[2] != 'x') return std::nullopt;   // "5x0" names no class
        pattern.kind_ = Kind::code_class;
        return pattern;
    }
    if (!legal_second_digit(text[1])) return std::nullopt;
    if (text[2] == 'x') {
        pattern.kind_ = Kind::code_class;
        return pattern;
    }
    if (!is_digit(text[2])) return std::nullopt;
    pattern.kind_ = Kind::code;
    return pattern;
}

CodePattern CodePattern::exact(int code) {
    CodePattern pattern;
    pattern.kind_ = Kind::code;
    pattern.text_ = fmt::format("{:03d}", code);
    return pattern;
}

bool CodePattern::matches(int code) const {
    if (kind_ == Kind::close || kind_ == Kind::timeout) return false;
    if (code < 100 || code > 999) return false;
    const int digits[3] = {code / 100, (code / 10) % 10, code % 10};
    for (std::size_t i = 0; i < 3; ++i) {
        const char c = text_[i];
        if (c == 'x') continue;
        if (digit_value(c) != digits[i]) return false;
    }
    return true;
}

std::string RfcRef::text() const {
    // "§" belongs before numbered sections only: "RFC 5321 §4.1.1.3" but "RFC 5321 App. F.6".
    const bool numbered = !section.empty() && is_digit(section.front());
    // Appended, not formatted: every judged reply cites one.
    std::string out;
    out.reserve(doc.size() + section.size() + 3);
    out.append(doc).append(numbered ? " §" : " ").append(section);
    return out;
}

std::string_view to_string(RequirementLevel level) {
    switch (level) {
        case RequirementLevel::must: return "MUST";
        case RequirementLevel::should: return "SHOULD";
        case RequirementLevel::may: return "MAY";
    }
    return "MUST";
}

std::optional<RequirementLevel> parse_level(std::string_view text) {
    if (text == "MUST") return RequirementLevel::must;
    if (text == "SHOULD") return RequirementLevel::should;
    if (text == "MAY") return RequirementLevel::may;
    return std::nullopt;
}

}  // namespace smtpspec
