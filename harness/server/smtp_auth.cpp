// AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms over the configured users.
#include <fmt/format.h>

#include "core/base64.hpp"
#include "server/smtp_engine.hpp"
#include "server/smtp_reply.hpp"
#include "server/smtp_syntax.hpp"

namespace smtpspec {
namespace {

using namespace smtp;

struct AuthArguments {
    std::string_view mechanism;
    std::optional<std::string_view> initial_response;
};

// AUTH SP sasl-mech [SP initial-response] (RFC 4954 §4, §8); nullopt when it is not that.
std::optional<AuthArguments> parse_auth(std::string_view argument) {
    const auto space = argument.find(' ');
    const std::string_view mechanism = argument.substr(0, space);
    if (mechanism.empty()) return std::nullopt;
    if (space == std::string_view::npos) return AuthArguments{mechanism, std::nullopt};
    const std::string_view response = argument.substr(space + 1);
    if (response.empty() || response.find(' ') != std::string_view::npos) return std::nullopt;
    return AuthArguments{mechanism, response};
}

// initial-response = base64 / "=": "=" stands for a response of no octets (RFC 4954 §4).
std::optional<std::string> decode_initial_response(std::string_view response) {
    if (response == "=") return std::string();
    return base64_decode(response);
}

const Reply invalid_base64{501, status::syntax_error, "Invalid base64 data"};

}  // namespace

void SmtpEngine::on_auth(std::string_view argument, std::string& out) {
    // The mechanisms are listed in the EHLO reply, so a client that asks must have sent EHLO.
    if (!greeted_) return reply(out, 503, status::invalid_command, "Send EHLO first");
    // RFC 4954 §4: MUST 503 after a successful AUTH and inside a mail transaction.
    if (authenticated_) return reply(out, 503, status::invalid_command, "Already authenticated");
    if (transaction_.open) {
        return reply(out, 503, status::invalid_command, "AUTH is not allowed during a mail transaction");
    }
    const auto arguments = parse_auth(argument);
    if (!arguments) return reply(out, 501, status::syntax_error, "Syntax: AUTH <mechanism> [initial-response]");
    start_auth(arguments->mechanism, arguments->initial_response, out);
}

// SASL mechanism names are case-insensitive on the wire, as every ABNF string is.
void SmtpEngine::start_auth(std::string_view mechanism, std::optional<std::string_view> initial_response,
                            std::string& out) {
    const bool plain = iequals(mechanism, "PLAIN");
    if (!plain && !iequals(mechanism, "LOGIN")) {
        return reply(out, 504, status::bad_arguments, "Unrecognized authentication mechanism");
    }
    std::optional<std::string> response;
    if (initial_response) {
        response = decode_initial_response(*initial_response);
        if (!response) return reply(out, invalid_base64);
    }
    if (plain) {
        // PLAIN is client-first (RFC 4616 §2): without an initial response the server sends
        // the empty challenge, "334 " (RFC 4954 §4).
        if (response) return finish_plain(*response, out);
        auth_ = AuthExchange{AuthStep::plain_response, {}};
        return challenge("", out);
    }
    // LOGIN (draft-murchison-sasl-login) asks "Username:" then "Password:". Clients that send
    // the user name as an initial response are common and Microsoft's [MS-XLOGIN] §2.2.2
    // documents it, so that is taken as the first answer rather than refused with RFC 4954's
    // 501 for an initial response to a server-first mechanism.
    if (response) {
        auth_ = AuthExchange{AuthStep::login_password, std::move(*response)};
        return challenge("Password:", out);
    }
    auth_ = AuthExchange{AuthStep::login_username, {}};
    challenge("Username:", out);
}

// continue-req = "334" SP [base64] CRLF: the text is the challenge and nothing else, so no
// enhanced code either (RFC 2034 §3 exempts 3xx). The next line is the client's answer.
void SmtpEngine::challenge(std::string_view text, std::string& out) {
    reply(out, 334, status::none, base64_encode(text));
    input_ = Input::auth_response;
}

// One line of the client's side of the exchange: not a command, whatever it looks like.
void SmtpEngine::execute_auth_response(std::string& out) {
    input_ = Input::commands;
    if (line_.length() > std::min(max_auth_line, config_.max_line_buffer + 2)) {
        auth_.reset();
        return reply(out, 500, status::line_too_long, "Authentication exchange line is too long");
    }
    // RFC 4954 §4: "*" cancels, and the server MUST answer 501.
    if (line_.text() == "*" && !line_.has_bare_line_break()) {
        auth_.reset();
        return reply(out, 501, status::other, "Authentication cancelled");
    }
    // A bare CR or LF is outside the base64 alphabet as much as any other stray octet.
    const auto response = line_.has_bare_line_break() ? std::nullopt : base64_decode(line_.text());
    if (!response) {
        auth_.reset();
        return reply(out, invalid_base64);
    }
    continue_auth(*response, out);
}

void SmtpEngine::continue_auth(std::string_view response, std::string& out) {
    const AuthExchange exchange = *auth_;
    auth_.reset();
    switch (exchange.step) {
        case AuthStep::plain_response: return finish_plain(response, out);
        case AuthStep::login_username:
            auth_ = AuthExchange{AuthStep::login_password, std::string(response)};
            return challenge("Password:", out);
        case AuthStep::login_password: return finish_login(exchange.username, response, out);
    }
}

// message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2). This server lets no user
// act for another, so an authorization identity must be empty or the user's own.
void SmtpEngine::finish_plain(std::string_view message, std::string& out) {
    const auto first = message.find('\0');
    const auto second = first == std::string_view::npos ? first : message.find('\0', first + 1);
    if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos)
        return finish_auth(false, out);
    const std::string_view authzid = message.substr(0, first);
    const std::string_view authcid = message.substr(first + 1, second - first - 1);
    const std::string_view password = message.substr(second + 1);
    finish_auth((authzid.empty() || authzid == authcid) && valid_credentials(authcid, password), out);
}

void SmtpEngine::finish_login(std::string_view username, std::string_view password, std::string& out) {
    finish_auth(valid_credentials(username, password), out);
}

// 235 with 2.7.0 on success; 535 with 5.7.8, RFC 4954 §4's default failure, for any wrong or
// malformed credentials, saying no more about which part was wrong.
void SmtpEngine::finish_auth(bool credentials_valid, std::string& out) {
    if (!credentials_valid) return reply(out, 535, status::bad_credentials, "Authentication credentials invalid");
    authenticated_ = true;
    reply(out, 235, status::authenticated, "Authentication successful");
}

bool SmtpEngine::valid_credentials(std::string_view user, std::string_view password) const {
    const auto found = config_.users.find(std::string(user));
    return !user.empty() && found != config_.users.end() && found->second == password;
}

}  // namespace smtpspec
