#include "scenario/selection.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace smtpspec {

bool glob_match(const std::string& pattern, const std::string& text) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

namespace {
bool any_glob(const std::vector<std::string>& globs, const std::string& id) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return glob_match(g, id); });
}

bool has_any_tag(const Scenario& scenario, const std::vector<std::string>& tags) {
    return std::any_of(tags.begin(), tags.end(), [&](const std::string& tag) {
        return std::find(scenario.tags.begin(), scenario.tags.end(), tag) != scenario.tags.end();
    });
}
}  // namespace

std::vector<Scenario> select_scenarios(const std::vector<Scenario>& scenarios, const Selection& selection) {
    std::vector<Scenario> chosen;
    for (const Scenario& scenario : scenarios) {
        if (!scenario.applies_to(selection.profile)) continue;
        if (!selection.only.empty() && !any_glob(selection.only, scenario.id)) continue;
        if (any_glob(selection.exclude, scenario.id)) continue;
        if (!selection.tags.empty() && !has_any_tag(scenario, selection.tags)) continue;
        chosen.push_back(scenario);
    }
    return chosen;
}

std::vector<Scenario> select_shard(const std::vector<Scenario>& selected, const Shard& shard) {
    std::vector<Scenario> taken;
    for (std::size_t position = 0; position < selected.size(); ++position)
        if (shard_takes(shard, position)) taken.push_back(selected[position]);
    return taken;
}

}  // namespace smtpspec
