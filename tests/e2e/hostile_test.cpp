// `smtpspec run` against hostile servers (tests/support/hostile_server): a server under test may
// be broken or malicious, and smtpspec must still end on time, with a verdict, in bounded
// memory. Each case asserts the verdict, the wall-clock bound and the peak RSS.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <filesystem>
#include <limits>
#include <thread>

#include "support/free_port.hpp"
#include "support/measured_command.hpp"

namespace smtpspec {
namespace {

using testing::free_port;
using testing::MeasuredRun;
using testing::run_measured;

const std::string scenarios = std::string(SMTPSPEC_TEST_DATA) + "/scenarios/hostile";

// smtpspec's own peak is about 8 MiB on these runs; a 10 MiB reply buffered whole would show.
// Under a sanitizer, shadow memory and quarantine make RSS meaningless, so the bound is lifted.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr long memory_bound_kib = std::numeric_limits<long>::max();
#else
constexpr long memory_bound_kib = 24 * 1024;
#endif

bool accepts(unsigned short port) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect({boost::asio::ip::address_v4::loopback(), port}, ec);
    return !ec;
}

// One hostile TCP server for the test's lifetime, stopped by its PID.
class HostileServer {
public:
    explicit HostileServer(const std::string& mode, int interval_ms = 1000) : port_(free_port()) {
        const std::string where = "127.0.0.1:" + std::to_string(port_);
        const std::string interval = std::to_string(interval_ms);
        pid_ = ::fork();
        if (pid_ == 0) {
            ::execl(HOSTILE_SERVER, HOSTILE_SERVER, mode.c_str(), "--listen", where.c_str(), "--interval-ms",
                    interval.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        for (int i = 0; i < 500 && !accepts(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~HostileServer() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    HostileServer(const HostileServer&) = delete;
    HostileServer& operator=(const HostileServer&) = delete;

    std::string target() const { return "--target 127.0.0.1:" + std::to_string(port_); }

private:
    unsigned short port_;
    pid_t pid_ = -1;
};

struct Outcome {
    MeasuredRun run;
    nlohmann::json report;
};

Outcome run_smtpspec(const std::string& arguments) {
    static int runs = 0;
    const auto json_path = std::filesystem::temp_directory_path() /
                           ("smtpspec-hostile-" + std::to_string(::getpid()) + "-" + std::to_string(++runs) + ".json");
    Outcome outcome;
    outcome.run = run_measured(std::string("'") + SMTPSPEC_BINARY + "' run --color never --scenarios '" +
                               scenarios + "' --json '" + json_path.string() + "' " + arguments);
    if (std::ifstream in(json_path); in) outcome.report = nlohmann::json::parse(in, nullptr, false);
    std::filesystem::remove(json_path);
    return outcome;
}

const nlohmann::json& only_scenario(const Outcome& outcome) { return outcome.report.at("scenarios").at(0); }

// The first step whose verdict is not pass or skipped: where the server went wrong.
const nlohmann::json* first_finding(const nlohmann::json& scenario) {
    for (const auto& step : scenario.at("steps")) {
        const auto verdict = step.at("verdict").get<std::string>();
        if (verdict != "pass" && verdict != "skipped") return &step;
    }
    return nullptr;
}

std::string server_side(const nlohmann::json& scenario, const std::string& direction) {
    std::string text;
    for (const auto& entry : scenario.at("transcript"))
        if (entry.at("dir") == direction) text += entry.at("data").get<std::string>();
    return text;
}

constexpr std::size_t any_step = std::numeric_limits<std::size_t>::max();

struct Case {
    const char* mode;
    int interval_ms;
    const char* scenario;
    const char* arguments;
    const char* verdict;       // of the first step that did not pass
    std::size_t step;          // that step's index, or any_step
    double max_seconds;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.mode; }

class AgainstAHostileServer : public ::testing::TestWithParam<Case> {};

TEST_P(AgainstAHostileServer, EndsInTimeWithAVerdictAndBoundedMemory) {
    const Case& c = GetParam();
    const HostileServer server(c.mode, c.interval_ms);
    const auto outcome = run_smtpspec(server.target() + " --only '" + c.scenario + "' " + c.arguments);
    const auto& run = outcome.run;
    EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
    ASSERT_TRUE(outcome.report.is_object()) << run.out << run.err;
    const auto& scenario = only_scenario(outcome);
    const auto* finding = first_finding(scenario);
    ASSERT_NE(finding, nullptr) << scenario.dump(1).substr(0, 4000);
    EXPECT_EQ(finding->at("verdict"), c.verdict) << finding->dump(1);
    if (c.step != any_step) {
        EXPECT_EQ(finding->at("step").get<std::size_t>(), c.step) << finding->dump(1);
    }
    EXPECT_LT(run.seconds, c.max_seconds) << "the configured bounds end the run";
    EXPECT_LT(run.peak_rss_kib, memory_bound_kib) << "peak RSS " << run.peak_rss_kib << " KiB";
}

INSTANTIATE_TEST_SUITE_P(
    Modes, AgainstAHostileServer,
    ::testing::Values(
        // A reply without end is cut at the parser's 4096 lines / 1 MiB, not read forever.
        Case{"endless-multiline", 0, "hostile/1/1", "--timeout 5", "malformed", 0, 5},
        // A line past the parser's 64 KiB line limit is malformed long before its 10 MiB arrive.
        Case{"huge-line", 0, "hostile/1/1", "--timeout 5", "malformed", 0, 5},
        // One octet per 300 ms keeps every read short, but the reply's 1 s deadline still ends it.
        Case{"drip", 300, "hostile/1/1", "--timeout 1", "timeout", 0, 4},
        Case{"reset-mid-reply", 0, "hostile/1/1", "--timeout 2", "disconnected", 0, 4},
        // RFC 5321 §4.2: reply text is printable US-ASCII; NUL and 8-bit octets are not. The
        // reply is still readable, so it is a violation, not malformed; the JSON report keeps it
        // exactly (lines_base64).
        Case{"nul-utf8", 0, "hostile/1/1", "--timeout 2", "violation", 0, 4},
        Case{"silent", 0, "hostile/1/1", "--timeout 1", "timeout", 0, 4},
        // 554 is a legal greeting (RFC 5321 §3.1); the 503 to EHLO that follows is legal after it
        // but not the service the scenario needs.
        Case{"greeting-554", 0, "hostile/1/1", "--timeout 2", "unexpected", 1, 4},
        // The extra reply is taken as EHLO's, so every later step is one reply behind: DATA gets
        // RCPT's 250, which DATA can never get.
        Case{"unsolicited", 0, "hostile/1/1", "--timeout 2", "violation", 4, 4},
        Case{"close-after-greeting", 0, "hostile/1/1", "--timeout 2", "disconnected", 1, 4},
        // The handshake is bounded by the step's timeout whether the server says nothing or
        // garbage; either way it is the server's failure, not smtpspec's error.
        Case{"starttls-stall", 0, "hostile/2/1", "--timeout 1", "disconnected", 3, 4},
        Case{"starttls-garbage", 0, "hostile/2/1", "--timeout 1", "disconnected", 3, 4},
        // Every reply 400 ms late but within --timeout 1: only the scenario's limit stops 23
        // steps, at whichever step is waiting when it comes.
        Case{"slow", 400, "hostile/3/1", "--timeout 1 --scenario-timeout 2", "timeout", any_step, 5}),
    [](const auto& test) {
        std::string name = test.param.mode;
        for (char& c : name)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        return name;
    });

// The unsolicited reply comes in the greeting's write, so it is there before EHLO is sent. (Which
// later steps also see a reply early is a race over TCP; session_test checks that part.)
TEST(AgainstAHostileServer, AnUnsolicitedReplyIsToldWhereItWasSeen) {
    const HostileServer server("unsolicited");
    const auto outcome = run_smtpspec(server.target() + " --only 'hostile/1/1' --timeout 2");
    const auto& scenario = only_scenario(outcome);
    EXPECT_NE(server_side(scenario, "*").find("arrived before this command was sent"), std::string::npos)
        << scenario.at("transcript").dump(1);
}

TEST(AgainstAHostileServer, TheScenarioLimitIsNamedInTheVerdict) {
    const HostileServer server("slow", 400);
    const auto outcome =
        run_smtpspec(server.target() + " --only 'hostile/3/1' --timeout 1 --scenario-timeout 2");
    const auto* finding = first_finding(only_scenario(outcome));
    ASSERT_NE(finding, nullptr);
    EXPECT_NE(finding->at("detail").get<std::string>().find("--scenario-timeout"), std::string::npos) << finding->dump(1);
}

TEST(AgainstAHostileServer, MaxTimeEndsTheRunWithIncompleteReportsAndExitCode5) {
    const HostileServer server("slow", 400);
    const auto outcome = run_smtpspec(server.target() + " --timeout 1 --max-time 1.5");
    const auto& run = outcome.run;
    EXPECT_EQ(run.exit_code, 5) << run.out << run.err;
    EXPECT_LT(run.seconds, 4.0);
    EXPECT_NE(run.err.find("--max-time"), std::string::npos) << run.err;
    ASSERT_TRUE(outcome.report.is_object());
    EXPECT_EQ(outcome.report.at("incomplete"), true);
    EXPECT_EQ(outcome.report.at("summary").at("failed"), 0) << "running out of time is not the server's failure";
    const auto transcript = outcome.report.at("scenarios").at(0).at("transcript").dump();
    EXPECT_NE(transcript.find("the run reached --max-time"), std::string::npos) << transcript.substr(0, 2000);
}

TEST(AgainstAHostileServer, ImplicitTlsToAServerThatNeverHandshakesIsUnreachableInTime) {
    const HostileServer server("silent");
    const auto outcome = run_smtpspec(server.target() + " --tls --timeout 1");
    EXPECT_EQ(outcome.run.exit_code, 3) << outcome.run.out << outcome.run.err;
    EXPECT_LT(outcome.run.seconds, 4.0);
    EXPECT_NE(outcome.run.err.find("127.0.0.1"), std::string::npos) << outcome.run.err;
}

// Spawned servers: the child is smtpspec's to start, bound and reap.
std::string spawn(const std::string& mode) {
    return std::string("--spawn \"'") + HOSTILE_SERVER + "' " + mode + " --stdio\"";
}

TEST(AgainstAHostileSpawnedServer, OneThatExitsAtOnceIsADisconnection) {
    const auto outcome = run_smtpspec(spawn("exit-at-once") + " --only 'hostile/1/1' --timeout 2");
    EXPECT_EQ(outcome.run.exit_code, 1) << outcome.run.out << outcome.run.err;
    const auto* finding = first_finding(only_scenario(outcome));
    ASSERT_NE(finding, nullptr);
    EXPECT_EQ(finding->at("verdict"), "disconnected");
    EXPECT_LT(outcome.run.seconds, 4.0);
}

TEST(AgainstAHostileSpawnedServer, OneThatOnlyWritesToStderrTimesOutAndItsOutputIsCapped) {
    const auto outcome = run_smtpspec(spawn("stderr-only") + " --only 'hostile/1/1' --timeout 1");
    EXPECT_EQ(outcome.run.exit_code, 1) << outcome.run.out << outcome.run.err;
    const auto& scenario = only_scenario(outcome);
    const auto* finding = first_finding(scenario);
    ASSERT_NE(finding, nullptr);
    EXPECT_EQ(finding->at("verdict"), "timeout");
    const auto diagnostics = server_side(scenario, "E");
    EXPECT_NE(diagnostics.find("diagnostics only"), std::string::npos) << "stderr belongs in the transcript";
    EXPECT_LE(diagnostics.size(), 70u * 1024) << "1 MiB of stderr is kept to its 64 KiB cap";
    EXPECT_LT(outcome.run.peak_rss_kib, memory_bound_kib);
    EXPECT_LT(outcome.run.seconds, 8.0);
}

TEST(AgainstAHostileSpawnedServer, OneThatIgnoresSigtermIsKilledAndNothingIsLeftBehind) {
    const std::string marker = "ignore-sigterm-" + std::to_string(::getpid());
    // The marker is an extra argument the server ignores, so pgrep finds exactly its processes.
    const auto outcome = run_smtpspec(std::string("--spawn \"'") + HOSTILE_SERVER + "' ignore-sigterm --stdio " +
                                      marker + "\" --only 'hostile/1/1' --timeout 2");
    EXPECT_EQ(outcome.run.exit_code, 0) << outcome.run.out << outcome.run.err;
    // Closing stdin, then SIGTERM after the 2 s grace, then SIGKILL after another.
    EXPECT_LT(outcome.run.seconds, 8.0);
    const auto left = run_measured("pgrep -f -- '" + marker + "'");
    EXPECT_NE(left.exit_code, 0) << "left running: " << left.out;
}

TEST(AgainstAHostileSpawnedServer, MaxTimeStopsARunOfSilentChildrenAndReapsThemAll) {
    const std::string marker = "max-time-" + std::to_string(::getpid());
    const auto outcome = run_smtpspec(std::string("--spawn \"'") + HOSTILE_SERVER + "' stderr-only --stdio " + marker +
                                      "\" --jobs 2 --greeting-timeout 60 --max-time 1");
    EXPECT_EQ(outcome.run.exit_code, 5) << outcome.run.out << outcome.run.err;
    // The cancelled sessions' children get the same grace as any: stdin closed, SIGTERM, SIGKILL.
    EXPECT_LT(outcome.run.seconds, 8.0);
    ASSERT_TRUE(outcome.report.is_object());
    EXPECT_EQ(outcome.report.at("incomplete"), true);
    const auto left = run_measured("pgrep -f -- '" + marker + "'");
    EXPECT_NE(left.exit_code, 0) << "left running: " << left.out;
}

}  // namespace
}  // namespace smtpspec
