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
#include "cli/scenario_options.hpp"
#include "core/registry.hpp"
#include "scenario/loader.hpp"

namespace smtpspec::cli {

namespace {

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
    CLI::App* list = app.add_subcommand("list", "List the scenarios a run would take: id, title, level, RFC references");
    add_scenario_options(*list, options.scenarios);
    list->add_flag("--by-rfc", options.by_rfc,
                   "Group by RFC section: the traceability matrix, as `smtpspec coverage` prints it");
}

int run_list(const ListOptions& options, std::ostream& out, std::ostream& err) {
    // One view, one implementation: the grouped list is the coverage matrix.
    if (options.by_rfc) return run_coverage(CoverageOptions{options.scenarios, "", ""}, out, err);
    const auto chosen = choose_scenarios(options.scenarios, "list", err);
    if (!chosen) return exit_code::usage;
    std::vector<const Scenario*> shown;
    for (const Scenario& s : chosen->scenarios) shown.push_back(&s);
    print_table(shown, out);
    out << fmt::format("{} scenario{} for profile {}\n", shown.size(), shown.size() == 1 ? "" : "s",
                       to_string(chosen->profile));
    return exit_code::ok;
}

}  // namespace smtpspec::cli
