// The smtpspec executable end to end: help, version, exit codes, and scenario-file errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
