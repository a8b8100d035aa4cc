// `smtpspec run --shard I/N` and `smtpspec merge` of its reports end to end, against the
// embedded reference server: the shards together are the unsharded run, and merge refuses a
// set of shards that is not one whole run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/run_command.hpp"

namespace smtpspec {
namespace {

using testing::CommandResult;
using testing::run_command;
using testing::smtpspec_command;

namespace fs = std::filesystem;

// The whole library but the scenarios that wait out a timeout (seconds each): every outcome the
// embedded server gives (passed, skipped, unimplemented), in a fraction of a second per run.
const std::string selection = "--exclude 'rfc5321/2.3.8/*' --exclude 'rfc5321/4.1.1.4/19'";

class ShardCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fs::temp_directory_path() / ("smtpspec-shard-" + std::to_string(::getpid())));
        fs::create_directories(*dir_);
        whole_ = new CommandResult(run_into("", "whole.json"));
        shards_ = new std::vector<CommandResult>;
        for (std::size_t index = 1; index <= 3; ++index)
            shards_->push_back(run_into("--shard " + std::to_string(index) + "/3", shard_file(index)));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
        delete whole_;
        delete shards_;
    }

    static std::string shard_file(std::size_t index) { return "shard-" + std::to_string(index) + ".json"; }
    static CommandResult run_into(const std::string& shard, const std::string& file) {
        auto r = run_command(smtpspec_command("run --color never " + selection + " " + shard + " --json '" + path(file) + "'"));
        EXPECT_EQ(r.exit_code, 0) << shard << '\n' << r.out << r.err;
        return r;
    }
    static CommandResult merge(const std::vector<std::string>& files, const std::string& into) {
        std::string arguments;
        for (const auto& file : files) arguments += "'" + path(file) + "' ";
        return run_command(smtpspec_command("merge " + arguments + "--json '" + path(into) + "'"));
    }
    static std::string path(const std::string& file) { return (*dir_ / file).string(); }
    static nlohmann::json read_json(const std::string& file) {
        std::ifstream in(path(file));
        return nlohmann::json::parse(in);
    }
    static void write_json(const std::string& file, const nlohmann::json& document) {
        std::ofstream(path(file)) << document.dump();
    }
    static std::map<std::string, std::string> outcomes(const nlohmann::json& report) {
        std::map<std::string, std::string> out;
        for (const auto& scenario : report["scenarios"]) out[scenario["id"]] = scenario["outcome"];
        return out;
    }

    static fs::path* dir_;
    static CommandResult* whole_;
    static std::vector<CommandResult>* shards_;
};

fs::path* ShardCli::dir_ = nullptr;
CommandResult* ShardCli::whole_ = nullptr;
std::vector<CommandResult>* ShardCli::shards_ = nullptr;

TEST_F(ShardCli, ThreeShardsMergeIntoTheUnshardedRun) {
    const auto r = merge({"shard-1.json", "shard-2.json", "shard-3.json"}, "merged.json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("merged 3 reports"), std::string::npos) << r.out;
    const auto whole = read_json("whole.json");
    const auto merged = read_json("merged.json");
    ASSERT_GT(whole["scenarios"].size(), 100u);
    EXPECT_EQ(outcomes(merged), outcomes(whole));
    EXPECT_EQ(merged["scenarios"].size(), whole["scenarios"].size()) << "no scenario twice";
    EXPECT_FALSE(merged.contains("shard")) << "the merged report is the whole run";
    EXPECT_FALSE(whole.contains("shard"));
    for (const char* count : {"scenarios", "passed", "skipped", "unimplemented", "failed", "errors"})
        EXPECT_EQ(merged["summary"][count], whole["summary"][count]) << count;
}

TEST_F(ShardCli, EachShardTakesEveryThirdScenarioOfTheRunsOrder) {
    const auto whole = read_json("whole.json");
    for (std::size_t index = 1; index <= 3; ++index) {
        const auto shard = read_json(shard_file(index));
        EXPECT_EQ(shard["shard"], (nlohmann::json{{"index", index}, {"count", 3}})) << index;
        std::vector<std::string> expected;
        for (std::size_t position = index - 1; position < whole["scenarios"].size(); position += 3)
            expected.push_back(whole["scenarios"][position]["id"]);
        std::vector<std::string> got;
        for (const auto& scenario : shard["scenarios"]) got.push_back(scenario["id"]);
        EXPECT_EQ(got, expected) << "shard " << index << "/3";
    }
}

TEST_F(ShardCli, TheConsoleSummaryNamesTheShard) {
    for (std::size_t i = 0; i < shards_->size(); ++i)
        EXPECT_NE((*shards_)[i].out.find(", shard " + std::to_string(i + 1) + "/3)\n"), std::string::npos)
            << (*shards_)[i].out;
    EXPECT_EQ(whole_->out.find("shard"), std::string::npos) << whole_->out;
}

TEST_F(ShardCli, AMissingShardIsAUsageErrorNamingIt) {
    const auto r = merge({"shard-1.json", "shard-3.json"}, "missing.json");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("shard 2/3 is missing"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shard-1.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shard-3.json"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("missing.json")));
}

TEST_F(ShardCli, AShardGivenTwiceIsAUsageErrorNamingBothFiles) {
    fs::copy_file(path("shard-1.json"), path("copy.json"));
    const auto r = merge({"shard-1.json", "shard-2.json", "copy.json", "shard-3.json"}, "twice.json");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("shard 1/3 appears twice: " + path("shard-1.json") + " and " + path("copy.json")),
              std::string::npos)
        << r.err;
    EXPECT_FALSE(fs::exists(path("twice.json")));
}

TEST_F(ShardCli, ShardsOfDifferentCountsAreAUsageError) {
    auto other = read_json("shard-2.json");
    other["shard"]["count"] = 4;
    write_json("of-four.json", other);
    const auto r = merge({"shard-1.json", "of-four.json", "shard-3.json"}, "counts.json");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("is shard 1/3 but " + path("of-four.json") + " is shard 2/4"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("counts.json")));
}

TEST_F(ShardCli, ShardsAndAnUnshardedReportDoNotMix) {
    const auto r = merge({"shard-1.json", "shard-2.json", "whole.json"}, "mixed.json");
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find(path("whole.json") + " is a report without --shard"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("mixed.json")));
}

// More shards than scenarios: the shards that get none run nothing and pass, and the merge of
// all of them is still the whole (one-scenario) run.
TEST(ShardCliEmpty, AShardWithNoScenarioRunsNothingAndExitsZero) {
    const auto dir = fs::temp_directory_path() / ("smtpspec-shard-empty-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string files;
    for (const char* shard : {"1/3", "2/3", "3/3"}) {
        const auto file = (dir / (std::string("shard-") + shard[0] + ".json")).string();
        files += "'" + file + "' ";
        const auto r = run_command(smtpspec_command("run --color never --only 'rfc5321/4.1.1.9/1' --shard " +
                                                    std::string(shard) + " --json '" + file + "'"));
        EXPECT_EQ(r.exit_code, 0) << shard << '\n' << r.out << r.err;
        std::ifstream in(file);
        const auto report = nlohmann::json::parse(in);
        EXPECT_EQ(report["summary"]["scenarios"], shard[0] == '1' ? 1 : 0) << shard;
        EXPECT_EQ(report["shard"]["index"], shard[0] - '0');
        if (shard[0] != '1') {
            EXPECT_NE(r.out.find("Summary: 0 scenarios in"), std::string::npos) << r.out;
        }
    }
    const auto merged = (dir / "merged.json").string();
    const auto r = run_command(smtpspec_command("merge " + files + "--json '" + merged + "'"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(merged);
    const auto report = nlohmann::json::parse(in);
    ASSERT_EQ(report["scenarios"].size(), 1u);
    EXPECT_EQ(report["scenarios"][0]["id"], "rfc5321/4.1.1.9/1");
    fs::remove_all(dir);
}

}  // namespace
}  // namespace smtpspec
