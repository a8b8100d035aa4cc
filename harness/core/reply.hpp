#pragma once
// The value types of the SMTP reply grammar (RFC 5321 §4.2, RFC 2034, RFC 3463).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec {

// class.subject.detail (RFC 3463 §2).
struct EnhancedCode {
    int klass = 0;
    int subject = 0;
    int detail = 0;
    std::string text() const;  // "2.1.5"
    friend bool operator==(const EnhancedCode&, const EnhancedCode&) = default;
};

// Problems in a reply that can still be read and judged. Each one names the rule it breaks.
enum class FindingKind {
    line_over_512,        // RFC 5321 §4.5.3.1.5: reply line longer than 512 octets incl. CRLF
    bare_lf,              // RFC 5321 §2.3.8: line ended by LF alone
    bare_cr,              // RFC 5321 §2.3.8: line ended by CR alone
    invalid_text_octet,   // RFC 5321 §4.2: textstring is HT, SP and %d33-126 only
    missing_space,        // RFC 5321 §4.2: "250" legal but SHOULD be "250 "
    enhanced_class_mismatch,   // RFC 2034 §4: enhanced class differs from the reply's first digit
    enhanced_missing,          // RFC 2034 §3: advertised, but a non-exempt reply has none
    enhanced_inconsistent,     // RFC 2034 §4: lines of one reply carry different enhanced codes
};

struct Finding {
    FindingKind kind;
    std::size_t line = 0;   // 0-based index of the reply line it was found on
    std::string detail;     // human-readable specifics, e.g. "line is 733 octets"
    friend bool operator==(const Finding&, const Finding&) = default;
};

// How much a finding weighs: MUST-level findings are violations, SHOULD-level are warnings.
enum class RequirementLevel { must, should, may };

std::string_view to_string(FindingKind);
std::string_view describe(FindingKind);        // a sentence for reports
RequirementLevel level_of(FindingKind);
std::string_view rfc_section_of(FindingKind);  // e.g. "RFC 5321 §2.3.8"

struct Reply {
    int code = 0;
    std::optional<EnhancedCode> enhanced;  // from the first line, if its text starts with one
    std::vector<std::string> lines;        // per line: the text after the code and separator
    std::string raw;                       // the exact octets received, terminators included
    std::vector<Finding> findings;

    bool has(FindingKind k) const;
    friend bool operator==(const Reply&, const Reply&) = default;
};

// Why a reply could not be read at all.
enum class ParseError {
    none,
    bad_code,              // not three digits
    bad_first_digit,       // outside 2-5 (RFC 5321 §4.2 Reply-code)
    bad_second_digit,      // outside 0-5
    missing_separator,     // code followed by neither SP, "-" nor end of line ("250text")
    inconsistent_codes,    // lines of one multiline reply carry different codes (RFC 5321 §4.2.1)
    line_too_long,         // a line exceeded the parser's hard cap
    reply_too_long,        // the reply exceeded the parser's hard cap (octets or lines)
};

std::string_view to_string(ParseError);
std::string_view describe(ParseError);        // a sentence for reports
RequirementLevel level_of(ParseError);        // every error breaks a MUST of the reply grammar
std::string_view rfc_section_of(ParseError);  // the rule the unreadable reply breaks

}  // namespace smtpspec
