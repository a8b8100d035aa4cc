#pragma once
// Checks of what a reply says, beyond its code, that a scenario step asks for by name
// (`"checks": ["ehlo-syntax"]`) or by keyword (`"advertises"`, `"not_advertises"`). Pure.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/reply.hpp"

namespace smtpspec {

struct ContentProblem {
    std::string rfc;      // "RFC 5321 §4.1.1.1"
    std::string detail;   // what is wrong, naming the line
};

// The names a step may list in "checks".
bool is_content_check(std::string_view name);
inline constexpr std::string_view content_check_names[] = {"ehlo-syntax", "greeting-syntax"};

// The first problem the named check finds in `reply`, if any. Checks apply to positive
// replies only (a 250 to EHLO, a 220 greeting): a refusal has no such content.
std::optional<ContentProblem> run_content_check(std::string_view name, const Reply& reply);

// A 250 EHLO reply that lacks one of `wanted` or lists one of `unwanted` (keywords compare
// case-insensitively, RFC 5321 §4.1.1.1).
std::optional<ContentProblem> check_advertised(const Reply& reply, std::span<const std::string> wanted,
                                               std::span<const std::string> unwanted);

}  // namespace smtpspec
