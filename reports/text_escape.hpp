#pragma once
// Making arbitrary octets readable. Servers under test send anything — bare CR, NUL, 8-bit
// bytes — and a report that printed them raw would hide exactly the bytes it is about.
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec::reports {

// Printable US-ASCII (0x20-0x7E) stays as it is. CR, LF, NUL and HT become <CR>, <LF>, <NUL>,
// <HT>; every other octet becomes two upper-case hex digits in brackets: 0x1B → <1B>,
// 0xFF → <FF>. Named forms never collide with hex ones (R, L, U, T and H are not hex digits).
// "<" itself is left alone: SMTP paths are full of it and "<LT>" would make them unreadable.
std::string escape_octets(std::string_view octets);

// For text the harness or a scenario author wrote (titles, requirements, RFC references,
// details), which is meant to be read as UTF-8: valid UTF-8 stays as it is, so "§" stays "§";
// controls (C0, DEL and the C1 range, which terminals may obey) and octets that are not valid
// UTF-8 are escaped as escape_octets does.
std::string escape_text(std::string_view text);

// Splits octets after each LF, keeping the terminators; a bare CR does not end a line (showing
// it as <CR> in the middle of a line is the point). Empty input gives no lines.
std::vector<std::string_view> split_lines(std::string_view octets);

// split_lines, each piece escaped, so that the pieces keep their visible <CR><LF>.
std::vector<std::string> escaped_lines(std::string_view octets);

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
// JSON text must be valid UTF-8, and server octets often are not.
bool is_valid_utf8(std::string_view octets);

// Valid sequences are kept; every octet that does not begin a valid sequence becomes U+FFFD.
std::string replace_invalid_utf8(std::string_view octets);

// For HTML element content and quoted attribute values alike: & < > " ' escaped.
std::string html_escaped(std::string_view text);
// Text from a report for an HTML page: controls and invalid UTF-8 made visible first
// (escape_text), then HTML-escaped, so the page is valid UTF-8 and no text becomes markup.
std::string text_html(std::string_view text);

}  // namespace smtpspec::reports
