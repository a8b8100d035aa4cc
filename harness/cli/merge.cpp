// `smtpspec merge`: the JSON reports of one suite run in shards joined into one report.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <ostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_input.hpp"
#include "reports/atomic_write.hpp"
#include "reports/json_report.hpp"
#include "reports/merge.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::cli {

namespace {

std::string summary_line(const RunResult& run, std::size_t shards) {
    const auto summary = reports::summarize(run);
    std::string counts;
    for (const Outcome outcome : all_outcomes)
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", summary.count(outcome), to_string(outcome));
    return fmt::format("merged {} reports: {} scenarios ({})\n", shards, summary.scenarios, counts);
}

}  // namespace

void setup_merge(CLI::App& app, MergeOptions& options) {
    CLI::App* merge = app.add_subcommand("merge", "Join the JSON reports of one run made in shards into one report");
    merge->add_option("reports", options.reports,
                      "JSON reports written by `smtpspec run --json`, one per shard; made with --shard I/N, every "
                      "index from 1 to N exactly once")
        ->required()
        ->type_name("REPORT.json");
    merge->add_option("--json", options.json, "Write the merged JSON report to FILE (written atomically)")
        ->required()
        ->type_name("FILE");
}

int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err) {
    const auto fail = [&](const std::string& message, int code) {
        err << "smtpspec merge: " << reports::escape_text(message) << '\n';
        return code;
    };
    RunResult merged;
    try {
        merged = reports::merge_runs(read_json_reports(options.reports));
    } catch (const ReportInputError& e) {
        return fail(e.what(), exit_code::usage);
    } catch (const reports::MergeError& e) {
        return fail(e.what(), exit_code::usage);
    }
    try {
        reports::write_json_report(merged, options.json);
    } catch (const reports::WriteError& e) {
        return fail(e.what(), exit_code::harness_error);
    }
    out << summary_line(merged, options.reports.size());
    return exit_code::ok;
}

}  // namespace smtpspec::cli
