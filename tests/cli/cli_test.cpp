// The smtpspec executable end to end: help, version, exit codes, and scenario-file errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "support/free_port.hpp"
#include "support/run_command.hpp"

namespace smtpspec {
namespace {

using testing::run_command;
using testing::smtpspec_command;

TEST(Cli, HelpDocumentsTheExitCodes) {
    const auto r = run_command(smtpspec_command("--help"));
    EXPECT_EQ(r.exit_code, 0);
    for (const char* line : {"0  no scenario failed", "1  at least one scenario failed", "2  usage error",
                             "3  the target could not be reached", "4  smtpspec itself failed"})
        EXPECT_NE(r.out.find(line), std::string::npos) << line;
    EXPECT_NE(r.out.find("explain"), std::string::npos);
    EXPECT_NE(r.out.find("list"), std::string::npos);
}

// The codes README.md's "Exit codes" table documents, from the first cell of each row.
std::set<int> documented_exit_codes() {
    std::ifstream readme(SMTPSPEC_SOURCE_DIR "/README.md");
    std::set<int> codes;
    bool in_section = false;
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with("## ")) in_section = line == "## Exit codes";
        if (!in_section || !line.starts_with("| ")) continue;
        const std::string cell = line.substr(2, line.find('|', 2) - 2);
        for (std::size_t at = 0; (at = cell.find_first_of("0123456789", at)) != std::string::npos;) {
            std::size_t length = 0;
            codes.insert(std::stoi(cell.substr(at), &length));
            at += length;
        }
    }
    return codes;
}

TEST(Cli, EveryExitCodeTheReadmeDocumentsIsTheOneTheBinaryReturns) {
    const std::string one = " --color never --only 'rfc5321/4.1.1.9/1'";
    // A run stopped by a signal while its only scenario waits for a greeting that never comes.
    const auto interrupted = [&](const char* signal) {
        return "(" + smtpspec_command("run" + one + " --jobs 1 --greeting-timeout 60 --spawn 'sleep 60'") +
               " >/dev/null 2>&1 & pid=$!; sleep 1; kill -" + signal + " $pid; wait $pid)";
    };
    const std::map<int, std::string> triggers = {
        {0, smtpspec_command("run" + one)},
        {1, smtpspec_command("run --color never --only 'rfc5321/4.1.1.4/8' --spawn \"'" SMTPSPEC_BINARY
                             "' serve --stdio --personality smuggling\"")},
        {2, smtpspec_command("run --jobs 0")},
        {3, smtpspec_command("run --target 127.0.0.1:" + std::to_string(testing::free_port()))},
        {4, smtpspec_command("run" + one + " --json /nonexistent/smtpspec/report.json")},
        {5, smtpspec_command("run" + one + " --jobs 1 --greeting-timeout 60 --spawn 'sleep 60' --max-time 1")},
        {130, interrupted("INT")},
        {143, interrupted("TERM")},
    };
    std::set<int> triggered;
    for (const auto& [code, command] : triggers) triggered.insert(code);
    ASSERT_EQ(documented_exit_codes(), triggered) << "README.md's exit codes and this test's differ";
    for (const auto& [code, command] : triggers) {
        const auto r = run_command(command + " >/dev/null");
        EXPECT_EQ(r.exit_code, code) << command << "\n" << r.err;
    }
}

TEST(Cli, VersionNamesTheTool) {
    const auto r = run_command(smtpspec_command("--version"));
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.out, "smtpspec " SMTPSPEC_VERSION "\n");
}

TEST(Cli, MissingSubcommandIsAUsageError) {
    const auto r = run_command(smtpspec_command(""));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(r.err.empty());
}

TEST(Cli, UnknownOptionIsAUsageErrorWithoutAStackTrace) {
    const auto r = run_command(smtpspec_command("list --no-such-option"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--no-such-option"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
}

TEST(Cli, ListsTheShippedScenarios) {
    const auto r = run_command(smtpspec_command("list"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("rfc5321/"), std::string::npos);
    EXPECT_NE(r.out.find("RFC 5321"), std::string::npos);
}

TEST(Cli, ABadScenarioFileNamesFilePointerAndProblemAndRunsNothing) {
    const auto dir = std::filesystem::temp_directory_path() / ("smtpspec-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto file = dir / "broken.json";
    std::ofstream(file) << R"({"scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r",
        "rfc": [{"doc": "RFC 5321", "section": "4.1", "level": "MUST"}],
        "steps": [{"sned": "NOOP"}]}]})";
    const auto r = run_command(smtpspec_command("list --scenarios '" + file.string() + "'"));
    std::filesystem::remove_all(dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("broken.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/scenarios/0/steps/0"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sned"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("x/1/1"), std::string::npos) << "nothing may be listed when a file is bad";
}

TEST(Cli, AMissingScenarioPathIsAUsageError) {
    const auto r = run_command(smtpspec_command("list --scenarios /nonexistent/smtpspec/scenarios"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/nonexistent/smtpspec/scenarios"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace smtpspec
