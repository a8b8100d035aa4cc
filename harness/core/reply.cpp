#include "core/reply.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace smtpspec {

std::string EnhancedCode::text() const {
    // Appended, not formatted: every judged reply with an enhanced code shows one.
    std::string out = std::to_string(klass);
    out.append(1, '.').append(std::to_string(subject)).append(1, '.').append(std::to_string(detail));
    return out;
}

bool Reply::has(FindingKind k) const {
    return std::any_of(findings.begin(), findings.end(), [k](const Finding& f) { return f.kind == k; });
}

// The switches below list every enumerator without a default, so that -Wswitch flags a new
// kind that was not given a name, sentence or rule; the return after each switch is only
// reached for a value outside the enumeration.

std::string_view to_string(FindingKind kind) {
    switch (kind) {
        case FindingKind::line_over_512: return "line_over_512";
        case FindingKind::bare_lf: return "bare_lf";
        case FindingKind::bare_cr: return "bare_cr";
        case FindingKind::invalid_text_octet: return "invalid_text_octet";
        case FindingKind::missing_space: return "missing_space";
        case FindingKind::enhanced_class_mismatch: return "enhanced_class_mismatch";
        case FindingKind::enhanced_missing: return "enhanced_missing";
        case FindingKind::enhanced_inconsistent: return "enhanced_inconsistent";
    }
    return "unknown_finding";
}

std::string_view describe(FindingKind kind) {
    switch (kind) {
        case FindingKind::line_over_512:
            return "A reply line is longer than 512 octets including the code and CRLF.";
        case FindingKind::bare_lf: return "A reply line ends in LF without the CR before it.";
        case FindingKind::bare_cr: return "A reply line ends in CR without the LF after it.";
        case FindingKind::invalid_text_octet:
            return "Reply text holds an octet other than HT, SP or printable US-ASCII.";
        case FindingKind::missing_space:
            return "A reply code without text is not followed by the SP it should carry.";
        case FindingKind::enhanced_class_mismatch:
            return "The class of the enhanced status code differs from the reply code's first digit.";
        case FindingKind::enhanced_missing:
            return "ENHANCEDSTATUSCODES was advertised, but a reply line has no enhanced status code.";
        case FindingKind::enhanced_inconsistent:
            return "The lines of a multiline reply begin with different enhanced status codes.";
    }
    return "Unknown finding.";
}

RequirementLevel level_of(FindingKind kind) {
    switch (kind) {
        case FindingKind::missing_space: return RequirementLevel::should;
        case FindingKind::line_over_512:
        case FindingKind::bare_lf:
        case FindingKind::bare_cr:
        case FindingKind::invalid_text_octet:
        case FindingKind::enhanced_class_mismatch:
        case FindingKind::enhanced_missing:
        case FindingKind::enhanced_inconsistent: return RequirementLevel::must;
    }
    return RequirementLevel::must;
}

std::string_view rfc_section_of(FindingKind kind) {
    switch (kind) {
        case FindingKind::line_over_512: return "RFC 5321 §4.5.3.1.5";
        case FindingKind::bare_lf:
        case FindingKind::bare_cr: return "RFC 5321 §2.3.8";
        case FindingKind::invalid_text_octet:
        case FindingKind::missing_space: return "RFC 5321 §4.2";
        case FindingKind::enhanced_missing: return "RFC 2034 §3";
        case FindingKind::enhanced_class_mismatch:
        case FindingKind::enhanced_inconsistent: return "RFC 2034 §4";
    }
    return "";
}

std::string_view to_string(ParseError error) {
    switch (error) {
        case ParseError::none: return "none";
        case ParseError::bad_code: return "bad_code";
        case ParseError::bad_first_digit: return "bad_first_digit";
        case ParseError::bad_second_digit: return "bad_second_digit";
        case ParseError::missing_separator: return "missing_separator";
        case ParseError::inconsistent_codes: return "inconsistent_codes";
        case ParseError::line_too_long: return "line_too_long";
        case ParseError::reply_too_long: return "reply_too_long";
    }
    return "unknown_error";
}

std::string_view describe(ParseError error) {
    switch (error) {
        case ParseError::none: return "The reply was read without error.";
        case ParseError::bad_code: return "A reply line does not begin with a reply code of exactly three digits.";
        case ParseError::bad_first_digit: return "The first digit of the reply code is outside 2-5.";
        case ParseError::bad_second_digit: return "The second digit of the reply code is outside 0-5.";
        case ParseError::missing_separator:
            return "The reply code is followed by neither SP, \"-\" nor the end of the line.";
        case ParseError::inconsistent_codes:
            return "The lines of a multiline reply carry different reply codes.";
        case ParseError::line_too_long: return "A reply line exceeded the harness's hard line limit.";
        case ParseError::reply_too_long:
            return "The reply exceeded the harness's hard limit on octets or lines without ending.";
    }
    return "Unknown parse error.";
}

RequirementLevel level_of(ParseError) {
    // The caps sit far above the 512-octet rule, so even the limit errors mean the server broke
    // a MUST of the reply grammar; none of these leaves a reply that could be judged.
    return RequirementLevel::must;
}

std::string_view rfc_section_of(ParseError error) {
    switch (error) {
        case ParseError::none: return "";
        case ParseError::bad_code:
        case ParseError::bad_first_digit:
        case ParseError::bad_second_digit:
        case ParseError::reply_too_long: return "RFC 5321 §4.2";
        case ParseError::missing_separator:
        case ParseError::inconsistent_codes: return "RFC 5321 §4.2.1";
        case ParseError::line_too_long: return "RFC 5321 §4.5.3.1.5";
    }
    return "";
}

}  // namespace smtpspec
