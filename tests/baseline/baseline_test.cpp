// The baseline ratchet: which failures a baseline accepts, what it reports about its own entries,
// the baseline written from a run, and the file format with its errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "baseline/baseline.hpp"
#include "baseline/baseline_file.hpp"
#include "core/registry.hpp"
#include "reports/sample_run.hpp"
#include "reports/summary.hpp"
#include "scenario/loader.hpp"

namespace smtpspec {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view today = "2026-11-23";

StepResult judged_step(std::size_t index, Verdict verdict, std::size_t reply_index = 0) {
    StepResult step;
    step.step = index;
    step.reply_index = reply_index;
    step.action = "send";
    step.judgement.verdict = verdict;
    step.judgement.command = "MAIL";
    step.judgement.expected = {"250"};
    step.judgement.actual = "251";
    step.judgement.rfc = "RFC 5321 §4.3.2";
    return step;
}

// A scenario whose outcome follows from its steps, as the runner makes it.
ScenarioResult scenario_with(std::string id, std::vector<Verdict> verdicts, bool strict = false) {
    ScenarioResult scenario;
    scenario.id = std::move(id);
    for (std::size_t i = 0; i < verdicts.size(); ++i) scenario.steps.push_back(judged_step(i, verdicts[i]));
    scenario.outcome = outcome_of(verdicts, strict);
    return scenario;
}

BaselineEntry entry(std::string id, std::optional<std::size_t> step = std::nullopt,
                    std::optional<Verdict> verdict = std::nullopt, std::string expires = "") {
    return BaselineEntry{std::move(id), step, verdict, "accepted for the test", std::move(expires)};
}

Baseline baseline_of(std::vector<BaselineEntry> entries) { return Baseline{"baseline.json", "", std::move(entries)}; }

std::vector<WaiverState> states(const ScenarioResult& scenario) {
    std::vector<WaiverState> out;
    for (const auto& waiver : scenario.waivers) out.push_back(waiver.state);
    return out;
}

// ---- applying ----------------------------------------------------------------------------------

TEST(ApplyBaseline, WholeScenarioEntryWaivesEveryFailingStep) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::violation, Verdict::unexpected});
    const auto waived = apply_baseline(baseline_of({entry("a/1")}), scenario, today, false);
    EXPECT_EQ(waived.outcome, Outcome::waived);
    EXPECT_FALSE(waived.steps[0].waived);
    EXPECT_TRUE(waived.steps[1].waived);
    EXPECT_TRUE(waived.steps[2].waived);
    EXPECT_THAT(states(waived), ElementsAre(WaiverState::applied));
    // The evidence stays: verdicts are what the server did.
    EXPECT_EQ(waived.steps[1].judgement.verdict, Verdict::violation);
}

TEST(ApplyBaseline, StepEntryWaivesOnlyThatStep) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::violation, Verdict::unexpected});
    const auto result = apply_baseline(baseline_of({entry("a/1", 1)}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::failed);   // step 2 fails and nothing accepts it
    EXPECT_TRUE(result.steps[1].waived);
    EXPECT_FALSE(result.steps[2].waived);
    EXPECT_THAT(states(result), ElementsAre(WaiverState::applied));
}

TEST(ApplyBaseline, EntriesForEveryFailingStepWaiveTheScenario) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::violation, Verdict::unexpected});
    const auto result = apply_baseline(baseline_of({entry("a/1", 1), entry("a/1", 2)}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::waived);
}

TEST(ApplyBaseline, VerdictEntryDoesNotAcceptAnotherFailure) {
    // The server used to violate; now it times out: a new failure, and the old entry can go.
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::timeout});
    const auto result = apply_baseline(baseline_of({entry("a/1", 1, Verdict::violation)}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::failed);
    EXPECT_FALSE(result.steps[1].waived);
    EXPECT_THAT(states(result), ElementsAre(WaiverState::unneeded));
}

TEST(ApplyBaseline, ExpiredEntryNoLongerAccepts) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::violation});
    const auto result = apply_baseline(baseline_of({entry("a/1", 1, std::nullopt, "2026-11-22")}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::failed);
    EXPECT_FALSE(result.steps[1].waived);
    EXPECT_THAT(states(result), ElementsAre(WaiverState::expired));
}

TEST(ApplyBaseline, EntryHoldsThroughItsExpiryDay) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::violation});
    const auto result = apply_baseline(baseline_of({entry("a/1", 1, std::nullopt, "2026-11-23")}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::waived);
}

TEST(ApplyBaseline, LiveEntryWinsOverAnExpiredOne) {
    const auto scenario = scenario_with("a/1", {Verdict::violation});
    const auto result = apply_baseline(
        baseline_of({entry("a/1", 0, std::nullopt, "2020-01-01"), entry("a/1", 0, Verdict::violation)}), scenario,
        today, false);
    EXPECT_EQ(result.outcome, Outcome::waived);
    EXPECT_THAT(states(result), ElementsAre(WaiverState::expired, WaiverState::applied));
}

TEST(ApplyBaseline, PassingScenarioSaysTheBaselineCanBeTightened) {
    for (const auto& verdicts : {std::vector{Verdict::pass}, std::vector{Verdict::pass, Verdict::nonstandard},
                                std::vector{Verdict::pass, Verdict::unimplemented}}) {
        const auto scenario = scenario_with("a/1", verdicts);
        const auto result = apply_baseline(baseline_of({entry("a/1")}), scenario, today, false);
        EXPECT_EQ(result.outcome, scenario.outcome);
        EXPECT_THAT(states(result), ElementsAre(WaiverState::unneeded));
    }
    // An expired entry for a scenario that passes can go too.
    const auto result =
        apply_baseline(baseline_of({entry("a/1", std::nullopt, std::nullopt, "2001-01-01")}),
                       scenario_with("a/1", {Verdict::pass}), today, false);
    EXPECT_THAT(states(result), ElementsAre(WaiverState::unneeded));
}

TEST(ApplyBaseline, StrictWarningsCanBeWaived) {
    const auto scenario = scenario_with("a/1", {Verdict::pass, Verdict::nonstandard}, true);
    ASSERT_EQ(scenario.outcome, Outcome::failed);
    const auto result = apply_baseline(baseline_of({entry("a/1", 1, Verdict::nonstandard)}), scenario, today, true);
    EXPECT_EQ(result.outcome, Outcome::waived);
    // Without --strict the warning does not fail, so the entry is not needed.
    const auto lenient = apply_baseline(baseline_of({entry("a/1", 1, Verdict::nonstandard)}),
                                        scenario_with("a/1", {Verdict::pass, Verdict::nonstandard}), today, false);
    EXPECT_EQ(lenient.outcome, Outcome::warned);
    EXPECT_THAT(states(lenient), ElementsAre(WaiverState::unneeded));
}

TEST(ApplyBaseline, PipelinedRepliesOfOneStepAreNamedByTheStep) {
    auto scenario = scenario_with("a/1", {Verdict::pass});
    scenario.steps.push_back(judged_step(1, Verdict::violation, 0));
    scenario.steps.push_back(judged_step(1, Verdict::unexpected, 1));
    scenario.outcome = Outcome::failed;
    EXPECT_EQ(apply_baseline(baseline_of({entry("a/1", 1)}), scenario, today, false).outcome, Outcome::waived);
    EXPECT_EQ(apply_baseline(baseline_of({entry("a/1", 1, Verdict::violation)}), scenario, today, false).outcome,
              Outcome::failed);
}

TEST(ApplyBaseline, HarnessErrorsAndSkippedScenariosAreLeftAlone) {
    auto error = scenario_with("a/1", {Verdict::pass});
    error.outcome = Outcome::error;
    error.harness_error = "boom";
    const auto result = apply_baseline(baseline_of({entry("a/1")}), error, today, false);
    EXPECT_EQ(result.outcome, Outcome::error);
    EXPECT_TRUE(result.waivers.empty());   // no evidence either way
    const auto skipped = apply_baseline(baseline_of({entry("a/1")}), scenario_with("a/1", {Verdict::skipped}), today, false);
    EXPECT_EQ(skipped.outcome, Outcome::skipped);
    EXPECT_TRUE(skipped.waivers.empty());
}

TEST(ApplyBaseline, OtherScenariosAreUntouched) {
    const auto scenario = scenario_with("a/2", {Verdict::violation});
    const auto result = apply_baseline(baseline_of({entry("a/1")}), scenario, today, false);
    EXPECT_EQ(result.outcome, Outcome::failed);
    EXPECT_TRUE(result.waivers.empty());
}

TEST(ApplyBaseline, ApplyingTwiceGivesTheSameResult) {
    const auto baseline = baseline_of({entry("a/1", 1)});
    const auto once = apply_baseline(baseline, scenario_with("a/1", {Verdict::pass, Verdict::violation}), today, false);
    const auto twice = apply_baseline(baseline, once, today, false);
    EXPECT_EQ(twice.outcome, Outcome::waived);
    EXPECT_EQ(twice.waivers.size(), 1u);
}

TEST(ApplyBaseline, RunRecordsTheBaselineAndTheEntriesThatDidNotRun) {
    RunResult run;
    run.scenarios = {scenario_with("a/1", {Verdict::violation}), scenario_with("a/2", {Verdict::pass})};
    const auto result = apply_baseline(baseline_of({entry("a/1"), entry("a/2"), entry("b/1"), entry("b/1", 2)}),
                                       run, today);
    ASSERT_TRUE(result.baseline);
    EXPECT_EQ(result.baseline->file, "baseline.json");
    EXPECT_EQ(result.baseline->entries, 4u);
    EXPECT_THAT(result.baseline->not_run, ElementsAre("b/1"));
    const auto summary = reports::summarize(result);
    EXPECT_EQ(summary.count(Outcome::waived), 1u);
    EXPECT_EQ(summary.count(Outcome::failed), 0u);
    EXPECT_EQ(summary.waivers_unneeded, 1u);
    EXPECT_EQ(reports::exit_status(summary), 0);
}

TEST(ApplyBaseline, ExpiredWaiverFailsTheRun) {
    RunResult run;
    run.scenarios = {scenario_with("a/1", {Verdict::violation})};
    const auto result = apply_baseline(baseline_of({entry("a/1", std::nullopt, std::nullopt, "2000-01-01")}), run, today);
    const auto summary = reports::summarize(result);
    EXPECT_EQ(summary.waivers_expired, 1u);
    EXPECT_EQ(reports::exit_status(summary), 1);
}

TEST(ApplyBaseline, SampleRunHasEveryWaiverState) {
    const auto run = testing::sample_run_with_baseline();
    const auto summary = reports::summarize(run);
    EXPECT_EQ(summary.count(Outcome::waived), 1u);          // RCPT before MAIL
    EXPECT_EQ(summary.waivers_expired, 1u);                 // the timeout
    EXPECT_EQ(summary.waivers_unneeded, 1u);                // NOOP passes
    EXPECT_THAT(run.baseline->not_run, ElementsAre("rfc9999/1/1"));
}

// ---- the baseline a run writes -----------------------------------------------------------------

TEST(TightenedBaseline, AcceptsExactlyTheFailuresOfAFreshRun) {
    RunResult run;
    run.scenarios = {scenario_with("a/10", {Verdict::pass, Verdict::violation}),
                     scenario_with("a/2", {Verdict::pass, Verdict::unexpected, Verdict::timeout}),
                     scenario_with("a/3", {Verdict::pass, Verdict::nonstandard})};
    const auto baseline = tightened_baseline(run, nullptr, today);
    ASSERT_EQ(baseline.entries.size(), 3u);
    // Natural id order, then steps.
    EXPECT_EQ(baseline.entries[0].id, "a/2");
    EXPECT_EQ(baseline.entries[0].step, 1u);
    EXPECT_EQ(baseline.entries[0].verdict, Verdict::unexpected);
    EXPECT_EQ(baseline.entries[1].step, 2u);
    EXPECT_EQ(baseline.entries[2].id, "a/10");
    EXPECT_THAT(baseline.entries[2].reason, HasSubstr("MAIL got 251, expected 250 (RFC 5321 §4.3.2)"));
    // Applied to the same run, it waives every failure.
    const auto rerun = apply_baseline(baseline, run, today);
    EXPECT_EQ(reports::summarize(rerun).count(Outcome::failed), 0u);
    EXPECT_EQ(reports::summarize(rerun).count(Outcome::waived), 2u);
}

TEST(TightenedBaseline, KeepsNeededEntriesDropsUnneededAndAddsNew) {
    Baseline previous = baseline_of({
        BaselineEntry{"a/1", std::nullopt, std::nullopt, "known and accepted", "2030-01-01"},   // still fails
        BaselineEntry{"a/2", 1, std::nullopt, "fixed since", ""},                                // now passes
        BaselineEntry{"a/3", 1, std::nullopt, "expired but still failing", "2001-01-01"},        // kept as is
        BaselineEntry{"b/1", std::nullopt, std::nullopt, "not selected this time", ""},          // no evidence
        BaselineEntry{"c/1", std::nullopt, std::nullopt, "harness error this time", ""},         // no evidence
    });
    previous.description = "Postfix 3.7";
    RunResult run;
    run.scenarios = {scenario_with("a/1", {Verdict::violation}), scenario_with("a/2", {Verdict::pass, Verdict::pass}),
                     scenario_with("a/3", {Verdict::pass, Verdict::violation}),
                     scenario_with("a/4", {Verdict::pass, Verdict::disconnected}), scenario_with("c/1", {Verdict::pass})};
    run.scenarios[4].outcome = Outcome::error;
    const auto baseline = tightened_baseline(apply_baseline(previous, run, today), &previous, today);
    EXPECT_EQ(baseline.description, "Postfix 3.7");
    std::vector<std::string> ids;
    for (const auto& e : baseline.entries) ids.push_back(e.id);
    EXPECT_THAT(ids, ElementsAre("a/1", "a/3", "a/4", "b/1", "c/1"));
    EXPECT_EQ(baseline.entries[0].reason, "known and accepted");
    EXPECT_EQ(baseline.entries[0].expires, "2030-01-01");
    EXPECT_EQ(baseline.entries[1].expires, "2001-01-01");
    EXPECT_EQ(baseline.entries[2].verdict, Verdict::disconnected);
}

// ---- the file ----------------------------------------------------------------------------------

std::vector<LoadIssue> issues_of(std::string_view text) {
    auto parsed = parse_baseline(text, "b.json");
    if (auto* issues = std::get_if<std::vector<LoadIssue>>(&parsed)) return *issues;
    return {};
}

TEST(BaselineFile, ReadsEveryField) {
    const auto parsed = parse_baseline(R"({
      "smtpspec_baseline": 1,
      "description": "Exim 4.96 on Debian 12",
      "waivers": [
        {"id": "rfc5321/3.3/1", "reason": "by design"},
        {"id": "rfc5321/4.1.1/4", "step": 2, "verdict": "violation", "reason": "ticket 42", "expires": "2027-02-28"}
      ]})", "b.json");
    ASSERT_TRUE(std::holds_alternative<Baseline>(parsed));
    const auto& baseline = std::get<Baseline>(parsed);
    EXPECT_EQ(baseline.file, "b.json");
    EXPECT_EQ(baseline.description, "Exim 4.96 on Debian 12");
    ASSERT_EQ(baseline.entries.size(), 2u);
    EXPECT_FALSE(baseline.entries[0].step);
    EXPECT_FALSE(baseline.entries[0].verdict);
    EXPECT_EQ(baseline.entries[1].step, 1u);   // the file counts from 1, as the console does
    EXPECT_EQ(baseline.entries[1].verdict, Verdict::violation);
    EXPECT_EQ(baseline.entries[1].expires, "2027-02-28");
}

struct BadBaseline {
    std::string_view name;
    std::string_view text;
    std::string_view pointer;
    std::string_view message;
};

void PrintTo(const BadBaseline& bad, std::ostream* out) { *out << bad.name; }

class BaselineFileRejects : public ::testing::TestWithParam<BadBaseline> {};

TEST_P(BaselineFileRejects, NamingThePointer) {
    const auto& bad = GetParam();
    const auto issues = issues_of(bad.text);
    ASSERT_FALSE(issues.empty()) << bad.name;
    bool found = false;
    for (const auto& issue : issues) {
        EXPECT_EQ(issue.file, "b.json");
        found = found || (issue.pointer == bad.pointer && issue.message.find(bad.message) != std::string::npos);
    }
    EXPECT_TRUE(found) << bad.name << ": " << issues.front().text();
}

#define WAIVERS(x) R"({"smtpspec_baseline": 1, "waivers": [)" x "]}"
INSTANTIATE_TEST_SUITE_P(
    Table, BaselineFileRejects,
    ::testing::Values(
        BadBaseline{"not json", "{", "", "invalid JSON"},
        BadBaseline{"not an object", "[]", "", "JSON object"},
        BadBaseline{"no version", R"({"waivers": []})", "", "smtpspec_baseline"},
        BadBaseline{"other version", R"({"smtpspec_baseline": 2, "waivers": []})", "/smtpspec_baseline", "version"},
        BadBaseline{"no waivers", R"({"smtpspec_baseline": 1})", "", "waivers"},
        BadBaseline{"waivers not array", R"({"smtpspec_baseline": 1, "waivers": {}})", "/waivers", "array"},
        BadBaseline{"unknown member", R"({"smtpspec_baseline": 1, "waivers": [], "waiver": 1})", "", "unknown member \"waiver\""},
        BadBaseline{"entry not object", WAIVERS("1"), "/waivers/0", "object"},
        BadBaseline{"no id", WAIVERS(R"({"reason": "r"})"), "/waivers/0", "\"id\""},
        BadBaseline{"no reason", WAIVERS(R"({"id": "a/1"})"), "/waivers/0", "\"reason\""},
        BadBaseline{"empty reason", WAIVERS(R"({"id": "a/1", "reason": ""})"), "/waivers/0/reason", "non-empty"},
        BadBaseline{"step zero", WAIVERS(R"({"id": "a/1", "reason": "r", "step": 0})"), "/waivers/0/step", "from 1"},
        BadBaseline{"step text", WAIVERS(R"({"id": "a/1", "reason": "r", "step": "2"})"), "/waivers/0/step", "from 1"},
        BadBaseline{"passing verdict", WAIVERS(R"({"id": "a/1", "reason": "r", "verdict": "pass"})"),
                    "/waivers/0/verdict", "failing verdict"},
        BadBaseline{"unknown verdict", WAIVERS(R"({"id": "a/1", "reason": "r", "verdict": "bad"})"),
                    "/waivers/0/verdict", "failing verdict"},
        BadBaseline{"no such day", WAIVERS(R"({"id": "a/1", "reason": "r", "expires": "2027-02-30"})"),
                    "/waivers/0/expires", "YYYY-MM-DD"},
        BadBaseline{"not a date", WAIVERS(R"({"id": "a/1", "reason": "r", "expires": "next year"})"),
                    "/waivers/0/expires", "YYYY-MM-DD"},
        BadBaseline{"unknown entry member", WAIVERS(R"({"id": "a/1", "reason": "r", "until": "x"})"), "/waivers/0",
                    "unknown member \"until\""},
        BadBaseline{"duplicate", WAIVERS(R"({"id": "a/1", "reason": "r"}, {"id": "a/1", "reason": "s"})"),
                    "/waivers/1", "the same waiver as /waivers/0"}),
    [](const auto& test) {
        std::string name(test.param.name);
        for (auto& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        return name;
    });
#undef WAIVERS

TEST(BaselineFile, ReportsEveryProblemAtOnce) {
    const auto issues = issues_of(R"({"smtpspec_baseline": 1, "waivers": [{"id": "a/1"}, {"reason": "r", "step": -1}]})");
    EXPECT_GE(issues.size(), 3u);
}

TEST(BaselineFile, RenderedBaselineReadsBackTheSame) {
    Baseline baseline = baseline_of({entry("a/1"), entry("a/2", 4, Verdict::timeout, "2027-01-31")});
    baseline.description = "a server";
    baseline.entries[1].reason = "quotes \"and\" octets \xFF that are not UTF-8";
    const auto text = render_baseline(baseline);
    EXPECT_THAT(text, HasSubstr("\"step\": 5"));
    const auto parsed = parse_baseline(text, "baseline.json");
    ASSERT_TRUE(std::holds_alternative<Baseline>(parsed)) << text;
    const auto& back = std::get<Baseline>(parsed);
    EXPECT_EQ(back.description, "a server");
    ASSERT_EQ(back.entries.size(), 2u);
    EXPECT_EQ(back.entries[1].step, 4u);
    EXPECT_EQ(back.entries[1].verdict, Verdict::timeout);
    EXPECT_EQ(back.entries[1].expires, "2027-01-31");
    EXPECT_THAT(back.entries[1].reason, HasSubstr("\xEF\xBF\xBD"));   // U+FFFD in place of the bad octet
}

TEST(BaselineFile, MissingFileNamesThePath) {
    const auto loaded = load_baseline("/nonexistent/baseline.json");
    ASSERT_TRUE(std::holds_alternative<std::vector<LoadIssue>>(loaded));
    const auto& issues = std::get<std::vector<LoadIssue>>(loaded);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_THAT(issues[0].text(), HasSubstr("/nonexistent/baseline.json"));
    EXPECT_THAT(issues[0].text(), HasSubstr("cannot read"));
}

TEST(BaselineFile, ANumberBeyondADoubleIsInvalidJsonNotACrash) {
    const auto parsed = parse_baseline(R"({"smtpspec_baseline": 1e400, "waivers": []})", "b.json");
    ASSERT_TRUE(std::holds_alternative<std::vector<LoadIssue>>(parsed));
    EXPECT_THAT(std::get<std::vector<LoadIssue>>(parsed).at(0).text(), HasSubstr("invalid JSON: number overflow"));
}

TEST(BaselineFile, AFifoOrAHugeFileIsRefusedUnread) {
    const auto dir = std::filesystem::temp_directory_path() / ("smtpspec-baseline-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    ASSERT_EQ(::mkfifo((dir / "fifo.json").c_str(), 0600), 0);
    const auto fifo = load_baseline(dir / "fifo.json");   // would block forever if it waited for a writer
    ASSERT_TRUE(std::holds_alternative<std::vector<LoadIssue>>(fifo));
    EXPECT_THAT(std::get<std::vector<LoadIssue>>(fifo).at(0).text(), HasSubstr("not a regular file: a FIFO"));
    { std::ofstream(dir / "huge.json"); }
    std::filesystem::resize_file(dir / "huge.json", std::uintmax_t{1} << 30);
    const auto huge = load_baseline(dir / "huge.json");
    ASSERT_TRUE(std::holds_alternative<std::vector<LoadIssue>>(huge));
    EXPECT_THAT(std::get<std::vector<LoadIssue>>(huge).at(0).text(), HasSubstr("over the limit of 16777216 bytes"));
    std::filesystem::remove_all(dir);
}

// The committed baselines of ci/conformance: each file is valid, and every entry names a scenario
// of the library (a renamed scenario would otherwise leave a waiver that can never apply).
TEST(CommittedBaselines, LoadAndNameShippedScenarios) {
    const std::filesystem::path source(SMTPSPEC_SOURCE_DIR);
    const auto library = load_scenarios({source / "scenarios"}, Registry::builtin());
    ASSERT_TRUE(library.ok());
    std::set<std::string> ids;
    for (const auto& scenario : library.scenarios) ids.insert(scenario.id);
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(source / "ci" / "baselines")) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        const auto loaded = load_baseline(entry.path());
        ASSERT_TRUE(std::holds_alternative<Baseline>(loaded))
            << std::get<std::vector<LoadIssue>>(loaded).front().text();
        for (const auto& waiver : std::get<Baseline>(loaded).entries)
            EXPECT_TRUE(ids.contains(waiver.id)) << entry.path() << " names " << waiver.id;
    }
    EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace smtpspec
