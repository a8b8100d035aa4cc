// `smtpspec list`: the scenarios a run would choose from, one line each.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/registry.hpp"
#include "scenario/loader.hpp"

namespace smtpspec::cli {

namespace {

constexpr const char* default_scenario_dir = SMTPSPEC_SOURCE_DIR "/scenarios";

std::string references(const Scenario& scenario) {
    std::string out;
    for (const RfcRef& ref : scenario.rfc) {
        if (!out.empty()) out += ", ";
        out += ref.text();
    }
    return out;
}

// Display width in characters, not octets: titles and "§" are UTF-8.
std::size_t width(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string padded(const std::string& text, std::size_t to) {
    return text + std::string(to - std::min(to, width(text)), ' ');
}

void print_table(const std::vector<const Scenario*>& scenarios, std::ostream& out) {
    std::size_t id_width = 0;
    std::size_t title_width = 0;
    for (const Scenario* s : scenarios) {
        id_width = std::max(id_width, width(s->id));
        title_width = std::max(title_width, width(s->title));
    }
    for (const Scenario* s : scenarios) {
        out << padded(s->id, id_width) << "  " << padded(s->title, title_width) << "  "
            << padded(std::string(to_string(s->level())), 6) << "  " << references(*s) << '\n';
    }
}

}  // namespace

void setup_list(CLI::App& app, ListOptions& options) {
    CLI::App* list = app.add_subcommand("list", "List the scenarios: id, title, requirement level and RFC references");
    list->add_option("--scenarios", options.scenario_paths,
                     "Scenario files or folders, searched recursively for *.json (default: the shipped scenarios/)")
        ->type_name("PATH");
    list->add_option("--profile", options.profile,
                     "Show only the scenarios that apply in this profile: rfc821, rfc2821 or rfc5321 (default rfc5321)")
        ->type_name("PROFILE");
}

int run_list(const ListOptions& options, std::ostream& out, std::ostream& err) {
    const std::string profile_name = options.profile.empty() ? "rfc5321" : options.profile;
    const std::optional<Profile> profile = parse_profile(profile_name);
    if (!profile) {
        err << fmt::format("smtpspec list: unknown profile '{}' (use rfc821, rfc2821 or rfc5321)\n", profile_name);
        return exit_code::usage;
    }

    std::vector<std::filesystem::path> paths(options.scenario_paths.begin(), options.scenario_paths.end());
    if (paths.empty()) paths.emplace_back(default_scenario_dir);
    const LoadResult loaded = load_scenarios(paths, Registry::builtin());
    if (!loaded.ok()) {
        for (const LoadIssue& issue : loaded.issues) err << issue.text() << '\n';
        err << fmt::format("smtpspec list: {} problem{} in the scenario files; nothing listed\n", loaded.issues.size(),
                           loaded.issues.size() == 1 ? "" : "s");
        return exit_code::usage;
    }

    std::vector<const Scenario*> shown;
    for (const Scenario& s : loaded.scenarios) {
        if (s.applies_to(*profile)) shown.push_back(&s);
    }
    print_table(shown, out);
    out << fmt::format("{} scenario{} for profile {}\n", shown.size(), shown.size() == 1 ? "" : "s",
                       to_string(*profile));
    return exit_code::ok;
}

}  // namespace smtpspec::cli
