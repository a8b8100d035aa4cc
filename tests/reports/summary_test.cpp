#include <gtest/gtest.h>

#include "cli/exit_codes.hpp"
#include "reports/summary.hpp"

namespace smtpspec::reports {
namespace {

ScenarioResult scenario(Outcome outcome, std::vector<Verdict> verdicts) {
    ScenarioResult s;
    s.outcome = outcome;
    for (Verdict v : verdicts) {
        StepResult step;
        step.judgement.verdict = v;
        s.steps.push_back(step);
    }
    return s;
}

TEST(Summary, CountsOutcomesAndVerdicts) {
    RunResult run;
    run.scenarios = {scenario(Outcome::passed, {Verdict::pass, Verdict::pass}),
                     scenario(Outcome::failed, {Verdict::pass, Verdict::violation, Verdict::skipped}),
                     scenario(Outcome::warned, {Verdict::nonstandard}),
                     scenario(Outcome::unimplemented, {Verdict::pass, Verdict::unimplemented})};
    const auto summary = summarize(run);
    EXPECT_EQ(summary.scenarios, 4u);
    EXPECT_EQ(summary.count(Outcome::passed), 1u);
    EXPECT_EQ(summary.count(Outcome::failed), 1u);
    EXPECT_EQ(summary.count(Outcome::warned), 1u);
    EXPECT_EQ(summary.count(Outcome::unimplemented), 1u);
    EXPECT_EQ(summary.count(Outcome::error), 0u);
    EXPECT_EQ(summary.count(Verdict::pass), 4u);
    EXPECT_EQ(summary.count(Verdict::violation), 1u);
    EXPECT_EQ(summary.count(Verdict::timeout), 0u);
}

TEST(Summary, ExitStatusFollowsTheWorstOutcome) {
    RunResult run;
    EXPECT_EQ(exit_status(summarize(run)), exit_code::ok);
    run.scenarios.push_back(scenario(Outcome::warned, {Verdict::deprecated}));
    EXPECT_EQ(exit_status(summarize(run)), exit_code::ok);
    run.scenarios.push_back(scenario(Outcome::failed, {Verdict::timeout}));
    EXPECT_EQ(exit_status(summarize(run)), exit_code::failures);
    run.scenarios.push_back(scenario(Outcome::error, {}));
    EXPECT_EQ(exit_status(summarize(run)), exit_code::harness_error);
}

}  // namespace
}  // namespace smtpspec::reports
