#include "server/smtp_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace smtpspec {
namespace {

// RFC 5321 §4.5.3.1.4 and §4.5.3.1.5, CRLF included.
constexpr std::size_t max_command_line = 512;
constexpr std::size_t max_reply_line = 512;
// RFC 5321 §4.5.3.1.1-3.
constexpr std::size_t max_local_part = 64;
constexpr std::size_t max_domain = 255;
constexpr std::size_t max_path = 256;

// Enhanced status codes (RFC 3463) sent because ENHANCEDSTATUSCODES is advertised. `none` is
// for the replies RFC 2034 §3 exempts: the greeting, replies to HELO and EHLO, and 3xx.
namespace status {
constexpr std::string_view none;
constexpr std::string_view ok = "2.0.0";
constexpr std::string_view sender_ok = "2.1.0";
constexpr std::string_view recipient_ok = "2.1.5";
constexpr std::string_view not_verified = "2.5.0";
constexpr std::string_view shutting_down = "4.3.2";
constexpr std::string_view idle_timeout = "4.4.2";
constexpr std::string_view too_many_recipients = "4.5.3";
constexpr std::string_view no_such_mailbox = "5.1.1";
constexpr std::string_view bad_recipient_address = "5.1.3";
constexpr std::string_view bad_sender_address = "5.1.7";
constexpr std::string_view message_too_big = "5.3.4";
constexpr std::string_view invalid_command = "5.5.1";   // also bad sequence (RFC 3463 §3.6)
constexpr std::string_view syntax_error = "5.5.2";
constexpr std::string_view bad_arguments = "5.5.4";
constexpr std::string_view line_too_long = "5.5.6";
}  // namespace status

// --- replies ---------------------------------------------------------------------------------

void append_reply_line(std::string& out, int code, bool last, std::string_view status, std::string_view text) {
    std::string line = fmt::format("{}{}", code, last ? ' ' : '-');
    if (!status.empty()) line += fmt::format("{} ", status);
    line += text;
    // Only the configured hostname and validated paths are echoed, so this never cuts in
    // practice; it keeps the §4.5.3.1.5 limit a guarantee rather than a hope.
    if (line.size() > max_reply_line - 2) line.resize(max_reply_line - 2);
    out += line;
    out += "\r\n";
}

void append_reply(std::string& out, int code, std::string_view status, std::span<const std::string> lines) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        append_reply_line(out, code, i + 1 == lines.size(), status, lines[i]);
}

void append_reply(std::string& out, int code, std::string_view status, std::string_view text) {
    append_reply_line(out, code, true, status, text);
}

// --- characters and words --------------------------------------------------------------------

bool is_ascii(char c) { return static_cast<unsigned char>(c) < 0x80; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

// RFC 5322 atext, the characters of a Dot-string's atoms.
bool is_atext(char c) {
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alnum(c) || specials.find(c) != std::string_view::npos;
}

// RFC 5321 qtextSMTP: printable ASCII and space, except '"' and '\'.
bool is_qtext(char c) { return c == 32 || c == 33 || (c >= 35 && c <= 91) || (c >= 93 && c <= 126); }

char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return to_upper(x) == to_upper(y);
           });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

template <typename Predicate>
bool all_of(std::string_view text, Predicate predicate) {
    return std::all_of(text.begin(), text.end(), predicate);
}

// Receivers SHOULD tolerate trailing white space before the CRLF (RFC 5321 §4.1.1).
std::string_view without_trailing_blanks(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::string_view without_leading_spaces(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    return text;
}

struct CommandLine {
    std::string_view verb;
    std::string_view argument;
};

CommandLine split_command(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return {text, {}};
    return {text.substr(0, space), without_leading_spaces(text.substr(space + 1))};
}

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

// --- domains and address literals (RFC 5321 §4.1.2, §4.1.3) ---------------------------------

// sub-domain = Let-dig [Ldh-str]: letters, digits and inner hyphens.
bool is_label(std::string_view label) {
    return !label.empty() && is_alnum(label.front()) && is_alnum(label.back()) &&
           all_of(label, [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_domain(std::string_view text) { return all_parts(text, '.', is_label); }

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

// Only the IPv4 and IPv6 forms: a General-address-literal needs a tag registered with IANA,
// and none but IPv6 is.
bool is_address_literal(std::string_view text) {
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') return false;
    const std::string_view inner = text.substr(1, text.size() - 2);
    constexpr std::string_view ipv6_tag = "IPv6:";
    if (istarts_with(inner, ipv6_tag)) return is_ipv6(inner.substr(ipv6_tag.size()));
    return is_ipv4(inner);
}

// EHLO takes a Domain or an address-literal (§4.1.1.1). HELO's grammar has only Domain, but
// clients commonly send a literal there and nothing is gained by refusing them.
bool is_client_identity(std::string_view text) {
    return text.size() <= max_domain && (is_domain(text) || is_address_literal(text));
}

// --- paths (RFC 5321 §4.1.2) -----------------------------------------------------------------

bool is_dot_string(std::string_view text) {
    return all_parts(text, '.', [](std::string_view atom) { return !atom.empty() && all_of(atom, is_atext); });
}

bool is_quoted_string(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
    const std::string_view inner = text.substr(1, text.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] != '\\') {
            if (!is_qtext(inner[i])) return false;
            continue;
        }
        if (++i == inner.size() || inner[i] < 32 || inner[i] > 126) return false;   // quoted-pairSMTP
    }
    return true;
}

// A-d-l = At-domain *( "," At-domain ): accepted and then ignored (§4.1.1.3, App. F.2).
bool is_source_route(std::string_view text) {
    return all_parts(text, ',', [](std::string_view hop) {
        return hop.size() > 1 && hop.front() == '@' && is_domain(hop.substr(1));
    });
}

enum class PathProblem { none, syntax, non_ascii, local_part_too_long, domain_too_long, path_too_long };

struct Path {
    PathProblem problem = PathProblem::none;
    std::string_view text;         // "<...>" as sent
    std::string_view local_part;   // empty for "<>" and "<Postmaster>"
    std::string_view rest;         // what follows the path: the parameters
};

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
    if (!is_dot_string(local) && !is_quoted_string(local)) return PathProblem::syntax;
    if (!is_domain(domain) && !is_address_literal(domain)) return PathProblem::syntax;
    if (local.size() > max_local_part) return PathProblem::local_part_too_long;
    if (domain.size() > max_domain) return PathProblem::domain_too_long;
    local_part = local;
    return PathProblem::none;
}

enum class PathKind { reverse, forward };

// Path = "<" [ A-d-l ":" ] Mailbox ">"; a reverse-path may be "<>" and a forward-path may be
// "<Postmaster>" (§4.1.1.3), case-insensitively.
Path parse_path(std::string_view text, PathKind kind) {
    Path path;
    const auto length = path_length(text);
    if (!length) {
        path.problem = all_of(text, is_ascii) ? PathProblem::syntax : PathProblem::non_ascii;
        return path;
    }
    path.text = text.substr(0, *length);
    path.rest = text.substr(*length);
    std::string_view inner = path.text.substr(1, path.text.size() - 2);
    if (!all_of(inner, is_ascii)) {
        path.problem = PathProblem::non_ascii;
    } else if (inner.empty()) {
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

// "Sender address: bad syntax"
std::string path_problem_text(PathProblem problem, std::string_view role) {
    const auto problem_text = [](PathProblem p) -> std::string {
        switch (p) {
            case PathProblem::none: break;
            case PathProblem::syntax: return "bad syntax";
            case PathProblem::non_ascii: return "non-ASCII characters need SMTPUTF8, which is not offered";
            case PathProblem::local_part_too_long:
                return fmt::format("local-part too long (limit {} octets)", max_local_part);
            case PathProblem::domain_too_long: return fmt::format("domain too long (limit {} octets)", max_domain);
            case PathProblem::path_too_long: return fmt::format("path too long (limit {} octets)", max_path);
        }
        return {};
    };
    return fmt::format("{} address: {}", role, problem_text(problem));
}

// --- MAIL and RCPT parameters (RFC 5321 §4.1.2, §4.1.1.11) ---------------------------------

// Checks a parameter's value; writes the rejection to `out` and returns false when it fails.
using ParameterCheck = bool (*)(std::optional<std::string_view> value, const EngineConfig& config, std::string& out);

struct ParameterRule {
    std::string_view keyword;
    std::size_t line_allowance;   // octets the parameter may add to the command line
    ParameterCheck check;
};

// Whether a decimal number is above `limit`, judged digit by digit: 20 digits may not fit in
// 64 bits.
bool exceeds(std::string_view digits, std::uint64_t limit) {
    std::uint64_t value = 0;
    for (char digit : digits) {
        const auto d = static_cast<std::uint64_t>(digit - '0');
        if (d > limit || value > (limit - d) / 10) return true;   // value * 10 + d > limit
        value = value * 10 + d;
    }
    return false;
}

// SIZE=1*20DIGIT, the declared message size (RFC 1870 §3, §6.1).
bool check_size(std::optional<std::string_view> value, const EngineConfig& config, std::string& out) {
    if (!value || value->empty() || value->size() > 20 || !all_of(*value, is_digit)) {
        append_reply(out, 501, status::bad_arguments, "SIZE takes a number of octets");
        return false;
    }
    if (exceeds(*value, config.max_message_size)) {
        append_reply(out, 552, status::message_too_big,
                     fmt::format("Message size exceeds fixed maximum message size ({} octets)",
                                 config.max_message_size));
        return false;
    }
    return true;
}

// BODY=7BIT|8BITMIME (RFC 6152 §2). Other bodies (BINARYMIME needs CHUNKING) are not offered.
bool check_body(std::optional<std::string_view> value, const EngineConfig&, std::string& out) {
    if (!value) {
        append_reply(out, 501, status::bad_arguments, "BODY takes 7BIT or 8BITMIME");
        return false;
    }
    if (iequals(*value, "7BIT") || iequals(*value, "8BITMIME")) return true;
    append_reply(out, 555, status::bad_arguments, "BODY type not supported: use 7BIT or 8BITMIME");
    return false;
}

// RFC 1870 §3 lets SIZE add 26 octets to the MAIL line; RFC 6152 names no figure for BODY,
// so it gets the length of its longest form, " BODY=8BITMIME".
constexpr std::array<ParameterRule, 2> mail_parameter_rules{{
    {"SIZE", 26, check_size},
    {"BODY", 14, check_body},
}};
constexpr std::span<const ParameterRule> rcpt_parameter_rules;

constexpr std::size_t line_allowance(std::span<const ParameterRule> rules) {
    std::size_t total = 0;
    for (const ParameterRule& rule : rules) total += rule.line_allowance;
    return total;
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_parameter_keyword(std::string_view text) {
    return !text.empty() && is_alnum(text.front()) && all_of(text, [](char c) { return is_alnum(c) || c == '-'; });
}

// esmtp-value = 1*(%d33-60 / %d62-126)
bool is_parameter_value(std::string_view text) {
    return !text.empty() && all_of(text, [](char c) { return c >= 33 && c <= 126 && c != '='; });
}

// Mail-parameters = esmtp-param *(SP esmtp-param), after the path. Answers the first problem:
// 501 for bad syntax or a repeated parameter, 555 for one the server does not know.
bool parameters_accepted(std::string_view text, std::span<const ParameterRule> rules, const EngineConfig& config,
                         std::string& out) {
    if (!text.empty() && text.front() != ' ') {
        append_reply(out, 501, status::syntax_error, "Parameters must be separated from the path by a space");
        return false;
    }
    std::vector<std::string_view> seen;
    return all_parts(without_leading_spaces(text), ' ', [&](std::string_view parameter) {
        if (parameter.empty()) return true;   // a run of spaces
        const auto equals = parameter.find('=');
        const std::string_view keyword = parameter.substr(0, equals);
        const auto value =
            equals == std::string_view::npos ? std::nullopt : std::optional(parameter.substr(equals + 1));
        if (!is_parameter_keyword(keyword) || (value && !is_parameter_value(*value))) {
            append_reply(out, 501, status::bad_arguments, "Malformed parameter");
            return false;
        }
        if (std::any_of(seen.begin(), seen.end(), [&](std::string_view k) { return iequals(k, keyword); })) {
            append_reply(out, 501, status::bad_arguments, "Parameter given twice");
            return false;
        }
        seen.push_back(keyword);
        const auto rule = std::find_if(rules.begin(), rules.end(),
                                       [&](const ParameterRule& r) { return iequals(r.keyword, keyword); });
        if (rule == rules.end()) {
            append_reply(out, 555, status::bad_arguments, "Parameter not recognized");
            return false;
        }
        return rule->check(value, config, out);
    });
}

// Lets scenarios probe how a client of the server sees a rejected recipient.
bool is_unknown_mailbox(std::string_view local_part) { return istarts_with(local_part, "nosuchuser"); }

}  // namespace

// --- LineReader ------------------------------------------------------------------------------

std::size_t LineReader::consume(std::string_view input) {
    std::size_t used = 0;
    while (used < input.size() && !complete_) {
        const char octet = input[used++];
        ++length_;
        if (pending_cr_) {
            pending_cr_ = false;
            if (octet == '\n') {
                complete_ = true;
                break;
            }
            bare_line_break_ = true;
            keep('\r');
        }
        if (octet == '\r') {
            pending_cr_ = true;
        } else {
            if (octet == '\n') bare_line_break_ = true;
            keep(octet);
        }
    }
    return used;
}

void LineReader::keep(char octet) {
    if (text_.size() < max_kept_) text_.push_back(octet);
}

void LineReader::clear() {
    text_.clear();
    length_ = 0;
    pending_cr_ = false;
    bare_line_break_ = false;
    complete_ = false;
}

// --- MessageReader ---------------------------------------------------------------------------

std::size_t MessageReader::consume(std::string_view input) {
    std::size_t used = 0;
    while (used < input.size() && !complete()) take(input[used++]);
    return used;
}

void MessageReader::take(char octet) {
    switch (position_) {
        case Position::line_start:
            if (octet == '.') {
                position_ = Position::after_leading_dot;
                return;
            }
            break;
        case Position::after_leading_dot:   // the dot is stuffing unless CRLF follows at once
            if (octet == '\r') {
                position_ = Position::after_dot_cr;
                return;
            }
            break;
        case Position::after_dot_cr:
            if (octet == '\n') {
                position_ = Position::ended;
                return;
            }
            ++size_;   // the CR was content after a stuffed dot, and it was bare
            position_ = Position::in_line;
            break;
        case Position::in_line:
        case Position::after_cr:
        case Position::ended:
            break;
    }
    take_in_line(octet);
}

void MessageReader::take_in_line(char octet) {
    ++size_;
    if (position_ == Position::after_cr && octet == '\n') {
        position_ = Position::line_start;
        return;
    }
    position_ = octet == '\r' ? Position::after_cr : Position::in_line;
}

void MessageReader::clear() {
    position_ = Position::line_start;
    size_ = 0;
}

// --- SmtpEngine ------------------------------------------------------------------------------

struct SmtpEngine::Command {
    std::string_view verb;
    std::string_view help;   // the answer to HELP <verb>; empty for verbs the server does not implement
    Handler handle;
    std::size_t line_allowance = 0;   // octets the advertised parameters add to the 512 (§4.5.3.1.4)
};

std::span<const SmtpEngine::Command> SmtpEngine::commands() {
    static constexpr Command table[] = {
        {"HELO", "HELO <domain>: identify the client", &SmtpEngine::on_helo},
        {"EHLO", "EHLO <domain>: identify the client and list the extensions", &SmtpEngine::on_ehlo},
        {"MAIL", "MAIL FROM:<reverse-path> [SIZE=<octets>] [BODY=7BIT|8BITMIME]: start a transaction",
         &SmtpEngine::on_mail, line_allowance(mail_parameter_rules)},
        {"RCPT", "RCPT TO:<forward-path>: add a recipient", &SmtpEngine::on_rcpt,
         line_allowance(rcpt_parameter_rules)},
        {"DATA", "DATA: send the message, ended by a line holding only a dot", &SmtpEngine::on_data},
        {"RSET", "RSET: abort the transaction", &SmtpEngine::on_rset},
        {"NOOP", "NOOP [text]: do nothing", &SmtpEngine::on_noop},
        {"QUIT", "QUIT: end the session", &SmtpEngine::on_quit},
        {"VRFY", "VRFY <address>: never verifies (RFC 5321 section 7.3), always 252", &SmtpEngine::on_vrfy},
        {"HELP", "HELP [command]: list the commands or describe one", &SmtpEngine::on_help},
        // Optional, and a privacy risk (RFC 5321 §3.5.2, §7.3): not implemented, so not in the
        // EHLO list, and 502 is legal for it in every profile (252 is not in RFC 821's list).
        {"EXPN", "", &SmtpEngine::on_not_implemented},
        // Obsolete (RFC 5321 App. F.1, F.6): recognised, not implemented.
        {"SEND", "", &SmtpEngine::on_not_implemented},
        {"SOML", "", &SmtpEngine::on_not_implemented},
        {"SAML", "", &SmtpEngine::on_not_implemented},
        {"TURN", "", &SmtpEngine::on_not_implemented},
        // Extension commands whose keyword this server does not advertise.
        {"ETRN", "", &SmtpEngine::on_not_implemented},
        {"ATRN", "", &SmtpEngine::on_not_implemented},
        {"AUTH", "", &SmtpEngine::on_not_implemented},
        {"STARTTLS", "", &SmtpEngine::on_starttls},
        {"BDAT", "", &SmtpEngine::on_not_implemented},
    };
    return table;
}

const SmtpEngine::Command* SmtpEngine::find_command(std::string_view verb) {
    const auto table = commands();
    const auto found =
        std::find_if(table.begin(), table.end(), [&](const Command& command) { return iequals(command.verb, verb); });
    return found == table.end() ? nullptr : &*found;
}

SmtpEngine::SmtpEngine(EngineConfig config) : config_(std::move(config)), line_(config_.max_line_buffer) {}

std::string SmtpEngine::greeting() const {
    std::string out;
    append_reply(out, 220, status::none, fmt::format("{} ESMTP smtpspec reference server", config_.hostname));
    return out;
}

std::vector<std::string> SmtpEngine::ehlo_keywords() const {
    std::vector<std::string> keywords{"PIPELINING", fmt::format("SIZE {}", config_.max_message_size), "8BITMIME",
                                      "ENHANCEDSTATUSCODES", "HELP"};
    // RFC 3207 §4.2: never offered again once TLS is active.
    if (config_.tls_available && !tls_active_) keywords.push_back("STARTTLS");
    return keywords;
}

bool SmtpEngine::feed(std::string_view input, std::string& out) {
    while (!input.empty() && !closed_ && !tls_requested_) {
        const std::size_t used = input_ == Input::message ? consume_message_octets(input, out)
                                                          : consume_command_octets(input, out);
        input.remove_prefix(used);
    }
    return !closed_;
}

std::string SmtpEngine::on_idle_timeout() {
    return closing_reply(status::idle_timeout, "idle for too long, closing connection");
}

std::string SmtpEngine::on_shutdown() {
    return closing_reply(status::shutting_down, "server shutting down, closing connection");
}

std::string SmtpEngine::closing_reply(std::string_view status, std::string_view reason) {
    closed_ = true;
    std::string out;
    append_reply(out, 421, status, fmt::format("{} {}", config_.hostname, reason));
    return out;
}

std::size_t SmtpEngine::consume_command_octets(std::string_view input, std::string& out) {
    const std::size_t used = line_.consume(input);
    if (line_.complete()) {
        execute(out);
        line_.clear();
    }
    return used;
}

std::size_t SmtpEngine::consume_message_octets(std::string_view input, std::string& out) {
    const std::size_t used = message_.consume(input);
    if (!message_.complete()) return used;
    if (message_.size() > config_.max_message_size) {
        append_reply(out, 552, status::message_too_big,
                     fmt::format("Message exceeds fixed maximum message size ({} octets)", config_.max_message_size));
    } else {
        // The reference server takes responsibility by discarding: nothing is ever delivered.
        ++messages_accepted_;
        append_reply(out, 250, status::ok, fmt::format("Message accepted, queued as SMTPSPEC{}", messages_accepted_));
    }
    reset_transaction();
    input_ = Input::commands;
    return used;
}

void SmtpEngine::execute(std::string& out) {
    const std::string_view text = without_trailing_blanks(line_.text());
    const CommandLine line = split_command(text);
    const Command* command = find_command(line.verb);
    const std::size_t limit = max_command_line + (command != nullptr ? command->line_allowance : 0);
    if (line_.length() > limit) {
        append_reply(out, 500, status::line_too_long, fmt::format("Line too long (limit {} octets)", limit));
    } else if (line_.has_bare_line_break()) {
        append_reply(out, 500, status::syntax_error, "Bare CR or LF in command line: lines end with CRLF");
    } else if (text.empty()) {
        append_reply(out, 500, status::syntax_error, "Empty command line");
    } else if (command == nullptr) {
        append_reply(out, 500, status::syntax_error, "Command not recognized");
    } else {
        (this->*command->handle)(line.argument, out);
    }
}

void SmtpEngine::start_transaction() {
    in_transaction_ = true;
    recipients_ = 0;
}

void SmtpEngine::reset_transaction() {
    in_transaction_ = false;
    recipients_ = 0;
}

// --- command handlers ------------------------------------------------------------------------

// HELO and EHLO replies are exempt from enhanced codes (RFC 2034 §3). An accepted one resets
// the session to the initial state, as RSET would (§4.1.4); a rejected one changes nothing.
void SmtpEngine::on_helo(std::string_view argument, std::string& out) {
    if (!is_client_identity(argument)) {
        append_reply(out, 501, status::none, "Syntax: HELO <domain>");
        return;
    }
    greeted_ = true;
    reset_transaction();
    append_reply(out, 250, status::none, config_.hostname);
}

void SmtpEngine::on_ehlo(std::string_view argument, std::string& out) {
    if (!is_client_identity(argument)) {
        append_reply(out, 501, status::none, "Syntax: EHLO <domain or address literal>");
        return;
    }
    greeted_ = true;
    reset_transaction();
    std::vector<std::string> lines{fmt::format("{} greets you", config_.hostname)};
    for (std::string& keyword : ehlo_keywords()) lines.push_back(std::move(keyword));
    append_reply(out, 250, status::none, lines);
}

void SmtpEngine::on_mail(std::string_view argument, std::string& out) {
    if (!greeted_) {
        append_reply(out, 503, status::invalid_command, "Send HELO or EHLO first");
        return;
    }
    if (in_transaction_) {
        append_reply(out, 503, status::invalid_command, "Nested MAIL: a transaction is already open");
        return;
    }
    constexpr std::string_view prefix = "FROM:";
    const Path path = istarts_with(argument, prefix) ? parse_path(argument.substr(prefix.size()), PathKind::reverse)
                                                     : Path{PathProblem::syntax, {}, {}, {}};
    if (path.text.empty()) {
        append_reply(out, 501, status::syntax_error, "Syntax: MAIL FROM:<address> [parameters]");
        return;
    }
    if (path.problem != PathProblem::none) {
        append_reply(out, 501, status::bad_sender_address, path_problem_text(path.problem, "Sender"));
        return;
    }
    if (!parameters_accepted(path.rest, mail_parameter_rules, config_, out)) return;
    start_transaction();
    append_reply(out, 250, status::sender_ok, fmt::format("Sender {} OK", path.text));
}

void SmtpEngine::on_rcpt(std::string_view argument, std::string& out) {
    if (!in_transaction_) {
        append_reply(out, 503, status::invalid_command, "Send MAIL first");
        return;
    }
    constexpr std::string_view prefix = "TO:";
    const Path path = istarts_with(argument, prefix) ? parse_path(argument.substr(prefix.size()), PathKind::forward)
                                                     : Path{PathProblem::syntax, {}, {}, {}};
    if (path.text.empty()) {
        append_reply(out, 501, status::syntax_error, "Syntax: RCPT TO:<address> [parameters]");
        return;
    }
    if (path.problem != PathProblem::none) {
        append_reply(out, 501, status::bad_recipient_address, path_problem_text(path.problem, "Recipient"));
        return;
    }
    if (!parameters_accepted(path.rest, rcpt_parameter_rules, config_, out)) return;
    if (is_unknown_mailbox(path.local_part)) {
        append_reply(out, 550, status::no_such_mailbox, fmt::format("Mailbox {} does not exist", path.text));
        return;
    }
    // An implementation limit, so a temporary 452 (§4.5.3.1.10), never a silent drop.
    if (recipients_ >= config_.max_recipients) {
        append_reply(out, 452, status::too_many_recipients,
                     fmt::format("Too many recipients (limit {} per message)", config_.max_recipients));
        return;
    }
    ++recipients_;
    append_reply(out, 250, status::recipient_ok, fmt::format("Recipient {} OK", path.text));
}

void SmtpEngine::on_data(std::string_view argument, std::string& out) {
    if (!argument.empty()) {
        append_reply(out, 501, status::bad_arguments, "Syntax: DATA (no parameters)");
        return;
    }
    if (!in_transaction_) {
        append_reply(out, 503, status::invalid_command, "Send MAIL first");
        return;
    }
    // 354 only with a valid recipient (RFC 2920 §3.2), so pipelined content after a refused
    // DATA is never taken for a message.
    if (recipients_ == 0) {
        append_reply(out, 554, status::invalid_command, "No valid recipients");
        return;
    }
    message_.clear();
    input_ = Input::message;
    append_reply(out, 354, status::none, "End data with <CR><LF>.<CR><LF>");
}

void SmtpEngine::on_rset(std::string_view argument, std::string& out) {
    if (!argument.empty()) {
        append_reply(out, 501, status::bad_arguments, "Syntax: RSET (no parameters)");
        return;
    }
    reset_transaction();
    append_reply(out, 250, status::ok, "OK");
}

void SmtpEngine::on_noop(std::string_view, std::string& out) { append_reply(out, 250, status::ok, "OK"); }

void SmtpEngine::on_quit(std::string_view argument, std::string& out) {
    if (!argument.empty()) {
        append_reply(out, 501, status::bad_arguments, "Syntax: QUIT (no parameters)");
        return;
    }
    reset_transaction();
    closed_ = true;
    append_reply(out, 221, status::ok, fmt::format("{} closing connection", config_.hostname));
}

// VRFY is required (§4.5.1) but verifying would leak who has a mailbox: disabled for security,
// it MUST get 252 (§7.3), a code that neither confirms nor denies the address.
void SmtpEngine::on_vrfy(std::string_view argument, std::string& out) {
    if (argument.empty()) {
        append_reply(out, 501, status::bad_arguments, "Syntax: VRFY <address>");
        return;
    }
    append_reply(out, 252, status::not_verified, "Not verified; mail to the address will be accepted and tried");
}

void SmtpEngine::on_help(std::string_view argument, std::string& out) {
    if (argument.empty()) {
        std::string verbs;
        for (const Command& command : commands())
            if (!command.help.empty()) verbs += fmt::format("{}{}", verbs.empty() ? "" : " ", command.verb);
        const std::vector<std::string> lines{
            "smtpspec reference server (RFC 5321). Commands:",
            verbs,
            "HELP <command> describes one",
        };
        append_reply(out, 214, status::ok, lines);
        return;
    }
    const Command* command = find_command(argument);
    if (command == nullptr || command->help.empty()) {
        append_reply(out, 504, status::bad_arguments, "No help on that topic");
        return;
    }
    append_reply(out, 214, status::ok, command->help);
}

void SmtpEngine::on_starttls(std::string_view argument, std::string& out) {
    if (!config_.tls_available) return on_not_implemented(argument, out);
    if (!argument.empty()) return append_reply(out, 501, status::bad_arguments, "STARTTLS takes no parameters");
    if (tls_active_) return append_reply(out, 503, status::invalid_command, "TLS is already active");
    append_reply(out, 220, status::ok, "Ready to start TLS");
    tls_requested_ = true;
}

void SmtpEngine::tls_started() {
    // RFC 3207 §4.2: everything learned from the client before TLS is forgotten.
    tls_requested_ = false;
    tls_active_ = true;
    greeted_ = false;
    reset_transaction();
    line_.clear();
    message_.clear();
    input_ = Input::commands;
}

void SmtpEngine::on_not_implemented(std::string_view, std::string& out) {
    append_reply(out, 502, status::invalid_command, "Command not implemented");
}

}  // namespace smtpspec
