// `smtpspec run` end to end: against the embedded server, against deliberately wrong servers
// (started with --start, or per scenario with --spawn), and against unreachable targets —
// asserting verdicts, exit codes and the JSON report.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "support/free_port.hpp"
#include "support/run_command.hpp"

namespace smtpspec {
namespace {

using testing::free_port;
using testing::run_command;
using testing::smtpspec_command;

struct Run {
    testing::CommandResult command;
    nlohmann::json report;
    double seconds = 0;
};

Run run_smtpspec(const std::string& arguments) {
    static int runs = 0;
    const auto json_path = std::filesystem::temp_directory_path() /
                           ("smtpspec-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(++runs) + ".json");
    const auto started = std::chrono::steady_clock::now();
    Run run;
    run.command = run_command(smtpspec_command("run --color never --json '" + json_path.string() + "' " + arguments));
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (std::ifstream in(json_path); in) run.report = nlohmann::json::parse(in, nullptr, false);
    std::filesystem::remove(json_path);
    return run;
}

std::string misbehaving(const std::string& behaviour, const std::string& mode) {
    return std::string("'") + MISBEHAVING_SERVER + "' " + behaviour + " " + mode;
}

Run against(const std::string& behaviour, const std::string& arguments) {
    const auto port = std::to_string(free_port());
    return run_smtpspec("--start \"" + misbehaving(behaviour, "--listen 127.0.0.1:" + port) + "\" --target 127.0.0.1:" +
                        port + " " + arguments);
}

std::vector<std::string> step_verdicts(const nlohmann::json& report) {
    std::vector<std::string> verdicts;
    for (const auto& scenario : report.at("scenarios"))
        for (const auto& step : scenario.at("steps")) verdicts.push_back(step.at("verdict").get<std::string>());
    return verdicts;
}

bool has_verdict(const nlohmann::json& report, const std::string& verdict) {
    const auto all = step_verdicts(report);
    return std::find(all.begin(), all.end(), verdict) != all.end();
}

TEST(RunEmbedded, EveryShippedScenarioPassesAndTheReportAddsUp) {
    const auto run = run_smtpspec("");
    ASSERT_EQ(run.command.exit_code, 0) << run.command.out << run.command.err;
    ASSERT_TRUE(run.report.is_object()) << "no JSON report";
    const auto& summary = run.report.at("summary");
    EXPECT_EQ(summary.at("failed"), 0);
    EXPECT_EQ(summary.at("errors"), 0);
    EXPECT_EQ(summary.at("warned"), 0);
    // The library's promise: at least 200 scenarios, and the reference server passes them all
    // but those it cannot apply to (see TheLibraryIsCoveredByTheReferenceServersPersonalities).
    EXPECT_GE(summary.at("passed").get<int>(), 200);
    EXPECT_EQ(summary.at("scenarios").get<std::size_t>(), run.report.at("scenarios").size());
    EXPECT_EQ(run.report.at("tool"), "smtpspec");
    EXPECT_EQ(run.report.at("profile"), "rfc5321");
    EXPECT_NE(run.report.at("target").get<std::string>().find("embedded"), std::string::npos);
    // Results come in scenario order whatever the finishing order.
    std::vector<std::string> ids;
    for (const auto& s : run.report.at("scenarios")) ids.push_back(s.at("id"));
    const auto listed = run_command(smtpspec_command("list"));
    std::size_t position = 0;
    for (const auto& id : ids) {
        const auto found = listed.out.find(id + " ", position);
        ASSERT_NE(found, std::string::npos) << id << " out of order";
        position = found;
    }
}

std::map<std::string, std::string> outcomes_by_id(const nlohmann::json& report) {
    std::map<std::string, std::string> out;
    for (const auto& scenario : report.at("scenarios")) out[scenario.at("id")] = scenario.at("outcome");
    return out;
}

// Each extension is tested advertised (the reference personality offers them all) and not
// advertised (the minimal personality offers none): every scenario passes against one of the
// two, and neither fails any. What passes nowhere is what the reference server deliberately
// does not offer: ATRN (On-Demand Mail Relay, a service of its own) and EXPN/VRFY listed in EHLO.
TEST(RunEmbedded, TheLibraryIsCoveredByTheReferenceServersPersonalities) {
    const auto reference = run_smtpspec("");
    const auto minimal =
        run_smtpspec(std::string("--spawn \"'") + SMTPSPEC_BINARY + "' serve --stdio --personality minimal\"");
    ASSERT_EQ(reference.command.exit_code, 0) << reference.command.out;
    ASSERT_EQ(minimal.command.exit_code, 0) << minimal.command.out;
    EXPECT_EQ(minimal.report.at("summary").at("failed"), 0);
    const auto with_everything = outcomes_by_id(reference.report);
    const auto without_extensions = outcomes_by_id(minimal.report);
    std::vector<std::string> passed_nowhere;
    for (const auto& [id, outcome] : with_everything)
        if (outcome != "passed" && without_extensions.at(id) != "passed") passed_nowhere.push_back(id);
    EXPECT_EQ(passed_nowhere, (std::vector<std::string>{"rfc2645/5.1.1/1", "rfc2645/5.2.1/1", "rfc5321/4.2/2",
                                                        "rfc5321/4.2/3"}));
    std::size_t not_advertised_passed = 0;
    for (const auto& [id, outcome] : with_everything)
        if (outcome == "skipped" && without_extensions.at(id) == "passed") ++not_advertised_passed;
    EXPECT_GE(not_advertised_passed, 10u) << "scenarios for servers without an extension";
}

std::vector<std::string> ids_with_outcome(const nlohmann::json& report, const std::string& outcome) {
    std::vector<std::string> ids;
    for (const auto& [id, found] : outcomes_by_id(report))
        if (found == outcome) ids.push_back(id);
    return ids;
}

Run against_personality(const std::string& personality) {
    return run_smtpspec(std::string("--spawn \"'") + SMTPSPEC_BINARY + "' serve --stdio --personality " + personality +
                        "\" --timeout 5");
}

// The known-bad personalities fail exactly the scenarios of the rule they break: the library
// catches each of these real-world faults, and nothing else goes wrong with them.
TEST(RunEmbedded, ASmugglingProneServerFailsEverySmugglingProbeAndNothingElse) {
    const auto run = against_personality("smuggling");
    EXPECT_EQ(run.command.exit_code, 1);
    EXPECT_EQ(ids_with_outcome(run.report, "failed"),
              (std::vector<std::string>{"rfc5321/4.1.1.4/10", "rfc5321/4.1.1.4/11", "rfc5321/4.1.1.4/12",
                                        "rfc5321/4.1.1.4/13", "rfc5321/4.1.1.4/15", "rfc5321/4.1.1.4/16",
                                        "rfc5321/4.1.1.4/17", "rfc5321/4.1.1.4/18", "rfc5321/4.1.1.4/8",
                                        "rfc5321/4.1.1.4/9"}));
}

TEST(RunEmbedded, AServerTakingBareLfAsALineEndFailsTheLineEndingRules) {
    const auto run = against_personality("bare-lf");
    EXPECT_EQ(ids_with_outcome(run.report, "failed"), (std::vector<std::string>{"rfc5321/2.3.8/1", "rfc5321/2.3.8/3"}));
}

TEST(RunEmbedded, AServerImplementingObsoleteCommandsIsWarnedAboutEach) {
    const auto run = against_personality("deprecated");
    EXPECT_EQ(run.command.exit_code, 0) << "deprecated is a warning, not a failure";
    EXPECT_EQ(ids_with_outcome(run.report, "warned"),
              (std::vector<std::string>{"rfc5321/F.1/1", "rfc5321/F.6/1", "rfc5321/F.6/2", "rfc5321/F.6/3"}));
}

TEST(RunEmbedded, TheJsonReportCarriesStepsRepliesAndTranscript) {
    const auto run = run_smtpspec("--only 'rfc5321/4.1.1.3/2'");
    ASSERT_EQ(run.command.exit_code, 0) << run.command.err;
    const auto& scenario = run.report.at("scenarios").at(0);
    EXPECT_EQ(scenario.at("id"), "rfc5321/4.1.1.3/2");
    EXPECT_EQ(scenario.at("outcome"), "passed");
    EXPECT_EQ(scenario.at("level"), "MUST");
    const auto& rcpt = scenario.at("steps").at(2);
    EXPECT_EQ(rcpt.at("command"), "RCPT");
    EXPECT_EQ(rcpt.at("verdict"), "pass");
    EXPECT_EQ(rcpt.at("reply").at("code"), 503);
    EXPECT_EQ(rcpt.at("expected"), nlohmann::json::array({"503"}));
    EXPECT_FALSE(rcpt.at("legal").empty());
    EXPECT_NE(rcpt.at("rfc").get<std::string>().find("RFC 5321 §3.3"), std::string::npos);
    bool client = false, server = false;
    for (const auto& entry : scenario.at("transcript")) {
        client = client || entry.at("dir") == "C";
        server = server || entry.at("dir") == "S";
    }
    EXPECT_TRUE(client && server);
}

struct Deviation {
    const char* behaviour;
    const char* only;
    const char* verdict;
    int exit_code;
};

class RunAgainstAWrongServer : public ::testing::TestWithParam<Deviation> {};

TEST_P(RunAgainstAWrongServer, GivesTheVerdictAndExitCode) {
    const Deviation& d = GetParam();
    const auto run = against(d.behaviour, std::string("--only '") + d.only + "' --timeout 2");
    EXPECT_EQ(run.command.exit_code, d.exit_code) << run.command.out << run.command.err;
    ASSERT_TRUE(run.report.is_object()) << run.command.err;
    EXPECT_TRUE(has_verdict(run.report, d.verdict)) << d.behaviour << ": " << run.report.dump(1).substr(0, 3000);
}

INSTANTIATE_TEST_SUITE_P(
    Deviations, RunAgainstAWrongServer,
    ::testing::Values(Deviation{"noop-rset-200", "rfc5321/4.1.1.9/1", "nonstandard", 0},
                      Deviation{"noop-rset-200", "rfc5321/4.1.1.5/1", "nonstandard", 0},
                      Deviation{"obsolete-250", "rfc5321/F.6/1", "deprecated", 0},
                      Deviation{"obsolete-250", "rfc5321/F.6/2", "deprecated", 0},
                      Deviation{"obsolete-250", "rfc5321/F.6/3", "deprecated", 0},
                      Deviation{"obsolete-250", "rfc5321/F.1/1", "deprecated", 0},
                      Deviation{"mail-251", "rfc5321/4.1.1.2/1", "violation", 1},
                      Deviation{"quit-250", "rfc5321/4.1.1.10/1", "violation", 1},
                      Deviation{"rcpt-without-mail", "rfc5321/4.1.1.3/2", "unexpected", 1},
                      Deviation{"ehlo-mixed-codes", "rfc5321/4.1.1.1/2", "malformed", 1},
                      Deviation{"close-mid-reply", "rfc5321/4.1.1.1/2", "disconnected", 1}),
    [](const auto& test) {
        std::string name = std::string(test.param.behaviour) + "_" + test.param.verdict + "_" + std::to_string(test.index);
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

TEST(RunAgainstAWrongServer, StrictTurnsANonstandardReplyIntoAFailure) {
    const auto run = against("noop-rset-200", "--only 'rfc5321/4.1.1.9/1' --strict");
    EXPECT_EQ(run.command.exit_code, 1) << run.command.out;
    EXPECT_EQ(run.report.at("summary").at("failed"), 1);
}

TEST(RunAgainstAWrongServer, AServerThatNeverGreetsTimesOutWithinTheBound) {
    // Over stdio: a --start daemon that never greets would never be ready.
    const auto run = run_smtpspec("--spawn \"" + misbehaving("never-greets", "--stdio") +
                                  "\" --only 'rfc5321/3.1/1' --greeting-timeout 0.5");
    EXPECT_EQ(run.command.exit_code, 1) << run.command.out << run.command.err;
    EXPECT_TRUE(has_verdict(run.report, "timeout"));
    EXPECT_TRUE(has_verdict(run.report, "skipped"));
    EXPECT_LT(run.seconds, 8.0) << "the greeting timeout bounds the wait";
}

TEST(RunSpawn, AStdioServerIsSpawnedPerScenario) {
    const auto run = run_smtpspec("--spawn \"" + misbehaving("rcpt-without-mail", "--stdio") +
                                  "\" --only 'rfc5321/4.1.1.3/1' 'rfc5321/4.1.1.3/2' 'rfc5321/4.1.1.3/3' --timeout 2");
    EXPECT_EQ(run.command.exit_code, 1) << run.command.out << run.command.err;
    EXPECT_TRUE(has_verdict(run.report, "unexpected"));
    EXPECT_EQ(run.report.at("scenarios").size(), 3u);
    EXPECT_NE(run.report.at("target").get<std::string>().find("spawn: "), std::string::npos);
}

TEST(RunSpawn, TheEmbeddedServerOverStdioPassesEverything) {
    const auto run = run_smtpspec(std::string("--spawn \"'") + SMTPSPEC_BINARY + "' serve --stdio\" --timeout 5");
    EXPECT_EQ(run.command.exit_code, 0) << run.command.out << run.command.err;
    EXPECT_EQ(run.report.at("summary").at("failed"), 0);
}

TEST(RunErrors, AnUnreachableTargetIsExitCode3NamingHostAndPort) {
    const auto port = std::to_string(free_port());
    const auto run = run_smtpspec("--target 127.0.0.1:" + port);
    EXPECT_EQ(run.command.exit_code, 3);
    EXPECT_NE(run.command.err.find("127.0.0.1:" + port), std::string::npos) << run.command.err;
}

TEST(RunErrors, ADaemonThatExitsIsExitCode3WithItsOutput) {
    const auto run = run_smtpspec("--start \"echo broken-daemon-output; exit 7\" --target 127.0.0.1:" +
                                  std::to_string(free_port()) + " --start-timeout 5");
    EXPECT_EQ(run.command.exit_code, 3);
    EXPECT_NE(run.command.err.find("broken-daemon-output"), std::string::npos) << run.command.err;
}

TEST(RunErrors, ADaemonWhosePortIsTakenIsExitCode3NotAnotherServersResults) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor occupant(io, {boost::asio::ip::address_v4::loopback(), 0});
    const auto port = std::to_string(occupant.local_endpoint().port());
    const auto run = run_smtpspec("--start 'sleep 30' --target 127.0.0.1:" + port + " --start-timeout 5");
    EXPECT_EQ(run.command.exit_code, 3);
    EXPECT_NE(run.command.err.find("127.0.0.1:" + port + " already accepts connections"), std::string::npos)
        << run.command.err;
    EXPECT_TRUE(run.report.is_null()) << "nothing was judged";
}

TEST(RunErrors, ASpawnCommandThatCannotStartIsExitCode3) {
    const auto run = run_smtpspec("--spawn '/nonexistent/smtpd -bs'");
    EXPECT_EQ(run.command.exit_code, 3);
    EXPECT_NE(run.command.err.find("/nonexistent/smtpd"), std::string::npos) << run.command.err;
    EXPECT_NE(run.command.err.find("not found"), std::string::npos) << run.command.err;
}

TEST(RunErrors, BadOptionsAreExitCode2) {
    EXPECT_EQ(run_smtpspec("--target nonsense").command.exit_code, 2);
    EXPECT_EQ(run_smtpspec("--start 'true'").command.exit_code, 2);
    EXPECT_EQ(run_smtpspec("--profile rfc822").command.exit_code, 2);
    EXPECT_EQ(run_smtpspec("--only 'no/such/*'").command.exit_code, 2);
    EXPECT_EQ(run_smtpspec("--jobs 0").command.exit_code, 2);
}

// ---- the baseline ratchet through the binary ------------------------------------------------------

std::filesystem::path temp_file(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() / ("smtpspec-e2e-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << content;
    return path;
}

TEST(RunBaseline, WrittenBaselineWaivesTheSameFailuresAndOnlyThose) {
    const auto baseline = std::filesystem::temp_directory_path() / ("smtpspec-e2e-" + std::to_string(::getpid()) + "-b.json");
    const auto server = "--spawn \"" + misbehaving("rcpt-without-mail", "--stdio") + "\" --timeout 2 ";
    const auto first = run_smtpspec(server + "--write-baseline '" + baseline.string() + "'");
    ASSERT_EQ(first.command.exit_code, 1) << first.command.err;
    const auto failed = first.report.at("summary").at("failed").get<int>();
    ASSERT_GT(failed, 0);
    const auto second = run_smtpspec(server + "--baseline '" + baseline.string() + "'");
    EXPECT_EQ(second.command.exit_code, 0) << second.command.out << second.command.err;
    EXPECT_EQ(second.report.at("summary").at("failed"), 0);
    EXPECT_EQ(second.report.at("summary").at("waived"), failed);
    EXPECT_NE(second.command.out.find("WAIVED"), std::string::npos);
    // Against a server without those faults, every entry can go.
    const auto fixed = run_smtpspec("--baseline '" + baseline.string() + "'");
    EXPECT_EQ(fixed.command.exit_code, 0);
    EXPECT_EQ(fixed.report.at("summary").at("waivers_unneeded"), fixed.report.at("baseline").at("entries"));
    EXPECT_NE(fixed.command.out.find("baseline can be tightened:"), std::string::npos);
    std::filesystem::remove(baseline);
}

TEST(RunBaseline, ABrokenBaselineIsExitCode2NamingFileAndPointer) {
    const auto path = temp_file("broken.json", R"({"smtpspec_baseline": 1, "waivers": [{"id": "a/1", "reason": "r", "expires": "soon"}]})");
    const auto run = run_smtpspec("--baseline '" + path.string() + "'");
    EXPECT_EQ(run.command.exit_code, 2);
    EXPECT_NE(run.command.err.find(path.string() + ": /waivers/0/expires: expected a date"), std::string::npos)
        << run.command.err;
    EXPECT_TRUE(run.report.is_null()) << "nothing runs with a broken baseline";
    std::filesystem::remove(path);
    const auto missing = run_smtpspec("--baseline /nonexistent/baseline.json");
    EXPECT_EQ(missing.command.exit_code, 2);
    EXPECT_NE(missing.command.err.find("/nonexistent/baseline.json"), std::string::npos);
}

}  // namespace
}  // namespace smtpspec

namespace smtpspec {
namespace {

class RunInterrupted : public ::testing::TestWithParam<std::pair<const char*, int>> {};

TEST_P(RunInterrupted, WritesTheReportMarkedIncompleteAndReapsEveryChild) {
    const auto& [signal_name, exit_code] = GetParam();
    const std::string marker = std::string("interrupt-test-") + signal_name + "-" + std::to_string(::getpid());
    const auto json_path = std::filesystem::temp_directory_path() / (marker + ".json");
    const std::string server = std::string("'") + MISBEHAVING_SERVER + "' never-greets --stdio " + marker;
    const std::string run = smtpspec_command("run --color never --jobs 2 --greeting-timeout 60 --json '" +
                                             json_path.string() + "' --spawn \"" + server + "\"");
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_command("(" + run + " >/dev/null & pid=$!; sleep 1; kill -" + signal_name +
                                    " $pid; wait $pid; echo \"exit=$?\"; sleep 0.2; pgrep -a -x misbehaving_ser | grep -F '" +
                                    marker + "' || echo no-children)");
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
    EXPECT_NE(result.out.find("exit=" + std::to_string(exit_code)), std::string::npos) << result.out << result.err;
    EXPECT_NE(result.out.find("no-children"), std::string::npos) << "orphans left: " << result.out;
    std::ifstream in(json_path);
    ASSERT_TRUE(in) << "no report written";
    const auto report = nlohmann::json::parse(in);
    std::filesystem::remove(json_path);
    EXPECT_EQ(report.at("incomplete"), true);
    EXPECT_EQ(report.at("summary").at("failed"), 0) << "an interruption is not the server's failure";
    EXPECT_EQ(report.at("summary").at("scenarios").get<std::size_t>(), report.at("scenarios").size());
}

// The shell's convention: 128 + the signal number.
INSTANTIATE_TEST_SUITE_P(Signals, RunInterrupted,
                         ::testing::Values(std::pair<const char*, int>{"INT", 130}, std::pair<const char*, int>{"TERM", 143}),
                         [](const auto& test) { return std::string(test.param.first); });

}  // namespace
}  // namespace smtpspec
