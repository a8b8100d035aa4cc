#pragma once
// Enhanced status codes (RFC 3463 §2) and the ENHANCEDSTATUSCODES rules (RFC 2034 §3, §4).
#include <optional>
#include <string_view>
#include <vector>

#include "core/reply.hpp"

namespace smtpspec {

// Parses a leading "class.subject.detail" followed by SP or end of text. Class 2, 4 or 5;
// subject and detail 1-3 digits without leading zeros (RFC 3463 §2).
std::optional<EnhancedCode> parse_enhanced_code(std::string_view text);

// Which reply this is, for RFC 2034's exemptions.
enum class ReplyContext { greeting, helo_ehlo, other };

// The RFC 2034 findings for one reply: enhanced_missing (when advertised and the reply is not
// exempt), enhanced_class_mismatch and enhanced_inconsistent (whenever a code is present on a
// non-exempt reply). Exempt: the greeting, replies to HELO/EHLO, all 3xx replies.
std::vector<Finding> check_enhanced_codes(const Reply& reply, ReplyContext context, bool advertised);

}  // namespace smtpspec
