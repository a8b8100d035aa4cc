// The JSON report: golden output, round trip through parse_json_report, the representation of
// octets that are not UTF-8, reading errors, and the atomic write.
// Goldens: see reports/golden/golden.hpp (SMTPSPEC_UPDATE_GOLDEN=1 regenerates them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "reports/atomic_write.hpp"
#include "reports/golden/golden.hpp"
#include "reports/json_report.hpp"
#include "reports/sample_run.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::reports {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;
using smtpspec::testing::matches_golden;
using smtpspec::testing::sample_run;

// ---- comparing results field by field (the result types have no operator==) -----------------

void expect_same(const RfcRef& a, const RfcRef& b) {
    EXPECT_EQ(a.doc, b.doc);
    EXPECT_EQ(a.section, b.section);
    EXPECT_EQ(a.level, b.level);
}

void expect_same(const StepResult& a, const StepResult& b) {
    SCOPED_TRACE(::testing::Message() << "step " << a.step << " reply " << a.reply_index);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.reply_index, b.reply_index);
    EXPECT_EQ(a.action, b.action);
    EXPECT_EQ(a.sent, b.sent);
    EXPECT_EQ(a.reply, b.reply);   // Reply compares code, enhanced code, lines, raw octets and findings
    EXPECT_EQ(a.judgement.verdict, b.judgement.verdict);
    EXPECT_EQ(a.judgement.command, b.judgement.command);
    EXPECT_EQ(a.judgement.legal, b.judgement.legal);
    EXPECT_EQ(a.judgement.expected, b.judgement.expected);
    EXPECT_EQ(a.judgement.non_strict, b.judgement.non_strict);
    EXPECT_EQ(a.judgement.actual, b.judgement.actual);
    EXPECT_EQ(a.judgement.rfc, b.judgement.rfc);
    EXPECT_EQ(a.judgement.detail, b.judgement.detail);
    EXPECT_EQ(a.waived, b.waived);
}

void expect_same(const ScenarioResult& a, const ScenarioResult& b) {
    SCOPED_TRACE(a.id);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.requirement, b.requirement);
    EXPECT_EQ(a.file, b.file);
    ASSERT_EQ(a.rfc.size(), b.rfc.size());
    for (std::size_t i = 0; i < a.rfc.size(); ++i) expect_same(a.rfc[i], b.rfc[i]);
    EXPECT_EQ(a.level, b.level);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.duration_ms, b.duration_ms);
    EXPECT_EQ(a.harness_error, b.harness_error);
    ASSERT_EQ(a.waivers.size(), b.waivers.size());
    for (std::size_t i = 0; i < a.waivers.size(); ++i) {
        EXPECT_EQ(a.waivers[i].step, b.waivers[i].step);
        EXPECT_EQ(a.waivers[i].verdict, b.waivers[i].verdict);
        EXPECT_EQ(a.waivers[i].reason, b.waivers[i].reason);
        EXPECT_EQ(a.waivers[i].expires, b.waivers[i].expires);
        EXPECT_EQ(a.waivers[i].state, b.waivers[i].state);
    }
    ASSERT_EQ(a.steps.size(), b.steps.size());
    for (std::size_t i = 0; i < a.steps.size(); ++i) expect_same(a.steps[i], b.steps[i]);
    ASSERT_EQ(a.transcript.size(), b.transcript.size());
    for (std::size_t i = 0; i < a.transcript.size(); ++i) {
        EXPECT_EQ(a.transcript[i].t_ms, b.transcript[i].t_ms);
        EXPECT_EQ(a.transcript[i].direction, b.transcript[i].direction);
        EXPECT_EQ(a.transcript[i].data, b.transcript[i].data);
    }
}

void expect_same(const RunResult& a, const RunResult& b) {
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.profile, b.profile);
    EXPECT_EQ(a.strict, b.strict);
    EXPECT_EQ(a.started, b.started);
    EXPECT_EQ(a.duration_ms, b.duration_ms);
    EXPECT_EQ(a.incomplete, b.incomplete);
    ASSERT_EQ(a.shard.has_value(), b.shard.has_value());
    if (a.shard) {
        EXPECT_EQ(a.shard->index, b.shard->index);
        EXPECT_EQ(a.shard->count, b.shard->count);
    }
    ASSERT_EQ(a.baseline.has_value(), b.baseline.has_value());
    if (a.baseline) {
        EXPECT_EQ(a.baseline->file, b.baseline->file);
        EXPECT_EQ(a.baseline->entries, b.baseline->entries);
        EXPECT_EQ(a.baseline->not_run, b.baseline->not_run);
    }
    ASSERT_EQ(a.scenarios.size(), b.scenarios.size());
    for (std::size_t i = 0; i < a.scenarios.size(); ++i) expect_same(a.scenarios[i], b.scenarios[i]);
}

RunResult round_trip(const RunResult& run) { return parse_json_report(json::parse(render_json_report(run))); }

json sample_document() { return json::parse(render_json_report(sample_run())); }

// The message of the JsonReportError that parsing `document` throws, or "" when it does not.
std::string parse_error(const json& document) {
    try {
        parse_json_report(document);
    } catch (const JsonReportError& e) {
        return e.what();
    }
    return "";
}

// ---- the format ------------------------------------------------------------------------------

TEST(JsonReport, MatchesGolden) { EXPECT_TRUE(matches_golden("sample_run.json", render_json_report(sample_run()))); }

TEST(JsonReport, TopLevelMembersComeInTheDocumentedOrder) {
    std::vector<std::string> keys;
    const auto document = json_report(sample_run());
    for (const auto& [key, value] : document.items()) keys.push_back(key);
    EXPECT_THAT(keys, ::testing::ElementsAre("tool", "format_version", "version", "target", "profile", "strict",
                                             "started", "duration_ms", "incomplete", "baseline", "summary", "scenarios"));
}

TEST(JsonReport, SummaryCountsOutcomesAndEveryVerdict) {
    const auto summary = sample_document()["summary"];
    EXPECT_EQ(summary["scenarios"], 10);
    EXPECT_EQ(summary["passed"], 1);
    EXPECT_EQ(summary["warned"], 2);
    EXPECT_EQ(summary["failed"], 4);
    EXPECT_EQ(summary["unimplemented"], 1);
    EXPECT_EQ(summary["skipped"], 1);
    EXPECT_EQ(summary["errors"], 1);
    ASSERT_EQ(summary["verdicts"].size(), std::size(all_verdicts));
    for (Verdict verdict : all_verdicts)
        EXPECT_GE(summary["verdicts"][std::string(to_string(verdict))], 1)
            << "the sample covers " << to_string(verdict);
}

TEST(JsonReport, StepCarriesReplyAndJudgement) {
    const auto step = sample_document()["scenarios"][3]["steps"][2];   // RCPT before MAIL
    EXPECT_EQ(step["send"], "RCPT TO:<bob@example.org>\r\n");
    EXPECT_EQ(step["command"], "RCPT");
    EXPECT_EQ(step["reply"]["code"], 250);
    EXPECT_EQ(step["reply"]["enhanced"], "2.1.5");
    EXPECT_THAT(step["reply"]["lines"].get<std::vector<std::string>>(), ::testing::ElementsAre("2.1.5 Recipient ok"));
    EXPECT_EQ(step["verdict"], "unexpected");
    EXPECT_THAT(step["expected"].get<std::vector<std::string>>(), ::testing::ElementsAre("503"));
    EXPECT_EQ(step["rfc"], "RFC 5321 §3.3");
}

TEST(JsonReport, MissingReplyIsNull) {
    const auto step = sample_document()["scenarios"][6]["steps"][1];   // HELP, disconnected
    EXPECT_TRUE(step["reply"].is_null());
    EXPECT_TRUE(step["findings"].is_array() && step["findings"].empty());
}

TEST(JsonReport, HarnessErrorIsNullUnlessSet) {
    const auto document = sample_document();
    EXPECT_TRUE(document["scenarios"][0]["harness_error"].is_null());
    EXPECT_EQ(document["scenarios"][9]["harness_error"], "transport: read failed: Bad file descriptor");
}

TEST(JsonReport, FindingsNameTheirRule) {
    const auto findings = sample_document()["scenarios"][4]["steps"][1]["findings"];
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0]["kind"], "bare_lf");
    EXPECT_EQ(findings[0]["level"], "MUST");
    EXPECT_EQ(findings[0]["rfc"], "RFC 5321 §2.3.8");
    EXPECT_EQ(findings[1]["detail"], "octet 0xFF at offset 23");
}

// ---- octets that are not UTF-8 ----------------------------------------------------------------

TEST(JsonReport, InvalidUtf8GetsReplacementAndExactBase64) {
    const auto scenario = sample_document()["scenarios"][4];   // NUL, bare LF, 0xFF 0xFE
    const auto server_line = scenario["transcript"][2];
    EXPECT_EQ(server_line["data"], "500 5.5.2 Syntax error \xEF\xBF\xBD\xEF\xBF\xBD\n");
    EXPECT_EQ(server_line["data_base64"], "NTAwIDUuNS4yIFN5bnRheCBlcnJvciD//go=");
    const auto reply = scenario["steps"][1]["reply"];
    EXPECT_THAT(reply["lines"].get<std::vector<std::string>>(),
                ::testing::ElementsAre("5.5.2 Syntax error \xEF\xBF\xBD\xEF\xBF\xBD"));
    EXPECT_THAT(reply["lines_base64"].get<std::vector<std::string>>(),
                ::testing::ElementsAre("NS41LjIgU3ludGF4IGVycm9yIP/+"));
    EXPECT_TRUE(reply.contains("raw_base64"));
}

TEST(JsonReport, ValidUtf8AndControlsNeedNoBase64) {
    const auto scenario = sample_document()["scenarios"][4];
    EXPECT_EQ(scenario["transcript"][1]["data"], std::string("NOOP\0\r\n", 7));   // NUL is valid UTF-8: \u0000
    EXPECT_FALSE(scenario["transcript"][1].contains("data_base64"));
    EXPECT_EQ(scenario["transcript"][4]["data"], "2500 Gr\xC3\xBC\xC3\x9F" "e\r\n");
    EXPECT_FALSE(scenario["transcript"][4].contains("data_base64"));
}

TEST(JsonReport, EveryOctetValueSurvivesTheRoundTrip) {
    auto run = sample_run();
    std::string every_octet;
    for (int octet = 0; octet < 256; ++octet) every_octet += static_cast<char>(octet);
    auto& scenario = run.scenarios.front();
    // Lengths 0-5 exercise every base64 padding case.
    for (std::size_t length = 0; length <= 5; ++length)
        scenario.transcript.push_back({0, 'E', every_octet.substr(250, length)});
    scenario.transcript.push_back({0, 'S', every_octet});
    scenario.steps.front().reply->lines.push_back(every_octet);
    scenario.title = "title \xC0\xAF (overlong) \xED\xA0\x80 (surrogate)";
    scenario.tags.push_back("\xF4\x90\x80\x80");   // above U+10FFFF
    run.target = "spawn: /opt/\xE9xim -bh";
    expect_same(round_trip(run), run);
}

TEST(JsonReport, WithBaselineMatchesGolden) {
    EXPECT_TRUE(matches_golden("sample_run_baseline.json", render_json_report(smtpspec::testing::sample_run_with_baseline())));
}

TEST(JsonReport, RoundTripKeepsWaivers) {
    const auto run = smtpspec::testing::sample_run_with_baseline();
    expect_same(round_trip(run), run);
}

TEST(JsonReport, SummaryCountsWaivedAndTheBaselinesEntries) {
    const auto document = json::parse(render_json_report(smtpspec::testing::sample_run_with_baseline()));
    EXPECT_EQ(document["summary"]["waived"], 1);
    EXPECT_EQ(document["summary"]["waivers_unneeded"], 1);
    EXPECT_EQ(document["summary"]["waivers_expired"], 1);
    EXPECT_EQ(document["baseline"]["not_run"], json::array({"rfc9999/1/1"}));
}

TEST(JsonReport, ReportWithoutBaselineMembersStillReads) {
    // Reports written before the baseline existed have no "baseline", "waivers" or "waived".
    auto document = sample_document();
    document.erase("baseline");
    for (auto& scenario : document["scenarios"]) {
        scenario.erase("waivers");
        for (auto& step : scenario["steps"]) step.erase("waived");
    }
    expect_same(parse_json_report(document), sample_run());
}

TEST(JsonReport, RoundTripKeepsEverything) {
    const auto run = sample_run();
    expect_same(round_trip(run), run);
}

TEST(JsonReport, RoundTripKeepsRunFlags) {
    auto run = sample_run();
    run.strict = true;
    run.incomplete = true;
    run.scenarios.clear();
    expect_same(round_trip(run), run);
}

TEST(JsonReport, AShardedRunSaysWhichShardAfterIncomplete) {
    std::vector<std::string> keys;
    const auto document = json_report(smtpspec::testing::sample_shard_run());
    for (const auto& [key, value] : document.items()) keys.push_back(key);
    EXPECT_THAT(keys, ::testing::ElementsAre("tool", "format_version", "version", "target", "profile", "strict",
                                             "started", "duration_ms", "incomplete", "shard", "baseline", "summary",
                                             "scenarios"));
    EXPECT_EQ(document["shard"].dump(), R"({"index":2,"count":4})");
    EXPECT_EQ(document["format_version"], 1) << "an added member keeps the format's version";
}

TEST(JsonReport, RoundTripKeepsTheShard) {
    const auto run = smtpspec::testing::sample_shard_run();
    expect_same(round_trip(run), run);
    EXPECT_FALSE(round_trip(sample_run()).shard) << "a report without \"shard\" is a whole run";
}

TEST(JsonReport, RenderedReportIsValidUtf8) { EXPECT_TRUE(is_valid_utf8(render_json_report(sample_run()))); }

// ---- reading errors ---------------------------------------------------------------------------

TEST(ParseJsonReport, RejectsOtherFormatVersions) {
    auto document = sample_document();
    document["format_version"] = 2;
    EXPECT_THAT(parse_error(document), HasSubstr("/format_version: format version 2"));
    document.erase("format_version");
    EXPECT_THAT(parse_error(document), HasSubstr("missing member \"format_version\""));
}

TEST(ParseJsonReport, RejectsOtherTools) {
    auto document = sample_document();
    document["tool"] = "h2spec";
    EXPECT_THAT(parse_error(document), HasSubstr("/tool: not an smtpspec report"));
}

TEST(ParseJsonReport, RejectsNonObjects) {
    EXPECT_THAT(parse_error(json::array()), HasSubstr("(document): expected an object, found array"));
}

TEST(ParseJsonReport, NamesThePointerOfAMissingMember) {
    auto document = sample_document();
    document["scenarios"][2]["steps"][1].erase("verdict");
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/2/steps/1: missing member \"verdict\""));
}

TEST(ParseJsonReport, RejectsUnknownEnumerationValues) {
    auto document = sample_document();
    document["scenarios"][0]["steps"][0]["verdict"] = "fine";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/0/steps/0/verdict: unknown verdict \"fine\""));
    document = sample_document();
    document["scenarios"][0]["outcome"] = "great";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/0/outcome: unknown outcome \"great\""));
    document = sample_document();
    document["scenarios"][0]["transcript"][0]["dir"] = "X";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/0/transcript/0/dir: unknown direction \"X\""));
    document = sample_document();
    document["scenarios"][4]["steps"][1]["findings"][0]["kind"] = "odd";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/4/steps/1/findings/0/kind: unknown finding kind \"odd\""));
}

TEST(ParseJsonReport, RejectsWrongTypes) {
    auto document = sample_document();
    document["strict"] = "yes";
    EXPECT_THAT(parse_error(document), HasSubstr("/strict: expected a boolean, found string"));
    document = sample_document();
    document["scenarios"][0]["steps"][0]["reply"]["code"] = "220";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/0/steps/0/reply/code: expected a 64-bit integer"));
    document = sample_document();
    document["scenarios"][0]["steps"][0]["step"] = -1;
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/0/steps/0/step: -1 is outside"));
    document = sample_document();
    document["scenarios"][0]["steps"][0]["reply"]["enhanced"] = "2.0";
    EXPECT_THAT(parse_error(document), HasSubstr("\"2.0\" is not class.subject.detail"));
}

TEST(ParseJsonReport, RejectsAShardThatIsNotIOfNNamingItsPointer) {
    const std::vector<std::pair<json, std::string>> cases = {
        {json{{"index", 5}, {"count", 4}}, "/shard/index: 5 is outside 1-4"},
        {json{{"index", 0}, {"count", 4}}, "/shard/index: 0 is outside 1-4"},
        {json{{"index", 1}, {"count", 0}}, "/shard/count: 0 is outside 1-1000"},
        {json{{"index", 1}, {"count", 1001}}, "/shard/count: 1001 is outside 1-1000"},
        {json{{"index", 1}}, "/shard: missing member \"count\""},
        {json{{"index", "1"}, {"count", 4}}, "/shard/index: expected a 64-bit integer"},
        {json("2/4"), "/shard: expected an object"},
        {json(nullptr), "/shard: expected an object"},
    };
    for (const auto& [shard, message] : cases) {
        auto document = sample_document();
        document["shard"] = shard;
        EXPECT_THAT(parse_error(document), HasSubstr(message)) << shard.dump();
    }
}

TEST(ParseJsonReport, RejectsBadBase64) {
    auto document = sample_document();
    document["scenarios"][4]["transcript"][2]["data_base64"] = "not base64!";
    EXPECT_THAT(parse_error(document), HasSubstr("/scenarios/4/transcript/2/data_base64: not valid base64"));
    document["scenarios"][4]["transcript"][2]["data_base64"] = "QQ=A";
    EXPECT_THAT(parse_error(document), HasSubstr("not valid base64"));
    document = sample_document();
    document["scenarios"][4]["steps"][1]["reply"]["lines_base64"] = json::array();
    EXPECT_THAT(parse_error(document), HasSubstr("lines_base64: expected an array of 1 base64 strings"));
}

TEST(ParseJsonReport, IgnoresUnknownMembersAndTheSummary) {
    auto document = sample_document();
    document["added_later"] = {{"anything", 1}};
    document["scenarios"][0]["steps"][0]["added_later"] = true;
    document["summary"] = "recomputed by readers";
    const auto run = sample_run();
    expect_same(parse_json_report(document), run);
}

// ---- writing the file -------------------------------------------------------------------------

class WriteJsonReport : public ::testing::Test {
protected:
    void SetUp() override {
        directory_ = std::filesystem::temp_directory_path() /
                     ("smtpspec-json-" + std::to_string(::getpid()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(directory_);
        std::filesystem::create_directories(directory_);
    }
    void TearDown() override {
        std::filesystem::permissions(directory_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
        std::filesystem::remove_all(directory_);
    }

    static std::string read(const std::filesystem::path& path) {
        std::ifstream file(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    }

    std::size_t files_in_directory() const {
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(directory_), {}));
    }

    std::filesystem::path directory_;
};

TEST_F(WriteJsonReport, WritesTheRenderedReportAndNoTemporaryFile) {
    const auto path = directory_ / "run.json";
    write_json_report(sample_run(), path);
    EXPECT_EQ(read(path), render_json_report(sample_run()));
    EXPECT_EQ(files_in_directory(), 1u);
}

TEST_F(WriteJsonReport, ReplacesAnExistingFileKeepingItsMode) {
    const auto path = directory_ / "run.json";
    std::ofstream(path) << "old";
    using std::filesystem::perms;
    const auto mode = perms::owner_read | perms::owner_write | perms::group_read;
    std::filesystem::permissions(path, mode);
    write_json_report(sample_run(), path);
    EXPECT_EQ(read(path), render_json_report(sample_run()));
    EXPECT_EQ(std::filesystem::status(path).permissions() & perms::all, mode);
    EXPECT_EQ(files_in_directory(), 1u);
}

TEST_F(WriteJsonReport, NewFileIsReadableLikeAnyOther) {
    const auto path = directory_ / "run.json";
    write_file_atomically(path, "{}\n");
    // mkstemp creates 0600; a report is not a secret, so it gets the usual 0666 minus umask.
    const auto mask = ::umask(022);
    ::umask(mask);
    const auto expected = static_cast<unsigned>(0666 & ~mask);
    const auto mode = std::filesystem::status(path).permissions() & std::filesystem::perms::all;
    EXPECT_EQ(static_cast<unsigned>(mode), expected);
}

TEST_F(WriteJsonReport, FailureNamesThePathAndLeavesNothing) {
    const auto path = directory_ / "missing" / "run.json";
    try {
        write_json_report(sample_run(), path);
        FAIL() << "expected WriteError";
    } catch (const WriteError& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write report " + path.string()));
        EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
    }
    EXPECT_EQ(files_in_directory(), 0u);
}

TEST_F(WriteJsonReport, FailureToRenameLeavesNoTemporaryFile) {
    const auto path = directory_ / "run.json";
    std::filesystem::create_directory(path);   // rename(2) cannot replace a directory with a file
    std::filesystem::create_directory(path / "occupied");
    EXPECT_THROW(write_json_report(sample_run(), path), WriteError);
    EXPECT_EQ(files_in_directory(), 1u);
}

TEST_F(WriteJsonReport, ParentThatIsAFileIsAClearError) {
    const auto file = directory_ / "file";
    std::ofstream(file) << "not a directory";
    try {
        write_json_report(sample_run(), file / "run.json");
        FAIL() << "expected WriteError";
    } catch (const WriteError& e) {
        EXPECT_THAT(e.what(), HasSubstr("cannot write report " + (file / "run.json").string()));
        EXPECT_THAT(e.what(), HasSubstr("creating a temporary file in " + file.string() + ": Not a directory"));
    }
}

}  // namespace
}  // namespace smtpspec::reports
