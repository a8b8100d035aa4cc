#pragma once
// What a step accepts: code patterns and events, mapped to pass or to accepted-with-warning.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reply.hpp"

namespace smtpspec {

// "250" (exact), "5xx" or "55x" (class), "close" (the server closed), "timeout" (no reply in time).
class CodePattern {
public:
    enum class Kind { code, code_class, close, timeout };

    static std::optional<CodePattern> parse(std::string_view text);
    static CodePattern exact(int code);

    Kind kind() const { return kind_; }
    bool matches(int code) const;
    bool is_exact() const { return kind_ == Kind::code; }
    std::string text() const { return text_; }
    friend bool operator==(const CodePattern& a, const CodePattern& b) { return a.text_ == b.text_; }

private:
    Kind kind_ = Kind::code;
    std::string text_;   // canonical text, e.g. "5xx"
};

struct RfcRef {
    std::string doc;       // "RFC 5321"
    std::string section;   // "4.1.1.3" or "App. F.6"
    RequirementLevel level = RequirementLevel::must;
    std::string text() const;   // "RFC 5321 §4.1.1.3"
};

std::string_view to_string(RequirementLevel);   // "MUST", "SHOULD", "MAY"
std::optional<RequirementLevel> parse_level(std::string_view);

// The expectation for one reply.
struct ReplyExpectation {
    // The command whose reply table judges the reply: a verb or a pseudo-command. Empty when
    // no reply is legal at all (e.g. waiting for the server to close).
    std::string command;
    std::vector<CodePattern> pass;         // empty: the command's legal set in the profile
    std::vector<CodePattern> non_strict;   // accepted with a warning
    std::optional<RfcRef> rfc;             // the rule this expectation enforces, if narrower
    std::string why;                       // optional: what a failure here means, for reports
    // Checks of the reply's content (core/content_checks.hpp), applied when the code passes.
    std::vector<std::string> checks;          // "ehlo-syntax", "greeting-syntax"
    std::vector<std::string> advertises;      // EHLO keywords the reply must list
    std::vector<std::string> not_advertises;  // EHLO keywords it must not list

    bool narrowed() const { return !pass.empty(); }
};

}  // namespace smtpspec
