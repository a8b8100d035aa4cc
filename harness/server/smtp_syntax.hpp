#pragma once
// The grammar the reference server's engine checks client text against: characters, words,
// domains and address literals, paths (RFC 5321 §4.1.2, with RFC 6531's UTF-8 additions),
// xtext (RFC 3461 §4). Internal to the engine.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smtpspec::smtp {

// RFC 5321 §4.5.3.1.4, CRLF included.
constexpr std::size_t max_command_line = 512;
// RFC 4954 §4: AUTH lines may exceed 512 octets; 12288 is enough for every mechanism in use.
constexpr std::size_t max_auth_line = 12288;
// RFC 5321 §4.5.3.1.1-3.
constexpr std::size_t max_local_part = 64;
constexpr std::size_t max_domain = 255;
constexpr std::size_t max_path = 256;

// --- characters and words --------------------------------------------------------------------

constexpr bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }
constexpr bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
constexpr bool is_upper_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F'); }
// RFC 5322 atext, the characters of atoms (and of a Dot-string's atoms).
bool is_atext(char c);
constexpr char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);

template <typename Predicate>
bool all_of(std::string_view text, Predicate predicate) {
    return std::all_of(text.begin(), text.end(), predicate);
}

// Receivers SHOULD tolerate trailing white space before the CRLF (RFC 5321 §4.1.1).
std::string_view without_trailing_blanks(std::string_view text);
std::string_view without_leading_spaces(std::string_view text);

// Calls `visit` for every part of `text` between separators, empty parts included; stops at
// the first part it rejects.
template <typename Visitor>
bool all_parts(std::string_view text, char separator, Visitor visit) {
    for (;;) {
        const auto end = text.find(separator);
        if (!visit(text.substr(0, end))) return false;
        if (end == std::string_view::npos) return true;
        text.remove_prefix(end + 1);
    }
}

// The words of `text` between runs of spaces.
template <typename Visitor>
bool all_words(std::string_view text, Visitor visit) {
    return all_parts(text, ' ', [&](std::string_view word) { return word.empty() || visit(word); });
}

// The octets of the well-formed UTF-8 sequence for one non-ASCII character (RFC 3629 §4,
// UTF8-2 / UTF8-3 / UTF8-4) at the start of `text`; 0 when there is none.
std::size_t utf8_non_ascii_length(std::string_view text);

// Which characters a mailbox may hold: RFC 5321's ASCII grammar, or with RFC 6531 §3.3's
// additions (UTF8-non-ascii in atext and qtextSMTP, U-labels in domains).
enum class Charset { ascii, utf8 };

// Walks `text` one character at a time: an ASCII octet, judged by `ascii`, or in UTF-8 mode a
// whole well-formed UTF-8 sequence. Any other non-ASCII octet fails the walk.
template <typename AsciiPredicate>
bool all_characters(std::string_view text, Charset charset, AsciiPredicate ascii) {
    std::size_t at = 0;
    while (at < text.size()) {
        if (is_ascii(text[at])) {
            if (!ascii(text[at])) return false;
            ++at;
            continue;
        }
        const std::size_t length = charset == Charset::utf8 ? utf8_non_ascii_length(text.substr(at)) : 0;
        if (length == 0) return false;
        at += length;
    }
    return true;
}

// A decimal number, nullopt when it is not 1*DIGIT or does not fit in 64 bits.
std::optional<std::uint64_t> parse_decimal(std::string_view digits);

// --- domains and addresses (RFC 5321 §4.1.2, §4.1.3; RFC 6531 §3.3) -------------------------

bool is_domain(std::string_view text, Charset charset = Charset::ascii);
bool is_address_literal(std::string_view text);
// EHLO takes a Domain or an address-literal (§4.1.1.1); HELO's grammar has only Domain, but
// clients commonly send a literal there and nothing is gained by refusing them.
bool is_client_identity(std::string_view text);

enum class PathProblem { none, syntax, local_part_too_long, domain_too_long, path_too_long };

struct Path {
    PathProblem problem = PathProblem::none;
    bool non_ascii = false;        // the mailbox uses RFC 6531's UTF-8 grammar
    std::string_view text;         // "<...>" as sent
    std::string_view local_part;   // empty for "<>" and "<Postmaster>"
    std::string_view rest;         // what follows the path: the parameters
};

enum class PathKind { reverse, forward };

// Path = "<" [ A-d-l ":" ] Mailbox ">"; a reverse-path may be "<>" and a forward-path may be
// "<Postmaster>" (§4.1.1.3), case-insensitively. Mailboxes are read with RFC 6531's grammar and
// `non_ascii` says whether they needed it, so the caller can judge whether that is allowed.
// An empty `text` means no path could be found at all.
Path parse_path(std::string_view text, PathKind kind);

// --- xtext (RFC 3461 §4) ----------------------------------------------------------------------

// xtext = *( xchar / hexchar ): printable ASCII but "+" and "=", or "+" and two upper-case
// hex digits. Returns the decoded text, nullopt when `text` is not xtext.
std::optional<std::string> decode_xtext(std::string_view text);

}  // namespace smtpspec::smtp
