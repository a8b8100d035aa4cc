#pragma once
// One reply of the reference server's engine, before it is written, and the enhanced status
// codes (RFC 3463) it may carry. Internal to the engine.
#include <string>
#include <string_view>

namespace smtpspec::smtp {

// `none` is for the replies RFC 2034 §3 exempts: the greeting, replies to HELO and EHLO, and
// 3xx. Every other reply names its code here; the engine leaves it out when ENHANCEDSTATUSCODES
// is not in effect.
namespace status {
constexpr std::string_view none;
constexpr std::string_view ok = "2.0.0";
constexpr std::string_view sender_ok = "2.1.0";
constexpr std::string_view recipient_ok = "2.1.5";
constexpr std::string_view not_verified = "2.5.0";
constexpr std::string_view authenticated = "2.7.0";        // RFC 4954 §6
constexpr std::string_view shutting_down = "4.3.2";
constexpr std::string_view idle_timeout = "4.4.2";
constexpr std::string_view too_many_recipients = "4.5.3";
constexpr std::string_view other = "5.0.0";
constexpr std::string_view no_such_mailbox = "5.1.1";
constexpr std::string_view bad_recipient_address = "5.1.3";
constexpr std::string_view bad_sender_address = "5.1.7";
constexpr std::string_view message_too_big = "5.3.4";
constexpr std::string_view invalid_command = "5.5.1";      // also bad sequence (RFC 3463 §3.6)
constexpr std::string_view syntax_error = "5.5.2";
constexpr std::string_view bad_arguments = "5.5.4";
constexpr std::string_view line_too_long = "5.5.6";        // also an AUTH line (RFC 4954 §6)
constexpr std::string_view non_ascii_address = "5.6.7";    // RFC 6531 §3.5
constexpr std::string_view bad_credentials = "5.7.8";      // RFC 4954 §6
constexpr std::string_view encryption_required = "5.7.11"; // RFC 4954 §6
}  // namespace status

struct Reply {
    int code;
    std::string_view status;
    std::string text;
};

}  // namespace smtpspec::smtp
