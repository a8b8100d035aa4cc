#include "server/smtp_syntax.hpp"

#include <array>
#include <string>

namespace smtpspec::smtp {

// --- characters and words --------------------------------------------------------------------

bool is_atext(char c) {
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alnum(c) || specials.find(c) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_upper(x) == to_upper(y);
           });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view without_trailing_blanks(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::string_view without_leading_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
}

namespace {

unsigned char octet(std::string_view text, std::size_t at) { return static_cast<unsigned char>(text[at]); }

bool is_continuation(std::string_view text, std::size_t at, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return at < text.size() && octet(text, at) >= low && octet(text, at) <= high;
}

}  // namespace

// RFC 3629 §4: the second octet's range depends on the first, which rules out overlong forms,
// surrogates and code points above U+10FFFF.
std::size_t utf8_non_ascii_length(std::string_view text) {
    if (text.empty()) return 0;
    const unsigned char first = octet(text, 0);
    if (first >= 0xC2 && first <= 0xDF) return is_continuation(text, 1) ? 2 : 0;
    if (first >= 0xE0 && first <= 0xEF) {
        const unsigned char low = first == 0xE0 ? 0xA0 : 0x80;
        const unsigned char high = first == 0xED ? 0x9F : 0xBF;
        return is_continuation(text, 1, low, high) && is_continuation(text, 2) ? 3 : 0;
    }
    if (first >= 0xF0 && first <= 0xF4) {
        const unsigned char low = first == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = first == 0xF4 ? 0x8F : 0xBF;
        return is_continuation(text, 1, low, high) && is_continuation(text, 2) && is_continuation(text, 3) ? 4 : 0;
    }
    return 0;
}

std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
    if (digits.empty() || !all_of(digits, is_digit)) return std::nullopt;
    std::uint64_t value = 0;
    constexpr std::uint64_t max = UINT64_MAX;
    for (char digit : digits) {
        const auto d = static_cast<std::uint64_t>(digit - '0');
        if (value > (max - d) / 10) return std::nullopt;
        value = value * 10 + d;
    }
    return value;
}

namespace {

// RFC 5321 qtextSMTP: printable ASCII and space, except '"' and '\'.
bool is_qtext(char c) { return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126); }

// sub-domain = Let-dig [Ldh-str]: letters, digits and inner hyphens. In UTF-8 mode a label may
// also be a U-label (RFC 6531 §3.3); only its UTF-8 form is checked here, not IDNA2008's rules.
bool is_label(std::string_view label, Charset charset) {
    return !label.empty() && label.front() != '-' && label.back() != '-' &&
           all_characters(label, charset, [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_dot_string(std::string_view text, Charset charset) {
    return all_parts(text, '.', [charset](std::string_view atom) {
        return !atom.empty() && all_characters(atom, charset, is_atext);
    });
}

bool is_quoted_string(std::string_view text, Charset charset) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
    std::string_view inner = text.substr(1, text.size() - 2);
    while (!inner.empty()) {
        if (inner.front() == '\\') {   // quoted-pairSMTP = %d92 %d32-126
            if (inner.size() < 2 || inner[1] < 32 || inner[1] > 126) return false;
            inner.remove_prefix(2);
            continue;
        }
        const auto next_escape = std::min(inner.find('\\'), inner.size());
        if (!all_characters(inner.substr(0, next_escape), charset, is_qtext)) return false;
        inner.remove_prefix(next_escape);
    }
    return true;
}

bool is_ipv4(std::string_view text) {
    int parts = 0;
    const bool numbers = all_parts(text, '.', [&parts](std::string_view part) {
        ++parts;
        if (part.empty() || part.size() > 3 || !all_of(part, is_digit)) return false;
        return std::stoi(std::string(part)) <= 255;
    });
    return numbers && parts == 4;
}

// Counts the 16-bit groups of one side of an IPv6 address, an IPv4 tail counting for two;
// nullopt when it is not a list of 1-4 digit hex groups.
std::optional<std::size_t> ipv6_groups(std::string_view text, bool ipv4_tail_allowed) {
    if (text.empty()) return std::size_t{0};
    std::size_t groups = 0;
    for (;;) {
        const auto colon = text.find(':');
        const std::string_view group = text.substr(0, colon);
        const bool last = colon == std::string_view::npos;
        if (last && ipv4_tail_allowed && group.find('.') != std::string_view::npos)
            return is_ipv4(group) ? std::optional(groups + 2) : std::nullopt;
        if (group.empty() || group.size() > 4 || !all_of(group, is_hex)) return std::nullopt;
        ++groups;
        if (last) return groups;
        text.remove_prefix(colon + 1);
    }
}

// IPv6-full / IPv6-comp / IPv6v4-full / IPv6v4-comp: eight groups, or at most six around one
// "::" (which stands for at least two).
bool is_ipv6(std::string_view text) {
    const auto gap = text.find("::");
    if (gap == std::string_view::npos) {
        const auto groups = ipv6_groups(text, true);
        return groups && *groups == 8;
    }
    const auto left = ipv6_groups(text.substr(0, gap), false);
    const auto right = ipv6_groups(text.substr(gap + 2), true);
    return left && right && *left + *right <= 6;
}

// A-d-l = At-domain *( "," At-domain ): accepted and then ignored (§4.1.1.3, App. F.2).
bool is_source_route(std::string_view text) {
    return all_parts(text, ',', [](std::string_view hop) {
        return hop.size() > 1 && hop.front() == '@' && is_domain(hop.substr(1));
    });
}

// The length of the path at the start of `text`, up to the ">" that closes it; a quoted
// local-part may hold a ">" of its own.
std::optional<std::size_t> path_length(std::string_view text) {
    if (text.empty() || text.front() != '<') return std::nullopt;
    bool quoted = false;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (quoted && text[i] == '\\') {
            ++i;
        } else if (text[i] == '"') {
            quoted = !quoted;
        } else if (text[i] == '>' && !quoted) {
            return i + 1;
        }
    }
    return std::nullopt;
}

// Mailbox = Local-part "@" ( Domain / address-literal ). The last "@" separates them: a quoted
// local-part may contain "@", the domain forms accepted here cannot.
PathProblem check_mailbox(std::string_view mailbox, std::string_view& local_part) {
    const auto at = mailbox.rfind('@');
    if (at == std::string_view::npos) return PathProblem::syntax;
    const std::string_view local = mailbox.substr(0, at);
    const std::string_view domain = mailbox.substr(at + 1);
    if (!is_dot_string(local, Charset::utf8) && !is_quoted_string(local, Charset::utf8)) return PathProblem::syntax;
    if (!is_domain(domain, Charset::utf8) && !is_address_literal(domain)) return PathProblem::syntax;
    if (local.size() > max_local_part) return PathProblem::local_part_too_long;
    if (domain.size() > max_domain) return PathProblem::domain_too_long;
    local_part = local;
    return PathProblem::none;
}

}  // namespace

bool is_domain(std::string_view text, Charset charset) {
    return all_parts(text, '.', [charset](std::string_view label) { return is_label(label, charset); });
}

// Only the IPv4 and IPv6 forms: a General-address-literal needs a tag registered with IANA,
// and none but IPv6 is.
bool is_address_literal(std::string_view text) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
    const std::string_view inner = text.substr(1, text.size() - 2);
    constexpr std::string_view ipv6_tag = "IPv6:";
    if (istarts_with(inner, ipv6_tag)) return is_ipv6(inner.substr(ipv6_tag.size()));
    return is_ipv4(inner);
}

// RFC 6531 §3.7.1: clients send only ASCII domains in EHLO, so no UTF-8 here.
bool is_client_identity(std::string_view text) {
    return text.size() <= max_domain && (is_domain(text) || is_address_literal(text));
}

Path parse_path(std::string_view text, PathKind kind) {
    Path path;
    const auto length = path_length(text);
    if (!length) {
        path.problem = PathProblem::syntax;
        return path;
    }
    path.text = text.substr(0, *length);
    path.rest = text.substr(*length);
    std::string_view inner = path.text.substr(1, path.text.size() - 2);
    path.non_ascii = !all_of(inner, is_ascii);
    if (inner.empty()) {
        if (kind != PathKind::reverse) path.problem = PathProblem::syntax;
    } else if (kind == PathKind::forward && iequals(inner, "Postmaster")) {
        // accepted as it is
    } else {
        if (inner.front() == '@') {
            const auto colon = inner.find(':');
            if (colon == std::string_view::npos || !is_source_route(inner.substr(0, colon))) {
                path.problem = PathProblem::syntax;
                return path;
            }
            inner.remove_prefix(colon + 1);
        }
        path.problem = check_mailbox(inner, path.local_part);
        if (path.problem == PathProblem::none && path.text.size() > max_path) path.problem = PathProblem::path_too_long;
    }
    return path;
}

// --- xtext ------------------------------------------------------------------------------------

namespace {

int hex_value(char c) { return is_digit(c) ? c - '0' : to_upper(c) - 'A' + 10; }

}  // namespace

std::optional<std::string> decode_xtext(std::string_view text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            if (i + 2 >= text.size() || !is_upper_hex(text[i + 1]) || !is_upper_hex(text[i + 2])) return std::nullopt;
            decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else if (c >= 33 && c <= 126 && c != '=') {
            decoded.push_back(c);
        } else {
            return std::nullopt;
        }
    }
    return decoded;
}

}  // namespace smtpspec::smtp
