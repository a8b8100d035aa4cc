#pragma once
// The scenario-selection options shared by `list` and `run`, and loading what they select.
#include <iosfwd>
#include <optional>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "core/profile.hpp"
#include "scenario/scenario.hpp"

namespace CLI { class App; }

namespace smtpspec::cli {

void add_scenario_options(CLI::App& subcommand, ScenarioOptions& options);

struct ChosenScenarios {
    std::vector<Scenario> scenarios;
    Profile profile = Profile::rfc5321;
};

// Loads every scenario file, reports every problem to `err` (prefixed with the subcommand's
// name) and returns nullopt when anything is wrong: nothing runs on a bad file.
std::optional<ChosenScenarios> choose_scenarios(const ScenarioOptions& options, std::string_view subcommand,
                                                std::ostream& err);

}  // namespace smtpspec::cli
