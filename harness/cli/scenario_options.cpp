#include "cli/scenario_options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "core/registry.hpp"
#include "reports/text_escape.hpp"
#include "scenario/loader.hpp"
#include "scenario/selection.hpp"

namespace smtpspec::cli {

namespace {
constexpr const char* default_scenario_dir = SMTPSPEC_SOURCE_DIR "/scenarios";
}

void add_scenario_options(CLI::App& subcommand, ScenarioOptions& options) {
    subcommand.add_option("--scenarios", options.paths,
                          "Scenario files or folders, searched recursively for *.json (default: the shipped scenarios/)")
        ->type_name("PATH");
    subcommand.add_option("--only", options.only, "Only scenarios whose id matches a glob, e.g. 'rfc5321/4.1.1.*'")
        ->type_name("GLOB");
    subcommand.add_option("--exclude", options.exclude, "Leave out scenarios whose id matches a glob")->type_name("GLOB");
    subcommand.add_option("--tag", options.tags, "Only scenarios with one of these tags")->type_name("TAG");
    subcommand.add_option("--profile", options.profile, "Judge by rfc5321 (default), rfc2821 or rfc821")
        ->type_name("PROFILE");
}

std::optional<ChosenScenarios> choose_scenarios(const ScenarioOptions& options, std::string_view subcommand,
                                                std::ostream& err) {
    const std::optional<Profile> profile = parse_profile(options.profile);
    if (!profile) {
        err << fmt::format("smtpspec {}: --profile '{}': unknown profile (use rfc821, rfc2821 or rfc5321)\n", subcommand,
                           options.profile);
        return std::nullopt;
    }
    std::vector<std::filesystem::path> paths(options.paths.begin(), options.paths.end());
    if (paths.empty()) paths.emplace_back(default_scenario_dir);
    const LoadResult loaded = load_scenarios(paths, Registry::builtin());
    if (!loaded.ok()) {
        // Messages quote the files' own text: escaped, a scenario cannot write control sequences
        // (or octets that are not UTF-8) to the terminal.
        for (const LoadIssue& issue : loaded.issues) err << reports::escape_text(issue.text()) << '\n';
        err << fmt::format("smtpspec {}: {} problem{} in the scenario files; nothing ran\n", subcommand,
                           loaded.issues.size(), loaded.issues.size() == 1 ? "" : "s");
        return std::nullopt;
    }
    const Selection selection{options.only, options.exclude, options.tags, *profile};
    return ChosenScenarios{select_scenarios(loaded.scenarios, selection), *profile};
}

}  // namespace smtpspec::cli
