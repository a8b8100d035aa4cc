#include "server/smtp_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "server/smtp_parameters.hpp"
#include "server/smtp_reply.hpp"
#include "server/smtp_syntax.hpp"

namespace smtpspec {
namespace {

using namespace smtp;

// RFC 5321 §4.5.3.1.5, CRLF included.
constexpr std::size_t max_reply_line = 512;

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

struct CommandLine {
    std::string_view verb;
    std::string_view argument;
};

CommandLine split_command(std::string_view text) {
    const auto space = text.find(' ');
    if (space == std::string_view::npos) return {text, {}};
    return {text.substr(0, space), without_leading_spaces(text.substr(space + 1))};
}

// " <path>" for replies that name the path, empty when the path is not ASCII: reply text is
// ASCII only (RFC 5321 §4.2; RFC 6531 §3.7.4 allows UTF-8 only in a few named replies).
std::string shown(const Path& path) {
    return all_of(path.text, is_ascii) ? fmt::format(" {}", path.text) : std::string();
}

std::string_view path_problem_text(PathProblem problem) {
    switch (problem) {
        case PathProblem::none: break;
        case PathProblem::syntax: return "bad syntax";
        case PathProblem::local_part_too_long: return "local-part too long (limit 64 octets)";
        case PathProblem::domain_too_long: return "domain too long (limit 255 octets)";
        case PathProblem::path_too_long: return "path too long (limit 256 octets)";
    }
    return {};
}

// 501 for a path that breaks RFC 5321 §4.1.2's grammar or limits. Without SMTPUTF8 on offer a
// non-ASCII mailbox is such a path: invalid characters get 501 (§4.1.2).
std::optional<Reply> path_refusal(const Path& path, PathKind kind, bool smtputf8_offered) {
    const auto status = kind == PathKind::reverse ? status::bad_sender_address : status::bad_recipient_address;
    const std::string_view role = kind == PathKind::reverse ? "Sender" : "Recipient";
    if (path.problem != PathProblem::none)
        return Reply{501, status, fmt::format("{} address: {}", role, path_problem_text(path.problem))};
    if (path.non_ascii && !smtputf8_offered)
        return Reply{501, status,
                     fmt::format("{} address: non-ASCII characters need SMTPUTF8, which is not offered", role)};
    return std::nullopt;
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
        if (octet == '\n' && line_end_ == LineEnd::crlf_or_bare_lf) {
            complete_ = true;
        } else if (octet == '\r') {
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
    while (used < input.size() && !complete() && take(input[used])) ++used;
    return used;
}

bool MessageReader::take(char octet) {
    switch (position_) {
        case Position::line_start:
            if (octet == '.') {
                position_ = Position::after_leading_dot;
                return true;
            }
            break;
        case Position::after_leading_dot:   // the dot is stuffing unless CRLF follows at once
            if (octet == '\r') {
                position_ = Position::after_dot_cr;
                return true;
            }
            if (octet == '\n' && lenient()) {   // <LF>.<LF>, <CRLF>.<LF>
                position_ = Position::ended;
                return true;
            }
            break;
        case Position::after_dot_cr:
            if (octet == '\n') {
                position_ = Position::ended;
                return true;
            }
            if (lenient()) {   // <CR>.<CR>, <LF>.<CR>: the octet after the CR is a command's
                position_ = Position::ended;
                return false;
            }
            ++size_;   // the CR was content after a stuffed dot, and it was bare
            position_ = Position::in_line;
            break;
        case Position::after_cr:
            if (octet == '.' && lenient()) {   // a bare CR taken for a line end
                position_ = Position::after_leading_dot;
                return true;
            }
            break;
        case Position::in_line:
        case Position::ended:
            break;
    }
    take_in_line(octet);
    return true;
}

void MessageReader::take_in_line(char octet) {
    ++size_;
    if ((position_ == Position::after_cr || lenient()) && octet == '\n') {
        position_ = Position::line_start;
        return;
    }
    position_ = octet == '\r' ? Position::after_cr : Position::in_line;
}

void MessageReader::clear() {
    position_ = Position::line_start;
    size_ = 0;
}

// --- the command table -----------------------------------------------------------------------

struct SmtpEngine::Command {
    std::string_view verb;
    Handler handle;
    std::optional<Extension> needs = {};   // the EHLO keyword that offers the verb; not offered: 502
    std::string_view usage = {};           // for HELP; empty for verbs the server does not implement
    std::string_view purpose = {};
    std::optional<ParameterVerb> parameters = {};   // takes MAIL or RCPT parameters
    std::size_t line_limit = max_command_line;
};

std::span<const SmtpEngine::Command> SmtpEngine::commands() {
    using enum Extension;
    static constexpr Command table[] = {
        {"HELO", &SmtpEngine::on_helo, {}, "HELO <domain>", "identify the client"},
        {"EHLO", &SmtpEngine::on_ehlo, {}, "EHLO <domain>", "identify the client and list the extensions"},
        {"MAIL", &SmtpEngine::on_mail, {}, "MAIL FROM:<reverse-path>", "start a transaction", ParameterVerb::mail},
        {"RCPT", &SmtpEngine::on_rcpt, {}, "RCPT TO:<forward-path>", "add a recipient", ParameterVerb::rcpt},
        {"DATA", &SmtpEngine::on_data, {}, "DATA", "send the message, ended by a line holding only a dot"},
        {"BDAT", &SmtpEngine::on_bdat, chunking, "BDAT <size> [LAST]",
         "send the next <size> octets of the message as they are"},
        {"RSET", &SmtpEngine::on_rset, {}, "RSET", "abort the transaction"},
        {"NOOP", &SmtpEngine::on_noop, {}, "NOOP [text]", "do nothing"},
        {"QUIT", &SmtpEngine::on_quit, {}, "QUIT", "end the session"},
        {"VRFY", &SmtpEngine::on_vrfy, {}, "VRFY <address>", "never verifies (RFC 5321 section 7.3), always 252"},
        {"HELP", &SmtpEngine::on_help, help, "HELP [command]", "list the commands or describe one"},
        {"AUTH", &SmtpEngine::on_auth, auth, "AUTH PLAIN|LOGIN [initial-response]", "authenticate (RFC 4954)", {},
         max_auth_line},
        {"STARTTLS", &SmtpEngine::on_starttls, starttls, "STARTTLS", "start TLS (RFC 3207)"},
        // Obsolete (RFC 5321 App. F.1, F.6): recognised, and implemented only by the deprecated
        // personality. RFC 821's SEND, SOML and SAML start a transaction as MAIL does; this
        // server delivers to no terminal, so they are MAIL under another name.
        {"SEND", &SmtpEngine::on_mail, send_soml_saml, "SEND FROM:<reverse-path>", "start a transaction (obsolete)",
         ParameterVerb::mail},
        {"SOML", &SmtpEngine::on_mail, send_soml_saml, "SOML FROM:<reverse-path>", "start a transaction (obsolete)",
         ParameterVerb::mail},
        {"SAML", &SmtpEngine::on_mail, send_soml_saml, "SAML FROM:<reverse-path>", "start a transaction (obsolete)",
         ParameterVerb::mail},
        {"TURN", &SmtpEngine::on_turn, turn, "TURN", "swap the client and server roles (obsolete)"},
        // EXPN is optional and a privacy risk (RFC 5321 §3.5.2, §7.3). §7.3's 252 is for a site
        // that disables a command it implements; this server has no lists to expand, so EXPN is
        // not implemented: 502, kept out of the EHLO list (§3.5.2 makes listing an implemented
        // EXPN a MUST), and legal in every profile, whereas RFC 821's EXPN list lacks 252.
        {"EXPN", &SmtpEngine::on_not_implemented},
        {"ETRN", &SmtpEngine::on_etrn, etrn, "ETRN [@|#]<node>", "start the queue for a node (RFC 1985)"},
        // ATRN belongs to On-Demand Mail Relay (RFC 2645), a service on its own port that needs
        // CRAM-MD5; this server does not offer it in any personality.
        {"ATRN", &SmtpEngine::on_not_implemented},
    };
    return table;
}

const SmtpEngine::Command* SmtpEngine::find_command(std::string_view verb) {
    const auto table = commands();
    const auto found =
        std::find_if(table.begin(), table.end(), [&](const Command& command) { return iequals(command.verb, verb); });
    return found == table.end() ? nullptr : &*found;
}

bool SmtpEngine::command_offered(const Command& command) const {
    return !command.needs || offers(*command.needs);
}

// --- the session -----------------------------------------------------------------------------

SmtpEngine::SmtpEngine(EngineConfig config)
    : config_(std::move(config)),
      line_(config_.max_line_buffer, config_.personality == Personality::bare_lf
                                         ? LineReader::LineEnd::crlf_or_bare_lf
                                         : LineReader::LineEnd::crlf),
      message_(config_.personality == Personality::smuggling ? MessageReader::EndOfData::any_line_break
                                                             : MessageReader::EndOfData::crlf_dot_crlf) {}

std::string SmtpEngine::greeting() const {
    std::string out;
    append_reply_line(out, 220, true, status::none, fmt::format("{} ESMTP smtpspec reference server", config_.hostname));
    return out;
}

ExtensionSet SmtpEngine::offered() const {
    ExtensionSet set;
    // RFC 5321 alone: nothing beyond the commands §4.5.1 requires. HELP is optional, and
    // §4.1.1.1 says an EHLO reply MUST list every optional command served, so it goes too.
    if (config_.personality == Personality::minimal) return set;
    using enum Extension;
    for (Extension always : {pipelining, size, eightbitmime, smtputf8, chunking, binarymime, dsn,
                             enhanced_status_codes, help, etrn})
        set.add(always);
    if (config_.plaintext_auth || tls_active_) set.add(auth);
    if (config_.personality == Personality::deprecated) {
        set.add(send_soml_saml);
        set.add(turn);
    }
    // RFC 3207 §4.2: never offered again once TLS is active.
    if (config_.tls_available && !tls_active_) set.add(starttls);
    return set;
}

std::vector<std::string> SmtpEngine::ehlo_keywords() const {
    const ExtensionSet set = offered();
    std::vector<std::string> keywords;
    const auto add = [&](Extension extension, std::initializer_list<std::string_view> lines) {
        if (set.contains(extension))
            for (std::string_view line : lines) keywords.emplace_back(line);
    };
    using enum Extension;
    add(pipelining, {"PIPELINING"});
    if (set.contains(size)) keywords.push_back(fmt::format("SIZE {}", config_.max_message_size));
    add(eightbitmime, {"8BITMIME"});
    add(smtputf8, {"SMTPUTF8"});
    add(chunking, {"CHUNKING"});
    add(binarymime, {"BINARYMIME"});
    add(dsn, {"DSN"});
    add(enhanced_status_codes, {"ENHANCEDSTATUSCODES"});
    add(auth, {"AUTH PLAIN LOGIN"});
    add(help, {"HELP"});
    add(etrn, {"ETRN"});
    // RFC 5321 App. F.6: an implemented SEND, SOML or SAML MUST be in the EHLO response.
    add(send_soml_saml, {"SEND", "SOML", "SAML"});
    add(turn, {"TURN"});
    add(starttls, {"STARTTLS"});
    return keywords;
}

bool SmtpEngine::feed(std::string_view input, std::string& out) {
    consumed_ = 0;
    while (consumed_ < input.size() && !closed_ && !tls_requested_) {
        const std::string_view rest = input.substr(consumed_);
        switch (input_) {
            case Input::commands:
            case Input::auth_response: consumed_ += consume_command_octets(rest, out); break;
            case Input::message: consumed_ += consume_message_octets(rest, out); break;
            case Input::chunk: consumed_ += consume_chunk_octets(rest, out); break;
        }
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
    reply(out, 421, status, fmt::format("{} {}", config_.hostname, reason));
    return out;
}

std::size_t SmtpEngine::consume_command_octets(std::string_view input, std::string& out) {
    const std::size_t used = line_.consume(input);
    if (line_.complete()) {
        if (input_ == Input::auth_response) {
            execute_auth_response(out);
        } else {
            execute(out);
        }
        line_.clear();
    }
    return used;
}

std::size_t SmtpEngine::consume_message_octets(std::string_view input, std::string& out) {
    const std::size_t used = message_.consume(input);
    if (!message_.complete()) return used;
    input_ = Input::commands;
    if (message_.size() > config_.max_message_size) {
        reply(out, 552, status::message_too_big,
              fmt::format("Message exceeds fixed maximum message size ({} octets)", config_.max_message_size));
        reset_transaction();
        return used;
    }
    accept_message(out);
    return used;
}

// The reference server takes responsibility by discarding: nothing is ever delivered.
void SmtpEngine::accept_message(std::string& out) {
    ++messages_accepted_;
    reply(out, 250, status::ok, fmt::format("Message accepted, queued as SMTPSPEC{}", messages_accepted_));
    reset_transaction();
}

// The line may not exceed 512 octets plus what the offered parameters add (§4.5.3.1.4), nor
// the buffer: a longer line was cut and must not be taken for what it says.
std::size_t SmtpEngine::line_limit(const Command* command) const {
    std::size_t limit = max_command_line;
    if (command != nullptr) {
        limit = command->line_limit;
        if (command->parameters) limit += parameter_line_allowance(*command->parameters, offered());
    }
    return std::min(limit, config_.max_line_buffer + 2);
}

void SmtpEngine::execute(std::string& out) {
    const std::string_view text = without_trailing_blanks(line_.text());
    const CommandLine line = split_command(text);
    const Command* command = find_command(line.verb);
    const std::size_t limit = line_limit(command);
    if (line_.length() > limit) {
        reply(out, 500, status::line_too_long, fmt::format("Line too long (limit {} octets)", limit));
    } else if (line_.has_bare_line_break()) {
        reply(out, 500, status::syntax_error, "Bare CR or LF in command line: lines end with CRLF");
    } else if (text.empty()) {
        reply(out, 500, status::syntax_error, "Empty command line");
    } else if (command == nullptr) {
        reply(out, 500, status::syntax_error, "Command not recognized");
    } else if (!command_offered(*command)) {
        on_not_offered(*command, out);
    } else {
        (this->*command->handle)(line.argument, out);
    }
}

void SmtpEngine::reset_transaction() { transaction_ = Transaction{}; }

// --- replies ---------------------------------------------------------------------------------

// RFC 2034 §3: with ENHANCEDSTATUSCODES offered, every reply but the exempt ones carries its
// code; the no-enhanced personality leaves them out anyway.
bool SmtpEngine::sends_enhanced_codes() const {
    return offers(Extension::enhanced_status_codes) && config_.personality != Personality::no_enhanced;
}

void SmtpEngine::reply(std::string& out, int code, std::string_view status, std::string_view text) const {
    append_reply_line(out, code, true, sends_enhanced_codes() ? status : status::none, text);
}

void SmtpEngine::reply(std::string& out, int code, std::string_view status, std::span<const std::string> lines) const {
    const std::string_view sent_status = sends_enhanced_codes() ? status : status::none;
    for (std::size_t i = 0; i < lines.size(); ++i)
        append_reply_line(out, code, i + 1 == lines.size(), sent_status, lines[i]);
}

void SmtpEngine::reply(std::string& out, const Reply& rejection) const {
    reply(out, rejection.code, rejection.status, rejection.text);
}

// 250 for NOOP and RSET (RFC 5321 §4.1.1.5, §4.1.1.9); the legacy-200 personality sends the
// 200 some early servers did (RFC 876 documents it as a bug).
void SmtpEngine::reply_ok(std::string& out) const {
    reply(out, config_.personality == Personality::legacy_200 ? 200 : 250, status::ok, "OK");
}

// --- HELO, EHLO, MAIL, RCPT, DATA (RFC 5321 §4.1.1) -----------------------------------------

// HELO and EHLO replies are exempt from enhanced codes (RFC 2034 §3). An accepted one resets
// the session to the initial state, as RSET would (§4.1.4); a rejected one changes nothing.
void SmtpEngine::on_helo(std::string_view argument, std::string& out) {
    if (!is_client_identity(argument)) return reply(out, 501, status::none, "Syntax: HELO <domain>");
    greeted_ = true;
    reset_transaction();
    reply(out, 250, status::none, config_.hostname);
}

void SmtpEngine::on_ehlo(std::string_view argument, std::string& out) {
    if (!is_client_identity(argument)) {
        return reply(out, 501, status::none, "Syntax: EHLO <domain or address literal>");
    }
    greeted_ = true;
    reset_transaction();
    std::vector<std::string> lines{fmt::format("{} greets you", config_.hostname)};
    for (std::string& keyword : ehlo_keywords()) lines.push_back(std::move(keyword));
    reply(out, 250, status::none, lines);
}

// MAIL, and SEND, SOML and SAML where the deprecated personality offers them.
void SmtpEngine::on_mail(std::string_view argument, std::string& out) {
    if (!greeted_) return reply(out, 503, status::invalid_command, "Send HELO or EHLO first");
    if (transaction_.open) {
        return reply(out, 503, status::invalid_command, "Nested MAIL: a transaction is already open");
    }
    constexpr std::string_view prefix = "FROM:";
    const Path path = istarts_with(argument, prefix) ? parse_path(argument.substr(prefix.size()), PathKind::reverse)
                                                     : Path{};
    if (path.text.empty()) return reply(out, 501, status::syntax_error, "Syntax: MAIL FROM:<address> [parameters]");
    if (const auto refusal = path_refusal(path, PathKind::reverse, offers(Extension::smtputf8)))
        return reply(out, *refusal);
    MailRequest request;
    const ParameterContext context{offered(), config_.max_message_size, false};
    if (const auto refusal = check_parameters(path.rest, ParameterVerb::mail, context, request))
        return reply(out, *refusal);
    // RFC 6531 §3.5: a UTF-8 sender without the SMTPUTF8 parameter gets 550 with X.6.7.
    if (path.non_ascii && !request.smtputf8) {
        return reply(out, 550, status::non_ascii_address,
                     "Sender address: non-ASCII characters need the SMTPUTF8 parameter");
    }
    transaction_ = Transaction{.open = true, .smtputf8 = request.smtputf8, .binarymime = request.binarymime};
    reply(out, 250, status::sender_ok, fmt::format("Sender{} OK", shown(path)));
}

void SmtpEngine::on_rcpt(std::string_view argument, std::string& out) {
    if (!transaction_.open) return reply(out, 503, status::invalid_command, "Send MAIL first");
    constexpr std::string_view prefix = "TO:";
    const Path path = istarts_with(argument, prefix) ? parse_path(argument.substr(prefix.size()), PathKind::forward)
                                                     : Path{};
    if (path.text.empty()) return reply(out, 501, status::syntax_error, "Syntax: RCPT TO:<address> [parameters]");
    if (const auto refusal = path_refusal(path, PathKind::forward, offers(Extension::smtputf8)))
        return reply(out, *refusal);
    MailRequest request;
    const ParameterContext context{offered(), config_.max_message_size, transaction_.smtputf8};
    if (const auto refusal = check_parameters(path.rest, ParameterVerb::rcpt, context, request))
        return reply(out, *refusal);
    // RFC 6531 §3.5: a UTF-8 recipient in a transaction without SMTPUTF8 gets 553 with X.6.7.
    if (path.non_ascii && !transaction_.smtputf8) {
        return reply(out, 553, status::non_ascii_address,
                     "Recipient address: non-ASCII characters need SMTPUTF8 on MAIL");
    }
    if (is_unknown_mailbox(path.local_part)) {
        return reply(out, 550, status::no_such_mailbox, fmt::format("Mailbox{} does not exist", shown(path)));
    }
    // An implementation limit, so a temporary 452 (§4.5.3.1.10), never a silent drop.
    if (transaction_.recipients >= config_.max_recipients) {
        return reply(out, 452, status::too_many_recipients,
                     fmt::format("Too many recipients (limit {} per message)", config_.max_recipients));
    }
    ++transaction_.recipients;
    reply(out, 250, status::recipient_ok, fmt::format("Recipient{} OK", shown(path)));
}

void SmtpEngine::on_data(std::string_view argument, std::string& out) {
    if (!argument.empty()) return reply(out, 501, status::bad_arguments, "Syntax: DATA (no parameters)");
    if (!transaction_.open) return reply(out, 503, status::invalid_command, "Send MAIL first");
    // RFC 3030 §2, §3: no DATA after BDAT in one transaction, nor for a BINARYMIME body.
    if (transaction_.chunked) {
        return reply(out, 503, status::invalid_command, "DATA cannot follow BDAT in one transaction: send RSET");
    }
    if (transaction_.binarymime) {
        return reply(out, 503, status::invalid_command, "BODY=BINARYMIME needs BDAT, not DATA: send RSET");
    }
    // 354 only with a valid recipient (RFC 2920 §3.2), so pipelined content after a refused
    // DATA is never taken for a message.
    if (transaction_.recipients == 0) return reply(out, 554, status::invalid_command, "No valid recipients");
    message_.clear();
    input_ = Input::message;
    reply(out, 354, status::none, "End data with <CR><LF>.<CR><LF>");
}

// --- RSET, NOOP, QUIT, VRFY, HELP, STARTTLS, TURN and the rest ------------------------------

void SmtpEngine::on_rset(std::string_view argument, std::string& out) {
    if (!argument.empty()) return reply(out, 501, status::bad_arguments, "Syntax: RSET (no parameters)");
    reset_transaction();
    reply_ok(out);
}

void SmtpEngine::on_noop(std::string_view, std::string& out) { reply_ok(out); }

void SmtpEngine::on_quit(std::string_view argument, std::string& out) {
    if (!argument.empty()) return reply(out, 501, status::bad_arguments, "Syntax: QUIT (no parameters)");
    reset_transaction();
    closed_ = true;
    reply(out, 221, status::ok, fmt::format("{} closing connection", config_.hostname));
}

// VRFY is required (§4.5.1) but verifying would leak who has a mailbox: disabled for security,
// it MUST get 252 (§7.3), a code that neither confirms nor denies the address.
void SmtpEngine::on_vrfy(std::string_view argument, std::string& out) {
    if (argument.empty()) return reply(out, 501, status::bad_arguments, "Syntax: VRFY <address>");
    reply(out, 252, status::not_verified, "Not verified; mail to the address will be accepted and tried");
}

// ETRN (RFC 1985): this server holds no queue for anyone, so every valid request gets 251
// "no messages waiting" (§5.1). A node is a domain, "@domain" (it and its subdomains) or
// "#queue" (§5.3). ETRN is illegal inside a transaction (§5); 503 is the bad-sequence code.
void SmtpEngine::on_etrn(std::string_view argument, std::string& out) {
    if (!greeted_) return reply(out, 503, status::invalid_command, "Send HELO or EHLO first");
    if (transaction_.open) return reply(out, 503, status::invalid_command, "ETRN is not allowed inside a transaction");
    const std::string_view node = argument.starts_with('@') || argument.starts_with('#') ? argument.substr(1) : argument;
    const bool valid = !node.empty() && std::all_of(node.begin(), node.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    });
    if (!valid) return reply(out, 501, status::bad_arguments, "Syntax: ETRN [@|#]<node>");
    reply(out, 251, status::ok, fmt::format("OK, no messages waiting for node {}", argument));
}

std::string SmtpEngine::help_text(const Command& command) const {
    const std::string parameters = command.parameters ? parameter_usage(*command.parameters, offered()) : "";
    return fmt::format("{}{}: {}", command.usage, parameters, command.purpose);
}

// Only the commands served in this session are listed or described (RFC 5321 §4.1.1.8).
void SmtpEngine::on_help(std::string_view argument, std::string& out) {
    if (argument.empty()) {
        std::string verbs;
        for (const Command& command : commands())
            if (!command.usage.empty() && command_offered(command))
                verbs += fmt::format("{}{}", verbs.empty() ? "" : " ", command.verb);
        const std::vector<std::string> lines{
            "smtpspec reference server (RFC 5321). Commands:",
            verbs,
            "HELP <command> describes one",
        };
        return reply(out, 214, status::ok, lines);
    }
    const Command* command = find_command(argument);
    if (command == nullptr || command->usage.empty() || !command_offered(*command))
        return reply(out, 504, status::bad_arguments, "No help on that topic");
    reply(out, 214, status::ok, help_text(*command));
}

void SmtpEngine::on_starttls(std::string_view argument, std::string& out) {
    if (!argument.empty()) return reply(out, 501, status::bad_arguments, "STARTTLS takes no parameters");
    reply(out, 220, status::ok, "Ready to start TLS");
    tls_requested_ = true;
}

void SmtpEngine::tls_started() {
    // RFC 3207 §4.2: everything learned from the client before TLS is forgotten, an
    // authentication included.
    tls_requested_ = false;
    tls_active_ = true;
    greeted_ = false;
    authenticated_ = false;
    auth_.reset();
    reset_transaction();
    line_.clear();
    message_.clear();
    input_ = Input::commands;
}

// Only the deprecated personality offers TURN. RFC 821 §4.1.1 lets a server that takes TURN
// become the client; this one has no mail queued for anyone, so it has nothing to send and
// keeps its role, which is exactly why TURN without authentication is deprecated (App. F.1).
void SmtpEngine::on_turn(std::string_view argument, std::string& out) {
    if (!argument.empty()) return reply(out, 501, status::bad_arguments, "Syntax: TURN (no parameters)");
    reply(out, 250, status::ok, "OK, but no mail is queued for you");
}

void SmtpEngine::on_not_implemented(std::string_view, std::string& out) {
    reply(out, 502, status::invalid_command, "Command not implemented");
}

// A verb this session does not offer: 502 (RFC 5321 §4.2.4), or what explains it better.
void SmtpEngine::on_not_offered(const Command& command, std::string& out) {
    // RFC 3207 names no code for STARTTLS inside TLS (§4.2); 503, a bad sequence, fits.
    if (command.needs == Extension::starttls && tls_active_)
        return reply(out, 503, status::invalid_command, "TLS is already active");
    // RFC 4954 §4, §6: plaintext mechanisms kept for TLS sessions (plaintext_auth = false).
    const bool auth_after_tls = config_.personality != Personality::minimal && !config_.plaintext_auth;
    if (command.needs == Extension::auth && auth_after_tls) {
        return reply(out, 538, status::encryption_required,
                     "Encryption required for requested authentication mechanism: send STARTTLS first");
    }
    on_not_implemented({}, out);
}

}  // namespace smtpspec
