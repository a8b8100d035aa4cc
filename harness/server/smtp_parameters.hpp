#pragma once
// MAIL and RCPT parameters (RFC 5321 §4.1.2, §4.1.1.11) and the extensions that define them:
// SIZE (RFC 1870), BODY (RFC 6152, RFC 3030 §3), SMTPUTF8 (RFC 6531), RET, ENVID, NOTIFY and
// ORCPT (RFC 3461), AUTH (RFC 4954 §5). Internal to the engine.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/smtp_engine.hpp"
#include "server/smtp_reply.hpp"

namespace smtpspec::smtp {

enum class ParameterVerb { mail, rcpt };

struct ParameterContext {
    ExtensionSet offered;
    std::uint64_t max_message_size = 0;
    bool smtputf8_transaction = false;   // for RCPT: the MAIL carried SMTPUTF8
};

// What a MAIL command's parameters ask of its transaction.
struct MailRequest {
    bool smtputf8 = false;
    bool binarymime = false;
};

// Mail-parameters / Rcpt-parameters = esmtp-param *(SP esmtp-param), after the path. Returns
// the reply to the first problem, nullopt when every parameter is accepted: 501 for bad syntax
// or a repeated parameter, 555 for one the server does not know or does not offer, and what
// the parameter's own RFC asks for the rest (552 for SIZE over the limit).
std::optional<Reply> check_parameters(std::string_view text, ParameterVerb verb, const ParameterContext& context,
                                      MailRequest& request);

// Octets the offered parameters may add to the 512 of a command line (RFC 5321 §4.5.3.1.4).
std::size_t parameter_line_allowance(ParameterVerb verb, const ExtensionSet& offered);

// " [SIZE=<octets>] [BODY=...]": the offered parameters, for HELP.
std::string parameter_usage(ParameterVerb verb, const ExtensionSet& offered);

}  // namespace smtpspec::smtp
