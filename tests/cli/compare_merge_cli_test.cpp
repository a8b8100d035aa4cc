// `smtpspec merge` and `smtpspec compare` end to end, on reports of real runs against the
// embedded reference server.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/run_command.hpp"

namespace smtpspec {
namespace {

using testing::run_command;
using testing::smtpspec_command;

namespace fs = std::filesystem;

class CompareMergeCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fs::temp_directory_path() / ("smtpspec-compare-" + std::to_string(::getpid())));
        fs::create_directories(*dir_);
        run_into("rfc5321/4.1.1.9/*", "a.json");
        run_into("rfc5321/4.1.1.5/*", "b.json");
        run_into("rfc5321/4.1.1.9/*", "a2.json");
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir_);
        delete dir_;
    }

    static void run_into(const std::string& only, const std::string& file) {
        const auto r = run_command(smtpspec_command("run --color never --only '" + only + "' --json '" + path(file) + "'"));
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }
    static std::string path(const std::string& file) { return (*dir_ / file).string(); }
    static nlohmann::json read_json(const std::string& file) {
        std::ifstream in(path(file));
        return nlohmann::json::parse(in);
    }

    static fs::path* dir_;
};

fs::path* CompareMergeCli::dir_ = nullptr;

TEST_F(CompareMergeCli, MergedSummaryIsTheSumOfTheShards) {
    const auto r = run_command(smtpspec_command("merge '" + path("a.json") + "' '" + path("b.json") + "' --json '" +
                                                path("merged.json") + "'"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("merged 2 reports"), std::string::npos) << r.out;
    const auto a = read_json("a.json")["summary"];
    const auto b = read_json("b.json")["summary"];
    const auto merged = read_json("merged.json");
    for (const char* count : {"scenarios", "passed", "failed", "warned", "skipped", "unimplemented", "errors"})
        EXPECT_EQ(merged["summary"][count].get<int>(), a[count].get<int>() + b[count].get<int>()) << count;
    ASSERT_GT(merged["summary"]["scenarios"].get<int>(), 0);
    // RSET's section sorts before NOOP's.
    EXPECT_EQ(merged["scenarios"][0]["id"].get<std::string>().rfind("rfc5321/4.1.1.5/", 0), 0u);
}

TEST_F(CompareMergeCli, MergingOneFileTwiceNamesTheDuplicate) {
    const auto r = run_command(smtpspec_command("merge '" + path("a.json") + "' '" + path("a2.json") + "' --json '" +
                                                path("dup.json") + "'"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("a2.json"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rfc5321/4.1.1.9/"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(path("dup.json")));
}

TEST_F(CompareMergeCli, MergingDifferentProfilesNamesTheField) {
    auto other = read_json("b.json");
    other["profile"] = "rfc2821";
    std::ofstream(path("b-2821.json")) << other.dump();
    const auto r = run_command(smtpspec_command("merge '" + path("a.json") + "' '" + path("b-2821.json") +
                                                "' --json '" + path("mixed.json") + "'"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("profile"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("b-2821.json"), std::string::npos) << r.err;
}

TEST_F(CompareMergeCli, CompareListsTheIdsAndWritesHtmlAndJson) {
    const auto text = run_command(smtpspec_command("compare '" + path("a.json") + "' '" + path("a2.json") + "'"));
    ASSERT_EQ(text.exit_code, 0) << text.err;
    // A named report: a range-for over a member of a temporary reads it after it is destroyed.
    const auto report = read_json("a.json");
    for (const auto& scenario : report["scenarios"])
        EXPECT_NE(text.out.find(scenario["id"].get<std::string>()), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("PASS"), std::string::npos) << text.out;

    const auto files = run_command(smtpspec_command("compare '" + path("a.json") + "' '" + path("b.json") + "' --html '" +
                                                    path("matrix.html") + "' --json '" + path("matrix.json") + "'"));
    ASSERT_EQ(files.exit_code, 0) << files.err;
    EXPECT_TRUE(files.out.empty()) << files.out;
    EXPECT_TRUE(fs::exists(path("matrix.html")));
    const auto matrix = read_json("matrix.json");
    EXPECT_EQ(matrix["targets"].size(), 2u);
    EXPECT_EQ(matrix["scenarios"].size(),
              read_json("a.json")["scenarios"].size() + read_json("b.json")["scenarios"].size());
}

TEST_F(CompareMergeCli, AMissingReportIsAUsageErrorNamingIt) {
    for (const char* command : {"compare", "merge"}) {
        const auto r = run_command(smtpspec_command(std::string(command) + " '" + path("a.json") + "' '" +
                                                    path("no-such.json") + "' --json '" + path("out.json") + "'"));
        EXPECT_EQ(r.exit_code, 2) << command;
        EXPECT_NE(r.err.find("no-such.json"), std::string::npos) << r.err;
    }
}

TEST_F(CompareMergeCli, AReportThatIsNotOneNamesFileAndPointer) {
    std::ofstream(path("not-json.json")) << "{ nope";
    auto broken = read_json("a.json");
    broken["scenarios"][0]["outcome"] = "splendid";
    std::ofstream(path("broken.json")) << broken.dump();
    const auto not_json = run_command(smtpspec_command("compare '" + path("a.json") + "' '" + path("not-json.json") + "'"));
    EXPECT_EQ(not_json.exit_code, 2);
    EXPECT_NE(not_json.err.find("not-json.json"), std::string::npos) << not_json.err;
    const auto bad = run_command(smtpspec_command("compare '" + path("a.json") + "' '" + path("broken.json") + "'"));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("broken.json"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("/scenarios/0/outcome"), std::string::npos) << bad.err;
}

// What a saved report cannot do to compare or merge: each is a usage error naming the file,
// found before anything is pulled into memory or waited on.
TEST_F(CompareMergeCli, HostileReportFilesAreUsageErrorsNamingThem) {
    std::ofstream(path("overflow.json")) << R"({"smtpspec_report": 1e400})";
    ASSERT_EQ(::mkfifo(path("fifo.json").c_str(), 0600), 0);
    {
        std::ofstream sparse(path("huge.json"));
    }
    fs::resize_file(path("huge.json"), std::uintmax_t{1} << 30);
    fs::create_directories(path("folder.json"));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"overflow.json", "number overflow"},
        {"fifo.json", "not a regular file: a FIFO"},
        {"huge.json", "file is 1073741824 bytes, over the limit of 268435456 bytes (256 MiB) for one report"},
        {"folder.json", "not a regular file: a directory"},
    };
    for (const auto& [file, message] : cases) {
        for (const char* command : {"compare", "merge"}) {
            const auto r = run_command(smtpspec_command(std::string(command) + " '" + path("a.json") + "' '" +
                                                        path(file) + "' --json '" + path("out.json") + "'"));
            EXPECT_EQ(r.exit_code, 2) << command << ' ' << file << '\n' << r.err;
            EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
            EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
            EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
        }
    }
}

TEST_F(CompareMergeCli, AnUnwritableOutputIsAHarnessError) {
    const auto r = run_command(smtpspec_command("merge '" + path("a.json") + "' --json '" + path("missing-dir/m.json") + "'"));
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("m.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace smtpspec
