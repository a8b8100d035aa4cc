#pragma once
// Several runs side by side, as Autobahn's report shows its targets: one row per scenario, one
// column per target, each cell the scenario's outcome there. Pure functions of RunResults, so
// that saved JSON reports of different servers (or versions of one) can be compared later.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "reports/summary.hpp"

namespace smtpspec::reports {

// A report and the name it is known by outside (its file name); the label tells targets with the
// same name apart.
using LabelledRun = std::pair<std::string, RunResult>;

struct ComparedTarget {
    std::string label;     // e.g. the report's file name
    std::string name;      // the column heading: the run's target, "target (label)" when not unique
    RunResult run;
    Summary summary;
};

struct ComparisonCell {
    bool present = false;              // false: the target did not run the scenario
    Outcome outcome = Outcome::skipped;
    Verdict worst = Verdict::pass;     // the worst step verdict; pass for a scenario without steps
    std::size_t scenario = 0;          // index into the target's run.scenarios
};

struct ComparisonRow {
    std::string id;
    std::string title;                  // from the first report that ran it
    std::vector<ComparisonCell> cells;  // one per target, in target order
};

struct Comparison {
    std::vector<ComparedTarget> targets;
    std::vector<ComparisonRow> rows;
};

// Rows are the union of the scenario ids: the first report's in its order, then each later
// report's new ids in its order.
Comparison compare_runs(const std::vector<LabelledRun>& runs);

// PASS, WARN, FAIL, UNIMPL, SKIP, ERROR; "-" for a scenario the target did not run.
std::string_view short_label(const ComparisonCell& cell);

// A legend of the targets ([1] name …), the matrix with one short label per target, then the
// counts per outcome for each target. Everything taken from reports is escaped with escape_text.
std::string render_compare_text(const Comparison& comparison);

// One self-contained page (inline CSS, no script, nothing loaded): the matrix, a summary row per
// outcome, and every cell linking to that target's steps further down the page.
std::string render_compare_html(const Comparison& comparison);

// The matrix for machines: targets with their counts, and per scenario one cell per target
// (null when not run). Strings that are not valid UTF-8 get U+FFFD for the offending octets.
nlohmann::ordered_json compare_json(const Comparison& comparison);

}  // namespace smtpspec::reports
