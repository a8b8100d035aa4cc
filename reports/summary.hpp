#pragma once
// Counts of a run, and the exit status a CI job acts on.
#include <cstddef>
#include <map>

#include "core/result.hpp"

namespace smtpspec::reports {

struct Summary {
    std::size_t scenarios = 0;
    std::map<Outcome, std::size_t> outcomes;   // every outcome present, zero or not
    std::map<Verdict, std::size_t> verdicts;   // over all judged replies, every verdict present
    std::size_t waivers_unneeded = 0;          // baseline entries that can go: "baseline can be tightened"
    std::size_t waivers_expired = 0;           // baseline entries past their date that still name a failure

    std::size_t count(Outcome o) const { return outcomes.at(o); }
    std::size_t count(Verdict v) const { return verdicts.at(v); }
};

Summary summarize(const RunResult& run);

// 0 when nothing failed (a waived scenario does not fail), 1 when a scenario failed, 4 when the harness itself failed (a harness
// error makes the run untrustworthy, so it outranks failures).
int exit_status(const Summary& summary);

}  // namespace smtpspec::reports
