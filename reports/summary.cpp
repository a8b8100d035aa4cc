#include "reports/summary.hpp"

#include "cli/exit_codes.hpp"

namespace smtpspec::reports {

Summary summarize(const RunResult& run) {
    Summary summary;
    for (Outcome o : all_outcomes) summary.outcomes[o] = 0;
    for (Verdict v : all_verdicts) summary.verdicts[v] = 0;
    summary.scenarios = run.scenarios.size();
    for (const auto& scenario : run.scenarios) {
        ++summary.outcomes[scenario.outcome];
        for (const auto& step : scenario.steps) ++summary.verdicts[step.judgement.verdict];
        for (const auto& waiver : scenario.waivers) {
            summary.waivers_unneeded += waiver.state == WaiverState::unneeded ? 1 : 0;
            summary.waivers_expired += waiver.state == WaiverState::expired ? 1 : 0;
        }
    }
    return summary;
}

int exit_status(const Summary& summary) {
    if (summary.count(Outcome::error) > 0) return exit_code::harness_error;
    if (summary.count(Outcome::failed) > 0) return exit_code::failures;
    return exit_code::ok;
}

}  // namespace smtpspec::reports
