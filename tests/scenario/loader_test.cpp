#include "scenario/loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <string>

#include "core/capabilities.hpp"
#include "core/registry.hpp"
#include "support/bad_scenario_fixtures.hpp"

namespace smtpspec {
namespace {

namespace fs = std::filesystem;

const fs::path fixtures = fs::path(SMTPSPEC_TEST_DATA) / "scenarios";
const fs::path shipped = fs::path(SMTPSPEC_SOURCE_DIR) / "scenarios";

LoadResult load(const fs::path& path) { return load_scenarios({path}, Registry::builtin()); }

std::string all_issues(const LoadResult& result) {
    std::string out;
    for (const LoadIssue& issue : result.issues) out += issue.text() + "\n";
    return out;
}

std::vector<std::string> pattern_texts(const std::vector<CodePattern>& patterns) {
    std::vector<std::string> out;
    for (const CodePattern& p : patterns) out.push_back(p.text());
    return out;
}

using Texts = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// A good file, every form of step

class GoodFile : public ::testing::Test {
protected:
    void SetUp() override {
        result = load(fixtures / "good" / "basic.json");
        ASSERT_TRUE(result.ok()) << all_issues(result);
        ASSERT_EQ(result.scenarios.size(), 2u);
    }
    const Scenario& first() const { return result.scenarios[0]; }
    const Scenario& second() const { return result.scenarios[1]; }
    LoadResult result;
};

TEST_F(GoodFile, ReadsTheScenarioFields) {
    const Scenario& s = first();
    EXPECT_EQ(s.id, "rfc5321/4.1.1.3/2");
    EXPECT_EQ(s.title, "RCPT before MAIL is a bad sequence");
    EXPECT_EQ(s.requirement, "A server answers RCPT without a preceding MAIL with 503.");
    ASSERT_EQ(s.rfc.size(), 1u);
    EXPECT_EQ(s.rfc[0].text(), "RFC 5321 §3.3");
    EXPECT_EQ(s.level(), RequirementLevel::must);
    EXPECT_EQ(s.tags, Texts{"sequence"});
    EXPECT_EQ(s.requires_extensions, Texts{"PIPELINING"});
    EXPECT_EQ(s.profiles, (std::vector<Profile>{Profile::rfc5321, Profile::rfc2821}));
    EXPECT_TRUE(s.applies_to(Profile::rfc2821));
    EXPECT_FALSE(s.applies_to(Profile::rfc821));
    EXPECT_EQ(s.timeout_ms, 5000);
    EXPECT_TRUE(s.file.ends_with("good/basic.json")) << s.file;
    EXPECT_EQ(s.pointer, "/scenarios/0");
    EXPECT_EQ(s.steps.size(), 9u);
}

TEST_F(GoodFile, LeavesOptionalScenarioFieldsEmpty) {
    const Scenario& s = second();
    EXPECT_TRUE(s.tags.empty());
    EXPECT_TRUE(s.requires_extensions.empty());
    EXPECT_TRUE(s.profiles.empty());
    for (Profile p : all_profiles) EXPECT_TRUE(s.applies_to(p));
    EXPECT_FALSE(s.timeout_ms.has_value());
    EXPECT_EQ(s.level(), RequirementLevel::may);
    ASSERT_EQ(s.rfc.size(), 2u);
    EXPECT_EQ(s.rfc[0].text(), "RFC 5321 App. F.6");
    EXPECT_EQ(s.rfc[1].level, RequirementLevel::should);
}

// One row per step: what the loader must make of it.
struct StepCase {
    std::size_t scenario;
    std::size_t step;
    StepAction action;
    const char* payload;
    Texts commands;     // one per awaited reply
    Texts pass;         // of the last reply
    Texts non_strict;   // of the last reply
};

class GoodStep : public GoodFile, public ::testing::WithParamInterface<StepCase> {};

TEST_P(GoodStep, MapsToActionPayloadAndReplies) {
    const StepCase& c = GetParam();
    const Step& step = result.scenarios.at(c.scenario).steps.at(c.step);
    EXPECT_EQ(step.action, c.action) << to_string(step.action);
    EXPECT_EQ(step.payload, c.payload);
    EXPECT_EQ(step.pointer, "/scenarios/" + std::to_string(c.scenario) + "/steps/" + std::to_string(c.step));
    Texts commands;
    for (const ReplyExpectation& r : step.replies) commands.push_back(r.command);
    EXPECT_EQ(commands, c.commands);
    if (!step.replies.empty()) {
        EXPECT_EQ(pattern_texts(step.replies.back().pass), c.pass);
        EXPECT_EQ(pattern_texts(step.replies.back().non_strict), c.non_strict);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Steps, GoodStep,
    ::testing::Values(
        StepCase{0, 0, StepAction::greeting, "", {"<greeting>"}, {}, {}},
        StepCase{0, 1, StepAction::send, "EHLO {helo}", {"EHLO"}, {}, {}},
        StepCase{0, 2, StepAction::send, "RCPT TO:<{rcpt}>", {"RCPT"}, {"503"}, {}},
        StepCase{0, 3, StepAction::raw, "NOOP\n", {"NOOP"}, {"250"}, {"500"}},
        StepCase{0, 4, StepAction::raw, "MAIL FROM:<{from}>\r\nRCPT TO:<{rcpt}>\r\n", {"MAIL", "RCPT"}, {"2xx"}, {}},
        StepCase{0, 5, StepAction::send, "DATA", {"DATA"}, {"354"}, {}},
        StepCase{0, 6, StepAction::data, "Subject: t\r\n\r\n.leading dot\r\nbody", {"<data-end>"}, {}, {}},
        StepCase{0, 7, StepAction::send, "QUIT", {"QUIT"}, {"221"}, {}},
        StepCase{0, 8, StepAction::none, "", {""}, {"close"}, {}},
        StepCase{1, 0, StepAction::raw, "EHLO early\r\n", {}, {}, {}},   // "none": nothing read
        StepCase{1, 1, StepAction::greeting, "", {"<greeting>"}, {}, {}},
        StepCase{1, 2, StepAction::send, "send FROM:<{from}>", {"SEND"}, {}, {}},   // verbs are case-insensitive
        StepCase{1, 3, StepAction::send, "XYZZY", {"<unknown>"}, {}, {}},
        StepCase{1, 4, StepAction::raw, "RSET\r\nNOOP\r\n", {"RSET", "NOOP"}, {"close", "timeout"}, {}},
        StepCase{1, 5, StepAction::send, "NOOP", {"NOOP"}, {"5xx", "55x"}, {}}));

TEST_F(GoodFile, KeepsStepTimingAndTheNarrowerRule) {
    const Step& rcpt = first().steps[2];
    ASSERT_TRUE(rcpt.replies[0].rfc.has_value());
    EXPECT_EQ(rcpt.replies[0].rfc->text(), "RFC 5321 §3.3");
    EXPECT_EQ(rcpt.replies[0].why, "RCPT outside a transaction");
    EXPECT_EQ(first().steps[3].timeout_ms, 2000);
    EXPECT_FALSE(first().steps[2].timeout_ms.has_value());
    EXPECT_EQ(second().steps[0].delay_ms, 0);
    EXPECT_FALSE(second().steps[1].delay_ms.has_value());
    EXPECT_FALSE(first().steps[4].replies[0].narrowed());
}

// ---------------------------------------------------------------------------------------------
// Bad files: each has one problem, reported with its place and reason

class BadFile : public ::testing::TestWithParam<testing::BadFixture> {};

TEST_P(BadFile, ReportsItsOneIssuePrecisely) {
    const testing::BadFixture& c = GetParam();
    const LoadResult result = load(fixtures / "bad" / c.file);
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    const LoadIssue& issue = result.issues[0];
    EXPECT_TRUE(issue.file.ends_with(std::string("bad/") + c.file)) << issue.file;
    EXPECT_EQ(issue.pointer, c.pointer) << issue.text();
    EXPECT_NE(issue.message.find(c.message), std::string::npos) << issue.text();
}

INSTANTIATE_TEST_SUITE_P(Files, BadFile, ::testing::ValuesIn(testing::bad_scenario_fixtures),
                         [](const ::testing::TestParamInfo<testing::BadFixture>& param_info) {
                             std::string name = param_info.param.file;
                             name = name.substr(0, name.find('.'));
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(BadFiles, EveryFixtureIsInTheTable) {
    // A fixture nobody checks would rot; schema_check.py reads the same folder.
    std::set<std::string> files;
    for (const auto& entry : fs::directory_iterator(fixtures / "bad"))
        if (entry.path().extension() == ".json") files.insert(entry.path().filename().string());
    std::set<std::string> listed{"several-errors.json"};
    for (const auto& fixture : testing::bad_scenario_fixtures) listed.insert(fixture.file);
    EXPECT_EQ(files, listed);
}

TEST(SeveralErrors, AreAllReportedAtOnce) {
    const LoadResult result = load(fixtures / "bad" / "several-errors.json");
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"/scenarios/0/id", "'Bad id': an id is"},
        {"/scenarios/0/steps/1", "unknown field 'sned' (did you mean 'send'?)"},
        {"/scenarios/0/steps/1", "a step without 'send', 'raw', 'data' or 'tls'"},
        {"/scenarios/1/rfc", "at least one RFC reference"},
        {"/scenarios/1/profiles/0", "'rfc9999': a profile is"},
        {"/scenarios/2/steps/1/command", "unknown command 'VRFYY' (did you mean 'VRFY'?)"},
        {"/scenarios/2/steps/1/send", "undefined variable 'who'"},
        {"/scenarios/2/steps/1/expect/pass/0", "bad code pattern '2500'"},
    };
    EXPECT_EQ(result.issues.size(), expected.size()) << all_issues(result);
    for (const auto& [pointer, message] : expected) {
        const bool found = std::any_of(result.issues.begin(), result.issues.end(), [&](const LoadIssue& issue) {
            return issue.pointer == pointer && issue.message.find(message) != std::string::npos;
        });
        EXPECT_TRUE(found) << pointer << ": " << message << "\n" << all_issues(result);
    }
    EXPECT_TRUE(result.scenarios.empty());
}

// Problems in one step, checked on text built around it (the fixtures cover whole files).
struct StepProblem {
    const char* name;
    const char* step;
    const char* pointer;   // below /scenarios/0/steps/1
    const char* message;
};

class BadStep : public ::testing::TestWithParam<StepProblem> {};

TEST_P(BadStep, IsReportedPrecisely) {
    const std::string text = std::string(R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t",
        "requirement": "r", "rfc": [{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}],
        "steps": [{"expect": "greeting"}, )") + GetParam().step + "]}]}";
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, std::string("/scenarios/0/steps/1") + GetParam().pointer);
    EXPECT_NE(result.issues[0].message.find(GetParam().message), std::string::npos) << result.issues[0].text();
}

INSTANTIATE_TEST_SUITE_P(
    Steps, BadStep,
    ::testing::Values(
        StepProblem{"huge_delay", R"({"send": "NOOP", "delay_ms": 18446744073709551615})", "/delay_ms",
                    "18446744073709551615 is out of range 0..600000"},
        StepProblem{"negative_delay", R"({"send": "NOOP", "delay_ms": -1})", "/delay_ms", "-1 is out of range"},
        StepProblem{"fractional_timeout", R"({"send": "NOOP", "timeout_ms": 1.5})", "/timeout_ms",
                    "expected an integer, found a fractional number"},
        StepProblem{"expect_number", R"({"send": "NOOP", "expect": 250})", "/expect",
                    "expected an object or one of \"greeting\", \"close\", \"none\", found an integer"},
        StepProblem{"expect_word_typo", R"({"send": "NOOP", "expect": "nothing"})", "/expect",
                    "'nothing': expect is an object or one of"},
        StepProblem{"expect_field_typo", R"({"send": "NOOP", "expect": {"pas": ["250"]}})", "/expect",
                    "unknown field 'pas' (did you mean 'pass'?)"},
        StepProblem{"empty_pass", R"({"send": "NOOP", "expect": {"pass": []}})", "/expect/pass", "must not be empty"},
        StepProblem{"pattern_twice", R"({"send": "NOOP", "expect": {"pass": ["250", "250"]}})", "/expect/pass/1",
                    "listed twice"},
        StepProblem{"empty_send", R"({"send": ""})", "/send", "must not be empty"},
        StepProblem{"none_with_command", R"({"send": "NOOP", "command": "NOOP", "expect": "none"})", "/command",
                    "has no effect"},
        StepProblem{"close_with_command", R"({"expect": "close", "command": "QUIT"})", "", "'command' needs"},
        StepProblem{"replies_and_expect", R"({"raw": "NOOP\r\n", "replies": [{}], "expect": "none"})", "",
                    "either 'expect' or 'replies'"},
        StepProblem{"reply_without_line", R"({"raw": "NOOP\r\n", "replies": [{}, {}]})", "/replies/1",
                    "has no line 2"},
        StepProblem{"reply_expect_word", R"({"raw": "NOOP\r\n", "replies": [{"expect": "none"}]})",
                    "/replies/0/expect", "expected an object"},
        StepProblem{"bad_template_in_data", R"({"data": "{repeat:2000000:x}"})", "/data", "repeat count exceeds"},
        StepProblem{"repeat_zero", R"({"send": "NOOP", "repeat": 0})", "/repeat", "out of range 1..10000"},
        StepProblem{"tls_false", R"({"tls": false})", "/tls", "\"tls\": true starts TLS"},
        StepProblem{"tls_with_expect", R"({"tls": true, "expect": "none"})", "/expect", "has no effect on a \"tls\" step"},
        StepProblem{"tls_and_send", R"({"tls": true, "send": "NOOP"})", "", "a step has one action"},
        StepProblem{"unknown_check", R"({"send": "EHLO x", "expect": {"checks": ["ehlo-format"]}})", "/expect/checks/0",
                    "a content check"},
        StepProblem{"checks_beside_a_command", R"({"send": "EHLO x", "checks": ["ehlo-syntax"]})", "/checks",
                    "goes inside 'expect'"},
        StepProblem{"checks_on_close", R"({"expect": "close", "checks": ["greeting-syntax"]})", "/checks",
                    "a close has no content"},
        StepProblem{"lower_case_keyword", R"({"send": "EHLO x", "expect": {"not_advertises": ["starttls"]}})",
                    "/expect/not_advertises/0", "an EHLO keyword in upper case"}),
    [](const ::testing::TestParamInfo<StepProblem>& param_info) { return param_info.param.name; });

TEST(ParseScenarioFile, RepeatedStepsAreExpanded) {
    const std::string text = R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r",
        "rfc": [{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}],
        "steps": [{"expect": "greeting"}, {"send": "RCPT TO:<a@b>", "repeat": 100}, {"send": "QUIT"}]}]})";
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_TRUE(result.ok()) << all_issues(result);
    ASSERT_EQ(result.scenarios[0].steps.size(), 102u);
    EXPECT_EQ(result.scenarios[0].steps[100].payload, "RCPT TO:<a@b>");
    EXPECT_EQ(result.scenarios[0].steps[101].payload, "QUIT");
}

// A scenario whose steps are `steps_json`, as a file's "scenarios" element with id x/1/N.
std::string scenario_with_steps(int n, const std::string& steps_json) {
    return fmt::format(R"({{"id": "x/1/{}", "title": "t", "requirement": "r",
        "rfc": [{{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}}], "steps": {}}})",
                       n, steps_json);
}

std::string file_of(const std::vector<std::string>& scenarios) {
    return fmt::format(R"({{"description": "d", "scenarios": [{}]}})", fmt::join(scenarios, ","));
}

TEST(ParseScenarioFile, AScenarioMayExpandToItsStepLimit) {
    const std::string text = file_of({scenario_with_steps(
        1, fmt::format(R"([{{"expect": "greeting"}}, {{"send": "NOOP", "repeat": {}}}])", max_steps_per_scenario - 1))});
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_TRUE(result.ok()) << all_issues(result);
    EXPECT_EQ(result.scenarios[0].steps.size(), max_steps_per_scenario);
}

TEST(ParseScenarioFile, RepeatsBeyondAScenariosStepLimitAreOneIssueAtTheStep) {
    const std::string text = file_of({scenario_with_steps(
        1, R"([{"expect": "greeting"}, {"send": "NOOP", "repeat": 10000}, {"send": "RSET", "repeat": 10000}])")});
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "/scenarios/0/steps/1");
    EXPECT_NE(result.issues[0].message.find("exceed 10000"), std::string::npos) << result.issues[0].message;
}

// What the fuzzer found: a few kilobytes of scenarios, each repeating steps to the step limit,
// expanded to over a million steps and half a gigabyte.
TEST(ParseScenarioFile, RepeatsAcrossAFileStopAtTheFileLimitWithOneIssue) {
    std::vector<std::string> scenarios;
    const std::string steps = R"([{"send": "NOOP", "repeat": 5000}, {"send": "RSET", "repeat": 5000}])";
    for (int n = 1; n <= 150; ++n) scenarios.push_back(scenario_with_steps(n, steps));
    const std::string text = file_of(scenarios);
    ASSERT_LT(text.size(), 32u * 1024);
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "/scenarios/10/steps/0");
    EXPECT_NE(result.issues[0].message.find("the file's steps, repeats counted, exceed 100000"), std::string::npos) << result.issues[0].message;
    // The ten scenarios before the limit are whole; none after it comes back half-expanded.
    ASSERT_EQ(result.scenarios.size(), 10u);
    for (const Scenario& s : result.scenarios) EXPECT_EQ(s.steps.size(), 10'000u) << s.id;
}

TEST(ParseScenarioFile, RepeatedLargePayloadsStopAtTheFilesOctetLimit) {
    // 1 MiB of content sent 100 times: 100 MiB of copies from a 1 MiB file.
    const std::string steps = fmt::format(R"([{{"data": "{}", "repeat": 100}}])", std::string(1 << 20, 'x'));
    const LoadResult result = parse_scenario_file(file_of({scenario_with_steps(1, steps)}), "inline.json",
                                                  Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "/scenarios/0/steps/0");
    EXPECT_NE(result.issues[0].message.find("exceed 64 MiB"), std::string::npos) << result.issues[0].message;
}

TEST(ParseScenarioFile, ReadsTlsStepsAbsentExtensionsAndContentChecks) {
    const std::string text = R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r",
        "rfc": [{"doc": "RFC 3207", "section": "4.2", "level": "MUST"}], "requires_absent": ["SIZE"],
        "steps": [{"expect": "greeting"}, {"send": "STARTTLS"}, {"tls": true},
                  {"send": "EHLO x", "expect": {"checks": ["ehlo-syntax"], "advertises": ["AUTH"], "not_advertises": ["STARTTLS"]}}]}]})";
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_TRUE(result.ok()) << all_issues(result);
    const auto& scenario = result.scenarios[0];
    EXPECT_EQ(scenario.requires_absent, std::vector<std::string>{"SIZE"});
    EXPECT_EQ(scenario.steps[2].action, StepAction::tls);
    EXPECT_TRUE(scenario.steps[2].replies.empty());
    const auto& ehlo = scenario.steps[3].replies.at(0);
    EXPECT_EQ(ehlo.checks, std::vector<std::string>{"ehlo-syntax"});
    EXPECT_EQ(ehlo.advertises, std::vector<std::string>{"AUTH"});
    EXPECT_EQ(ehlo.not_advertises, std::vector<std::string>{"STARTTLS"});
}

TEST(ParseScenarioFile, AKeywordBothRequiredAndAbsentIsAnError) {
    const std::string text = R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r",
        "rfc": [{"doc": "RFC 1870", "section": "4", "level": "MUST"}], "requires": ["SIZE"], "requires_absent": ["SIZE"],
        "steps": [{"expect": "greeting"}]}]})";
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "/scenarios/0/requires_absent");
}

TEST(ParseScenarioFile, SuggestsTheClosestScenarioField) {
    const LoadResult result = parse_scenario_file(
        R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirment": "r",
            "rfc": [{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}], "steps": [{"expect": "greeting"}]}]})",
        "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 2u) << all_issues(result);
    EXPECT_EQ(result.issues[0].message, "unknown field 'requirment' (did you mean 'requirement'?)");
    EXPECT_EQ(result.issues[1].message, "missing required field 'requirement'");
}

// A misspelt field is caught at every level, each with the nearest known name.
struct MisspeltField {
    const char* name;
    const char* document;
    const char* pointer;
    const char* message;
};

class MisspeltFieldAt : public ::testing::TestWithParam<MisspeltField> {};

TEST_P(MisspeltFieldAt, EveryLevelSuggestsTheNearestName) {
    const LoadResult result = parse_scenario_file(GetParam().document, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, GetParam().pointer);
    EXPECT_EQ(result.issues[0].message, GetParam().message);
}

#define SMTPSPEC_SCENARIO(RFC, STEPS)                                                                   \
    R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r", "rfc": [)" \
    RFC "], \"steps\": [{\"expect\": \"greeting\"}" STEPS "]}]}"
constexpr const char* good_rfc = R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST"})";

INSTANTIATE_TEST_SUITE_P(
    Levels, MisspeltFieldAt,
    ::testing::Values(
        MisspeltField{"document", R"({"$shema": "s", "description": "d", "scenarios": [{"id": "x/1/1", "title": "t",
            "requirement": "r", "rfc": [{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}],
            "steps": [{"expect": "greeting"}]}]})",
                      "", "unknown field '$shema' (did you mean '$schema'?)"},
        MisspeltField{"rfc_reference",
                      SMTPSPEC_SCENARIO(R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST", "levle": "MAY"})", ""),
                      "/scenarios/0/rfc/0", "unknown field 'levle' (did you mean 'level'?)"},
        MisspeltField{"expectation",
                      SMTPSPEC_SCENARIO(R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST"})",
                                        R"(, {"send": "NOOP", "expect": {"non_strcit": ["5xx"]}})"),
                      "/scenarios/0/steps/1/expect", "unknown field 'non_strcit' (did you mean 'non_strict'?)"},
        MisspeltField{"reply_entry",
                      SMTPSPEC_SCENARIO(R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST"})",
                                        R"(, {"raw": "NOOP\r\n", "replies": [{"comand": "NOOP"}]})"),
                      "/scenarios/0/steps/1/replies/0", "unknown field 'comand' (did you mean 'command'?)"},
        MisspeltField{"narrowing_rfc",
                      SMTPSPEC_SCENARIO(R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST"})",
                                        R"(, {"send": "NOOP", "expect": {"rfc": {"doc": "RFC 5321", "section": "3.3", "level": "MUST", "sectoin": "4"}}})"),
                      "/scenarios/0/steps/1/expect/rfc", "unknown field 'sectoin' (did you mean 'section'?)"},
        MisspeltField{"no_near_name",
                      SMTPSPEC_SCENARIO(R"({"doc": "RFC 5321", "section": "3.3", "level": "MUST"})",
                                        R"(, {"send": "NOOP", "colour": "red"})"),
                      "/scenarios/0/steps/1", "unknown field 'colour'"}),
    [](const ::testing::TestParamInfo<MisspeltField>& param_info) { return param_info.param.name; });
#undef SMTPSPEC_SCENARIO

// ---------------------------------------------------------------------------------------------
// Text that is not a scenario document at all

std::string nested(std::size_t depth, bool closed) {
    return std::string(depth, '[') + (closed ? std::string(depth, ']') : "");
}

TEST(ParseScenarioFile, DeepNestingStopsAtTheLimitWithoutExhaustingMemoryOrStack) {
    // 100,000 levels once took minutes and gigabytes (every open level kept its JSON pointer);
    // recursion over them would overflow the stack. Both forms stop at the limit.
    for (const bool closed : {true, false}) {
        const auto started = std::chrono::steady_clock::now();
        const LoadResult result = parse_scenario_file(nested(100'000, closed), "deep.json", Registry::builtin());
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
        ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
        EXPECT_EQ(result.issues[0].message, "nested deeper than 64 levels (a scenario needs about 10)");
        std::string pointer;
        for (std::size_t level = 1; level <= max_scenario_nesting_depth; ++level) pointer += "/0";
        EXPECT_EQ(result.issues[0].pointer, pointer) << "the first container beyond the limit";
    }
}

TEST(ParseScenarioFile, NestingUpToTheLimitIsParsedAndJudgedAsUsual) {
    const LoadResult result = parse_scenario_file(nested(max_scenario_nesting_depth, true), "deep.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].message, "expected an object, found an array");
}

TEST(ParseScenarioFile, NestingTooDeepInsideAScenarioNamesWhere) {
    const std::string text = R"({"description": "d", "scenarios": [{"id": "x/1/1", "title": "t", "requirement": "r",
        "rfc": [{"doc": "RFC 5321", "section": "3.3", "level": "MUST"}], "steps": [{"expect": "greeting"},
        {"send": "NOOP", "expect": {"why": )" + nested(100, true) + "}}]}]}";
    const LoadResult result = parse_scenario_file(text, "inline.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_TRUE(result.issues[0].pointer.starts_with("/scenarios/0/steps/1/expect/why/0/0/")) << result.issues[0].pointer;
}

TEST(ParseScenarioFile, AnEmptyFileSaysSo) {
    for (const char* text : {"", " \r\n\t"}) {
        const LoadResult result = parse_scenario_file(text, "empty.json", Registry::builtin());
        ASSERT_EQ(result.issues.size(), 1u);
        EXPECT_NE(result.issues[0].message.find("the file is empty"), std::string::npos) << result.issues[0].message;
    }
}

TEST(ParseScenarioFile, OctetsThatAreNotUtf8AreInvalidJsonWithTheirPlace) {
    // JSON text is UTF-8 (RFC 8259 §8.1); a Latin-1 title would otherwise reach every report.
    const std::string text = "{\"description\": \"d\",\n \"scenarios\": [{\"title\": \"caf\xE9\"}]}";
    const LoadResult result = parse_scenario_file(text, "latin1.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "");
    EXPECT_NE(result.issues[0].message.find("invalid JSON at line 2, column"), std::string::npos) << result.issues[0].message;
    EXPECT_NE(result.issues[0].message.find("ill-formed UTF-8"), std::string::npos) << result.issues[0].message;
}

// Found by the scenario loader fuzz target (tests/fuzz): nlohmann reports a number beyond a
// double as out_of_range, not as a parse_error, and it escaped the loader.
TEST(ParseScenarioFile, ANumberBeyondADoubleIsInvalidJson) {
    const LoadResult result = parse_scenario_file(R"({"description": "d", "scenarios": [1e400]})", "inline.json",
                                                  Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "");
    EXPECT_EQ(result.issues[0].message, "invalid JSON: number overflow parsing '1e400'");
}

// Found by the scenario loader fuzz target: a duplicate inside the dropped value of a duplicate
// key was reported at a pointer that names the value replacing it.
TEST(ParseScenarioFile, DuplicatesInsideADroppedValueAreNotReported) {
    const LoadResult result = parse_scenario_file(
        R"({"description": "d", "scenarios": [{"id": "a", "id": "b"}], "scenarios": [{"id": "x/1/1"}]})",
        "inline.json", Registry::builtin());
    Texts duplicates;
    for (const LoadIssue& issue : result.issues) {
        if (issue.message.starts_with("duplicate field")) duplicates.push_back(issue.text());
    }
    EXPECT_EQ(duplicates, Texts{"inline.json: duplicate field 'scenarios'"}) << all_issues(result);
}

// ---------------------------------------------------------------------------------------------
// Files and directories

class TempDir : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() /
              ("smtpspec-loader-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }
    fs::path dir;
};

TEST_F(TempDir, OversizedFileIsRefusedUnread) {
    const fs::path big = dir / "big.json";
    {
        std::ofstream out(big, std::ios::binary);
        out << std::string(max_scenario_file_size + 1, ' ');
    }
    const LoadResult result = load(big);
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].pointer, "");
    EXPECT_NE(result.issues[0].message.find("over the limit of 4194304 bytes"), std::string::npos)
        << result.issues[0].message;
}

TEST(ParseScenarioFile, RefusesOversizedText) {
    const LoadResult result =
        parse_scenario_file(std::string(max_scenario_file_size + 1, ' '), "big.json", Registry::builtin());
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_NE(result.issues[0].message.find("over the limit"), std::string::npos);
}

TEST_F(TempDir, EmptyDirectoryIsAnIssue) {
    const LoadResult result = load(dir);
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_NE(result.issues[0].message.find("no scenario files"), std::string::npos);
}

TEST_F(TempDir, AFifoIsRefusedWithoutWaitingForAWriter) {
    // Opened as a file it would block the loader for ever; named directly or found in a folder.
    const fs::path fifo = dir / "pipe.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (const fs::path& path : {fifo, dir}) {
        const LoadResult result = load(path);
        ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
        EXPECT_EQ(result.issues[0].file, fifo.generic_string());
        EXPECT_EQ(result.issues[0].message, "not a regular file: a FIFO");
    }
}

TEST_F(TempDir, ABrokenLinkNamesWhereItPoints) {
    fs::copy_file(fixtures / "good" / "basic.json", dir / "a.json");
    fs::create_symlink("moved-away.json", dir / "b.json");
    const LoadResult result = load(dir);
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    EXPECT_EQ(result.issues[0].file, (dir / "b.json").generic_string());
    EXPECT_EQ(result.issues[0].message, "broken symbolic link (to 'moved-away.json')");
}

TEST_F(TempDir, ALinkLoopIsAnIssueNotASilentSkip) {
    fs::create_symlink("b.json", dir / "a.json");
    fs::create_symlink("a.json", dir / "b.json");
    for (const fs::path& path : {dir, dir / "a.json"}) {
        const LoadResult result = load(path);
        ASSERT_FALSE(result.issues.empty());
        EXPECT_NE(result.issues[0].message.find("symbolic link loop"), std::string::npos) << all_issues(result);
    }
}

TEST_F(TempDir, LinksToDirectoriesAreFollowedButALoopIsWalkedOnce) {
    fs::create_directories(dir / "real");
    fs::copy_file(fixtures / "good" / "basic.json", dir / "real" / "basic.json");
    fs::create_directory_symlink("real", dir / "linked");   // the same folder twice
    fs::create_directory_symlink("..", dir / "real" / "up");   // a cycle: real/up/real/up/...
    fs::create_directory_symlink(".", dir / "self");
    const LoadResult result = load(dir);
    ASSERT_TRUE(result.ok()) << all_issues(result);
    EXPECT_EQ(result.scenarios.size(), 2u) << "basic.json holds two scenarios, loaded once";
    // And a folder reached only through a link is searched.
    const fs::path outside = dir.string() + "-outside";
    fs::remove(dir / "self");
    fs::remove(dir / "real" / "up");
    fs::remove(dir / "linked");
    fs::rename(dir / "real", outside);
    fs::create_directory_symlink(outside, dir / "linked");
    const LoadResult through_link = load(dir);
    fs::remove_all(outside);
    EXPECT_TRUE(through_link.ok()) << all_issues(through_link);
    EXPECT_EQ(through_link.scenarios.size(), 2u);
}

TEST(LoadScenarios, MissingPathIsAnIssue) {
    const LoadResult result = load(fixtures / "does-not-exist");
    ASSERT_EQ(result.issues.size(), 1u);
    EXPECT_EQ(result.issues[0].message, "no such file or directory");
}

TEST(LoadScenarios, SearchesDirectoriesRecursivelyInPathOrder) {
    const LoadResult result = load(fixtures / "tree");
    ASSERT_TRUE(result.ok()) << all_issues(result);
    Texts ids;
    for (const Scenario& s : result.scenarios) ids.push_back(s.id);
    // tree/a/one.json before tree/b.json; *.schema.json and *.txt are skipped.
    EXPECT_EQ(ids, (Texts{"tree/1/1", "tree/1/2", "tree/2/1"}));
}

TEST(LoadScenarios, LoadsAFileNamedTwiceOnce) {
    const LoadResult result =
        load_scenarios({fixtures / "tree", fixtures / "tree" / "b.json"}, Registry::builtin());
    EXPECT_TRUE(result.ok()) << all_issues(result);
    EXPECT_EQ(result.scenarios.size(), 3u);
}

TEST(LoadScenarios, ReportsDuplicateIdsAcrossFilesNamingBothPlaces) {
    const LoadResult result = load(fixtures / "dup");
    ASSERT_EQ(result.issues.size(), 1u) << all_issues(result);
    const LoadIssue& issue = result.issues[0];
    EXPECT_TRUE(issue.file.ends_with("dup/two.json")) << issue.file;
    EXPECT_EQ(issue.pointer, "/scenarios/1/id");
    EXPECT_NE(issue.message.find("duplicate id 'dup/1/1' (also in "), std::string::npos) << issue.message;
    EXPECT_NE(issue.message.find("dup/one.json at /scenarios/0/id)"), std::string::npos) << issue.message;
    // The first keeps its name; no id is listed twice.
    ASSERT_EQ(result.scenarios.size(), 2u);
    EXPECT_EQ(result.scenarios[0].title, "first");
}

TEST(LoadIssueText, NamesFilePointerAndMessage) {
    EXPECT_EQ((LoadIssue{"x.json", "/scenarios/3/steps/1", "unknown field 'sned'"}.text()),
              "x.json: /scenarios/3/steps/1: unknown field 'sned'");
    EXPECT_EQ((LoadIssue{"x.json", "", "no scenarios"}.text()), "x.json: no scenarios");
}

// ---------------------------------------------------------------------------------------------
// The shipped scenarios

class Shipped : public ::testing::Test {
protected:
    void SetUp() override {
        result = load(shipped);
        ASSERT_TRUE(result.ok()) << all_issues(result);
    }
    LoadResult result;
};

TEST_F(Shipped, LoadWithoutIssues) { EXPECT_GE(result.scenarios.size(), 30u); }

TEST_F(Shipped, IdsFollowTheirFilesFolderAndSection) {
    // scenarios/rfc5321/4.1.1.9-noop.json holds rfc5321/4.1.1.9/1, /2, ...
    for (const Scenario& s : result.scenarios) {
        const fs::path file(s.file);
        const std::string doc = file.parent_path().filename().string();
        const std::string stem = file.stem().string();
        const std::string section = stem.substr(0, stem.find('-'));
        EXPECT_TRUE(s.id.starts_with(doc + "/" + section + "/")) << s.id << " in " << s.file;
    }
}

TEST_F(Shipped, CoverEveryCommandOfTheSeedTableAndTheExtensions) {
    std::set<std::string> judged;
    for (const Scenario& s : result.scenarios) {
        for (const Step& step : s.steps) {
            for (const ReplyExpectation& r : step.replies) judged.insert(r.command);
        }
    }
    for (const char* command : {"<greeting>", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "<data-end>", "RSET", "SEND",
                                "SOML", "SAML", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "TURN", "AUTH", "STARTTLS",
                                "BDAT", "ETRN", "ATRN"}) {
        EXPECT_TRUE(judged.contains(command)) << command;
    }
}

// "AUTH PLAIN" requires the keyword AUTH.
bool names_keyword(const std::vector<std::string>& requirements, const std::string& keyword) {
    return std::any_of(requirements.begin(), requirements.end(), [&](const std::string& requirement) {
        return requirement.substr(0, requirement.find(' ')) == keyword;
    });
}

TEST_F(Shipped, GateExtensionCommandsOnTheirKeyword) {
    // Either the scenario needs the extension, or it tests a server without it: never a
    // failure for a server that simply does not offer it.
    for (const Scenario& s : result.scenarios) {
        for (const Step& step : s.steps) {
            for (const ReplyExpectation& r : step.replies) {
                const CommandInfo* info = Registry::builtin().command(r.command);
                if (info == nullptr || !info->extension) continue;
                EXPECT_TRUE(names_keyword(s.requires_extensions, *info->extension) ||
                            names_keyword(s.requires_absent, *info->extension))
                    << s.id << " sends " << r.command << " without requiring " << *info->extension
                    << " or its absence";
            }
        }
    }
}

TEST_F(Shipped, AnnounceTheTrueSizeOfEveryBdatChunk) {
    // A wrong count desynchronises the session and blames the server for our mistake.
    for (const Scenario& s : result.scenarios) {
        for (const Step& step : s.steps) {
            if (step.action != StepAction::raw || !step.payload.starts_with("BDAT ")) continue;
            EXPECT_EQ(step.payload.find('{'), std::string::npos) << s.id << ": variables would change the size";
            // Pipelined chunks follow each other: "BDAT 5\r\n12345BDAT 3 LAST\r\n123".
            std::string_view rest = step.payload;
            while (rest.starts_with("BDAT ")) {
                const std::size_t line_end = rest.find("\r\n");
                ASSERT_NE(line_end, std::string::npos) << s.id;
                const std::size_t announced = std::stoul(std::string(rest.substr(5, line_end - 5)));
                ASSERT_GE(rest.size() - line_end - 2, announced) << s.id << " " << step.pointer;
                rest.remove_prefix(line_end + 2 + announced);
            }
            EXPECT_TRUE(rest.empty()) << s.id << " " << step.pointer << ": octets after the announced chunks";
        }
    }
}

TEST_F(Shipped, StartWithTheGreetingAndEndWithQuit) {
    // Every scenario reads the greeting first and leaves politely, so none depends on another's
    // leftovers and the server never sees an abandoned session.
    for (const Scenario& s : result.scenarios) {
        ASSERT_FALSE(s.steps.empty());
        EXPECT_EQ(s.steps.front().action, StepAction::greeting) << s.id;
        // Verbs are case-insensitive (a scenario may say "quit"), and a pipelined group may end with it.
        const bool quits = std::any_of(s.steps.begin(), s.steps.end(), [](const Step& step) {
            return (step.action == StepAction::send && to_upper(step.payload) == "QUIT") ||
                   (step.action == StepAction::raw && step.payload.ends_with("QUIT\r\n"));
        });
        EXPECT_TRUE(quits) << s.id;
    }
}

}  // namespace
}  // namespace smtpspec
