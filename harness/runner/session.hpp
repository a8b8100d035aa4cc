#pragma once
// One scenario against one connection: send each step's octets, read each reply through the
// parser, judge it, keep the transcript. Timeouts, closes and unreadable replies are
// observations that become verdicts; nothing here throws for a server's behaviour.
#include <boost/asio/awaitable.hpp>

#include "core/profile.hpp"
#include "core/registry.hpp"
#include "core/reply_parser.hpp"
#include "core/result.hpp"
#include "scenario/scenario.hpp"
#include "scenario/variables.hpp"
#include "transport/transport.hpp"

namespace smtpspec {

struct SessionOptions {
    Profile profile = Profile::rfc5321;
    bool strict = false;
    Millis reply_timeout{10000};     // per reply, unless the step or scenario says otherwise
    Millis greeting_timeout{10000};  // the greeting has its own
    Millis write_timeout{10000};
    Millis scenario_timeout{0};      // the whole scenario; 0: no limit beyond the steps' own

    Variables variables = Variables::defaults();
    ParserLimits limits;
};

// Each step's octets (wire_bytes) and the same with secrets redacted, as reports show them.
// A caller that runs one scenario many times with the same variables (load mode) renders them
// once; expanding and dot-stuffing a message per session was a tenth of a session's cost.
struct RenderedSteps {
    std::vector<std::string> bytes;
    std::vector<std::string> shown;
};
RenderedSteps render_steps(const Scenario& scenario, const Variables& variables);

// `rendered`, when given, must come from render_steps(scenario, options.variables).
boost::asio::awaitable<ScenarioResult> run_session(const Scenario& scenario, Transport& transport,
                                                   const Registry& registry, const SessionOptions& options,
                                                   const RenderedSteps* rendered = nullptr);

// The octets a step writes: command line + CRLF, raw octets, or dot-stuffed message content
// with its terminator. Variables are expanded.
std::string wire_bytes(const Step& step, const Variables& variables);

// Message content as it goes on the wire (RFC 5321 §4.5.2): CRLF line ends, a leading "."
// doubled, then the terminator "." CRLF after a final CRLF.
std::string dot_stuff(std::string_view content);

// The header fields of a result, copied from the scenario (results never point into it).
ScenarioResult result_header(const Scenario& scenario);

}  // namespace smtpspec
