// `smtpspec compare`: several saved JSON reports side by side, one column per target.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_input.hpp"
#include "reports/atomic_write.hpp"
#include "reports/compare_report.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::cli {

namespace {

// A path may be long; the file name is enough to tell two reports of one target apart.
std::vector<reports::LabelledRun> labelled_by_file_name(std::vector<reports::LabelledRun> runs) {
    for (auto& run : runs) run.first = std::filesystem::path(run.first).filename().string();
    return runs;
}

}  // namespace

void setup_compare(CLI::App& app, CompareOptions& options) {
    CLI::App* compare = app.add_subcommand("compare", "Show saved JSON reports side by side, one column per target");
    compare->add_option("reports", options.reports, "JSON reports written by `smtpspec run --json`")
        ->required()
        ->type_name("REPORT.json");
    compare->add_option("--html", options.html, "Write the matrix as a self-contained HTML page (written atomically)")
        ->type_name("FILE");
    compare->add_option("--json", options.json, "Write the matrix as JSON (written atomically)")->type_name("FILE");
}

int run_compare(const CompareOptions& options, std::ostream& out, std::ostream& err) {
    const auto fail = [&](const std::string& message, int code) {
        err << "smtpspec compare: " << reports::escape_text(message) << '\n';
        return code;
    };
    if (options.reports.size() < 2) return fail("compare needs at least two reports", exit_code::usage);
    std::vector<reports::LabelledRun> runs;
    try {
        runs = labelled_by_file_name(read_json_reports(options.reports));
    } catch (const ReportInputError& e) {
        return fail(e.what(), exit_code::usage);
    }
    const auto comparison = reports::compare_runs(runs);
    if (options.html.empty()) out << reports::render_compare_text(comparison);
    try {
        if (!options.html.empty()) reports::write_file_atomically(options.html, reports::render_compare_html(comparison));
        if (!options.json.empty()) reports::write_file_atomically(options.json, reports::compare_json(comparison).dump(2) + '\n');
    } catch (const reports::WriteError& e) {
        return fail(e.what(), exit_code::harness_error);
    }
    return exit_code::ok;
}

}  // namespace smtpspec::cli
