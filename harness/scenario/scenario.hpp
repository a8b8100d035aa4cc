#pragma once
// The scenario model: what the scenario files say, checked and typed. No I/O here.
#include <optional>
#include <string>
#include <vector>

#include "core/expectation.hpp"
#include "core/profile.hpp"

namespace smtpspec {

enum class StepAction {
    greeting,   // send nothing, read the greeting
    send,       // a command line; CRLF is appended
    raw,        // octets exactly as given: bare LF, NUL, several commands in one write
    data,       // message content: dot-stuffed, CRLF line ends, then CRLF.CRLF
    none,       // send nothing (e.g. wait for the server to close)
    tls,        // start TLS as the client (after STARTTLS's 220); reads nothing
};

std::string_view to_string(StepAction);

struct Step {
    StepAction action = StepAction::send;
    std::string payload;       // unresolved: may hold {variables}
    // The replies this step awaits, in order: none (nothing awaited), one, or several (a
    // pipelined raw write).
    std::vector<ReplyExpectation> replies;
    std::optional<int> timeout_ms;   // per-step read timeout
    std::optional<int> delay_ms;     // pause before sending (e.g. to be an early talker)
    std::string pointer;             // JSON pointer of the step in its file
};

struct Scenario {
    std::string id;            // stable: "rfc5321/4.1.1.3/2"
    std::string title;
    std::string requirement;   // the rule in our words
    std::vector<RfcRef> rfc;   // first one is the primary reference
    std::vector<std::string> tags;
    std::vector<std::string> requires_extensions;   // EHLO keywords, upper case
    // EHLO keywords the server must NOT advertise for the scenario to apply (how a server
    // without the extension must answer its commands); otherwise the scenario is skipped.
    std::vector<std::string> requires_absent;
    std::vector<Profile> profiles;                   // empty: every profile
    std::optional<int> timeout_ms;
    std::vector<Step> steps;
    std::string file;          // where it was loaded from
    std::string pointer;       // JSON pointer of the scenario in that file

    RequirementLevel level() const { return rfc.empty() ? RequirementLevel::must : rfc.front().level; }
    bool applies_to(Profile p) const;
};

}  // namespace smtpspec
