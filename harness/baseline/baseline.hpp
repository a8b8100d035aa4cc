#pragma once
// The baseline ratchet: a list of accepted deviations of one server, so that a CI job fails only
// on new ones. The file format is in reports/baseline-format.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace smtpspec {

struct BaselineEntry {
    std::string id;                     // a scenario id, exactly
    std::optional<std::size_t> step;    // index of the step from 0; none: every step of the scenario
    std::optional<Verdict> verdict;     // only this verdict is accepted; none: any failing verdict
    std::string reason;
    std::string expires;                // "YYYY-MM-DD", the last day the entry holds; empty: never
};

struct Baseline {
    std::string file;
    std::string description;
    std::vector<BaselineEntry> entries;
};

// `today` is "YYYY-MM-DD". A waived scenario keeps its step verdicts; only its outcome and the
// `waived` marks of its steps change, and `waivers` records how each entry bore on it.
// Scenarios that did not run to a verdict (error, skipped) are left as they are: there is no
// evidence for or against their entries.
ScenarioResult apply_baseline(const Baseline& baseline, ScenarioResult scenario, std::string_view today,
                              bool strict);
RunResult apply_baseline(const Baseline& baseline, RunResult run, std::string_view today);

// The baseline that accepts exactly the failures of `run` (after `previous` was applied, when
// there is one): entries still needed keep their reason and expiry, unneeded ones are dropped,
// new failures get an entry per step with a reason to edit, and entries for scenarios that did
// not run to a verdict are kept.
Baseline tightened_baseline(const RunResult& run, const Baseline* previous, std::string_view today);

// Today's date in UTC, "YYYY-MM-DD".
std::string utc_today();

}  // namespace smtpspec
