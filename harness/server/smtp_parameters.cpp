#include "server/smtp_parameters.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>
#include <vector>

#include "server/smtp_syntax.hpp"

namespace smtpspec::smtp {
namespace {

// The parameter's value, nullopt when it has no "=" part.
using Value = std::optional<std::string_view>;
// Judges a parameter's value; nullopt when it is accepted.
using Check = std::optional<Reply> (*)(Value value, const ParameterContext& context, MailRequest& request);

struct ParameterRule {
    std::string_view keyword;
    ParameterVerb verb;
    Extension extension;          // not offered: the parameter gets 555 like an unknown one
    std::size_t line_allowance;   // octets it may add to the command line
    std::string_view usage;
    Check check;
};

Reply bad_value(std::string_view text) { return {501, status::bad_arguments, std::string(text)}; }

// SIZE=1*20DIGIT, the declared message size (RFC 1870 §3); over the fixed maximum gets 552
// (§6.1).
std::optional<Reply> check_size(Value value, const ParameterContext& context, MailRequest&) {
    if (!value || value->size() > 20 || !all_of(*value, is_digit)) return bad_value("SIZE takes a number of octets");
    const auto size = parse_decimal(*value);
    if (!size || *size > context.max_message_size) {
        return Reply{552, status::message_too_big,
                     fmt::format("Message size exceeds fixed maximum message size ({} octets)",
                                 context.max_message_size)};
    }
    return std::nullopt;
}

// BODY=7BIT|8BITMIME (RFC 6152 §2), or BINARYMIME where CHUNKING and BINARYMIME are offered
// (RFC 3030 §3).
std::optional<Reply> check_body(Value value, const ParameterContext& context, MailRequest& request) {
    if (value && (iequals(*value, "7BIT") || iequals(*value, "8BITMIME"))) return std::nullopt;
    if (value && iequals(*value, "BINARYMIME")) {
        if (!context.offered.contains(Extension::binarymime))
            return Reply{555, status::bad_arguments, "BODY=BINARYMIME is not offered"};
        request.binarymime = true;
        return std::nullopt;
    }
    return bad_value(context.offered.contains(Extension::binarymime) ? "BODY takes 7BIT, 8BITMIME or BINARYMIME"
                                                                     : "BODY takes 7BIT or 8BITMIME");
}

// SMTPUTF8 takes no value (RFC 6531 §3.4).
std::optional<Reply> check_smtputf8(Value value, const ParameterContext&, MailRequest& request) {
    if (value) return bad_value("SMTPUTF8 takes no value");
    request.smtputf8 = true;
    return std::nullopt;
}

// Printable US-ASCII, the characters ENVID and ORCPT may hold before xtext encoding
// (RFC 3461 §4.2, §4.4: "graphic and white space").
bool is_printable(char c) { return c >= 32 && c <= 126; }

bool is_printable_xtext(std::string_view text) {
    const auto decoded = decode_xtext(text);
    return decoded && all_of(*decoded, is_printable);
}

// RET=FULL|HDRS (RFC 3461 §4.3).
std::optional<Reply> check_ret(Value value, const ParameterContext&, MailRequest&) {
    if (value && (iequals(*value, "FULL") || iequals(*value, "HDRS"))) return std::nullopt;
    return bad_value("RET takes FULL or HDRS");
}

// ENVID=xtext, at most 100 characters (RFC 3461 §4.4).
std::optional<Reply> check_envid(Value value, const ParameterContext&, MailRequest&) {
    constexpr std::size_t max_envid = 100;
    if (value && value->size() <= max_envid && is_printable_xtext(*value)) return std::nullopt;
    return bad_value("ENVID takes printable xtext of at most 100 characters");
}

// AUTH=xtext, the mailbox that submitted the message or "<>" (RFC 4954 §5). An identity the
// server does not trust is treated as "<>", so only the encoding can be wrong.
std::optional<Reply> check_auth(Value value, const ParameterContext&, MailRequest&) {
    if (value && decode_xtext(*value)) return std::nullopt;
    return bad_value("AUTH takes an xtext-encoded mailbox or <>");
}

// NOTIFY=NEVER, or a comma list of SUCCESS, FAILURE and DELAY; NEVER only alone (RFC 3461
// §4.1).
std::optional<Reply> check_notify(Value value, const ParameterContext&, MailRequest&) {
    const auto is_condition = [](std::string_view word) {
        return iequals(word, "SUCCESS") || iequals(word, "FAILURE") || iequals(word, "DELAY");
    };
    if (value && (iequals(*value, "NEVER") || all_parts(*value, ',', is_condition))) return std::nullopt;
    return bad_value("NOTIFY takes NEVER or a list of SUCCESS, FAILURE and DELAY");
}

// RFC 6533 §3's address of type "utf-8": utf-8-addr-xtext, or utf-8-addr-unitext (raw UTF-8)
// in an SMTPUTF8 transaction. Both escape with "\x{HEX}" and exclude "+" and "=".
bool is_utf8_address(std::string_view text, Charset charset) {
    while (!text.empty()) {
        if (text.front() == '\\') {   // EmbeddedUnicodeChar = %x5C.78 "{" HEXPOINT "}"
            constexpr std::string_view opening = "\\x{";
            const auto close = text.starts_with(opening) ? text.find('}') : std::string_view::npos;
            if (close == std::string_view::npos) return false;
            const std::string_view hex = text.substr(opening.size(), close - opening.size());
            if (hex.size() < 2 || hex.size() > 6 || !all_of(hex, is_hex)) return false;
            text.remove_prefix(close + 1);
            continue;
        }
        const auto next_escape = std::min(text.find('\\'), text.size());
        const bool qchars = all_characters(text.substr(0, next_escape), charset,
                                           [](char c) { return c >= 33 && c <= 126 && c != '+' && c != '='; });
        if (!qchars) return false;
        text.remove_prefix(next_escape);
    }
    return true;
}

// ORCPT=addr-type;xtext, at most 500 characters (RFC 3461 §4.2); addr-type is an atom.
std::optional<Reply> check_orcpt(Value value, const ParameterContext& context, MailRequest&) {
    constexpr std::size_t max_orcpt = 500;
    const auto semicolon = value ? value->find(';') : std::string_view::npos;
    if (semicolon != std::string_view::npos && value->size() <= max_orcpt) {
        const std::string_view type = value->substr(0, semicolon);
        const std::string_view address = value->substr(semicolon + 1);
        const auto charset = context.smtputf8_transaction ? Charset::utf8 : Charset::ascii;
        const bool address_ok = iequals(type, "utf-8") ? is_utf8_address(address, charset)
                                                       : is_printable_xtext(address);
        if (!type.empty() && all_of(type, is_atext) && !address.empty() && address_ok) return std::nullopt;
    }
    return bad_value("ORCPT takes <address type>;<xtext address> of at most 500 characters");
}

// The allowances are what each RFC names: SIZE 26 (RFC 1870 §3), BODY=BINARYMIME 16 (RFC 3030
// §3), SMTPUTF8 10 (RFC 6531 §3.1), AUTH 500 (RFC 4954 §3), and RFC 3461 §5.4's minimums for
// RET 8, ENVID 100, NOTIFY 28 and ORCPT 500.
constexpr std::array<ParameterRule, 8> parameter_rules{{
    {"SIZE", ParameterVerb::mail, Extension::size, 26, "[SIZE=<octets>]", check_size},
    {"BODY", ParameterVerb::mail, Extension::eightbitmime, 16, "[BODY=<type>]", check_body},
    {"SMTPUTF8", ParameterVerb::mail, Extension::smtputf8, 10, "[SMTPUTF8]", check_smtputf8},
    {"RET", ParameterVerb::mail, Extension::dsn, 8, "[RET=FULL|HDRS]", check_ret},
    {"ENVID", ParameterVerb::mail, Extension::dsn, 100, "[ENVID=<xtext>]", check_envid},
    {"AUTH", ParameterVerb::mail, Extension::auth, 500, "[AUTH=<xtext>|<>]", check_auth},
    {"NOTIFY", ParameterVerb::rcpt, Extension::dsn, 28, "[NOTIFY=<conditions>]", check_notify},
    {"ORCPT", ParameterVerb::rcpt, Extension::dsn, 500, "[ORCPT=<type>;<xtext>]", check_orcpt},
}};

template <typename Visitor>
void for_each_offered_rule(ParameterVerb verb, const ExtensionSet& offered, Visitor visit) {
    for (const ParameterRule& rule : parameter_rules)
        if (rule.verb == verb && offered.contains(rule.extension)) visit(rule);
}

const ParameterRule* find_offered_rule(std::string_view keyword, ParameterVerb verb, const ExtensionSet& offered) {
    const ParameterRule* found = nullptr;
    for_each_offered_rule(verb, offered, [&](const ParameterRule& rule) {
        if (iequals(rule.keyword, keyword)) found = &rule;
    });
    return found;
}

// esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_parameter_keyword(std::string_view text) {
    return !text.empty() && is_alnum(text.front()) && all_of(text, [](char c) { return is_alnum(c) || c == '-'; });
}

// esmtp-value = 1*(%d33-60 / %d62-126), which RFC 6531 §3.3 extends with UTF8-non-ascii.
bool is_parameter_value(std::string_view text, Charset charset) {
    return !text.empty() && all_characters(text, charset, [](char c) { return c >= 33 && c <= 126 && c != '='; });
}

struct Parameter {
    std::string_view keyword;
    Value value;
};

Parameter split_parameter(std::string_view text) {
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) return {text, std::nullopt};
    return {text.substr(0, equals), text.substr(equals + 1)};
}

// UTF-8 may appear in parameter values only where SMTPUTF8 is in effect: on a MAIL that asks
// for it, and on the RCPTs of its transaction (RFC 6531 §3.3, §3.4).
Charset value_charset(std::string_view text, ParameterVerb verb, const ParameterContext& context) {
    if (!context.offered.contains(Extension::smtputf8)) return Charset::ascii;
    if (verb == ParameterVerb::rcpt) return context.smtputf8_transaction ? Charset::utf8 : Charset::ascii;
    const bool asks = !all_words(text, [](std::string_view word) { return !iequals(word, "SMTPUTF8"); });
    return asks ? Charset::utf8 : Charset::ascii;
}

}  // namespace

std::optional<Reply> check_parameters(std::string_view text, ParameterVerb verb, const ParameterContext& context,
                                      MailRequest& request) {
    if (!text.empty() && text.front() != ' ')
        return Reply{501, status::syntax_error, "Parameters must be separated from the path by a space"};
    const Charset charset = value_charset(text, verb, context);
    std::vector<std::string_view> seen;
    std::optional<Reply> refusal;
    all_words(text, [&](std::string_view word) {
        const Parameter parameter = split_parameter(word);
        if (!is_parameter_keyword(parameter.keyword) ||
            (parameter.value && !is_parameter_value(*parameter.value, charset))) {
            refusal = bad_value("Malformed parameter");
        } else if (std::any_of(seen.begin(), seen.end(),
                               [&](std::string_view keyword) { return iequals(keyword, parameter.keyword); })) {
            // RFC 1870 §6 (one SIZE), RFC 6152 §2 (one BODY), RFC 3461 §4.5 (each DSN one).
            refusal = bad_value("Parameter given twice");
        } else if (const ParameterRule* rule = find_offered_rule(parameter.keyword, verb, context.offered)) {
            refusal = rule->check(parameter.value, context, request);
        } else {
            // RFC 5321 §4.1.1.11: unknown, or of an extension this server does not offer.
            refusal = Reply{555, status::bad_arguments, "Parameter not recognized"};
        }
        seen.push_back(parameter.keyword);
        return !refusal;
    });
    return refusal;
}

std::size_t parameter_line_allowance(ParameterVerb verb, const ExtensionSet& offered) {
    std::size_t total = 0;
    for_each_offered_rule(verb, offered, [&](const ParameterRule& rule) { total += rule.line_allowance; });
    return total;
}

std::string parameter_usage(ParameterVerb verb, const ExtensionSet& offered) {
    std::string usage;
    for_each_offered_rule(verb, offered, [&](const ParameterRule& rule) { usage += fmt::format(" {}", rule.usage); });
    return usage;
}

}  // namespace smtpspec::smtp
