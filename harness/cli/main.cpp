// smtpspec: an SMTP protocol conformance test harness.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <csignal>
#include <exception>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace {

constexpr const char* exit_code_help =
    "Exit codes:\n"
    "  0  no scenario failed\n"
    "  1  at least one scenario failed\n"
    "  2  usage error or bad scenario file (nothing ran)\n"
    "  3  the target could not be reached or started\n"
    "  4  smtpspec itself failed (harness error)\n"
    "  5  --max-time ended the run first; reports hold what finished\n"
    "  130, 143  interrupted by SIGINT or SIGTERM; reports hold what finished\n";

int run(int argc, char** argv) {
    using namespace smtpspec;
    CLI::App app{"smtpspec " SMTPSPEC_VERSION " - SMTP protocol conformance test harness", "smtpspec"};
    app.set_version_flag("--version", "smtpspec " SMTPSPEC_VERSION);
    app.footer(exit_code_help);
    app.require_subcommand(1);

    cli::ExplainOptions explain;
    cli::setup_explain(app, explain);
    cli::ListOptions list;
    cli::setup_list(app, list);
    cli::RunOptions run;
    cli::setup_run(app, run);
    cli::LoadOptions load;
    cli::setup_load(app, load);
    cli::ServeOptions serve;
    cli::setup_serve(app, serve);
    cli::CompareOptions compare;
    cli::setup_compare(app, compare);
    cli::MergeOptions merge;
    cli::setup_merge(app, merge);
    cli::CoverageOptions coverage;
    cli::setup_coverage(app, coverage);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // "--auth alice PASSWORD" leaves the password as an unexpected argument, which CLI11's
        // message would quote; with an --auth value that lacks its colon, that word is likely it.
        if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && !run.auth.empty() &&
            run.auth.find(':') == std::string::npos) {
            std::cerr << "smtpspec run: --auth is USER:PASSWORD, one argument; the unexpected argument is not "
                         "shown, in case it is the password\n";
            return exit_code::usage;
        }
        // Help and version are "errors" with exit code 0 in CLI11's model.
        const int code = app.exit(e, std::cout, std::cerr);
        return code == 0 ? exit_code::ok : exit_code::usage;
    }

    if (app.got_subcommand("explain")) return cli::run_explain(explain, std::cout, std::cerr);
    if (app.got_subcommand("list")) return cli::run_list(list, std::cout, std::cerr);
    if (app.got_subcommand("run")) return cli::run_run(run, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
    if (app.got_subcommand("load")) return cli::run_load(load, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
    if (app.got_subcommand("serve")) return cli::run_serve(serve, std::cout, std::cerr);
    if (app.got_subcommand("compare")) return cli::run_compare(compare, std::cout, std::cerr);
    if (app.got_subcommand("merge")) return cli::run_merge(merge, std::cout, std::cerr);
    if (app.got_subcommand("coverage")) return cli::run_coverage(coverage, std::cout, std::cerr);
    return exit_code::usage;
}

}  // namespace

int main(int argc, char** argv) {
    // A server that exits while we write to its stdin must be an observation, not our death.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "smtpspec: internal error: " << e.what() << '\n';
        return smtpspec::exit_code::harness_error;
    }
}
