#include "core/content_checks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/capabilities.hpp"

namespace smtpspec {

namespace {

bool is_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// RFC 5321 §4.1.2: sub-domain = Let-dig [Ldh-str], joined by dots.
bool is_domain(std::string_view text) {
    if (text.empty() || text.size() > 255) return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find('.', start), text.size());
        const auto label = text.substr(start, end - start);
        if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
        if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) return false;
        start = end + 1;
    }
    return true;
}

// "[192.0.2.1]", "[IPv6:...]": the brackets and printable content (RFC 5321 §4.1.3).
bool is_address_literal(std::string_view text) {
    return text.size() > 2 && text.front() == '[' && text.back() == ']' &&
           std::all_of(text.begin() + 1, text.end() - 1, [](char c) { return c > ' ' && c < 127 && c != '[' && c != ']'; });
}

std::string_view first_word(std::string_view line) { return line.substr(0, line.find(' ')); }

std::optional<ContentProblem> problem(std::string rfc, std::string detail) {
    return ContentProblem{std::move(rfc), std::move(detail)};
}

// ehlo-line = ehlo-keyword *( SP ehlo-param ); ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT
// / "-"); ehlo-param = 1*(%d33-126) (RFC 5321 §4.1.1.1).
std::optional<std::string> ehlo_line_problem(std::string_view line) {
    const auto keyword = first_word(line);
    if (keyword.empty() || !is_alnum(keyword.front()) ||
        !std::all_of(keyword.begin(), keyword.end(), [](char c) { return is_alnum(c) || c == '-'; }))
        return fmt::format("'{}' is not an EHLO keyword (letters, digits and '-', starting with a letter or digit)",
                           keyword);
    std::size_t at = keyword.size();
    while (at < line.size()) {
        if (line[at] != ' ') return "parameters are separated by single spaces";
        const auto end = std::min(line.find(' ', at + 1), line.size());
        const auto param = line.substr(at + 1, end - at - 1);
        if (param.empty()) return "an empty parameter (two spaces, or a trailing space)";
        if (!std::all_of(param.begin(), param.end(), [](char c) { return c >= 33 && c <= 126; }))
            return fmt::format("parameter '{}' holds octets outside %d33-126", param);
        at = end;
    }
    return std::nullopt;
}

std::optional<ContentProblem> ehlo_syntax(const Reply& reply) {
    if (reply.code != 250 || reply.lines.empty()) return std::nullopt;
    const auto domain = first_word(reply.lines.front());
    if (!is_domain(domain) && !is_address_literal(domain))
        return problem("RFC 5321 §4.1.1.1",
                       fmt::format("line 1: the EHLO reply must begin with the server's domain or address literal, "
                                   "found '{}'", domain));
    for (std::size_t i = 1; i < reply.lines.size(); ++i)
        if (const auto why = ehlo_line_problem(reply.lines[i]))
            return problem("RFC 5321 §4.1.1.1", fmt::format("line {}: {}", i + 1, *why));
    return std::nullopt;
}

// Greeting = "220 " (Domain / address-literal) [SP textstring] (RFC 5321 §4.2, §4.3.1).
std::optional<ContentProblem> greeting_syntax(const Reply& reply) {
    if (reply.code != 220 || reply.lines.empty()) return std::nullopt;
    const auto domain = first_word(reply.lines.front());
    if (is_domain(domain) || is_address_literal(domain)) return std::nullopt;
    return problem("RFC 5321 §4.2",
                   fmt::format("the greeting must name the server's domain or address literal first, found '{}'", domain));
}

}  // namespace

bool is_content_check(std::string_view name) {
    return std::find(std::begin(content_check_names), std::end(content_check_names), name) !=
           std::end(content_check_names);
}

std::optional<ContentProblem> run_content_check(std::string_view name, const Reply& reply) {
    if (name == "ehlo-syntax") return ehlo_syntax(reply);
    if (name == "greeting-syntax") return greeting_syntax(reply);
    return std::nullopt;
}

std::optional<ContentProblem> check_advertised(const Reply& reply, std::span<const std::string> wanted,
                                               std::span<const std::string> unwanted) {
    if (reply.code != 250 || (wanted.empty() && unwanted.empty())) return std::nullopt;
    const auto capabilities = Capabilities::from_ehlo(reply);
    for (const auto& keyword : wanted)
        if (!capabilities.offers(keyword))
            return problem("", fmt::format("the EHLO reply does not advertise {}", keyword));
    for (const auto& keyword : unwanted)
        if (capabilities.offers(keyword)) return problem("", fmt::format("the EHLO reply advertises {}", keyword));
    return std::nullopt;
}

}  // namespace smtpspec
