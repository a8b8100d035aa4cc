// `smtpspec coverage`: the suite's traceability matrix — per RFC section, the scenarios that
// test it. `smtpspec list --by-rfc` is the same view.
#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/scenario_options.hpp"
#include "reports/atomic_write.hpp"
#include "reports/coverage_report.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::cli {

namespace {

// The rules a scenario's steps enforce on their own, beyond the scenario's references.
std::vector<RfcRef> step_references(const Scenario& scenario) {
    std::vector<RfcRef> refs;
    for (const Step& step : scenario.steps)
        for (const ReplyExpectation& reply : step.replies)
            if (reply.rfc) refs.push_back(*reply.rfc);
    return refs;
}

std::vector<reports::CoveredScenario> covered(const std::vector<Scenario>& scenarios) {
    std::vector<reports::CoveredScenario> out;
    for (const Scenario& s : scenarios)
        out.push_back({s.id, s.title, s.level(), s.rfc, step_references(s), s.tags});
    return out;
}

}  // namespace

void setup_coverage(CLI::App& app, CoverageOptions& options) {
    CLI::App* coverage = app.add_subcommand(
        "coverage", "Show which scenarios test each RFC section the scenarios refer to (the traceability matrix)");
    add_scenario_options(*coverage, options.scenarios);
    coverage->add_option("--json", options.json, "Write the matrix as JSON (reports/coverage-format.md; written atomically)")
        ->type_name("FILE");
    coverage->add_option("--html", options.html, "Write the matrix as a self-contained HTML page (written atomically)")
        ->type_name("FILE");
}

int run_coverage(const CoverageOptions& options, std::ostream& out, std::ostream& err) {
    const auto chosen = choose_scenarios(options.scenarios, "coverage", err);
    if (!chosen) return exit_code::usage;
    const auto matrix = reports::build_coverage(covered(chosen->scenarios), std::string(to_string(chosen->profile)));
    // The text is the default view; asking for a file means the terminal is not the reader.
    if (options.json.empty() && options.html.empty()) out << reports::render_coverage_text(matrix);
    try {
        if (!options.json.empty()) reports::write_file_atomically(options.json, reports::render_coverage_json(matrix));
        if (!options.html.empty()) reports::write_file_atomically(options.html, reports::render_coverage_html(matrix));
    } catch (const reports::WriteError& e) {
        err << "smtpspec coverage: " << reports::escape_text(e.what()) << '\n';
        return exit_code::harness_error;
    }
    return exit_code::ok;
}

}  // namespace smtpspec::cli
