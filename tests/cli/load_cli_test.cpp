// `smtpspec load` end to end: the real binary against the embedded server and against a server
// with a known deviation, its JSON report, and the user's mistakes with their exit codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli/exit_codes.hpp"
#include "support/free_port.hpp"
#include "support/measured_command.hpp"
#include "support/run_command.hpp"

namespace smtpspec {
namespace {

using testing::run_command;
using testing::smtpspec_command;

std::filesystem::path temp_file(const std::string& name) {
    return std::filesystem::temp_directory_path() / ("smtpspec-load-" + std::to_string(::getpid()) + "-" + name);
}

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    auto json = nlohmann::json::parse(in, nullptr, false);
    std::filesystem::remove(path);
    return json;
}

TEST(LoadCli, TheEmbeddedServerPassesEveryReply) {
    const auto json_path = temp_file("embedded.json");
    const auto run = run_command(smtpspec_command("load --sessions 200 --concurrency 8 --messages 2 --size 3000 --json '" +
                                                  json_path.string() + "'"));
    EXPECT_EQ(run.exit_code, exit_code::ok) << run.out << run.err;
    EXPECT_NE(run.out.find("200 sessions in"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("Every reply passed."), std::string::npos) << run.out;
    const auto report = read_json(json_path);
    ASSERT_FALSE(report.is_discarded());
    EXPECT_EQ(report.at("counts").at("sessions"), 200);
    EXPECT_EQ(report.at("counts").at("clean_sessions"), 200);
    EXPECT_EQ(report.at("counts").at("messages_accepted"), 400);
    EXPECT_EQ(report.at("shape").at("body_size"), 3000);
    EXPECT_GT(report.at("sessions_per_second").get<double>(), 0.0);
    EXPECT_EQ(report.at("findings").size(), 0u);
}

// A server that answers MAIL with 251 (a reply RCPT may give, MAIL may not) is a violation in
// every session, and the RCPT after it meets a server that saw no MAIL.
TEST(LoadCli, ADeviationUnderLoadIsReportedWithItsFirstSessionAndFailsTheRun) {
    const auto port = std::to_string(testing::free_port());
    const auto ready = temp_file("ready");
    const std::string server = std::string("'") + MISBEHAVING_SERVER + "' mail-251 --listen 127.0.0.1:" + port;
    const auto run = run_command(
        "bash -c \"" + server + " > '" + ready.string() + "' & pid=\\$!; for i in \\$(seq 100); do grep -q listening '" +
        ready.string() + "' && break; sleep 0.05; done; " +
        smtpspec_command("load --target 127.0.0.1:" + port + " --sessions 30 --concurrency 3 -v") +
        "; status=\\$?; kill \\$pid; wait \\$pid 2>/dev/null; exit \\$status\"");
    std::filesystem::remove(ready);
    EXPECT_EQ(run.exit_code, exit_code::failures) << run.out << run.err;
    EXPECT_NE(run.out.find("violation    MAIL       251"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("×30"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("first in session"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("MAIL FROM:"), std::string::npos) << "-v shows the example transcript: " << run.out;
}

TEST(LoadCli, AnUnreachableTargetIsExitThreeNamingIt) {
    const auto port = std::to_string(testing::free_port());
    const auto run = run_command(smtpspec_command("load --target 127.0.0.1:" + port + " --sessions 5"));
    EXPECT_EQ(run.exit_code, exit_code::unreachable) << run.out << run.err;
    EXPECT_NE(run.err.find("127.0.0.1:" + port), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
}

TEST(LoadCli, BadOptionsAreUsageErrorsNamingTheOption) {
    struct Case {
        const char* arguments;
        const char* named;
    };
    for (const Case& c : {Case{"--sessions 0", "--sessions"}, Case{"--concurrency 0", "--concurrency"},
                          Case{"--messages 0", "--messages"}, Case{"--recipients 5000", "--recipients"},
                          Case{"--size 99999999999", "--size"}, Case{"--timeout nan", "--timeout"},
                          Case{"--max-time -1", "--max-time"}, Case{"--target nonsense", "--target"},
                          Case{"--sessions abc", "--sessions"}}) {
        const auto run = run_command(smtpspec_command(std::string("load ") + c.arguments));
        EXPECT_EQ(run.exit_code, exit_code::usage) << c.arguments << ": " << run.err;
        EXPECT_NE(run.err.find(c.named), std::string::npos) << c.arguments << ": " << run.err;
        EXPECT_EQ(run.out, "") << c.arguments;
    }
}

TEST(LoadCli, AConcurrencyBeyondTheDescriptorLimitIsAUsageErrorBeforeAnythingRuns) {
    // `ulimit -n` in bash lowers the hard limit too, so smtpspec cannot raise it back.
    const auto run = run_command("bash -c \"ulimit -n 256 && " + smtpspec_command("load --concurrency 1000") + "\"");
    EXPECT_EQ(run.exit_code, exit_code::usage) << run.out << run.err;
    EXPECT_NE(run.err.find("--concurrency 1000 needs about 2064 file descriptors"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("ulimit -n"), std::string::npos) << run.err;
}

// Memory per open session stays small and bounded: 300 sessions at once against 20 at once.
// (A sanitizer's shadow memory and quarantine make RSS meaningless, so it is not checked there.)
TEST(LoadCli, MemoryGrowsWithConcurrencyNotWithSessions) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "RSS is not meaningful under a sanitizer";
#endif
    const auto measure = [](int sessions, int concurrency) {
        const auto run = testing::run_measured(smtpspec_command(
            "load --sessions " + std::to_string(sessions) + " --concurrency " + std::to_string(concurrency)));
        EXPECT_EQ(run.exit_code, exit_code::ok) << run.out << run.err;
        return run.peak_rss_kib;
    };
    const long few = measure(1000, 20);
    const long many_sessions = measure(6000, 20);
    const long many_open = measure(3000, 300);
    // Six times the sessions at the same concurrency: the tally keeps counts, not results.
    EXPECT_LT(many_sessions, few + 2048) << few << " KiB for 1000 sessions, " << many_sessions << " KiB for 6000";
    // Client and embedded server are one process here: both sides of each session count.
    const long per_session = (many_open - few) / 280;
    EXPECT_LT(per_session, 160) << "KiB per session open at once (" << few << " → " << many_open << " KiB)";
    EXPECT_LT(many_open, 96 * 1024);
}

TEST(LoadCli, MaxTimeStopsTheLoadWithExitFiveAndReportsWhatFinished) {
    const auto json_path = temp_file("max-time.json");
    const auto started = std::chrono::steady_clock::now();
    const auto run = run_command(
        smtpspec_command("load --sessions 100000000 --concurrency 4 --max-time 0.5 --json '" + json_path.string() + "'"));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    EXPECT_EQ(run.exit_code, exit_code::incomplete) << run.out << run.err;
    EXPECT_NE(run.out.find("STOPPED"), std::string::npos) << run.out;
    const auto report = read_json(json_path);
    EXPECT_EQ(report.at("incomplete"), true);
    EXPECT_GT(report.at("counts").at("sessions").get<int>(), 0);
    EXPECT_EQ(report.at("counts").at("sessions"), report.at("counts").at("clean_sessions"));
}

}  // namespace
}  // namespace smtpspec
