// The session coroutine over a scripted in-memory server: deterministic, no sockets.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <map>

#include "runner/session.hpp"
#include "scenario/loader.hpp"
#include "transport/scripted_transport.hpp"

namespace smtpspec {
namespace {

Scenario scenario_from(const std::string& scenario_json) {
    const std::string file = R"({"description": "test", "scenarios": [)" + scenario_json + "]}";
    auto loaded = parse_scenario_file(file, "test.json", Registry::builtin());
    for (const auto& issue : loaded.issues) ADD_FAILURE() << issue.text();
    return loaded.scenarios.at(0);
}

std::string scenario_json(const std::string& steps, const std::string& extra = "") {
    return R"({"id": "test/1/1", "title": "t", "requirement": "r",
               "rfc": [{"doc": "RFC 5321", "section": "4.1.1", "level": "MUST"}])" + extra +
           R"(, "steps": [)" + steps + "]}";
}

ScenarioResult run(const Scenario& scenario, ScriptedTransport& transport, SessionOptions options = {}) {
    boost::asio::io_context io;
    std::optional<ScenarioResult> result;
    boost::asio::co_spawn(io, run_session(scenario, transport, Registry::builtin(), options),
                          [&](std::exception_ptr e, ScenarioResult r) {
                              if (e) std::rethrow_exception(e);
                              result = std::move(r);
                          });
    io.run();
    return *result;
}

// A server that answers each command line from a table, by verb.
ScriptedTransport::Peer answering(std::map<std::string, std::string> replies) {
    return [replies = std::move(replies)](std::string_view written, ScriptedTransport& t) {
        std::string_view rest = written;
        while (!rest.empty()) {
            const auto end = rest.find("\r\n");
            const auto line = rest.substr(0, end);
            const auto verb = std::string(line.substr(0, line.find(' ')));
            if (const auto it = replies.find(verb); it != replies.end()) t.server_sends(it->second);
            if (end == std::string_view::npos) break;
            rest.remove_prefix(end + 2);
        }
        if (written.starts_with("QUIT")) t.server_closes();
    };
}

std::vector<std::string> verdicts(const ScenarioResult& r) {
    std::vector<std::string> out;
    for (const auto& s : r.steps) out.emplace_back(to_string(s.judgement.verdict));
    return out;
}

const std::map<std::string, std::string> good_server = {
    {"EHLO", "250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"},
    {"HELO", "250 mx.example\r\n"},
    {"NOOP", "250 ok\r\n"},
    {"MAIL", "250 ok\r\n"},
    {"RCPT", "250 ok\r\n"},
    {"DATA", "354 go\r\n"},
    {"QUIT", "221 bye\r\n"},
};

// RFC 5321 §4.2: one reply per command. Octets already there when a command is sent cannot
// answer it; the transcript says so where they were seen, and the step that fails on the
// shifted replies says it may be answering an earlier command. Verdicts still come from the
// replies in order: whether an extra reply beats the next command is a race.
TEST(Session, AReplyBeforeTheCommandIsToldInTheTranscriptAndTheFailingStep) {
    for (const bool same_read : {true, false}) {
        ScriptedTransport server(answering(good_server));
        if (same_read) {
            server.server_sends("220 mx.example ESMTP\r\n250 unasked\r\n");
        } else {
            server.server_sends("220 mx.example ESMTP\r\n");
            server.server_sends("250 unasked\r\n");
        }
        const auto result = run(scenario_from(scenario_json(
                                    R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "DATA", "expect": {"pass": ["503"]}},
                                       {"send": "QUIT", "expect": {"pass": ["221"]}})")),
                                server);
        // DATA takes EHLO's 250, not a reply DATA can get; QUIT takes DATA's 354.
        EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "violation", "violation"})) << same_read;
        ASSERT_GE(result.transcript.size(), 2u);
        EXPECT_EQ(result.transcript[1].direction, '*') << "told before EHLO is written";
        EXPECT_NE(result.transcript[1].data.find("arrived before this command was sent"), std::string::npos);
        // Every later reply is one behind, so every failing step says so.
        EXPECT_NE(result.steps[2].judgement.detail.find("may answer an earlier command"), std::string::npos);
        EXPECT_NE(result.steps[3].judgement.detail.find("may answer an earlier command"), std::string::npos);
    }
}

TEST(Session, ACommandAnsweredTwiceIsToldAtTheNextCommand) {
    auto replies = good_server;
    replies["NOOP"] = "250 ok\r\n250 ok again\r\n";
    ScriptedTransport server(answering(replies));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"},
                                   {"send": "DATA", "expect": {"pass": ["503"]}}, {"send": "QUIT", "expect": {"pass": ["221"]}})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "pass", "violation", "violation"}));
    EXPECT_NE(result.steps[3].judgement.detail.find("may answer an earlier command"), std::string::npos);
    EXPECT_EQ(result.steps[1].judgement.detail.find("may answer an earlier command"), std::string::npos)
        << "nothing was early before the double answer";
}

// Pipelined replies awaited by one step are not unsolicited: they answer that step's commands.
TEST(Session, RepliesToAPipelinedGroupAreNotUnsolicited) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"},
                                   {"raw": "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nNOOP\r\n",
                                    "replies": [{"command": "MAIL"}, {"command": "RCPT"}, {"command": "NOOP"}]},
                                   {"send": "QUIT", "expect": {"pass": ["221"]}})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "pass", "pass", "pass", "pass"}));
}

TEST(Session, JudgesEveryReplyAndKeepsTheTranscript) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"},
                                   {"send": "QUIT", "expect": {"pass": ["221"]}}, {"expect": "close"})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "pass", "pass", "pass"}));
    EXPECT_EQ(result.outcome, Outcome::passed);
    EXPECT_EQ(server.written(), "EHLO smtpspec.example\r\nNOOP\r\nQUIT\r\n");
    EXPECT_TRUE(server.closed_by_client());
    ASSERT_GE(result.transcript.size(), 5u);
    EXPECT_EQ(result.transcript[0].direction, 'S');
    EXPECT_EQ(result.transcript[0].data, "220 mx.example ESMTP\r\n");
    EXPECT_EQ(result.transcript[1].direction, 'C');
    EXPECT_EQ(result.transcript[1].data, "EHLO smtpspec.example\r\n");
    EXPECT_EQ(result.steps[2].sent, "NOOP\r\n");
    // Each step knows which transcript entries are its exchange.
    const auto& noop = result.steps[2];
    ASSERT_EQ(noop.transcript_end - noop.transcript_begin, 2u);
    EXPECT_EQ(result.transcript[noop.transcript_begin].data, "NOOP\r\n");
    EXPECT_EQ(result.transcript[noop.transcript_begin + 1].data, "250 ok\r\n");
    EXPECT_EQ(result.steps[0].transcript_begin, 0u);
    EXPECT_EQ(result.steps[0].transcript_end, 1u);
    ASSERT_TRUE(result.steps[2].reply.has_value());
    EXPECT_EQ(result.steps[2].reply->code, 250);
}

// Load mode's latencies: every awaited reply or event has one; a step that awaits nothing or
// did not run has none.
TEST(Session, EachAwaitedReplyHasItsLatency) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"raw": "NOOP\r\n", "expect": "none"},
                                   {"send": "QUIT"})")),
                            server);
    ASSERT_EQ(result.steps.size(), 4u);
    EXPECT_TRUE(result.steps[0].latency_us.has_value());
    EXPECT_TRUE(result.steps[1].latency_us.has_value());
    EXPECT_GE(*result.steps[1].latency_us, 0);
    EXPECT_FALSE(result.steps[2].latency_us.has_value());
    EXPECT_TRUE(result.steps[3].latency_us.has_value());
}

// The scripted transport times out at once: only the latency's presence is checked here.
TEST(Session, ATimedOutReplyHasALatencyAndTheSkippedStepsNone) {
    ScriptedTransport server;
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting", "timeout_ms": 200}, {"send": "NOOP"})")),
                            server);
    ASSERT_EQ(result.steps.size(), 2u);
    EXPECT_EQ(result.steps[0].judgement.verdict, Verdict::timeout);
    EXPECT_TRUE(result.steps[0].latency_us.has_value());
    EXPECT_FALSE(result.steps[1].latency_us.has_value());
}

TEST(Session, AServerThatNeverGreetsTimesOutAndTheRestIsSkipped) {
    ScriptedTransport server;
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "NOOP"})")), server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"timeout", "skipped"}));
    EXPECT_EQ(result.outcome, Outcome::failed);
    EXPECT_EQ(server.written(), "");
    EXPECT_NE(result.steps[1].judgement.detail.find("timeout"), std::string::npos);
}

TEST(Session, ACloseInTheMiddleOfAReplyIsADisconnection) {
    ScriptedTransport server([](std::string_view, ScriptedTransport& t) {
        t.server_sends("250-mx.example\r\n250-PIPE");
        t.server_closes();
    });
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"})")), server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "disconnected", "skipped"}));
    EXPECT_EQ(result.outcome, Outcome::failed);
}

TEST(Session, AMultilineReplyWithMixedCodesIsMalformed) {
    ScriptedTransport server([](std::string_view, ScriptedTransport& t) { t.server_sends("250-mx.example\r\n251 oops\r\n"); });
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"})")), server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "malformed", "skipped"}));
    EXPECT_NE(result.steps[1].judgement.actual.find("inconsistent_codes"), std::string::npos) << result.steps[1].judgement.actual;
}

TEST(Session, PipelinedRepliesInOneChunkAreTakenInOrder) {
    ScriptedTransport server([](std::string_view written, ScriptedTransport& t) {
        if (written.starts_with("MAIL")) t.server_sends("250 sender ok\r\n503 no\r\n354 go\r\n");
    });
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"},
                                   {"raw": "MAIL FROM:<a@b.example>\r\nRCPT TO:<c@d.example>\r\nDATA\r\n",
                                    "replies": [{}, {"expect": {"pass": ["250"]}}, {}]})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "unexpected", "pass"}));
    EXPECT_EQ(result.steps[2].judgement.command, "RCPT");
    EXPECT_EQ(result.steps[3].judgement.command, "DATA");
}

TEST(Session, AMissingExtensionIsUnimplementedAndTheSessionEndsPolitely) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "BDAT 0 LAST"},
                                   {"send": "QUIT"})",
                                R"(, "requires": ["CHUNKING"])")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "unimplemented", "skipped"}));
    EXPECT_EQ(result.outcome, Outcome::unimplemented);
    EXPECT_EQ(server.written(), "EHLO smtpspec.example\r\nQUIT\r\n");
}

TEST(Session, AnAdvertisedExtensionLetsTheScenarioRun) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"})",
                                                        R"(, "requires": ["PIPELINING"])")),
                            server);
    EXPECT_EQ(result.outcome, Outcome::passed);
}

TEST(Session, SecretsNeverReachTheTranscriptOrTheResult) {
    SessionOptions options;
    options.variables.set("password", "marker-Pa55word");
    // The server echoes what it got, as a careless one might in its error text.
    ScriptedTransport server([&](std::string_view written, ScriptedTransport& t) {
        t.server_sends("535 5.7.8 bad credentials " + std::string(written.substr(11, written.size() - 13)) + "\r\n");
    });
    server.server_sends("220 mx.example\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "AUTH PLAIN {auth_plain}"})")),
                            server, options);
    EXPECT_NE(server.written().find(options.variables.values.at("auth_plain")), std::string::npos);
    for (const auto& entry : result.transcript) {
        EXPECT_EQ(entry.data.find(options.variables.values.at("auth_plain")), std::string::npos) << entry.data;
        EXPECT_EQ(entry.data.find("marker-Pa55word"), std::string::npos);
    }
    EXPECT_EQ(result.steps[1].sent.find(options.variables.values.at("auth_plain")), std::string::npos);
    ASSERT_TRUE(result.steps[1].reply.has_value());
    EXPECT_EQ(result.steps[1].reply->raw.find(options.variables.values.at("auth_plain")), std::string::npos);
    EXPECT_NE(result.steps[1].reply->raw.find("***"), std::string::npos) << result.steps[1].reply->raw;
}

TEST(Session, MessageContentIsDotStuffedOnTheWire) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example\r\n");
    (void)run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"},
                                               {"data": "Subject: x\r\n\r\n.dot\r\nend"})")),
              server);
    EXPECT_NE(server.written().find("Subject: x\r\n\r\n..dot\r\nend\r\n.\r\n"), std::string::npos) << server.written();
}

TEST(Session, A554GreetingMakes503LegalForLaterCommands) {
    ScriptedTransport server([](std::string_view, ScriptedTransport& t) { t.server_sends("503 5.5.1 no service\r\n"); });
    server.server_sends("554 mx.example no SMTP service here\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "NOOP"})")), server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass"}));
}

TEST(Session, StrictTurnsWarningsIntoFailures) {
    ScriptedTransport server([](std::string_view, ScriptedTransport& t) { t.server_sends("200 ok\r\n"); });
    server.server_sends("220 mx.example\r\n");
    const auto scenario = scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "NOOP"})"));
    ScriptedTransport again([](std::string_view, ScriptedTransport& t) { t.server_sends("200 ok\r\n"); });
    again.server_sends("220 mx.example\r\n");
    SessionOptions strict;
    strict.strict = true;
    EXPECT_EQ(run(scenario, server).outcome, Outcome::warned);
    EXPECT_EQ(run(scenario, again, strict).outcome, Outcome::failed);
}

TEST(DotStuff, FollowsRfc5321Section452) {
    EXPECT_EQ(dot_stuff(""), ".\r\n");
    EXPECT_EQ(dot_stuff("a"), "a\r\n.\r\n");
    EXPECT_EQ(dot_stuff("a\r\n"), "a\r\n.\r\n");
    EXPECT_EQ(dot_stuff(".\r\n"), "..\r\n.\r\n");
    EXPECT_EQ(dot_stuff("x\r\n.y\r\n..z"), "x\r\n..y\r\n...z\r\n.\r\n");
    EXPECT_EQ(dot_stuff("lf\nonly"), "lf\r\nonly\r\n.\r\n");
}

TEST(Session, AScenarioForServersWithoutAnExtensionIsSkippedWhenItIsAdvertised) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "BDAT 1 LAST"},
                                   {"send": "QUIT"})",
                                R"(, "requires_absent": ["PIPELINING"])")),
                            server);
    EXPECT_EQ(result.outcome, Outcome::skipped);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "skipped", "skipped"}));
    EXPECT_NE(result.steps[2].judgement.detail.find("do not advertise PIPELINING"), std::string::npos);
    // It still leaves politely.
    EXPECT_EQ(result.transcript.back().direction == '*' ? result.transcript[result.transcript.size() - 2].data
                                                        : result.transcript.back().data,
              "221 bye\r\n");
}

TEST(Session, AScenarioForServersWithoutAnExtensionRunsWhenItIsNotAdvertised) {
    ScriptedTransport server(answering(good_server));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"},
                                                            {"send": "NOOP"}, {"send": "QUIT"})",
                                                        R"(, "requires_absent": ["CHUNKING"])")),
                            server);
    EXPECT_EQ(result.outcome, Outcome::passed);
}

TEST(Session, ATlsStepOverATransportWithoutTlsIsUnimplemented) {
    ScriptedTransport server(answering({{"EHLO", "250-mx.example\r\n250 STARTTLS\r\n"},
                                        {"STARTTLS", "220 go ahead\r\n"},
                                        {"QUIT", "221 bye\r\n"}}));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(R"({"expect": "greeting"}, {"send": "EHLO {helo}"},
                                                            {"send": "STARTTLS"}, {"tls": true}, {"send": "EHLO {helo}"})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "pass", "unimplemented", "skipped"}));
    EXPECT_EQ(result.outcome, Outcome::unimplemented);
}

TEST(Session, AfterA421TheRestIsSkippedNotJudgedAsADisconnection) {
    ScriptedTransport server(answering({{"EHLO", "250 mx.example\r\n"},
                                        {"NOOP", "421 4.7.0 mx.example closing: too many errors\r\n"}}));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}"}, {"send": "NOOP"}, {"send": "RSET"},
                                   {"send": "QUIT"})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "pass", "pass", "skipped", "skipped"}));
    EXPECT_NE(result.steps[3].judgement.detail.find("closing (421)"), std::string::npos);
    EXPECT_EQ(result.outcome, Outcome::passed);
}

TEST(Session, AGreetingThatDoesNotNameTheServerFirstIsAViolation) {
    for (const auto& [greeting, verdict] : std::vector<std::pair<std::string, std::string>>{
             {"220 mx.example ESMTP\r\n", "pass"}, {"220 [192.0.2.1] ready\r\n", "pass"},
             {"220 Welcome to our server\r\n", "pass"},   // "Welcome" is a syntactically valid domain label
             {"220 *** ESMTP ***\r\n", "violation"}, {"220 -mx.example\r\n", "violation"}}) {
        ScriptedTransport server(answering(good_server));
        server.server_sends(greeting);
        const auto result = run(scenario_from(scenario_json(
                                    R"({"expect": "greeting", "checks": ["greeting-syntax"]}, {"send": "QUIT"})")),
                                server);
        EXPECT_EQ(verdicts(result).at(0), verdict) << greeting;
    }
}

TEST(Session, ContentChecksJudgeTheEhloReply) {
    ScriptedTransport server(answering({{"EHLO", "250-mx.example\r\n250-AUTH=PLAIN\r\n250 STARTTLS\r\n"},
                                        {"QUIT", "221 bye\r\n"}}));
    server.server_sends("220 mx.example ESMTP\r\n");
    const auto result = run(scenario_from(scenario_json(
                                R"({"expect": "greeting"}, {"send": "EHLO {helo}", "expect": {"checks": ["ehlo-syntax"]}},
                                   {"send": "EHLO {helo}", "expect": {"not_advertises": ["STARTTLS"]}},
                                   {"send": "EHLO {helo}", "expect": {"advertises": ["STARTTLS"]}})")),
                            server);
    EXPECT_EQ(verdicts(result), (std::vector<std::string>{"pass", "violation", "violation", "pass"}));
    EXPECT_NE(result.steps[1].judgement.detail.find("'AUTH=PLAIN' is not an EHLO keyword"), std::string::npos)
        << result.steps[1].judgement.detail;
    EXPECT_EQ(result.steps[2].judgement.detail, "the EHLO reply advertises STARTTLS");
}

}  // namespace
}  // namespace smtpspec
