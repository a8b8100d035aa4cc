#pragma once
// A hand-built RunResult for reporter tests: every outcome and every verdict, a multiline
// reply, enhanced codes, a pipelined write with two replies, a transcript holding CR, LF, NUL,
// valid UTF-8 and octets that are not UTF-8, a harness error, and timings. Built by hand rather
// than by running scenarios, so that goldens change only when a reporter does.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "baseline/baseline.hpp"
#include "core/result.hpp"

namespace smtpspec::testing {

namespace sample {

inline Reply reply(int code, std::vector<std::string> lines, std::string raw,
                   std::optional<EnhancedCode> enhanced = std::nullopt, std::vector<Finding> findings = {}) {
    Reply r;
    r.code = code;
    r.enhanced = enhanced;
    r.lines = std::move(lines);
    r.raw = std::move(raw);
    r.findings = std::move(findings);
    return r;
}

// A judgement as the evaluator fills it: `expected` empty means the command's legal set.
inline Judgement judged(Verdict verdict, std::string command, std::vector<std::string> legal,
                        std::vector<std::string> expected, std::string actual, std::string rfc,
                        std::string detail = "", std::vector<std::string> non_strict = {}) {
    Judgement out;
    out.verdict = verdict;
    out.command = std::move(command);
    out.expected = expected.empty() ? legal : std::move(expected);
    out.legal = std::move(legal);
    out.non_strict = std::move(non_strict);
    out.actual = std::move(actual);
    out.rfc = std::move(rfc);
    out.detail = std::move(detail);
    return out;
}

inline StepResult step(std::size_t index, std::string action, std::string sent, std::optional<Reply> reply,
                       Judgement judgement, std::size_t reply_index = 0) {
    StepResult s;
    s.step = index;
    s.reply_index = reply_index;
    s.action = std::move(action);
    s.sent = std::move(sent);
    s.reply = std::move(reply);
    s.judgement = std::move(judgement);
    return s;
}

inline RfcRef rfc(std::string doc, std::string section, RequirementLevel level = RequirementLevel::must) {
    return RfcRef{std::move(doc), std::move(section), level};
}

inline const std::vector<std::string> greeting_legal = {"220", "421", "554"};
inline const std::vector<std::string> ehlo_legal = {"250", "421", "500", "501", "502", "504", "550"};
inline const std::vector<std::string> noop_legal = {"250", "421", "500", "501"};
inline const std::vector<std::string> quit_legal = {"221", "421", "500", "501"};
inline const std::vector<std::string> mail_legal = {"250", "421", "451", "452", "455", "500",
                                                    "501", "503", "550", "552", "553", "555"};
inline const std::vector<std::string> rcpt_legal = {"250", "251", "421", "450", "451", "452", "455", "500",
                                                    "501", "503", "550", "551", "552", "553", "555"};
inline const std::vector<std::string> data_legal = {"354", "421", "450", "451", "452", "500", "501", "503", "554"};
inline const std::vector<std::string> help_legal = {"211", "214", "421", "500", "501", "502", "504"};

inline StepResult greeting_passed() {
    return step(0, "greeting", "", reply(220, {"mail.example.org ESMTP ready"}, "220 mail.example.org ESMTP ready\r\n"),
                judged(Verdict::pass, "<greeting>", greeting_legal, {}, "220", "RFC 5321 §4.3.2"));
}

inline const std::string greeting_octets = "220 mail.example.org ESMTP ready\r\n";

inline const std::string ehlo_octets =
    "250-mail.example.org greets client.example\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n";

inline StepResult ehlo_passed(std::size_t index) {
    return step(index, "send", "EHLO client.example\r\n",
                reply(250, {"mail.example.org greets client.example", "PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME"},
                      ehlo_octets),
                judged(Verdict::pass, "EHLO", ehlo_legal, {}, "250", "RFC 5321 §4.3.2"));
}

inline StepResult helo_passed(std::size_t index) {
    return step(index, "send", "HELO client.example\r\n", reply(250, {"mail.example.org"}, "250 mail.example.org\r\n"),
                judged(Verdict::pass, "HELO", ehlo_legal, {}, "250", "RFC 5321 §4.3.2"));
}

inline StepResult skipped(std::size_t index, std::string action, std::string reason) {
    return step(index, std::move(action), "", std::nullopt,
                judged(Verdict::skipped, "", {}, {}, "", "", std::move(reason)));
}

inline StepResult close_passed(std::size_t index) {
    return step(index, "none", "", std::nullopt,
                judged(Verdict::pass, "", {}, {"close"}, "connection closed: end of stream", "RFC 5321 §4.1.1.10"));
}

inline ScenarioResult scenario(std::string id, std::string title, std::string requirement, std::string file,
                               std::vector<RfcRef> refs, std::vector<std::string> tags, Outcome outcome,
                               std::int64_t duration_ms) {
    ScenarioResult s;
    s.id = std::move(id);
    s.title = std::move(title);
    s.requirement = std::move(requirement);
    s.file = std::move(file);
    s.level = refs.empty() ? RequirementLevel::must : refs.front().level;
    s.rfc = std::move(refs);
    s.tags = std::move(tags);
    s.outcome = outcome;
    s.duration_ms = duration_ms;
    return s;
}

// ---- the scenarios ---------------------------------------------------------------------------

// passed: a multiline EHLO reply and an enhanced code.
inline ScenarioResult noop_passed() {
    auto s = scenario("rfc5321/4.1.1.9/1", "NOOP is answered with 250", "A server answers NOOP with 250.",
                      "scenarios/rfc5321/4.1.1.9-noop.json", {rfc("RFC 5321", "4.1.1.9")}, {"noop"},
                      Outcome::passed, 4);
    s.steps = {greeting_passed(), ehlo_passed(1),
               step(2, "send", "NOOP\r\n", reply(250, {"2.0.0 OK"}, "250 2.0.0 OK\r\n", EnhancedCode{2, 0, 0}),
                    judged(Verdict::pass, "NOOP", noop_legal, {"250"}, "250 2.0.0", "RFC 5321 §4.1.1.9")),
               step(3, "send", "QUIT\r\n", reply(221, {"2.0.0 Bye"}, "221 2.0.0 Bye\r\n", EnhancedCode{2, 0, 0}),
                    judged(Verdict::pass, "QUIT", quit_legal, {}, "221 2.0.0", "RFC 5321 §4.3.2")),
               close_passed(4)};
    s.transcript = {{0, 'S', greeting_octets}, {1, 'C', "EHLO client.example\r\n"}, {2, 'S', ehlo_octets},
                    {2, 'C', "NOOP\r\n"},      {3, 'S', "250 2.0.0 OK\r\n"},         {3, 'C', "QUIT\r\n"},
                    {4, 'S', "221 2.0.0 Bye\r\n"}, {4, '*', "end of stream"}};
    return s;
}

// warned: nonstandard (200 for 250) and non_strict (a code without its SP).
inline ScenarioResult rset_warned() {
    auto s = scenario("rfc5321/4.1.1.5/1", "RSET is answered with 250", "A server answers RSET with 250.",
                      "scenarios/rfc5321/4.1.1.5-rset.json", {rfc("RFC 5321", "4.1.1.5")}, {"rset"},
                      Outcome::warned, 3);
    s.steps = {greeting_passed(), helo_passed(1),
               step(2, "send", "RSET\r\n", reply(200, {"Reset state"}, "200 Reset state\r\n"),
                    judged(Verdict::nonstandard, "RSET", noop_legal, {"250"}, "200", "RFC 876; RFC 5321 §4.3.2",
                           "200 stands in for 250: a nonstandard success reply")),
               step(3, "send", "QUIT\r\n",
                    reply(221, {""}, "221\r\n", std::nullopt, {{FindingKind::missing_space, 0, ""}}),
                    judged(Verdict::non_strict, "QUIT", quit_legal, {}, "221", "RFC 5321 §4.2",
                           "line 1: missing_space")),
               close_passed(4)};
    s.transcript = {{0, 'S', greeting_octets},
                    {1, 'C', "HELO client.example\r\n"},
                    {1, 'S', "250 mail.example.org\r\n"},
                    {2, 'C', "RSET\r\n"},      {2, 'S', "200 Reset state\r\n"},       {2, 'C', "QUIT\r\n"},
                    {3, 'S', "221\r\n"},       {3, '*', "end of stream"}};
    return s;
}

// warned: deprecated; a SHOULD-level scenario cited by appendix, not by numbered section.
inline ScenarioResult send_deprecated() {
    auto s = scenario("rfc5321/F.6/1", "SEND is obsolete",
                      "SEND is obsolete; a server may implement it, following RFC 821 §4.3.",
                      "scenarios/rfc5321/F.6-send-soml-saml.json",
                      {rfc("RFC 5321", "App. F.6", RequirementLevel::should),
                       rfc("RFC 821", "4.3", RequirementLevel::may)},
                      {"obsolete", "send"}, Outcome::warned, 2);
    s.steps = {greeting_passed(), helo_passed(1),
               step(2, "send", "SEND FROM:<alice@example.org>\r\n", reply(250, {"OK"}, "250 OK\r\n"),
                    judged(Verdict::deprecated, "SEND", {"250", "421", "500", "501", "502", "503", "552"}, {}, "250",
                           "RFC 5321 App. F",
                           "the server implements the obsolete command SEND (250 reply): SEND is rarely implemented")),
               step(3, "send", "QUIT\r\n", reply(221, {"Bye"}, "221 Bye\r\n"),
                    judged(Verdict::pass, "QUIT", quit_legal, {}, "221", "RFC 5321 §4.3.2"))};
    s.transcript = {{0, 'S', greeting_octets},
                    {0, 'C', "HELO client.example\r\n"},
                    {1, 'S', "250 mail.example.org\r\n"},
                    {1, 'C', "SEND FROM:<alice@example.org>\r\n"}, {2, 'S', "250 OK\r\n"}, {2, 'C', "QUIT\r\n"},
                    {2, 'S', "221 Bye\r\n"}};
    return s;
}

// failed: unexpected (legal for RCPT, not what the rule demands), with an enhanced code.
inline ScenarioResult rcpt_unexpected() {
    auto s = scenario("rfc5321/3.3/1", "RCPT before MAIL is a bad sequence",
                      "A server answers RCPT without a preceding MAIL with 503.",
                      "scenarios/rfc5321/3.3-mail-transactions.json", {rfc("RFC 5321", "3.3")}, {"sequence"},
                      Outcome::failed, 12);
    s.steps = {greeting_passed(), ehlo_passed(1),
               step(2, "send", "RCPT TO:<bob@example.org>\r\n",
                    reply(250, {"2.1.5 Recipient ok"}, "250 2.1.5 Recipient ok\r\n", EnhancedCode{2, 1, 5}),
                    judged(Verdict::unexpected, "RCPT", rcpt_legal, {"503"}, "250 2.1.5", "RFC 5321 §3.3",
                           "250 is a legal reply to RCPT, but this rule demands 503", {"5xx"})),
               step(3, "send", "QUIT\r\n", reply(221, {"2.0.0 Bye"}, "221 2.0.0 Bye\r\n", EnhancedCode{2, 0, 0}),
                    judged(Verdict::pass, "QUIT", quit_legal, {}, "221 2.0.0", "RFC 5321 §4.3.2")),
               close_passed(4)};
    s.transcript = {{0, 'S', greeting_octets}, {1, 'C', "EHLO client.example\r\n"}, {3, 'S', ehlo_octets},
                    {5, 'C', "RCPT TO:<bob@example.org>\r\n"}, {6, 'S', "250 2.1.5 Recipient ok\r\n"},
                    {7, 'C', "QUIT\r\n"}, {11, 'S', "221 2.0.0 Bye\r\n"}, {12, '*', "end of stream"}};
    return s;
}

// failed: violation (bare LF, an octet outside ASCII that is not UTF-8) after a raw write with
// NUL, then malformed (a four-digit code in valid UTF-8 text), then skipped.
inline ScenarioResult nul_violation() {
    auto s = scenario("rfc5321/4.1.1/4", "A command holding NUL is refused",
                      "A server refuses a command line that holds a NUL octet with 500 or 501.",
                      "scenarios/rfc5321/4.1.1-command-syntax.json", {rfc("RFC 5321", "4.1.1")}, {"syntax", "raw"},
                      Outcome::failed, 25);
    s.steps = {greeting_passed(),
               step(1, "raw", std::string("NOOP\0\r\n", 7),
                    reply(500, {"5.5.2 Syntax error \xFF\xFE"}, "500 5.5.2 Syntax error \xFF\xFE\n",
                          EnhancedCode{5, 5, 2},
                          {{FindingKind::bare_lf, 0, ""},
                           {FindingKind::invalid_text_octet, 0, "octet 0xFF at offset 23"}}),
                    judged(Verdict::violation, "NOOP", noop_legal, {"500", "501"}, "500 5.5.2", "RFC 5321 §2.3.8",
                           "line 1: bare_lf; line 1: invalid_text_octet (octet 0xFF at offset 23)")),
               step(2, "send", "NOOP\r\n", std::nullopt,
                    judged(Verdict::malformed, "NOOP", noop_legal, {}, "malformed reply (bad_code)", "RFC 5321 §4.2",
                           "A reply line does not begin with a reply code of exactly three digits.")),
               skipped(3, "send", "not run: the session cannot be trusted after a malformed reply")};
    s.transcript = {{0, 'S', greeting_octets},
                    {1, 'C', std::string("NOOP\0\r\n", 7)},
                    {2, 'S', "500 5.5.2 Syntax error \xFF\xFE\n"},
                    {3, 'C', "NOOP\r\n"},
                    {24, 'S', "2500 Gr\xC3\xBC\xC3\x9F" "e\r\n"},
                    {25, '*', "stopped: malformed reply"}};
    return s;
}

// failed: timeout after DATA content that was written in two chunks.
inline ScenarioResult data_timeout() {
    auto s = scenario("rfc5321/4.1.1.4/2", "The end of mail data is acknowledged",
                      "A server answers the end of mail data with a reply.", "scenarios/rfc5321/4.1.1.4-data.json",
                      {rfc("RFC 5321", "4.1.1.4")}, {"data"}, Outcome::failed, 10'042);
    s.steps = {greeting_passed(), helo_passed(1),
               step(2, "send", "MAIL FROM:<alice@example.org>\r\n", reply(250, {"OK"}, "250 OK\r\n"),
                    judged(Verdict::pass, "MAIL", mail_legal, {}, "250", "RFC 5321 §4.3.2")),
               step(3, "send", "RCPT TO:<bob@example.org>\r\n", reply(250, {"OK"}, "250 OK\r\n"),
                    judged(Verdict::pass, "RCPT", rcpt_legal, {}, "250", "RFC 5321 §4.3.2")),
               step(4, "send", "DATA\r\n", reply(354, {"Go ahead"}, "354 Go ahead\r\n"),
                    judged(Verdict::pass, "DATA", data_legal, {}, "354", "RFC 5321 §4.3.2")),
               step(5, "data", "Subject: test\r\n\r\nHello\r\n.\r\n", std::nullopt,
                    judged(Verdict::timeout, "<data-end>", {"250", "421", "450", "451", "452", "550", "552", "554"}, {},
                           "no reply within 10000 ms", "RFC 5321 §4.1.1.4",
                           "the server did not complete a reply within the step's timeout")),
               skipped(6, "send", "not run: the session cannot be trusted after a timeout")};
    s.transcript = {{0, 'S', greeting_octets},
                    {1, 'C', "HELO client.example\r\n"},
                    {2, 'S', "250 mail.example.org\r\n"},
                    {2, 'C', "MAIL FROM:<alice@example.org>\r\n"},
                    {3, 'S', "250 OK\r\n"},
                    {3, 'C', "RCPT TO:<bob@example.org>\r\n"},
                    {4, 'S', "250 OK\r\n"},
                    {4, 'C', "DATA\r\n"},
                    {5, 'S', "354 Go ahead\r\n"},
                    {5, 'C', "Subject: test\r\n\r\n"},
                    {5, 'C', "Hello\r\n.\r\n"},
                    {10'005, '*', "timeout after 10000 ms"}};
    return s;
}

// failed: disconnected.
inline ScenarioResult help_disconnected() {
    auto s = scenario("rfc5321/4.1.1.8/1", "HELP is answered", "A server answers HELP with 211 or 214.",
                      "scenarios/rfc5321/4.1.1.8-help.json", {rfc("RFC 5321", "4.1.1.8")}, {"help"},
                      Outcome::failed, 1);
    s.steps = {greeting_passed(),
               step(1, "send", "HELP\r\n", std::nullopt,
                    judged(Verdict::disconnected, "HELP", help_legal, {"211", "214"},
                           "connection closed: connection reset by peer", "RFC 5321 §3.8",
                           "the server closed the connection without 421 or QUIT")),
               skipped(2, "send", "not run: the connection is gone")};
    s.transcript = {{0, 'S', greeting_octets}, {0, 'C', "HELP\r\n"}, {1, '*', "connection reset by peer"}};
    return s;
}

// unimplemented: an extension the server did not advertise.
inline ScenarioResult bdat_unimplemented() {
    auto s = scenario("rfc3030/2/1", "BDAT transfers a message in one chunk",
                      "A server that advertises CHUNKING accepts a message sent with BDAT LAST.",
                      "scenarios/rfc3030/2-chunking.json", {rfc("RFC 3030", "2")}, {"chunking"},
                      Outcome::unimplemented, 2);
    s.steps = {greeting_passed(), ehlo_passed(1),
               step(2, "send", "", std::nullopt,
                    judged(Verdict::unimplemented, "", {}, {}, "not advertised in EHLO", "RFC 5321 §4.1.1.1",
                           "the server does not advertise CHUNKING")),
               skipped(3, "send", "not run: the scenario stopped at a missing extension")};
    s.transcript = {{0, 'S', greeting_octets}, {1, 'C', "EHLO client.example\r\n"}, {2, 'S', ehlo_octets}};
    return s;
}

// skipped: deselected, nothing ran.
inline ScenarioResult auth_skipped() {
    auto s = scenario("rfc4954/4/1", "AUTH PLAIN with valid credentials is accepted",
                      "A server accepts AUTH PLAIN with valid credentials with 235.", "scenarios/rfc4954/4-auth.json",
                      {rfc("RFC 4954", "4")}, {"auth"}, Outcome::skipped, 0);
    s.steps = {skipped(0, "greeting", "deselected: needs --user and --password"),
               skipped(1, "send", "deselected: needs --user and --password")};
    return s;
}

// error: the harness failed after a pipelined write got its two replies.
inline ScenarioResult pipelining_error() {
    auto s = scenario("rfc2920/3.2/1", "Pipelined commands get their replies in order",
                      "A server that advertises PIPELINING answers pipelined commands in order.",
                      "scenarios/rfc2920/3.2-server-support.json", {rfc("RFC 2920", "3.2")}, {"pipelining"},
                      Outcome::error, 7);
    const std::string pipelined = "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\n";
    s.steps = {greeting_passed(), ehlo_passed(1),
               step(2, "raw", pipelined, reply(250, {"2.1.0 OK"}, "250 2.1.0 OK\r\n", EnhancedCode{2, 1, 0}),
                    judged(Verdict::pass, "MAIL", mail_legal, {}, "250 2.1.0", "RFC 5321 §4.3.2")),
               step(2, "raw", pipelined, reply(250, {"2.1.5 OK"}, "250 2.1.5 OK\r\n", EnhancedCode{2, 1, 5}),
                    judged(Verdict::pass, "RCPT", rcpt_legal, {}, "250 2.1.5", "RFC 5321 §4.3.2"), 1)};
    s.transcript = {{0, 'S', greeting_octets}, {1, 'C', "EHLO client.example\r\n"}, {2, 'S', ehlo_octets},
                    {3, 'C', pipelined},       {4, 'S', "250 2.1.0 OK\r\n250 2.1.5 OK\r\n"},
                    {7, '*', "transport error: read: Bad file descriptor"}};
    s.harness_error = "transport: read failed: Bad file descriptor";
    return s;
}

}  // namespace sample

inline RunResult sample_run() {
    RunResult run;
    run.version = "0.1.0";
    run.target = "127.0.0.1:2525";
    run.profile = "rfc5321";
    run.strict = false;
    run.started = "2024-05-01T12:00:00Z";
    run.duration_ms = 10'123;
    run.incomplete = false;
    run.scenarios = {sample::noop_passed(),      sample::rset_warned(),       sample::send_deprecated(),
                     sample::rcpt_unexpected(),  sample::nul_violation(),     sample::data_timeout(),
                     sample::help_disconnected(), sample::bdat_unimplemented(), sample::auth_skipped(),
                     sample::pipelining_error()};
    return run;
}

// The sample judged with a baseline: every state a waiver can be in. RCPT before MAIL is waived
// (a whole-scenario entry), the NUL scenario's violation is waived but its malformed reply is not
// (it stays failed), the timeout's waiver expired, NOOP's entry is no longer needed, and one
// entry names a scenario that did not run.
inline Baseline sample_baseline() {
    Baseline baseline;
    baseline.file = "ci/baselines/sample.json";
    baseline.entries = {
        {"rfc5321/3.3/1", std::nullopt, std::nullopt, "The server accepts RCPT without MAIL <by design>", ""},
        {"rfc5321/4.1.1/4", 1, Verdict::violation, "Bare LF in the reply; vendor ticket 42", "2999-12-31"},
        {"rfc5321/4.1.1.4/2", 5, Verdict::timeout, "Slow queue; fixed by 2024", "2024-04-30"},
        {"rfc5321/4.1.1.9/1", 1, Verdict::nonstandard, "NOOP once answered 200", ""},
        {"rfc9999/1/1", std::nullopt, std::nullopt, "A scenario of another suite", ""},
    };
    return baseline;
}

inline RunResult sample_run_with_baseline() { return apply_baseline(sample_baseline(), sample_run(), "2024-05-01"); }

// The sample as one part of a larger run: `run --shard 2/4`.
inline RunResult sample_shard_run() {
    RunResult run = sample_run();
    run.shard = Shard{2, 4};
    return run;
}

}  // namespace smtpspec::testing
