// Merging the JSON reports of one suite run split into shards.
#include "reports/merge.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace smtpspec::reports {

namespace {

constexpr std::string_view embedded_prefix = "embedded reference server (";

// Each shard's embedded server listens on a port of its own; the port says nothing about the
// server tested.
std::string_view target_identity(std::string_view target) {
    return target.starts_with(embedded_prefix) ? embedded_prefix : target;
}

void require_same(const LabelledRun& first, const LabelledRun& other, std::string_view field,
                  const std::string& a, const std::string& b) {
    if (a == b) return;
    throw MergeError(fmt::format("{} and {} are not shards of one run: {} differs ('{}' against '{}')", first.first,
                                 other.first, field, a, b));
}

void check_same_run(const LabelledRun& first, const LabelledRun& other) {
    require_same(first, other, "version", first.second.version, other.second.version);
    require_same(first, other, "target", std::string(target_identity(first.second.target)),
                 std::string(target_identity(other.second.target)));
    require_same(first, other, "profile", first.second.profile, other.second.profile);
    require_same(first, other, "strict", first.second.strict ? "true" : "false", other.second.strict ? "true" : "false");
    const auto baseline_of = [](const RunResult& run) { return run.baseline ? run.baseline->file : std::string("(none)"); };
    require_same(first, other, "baseline", baseline_of(first.second), baseline_of(other.second));
}

// Reports made with --shard say which part of the run each is: all of one count, each index
// once, none missing, or the merged report would pass for a whole run that it is not. Reports
// split by --only carry no shard; their scenario ids alone are checked (in merge_runs).
void check_shard_set(const std::vector<LabelledRun>& shards) {
    const auto is_shard = [](const LabelledRun& shard) { return shard.second.shard.has_value(); };
    const auto sharded = std::find_if(shards.begin(), shards.end(), is_shard);
    if (sharded == shards.end()) return;
    const LabelledRun& first = *sharded;
    if (const auto plain = std::find_if_not(shards.begin(), shards.end(), is_shard); plain != shards.end())
        throw MergeError(fmt::format("{} is shard {} of a run made with --shard, but {} is a report without --shard: "
                                     "merge either every shard of one run or reports without --shard",
                                     first.first, to_string(*first.second.shard), plain->first));
    const std::size_t count = first.second.shard->count;
    std::map<std::size_t, std::string> file_of_index;
    for (const auto& [label, run] : shards) {
        if (run.shard->count != count)
            throw MergeError(fmt::format("{} is shard {} but {} is shard {}: the shards of one run have one count",
                                         first.first, to_string(*first.second.shard), label, to_string(*run.shard)));
        const auto [seen, inserted] = file_of_index.emplace(run.shard->index, label);
        if (!inserted)
            throw MergeError(fmt::format("shard {} appears twice: {} and {}", to_string(*run.shard), seen->second, label));
    }
    // A 1000-way run given one report would list 999; the first few say enough.
    constexpr std::size_t listed = 10;
    std::vector<std::string> missing;
    for (std::size_t index = 1; index <= count; ++index)
        if (!file_of_index.contains(index)) missing.push_back(to_string(Shard{index, count}));
    if (missing.empty()) return;
    std::string given;
    for (const auto& [index, label] : file_of_index)
        given += fmt::format("{}{} {}", given.empty() ? "" : ", ", to_string(Shard{index, count}), label);
    const bool one = missing.size() == 1;
    const auto more = missing.size() > listed ? fmt::format(" and {} more", missing.size() - listed) : std::string();
    missing.resize(std::min(missing.size(), listed));
    throw MergeError(fmt::format("shard{} {}{} {} missing (given: {})", one ? "" : "s", fmt::join(missing, ", "), more,
                                 one ? "is" : "are", given));
}

// Each shard lists as not run the baseline's ids that the other shards ran.
void merge_not_run(RunResult& merged, const std::vector<LabelledRun>& shards) {
    if (!merged.baseline) return;
    std::set<std::string, std::less<>> ran;
    for (const auto& scenario : merged.scenarios) ran.insert(scenario.id);
    std::vector<std::string> not_run;
    for (const auto& shard : shards)
        for (const auto& id : shard.second.baseline->not_run)
            if (!ran.contains(id) && std::find(not_run.begin(), not_run.end(), id) == not_run.end())
                not_run.push_back(id);
    merged.baseline->not_run = std::move(not_run);
}

}  // namespace

RunResult merge_runs(const std::vector<LabelledRun>& shards) {
    if (shards.empty()) throw MergeError("no reports to merge");
    const LabelledRun& first = shards.front();
    check_shard_set(shards);
    RunResult merged = first.second;
    merged.shard.reset();   // the merged report is the whole run
    merged.scenarios.clear();
    std::map<std::string, std::string> shard_of_id;
    for (const auto& shard : shards) {
        check_same_run(first, shard);
        const RunResult& run = shard.second;
        merged.started = std::min(merged.started, run.started);   // ISO 8601 UTC sorts as text
        merged.duration_ms = std::max(merged.duration_ms, run.duration_ms);
        merged.incomplete = merged.incomplete || run.incomplete;
        for (const auto& scenario : run.scenarios) {
            const auto [seen, inserted] = shard_of_id.emplace(scenario.id, shard.first);
            if (!inserted)
                throw MergeError(fmt::format("scenario {} is in both {} and {}", scenario.id, seen->second, shard.first));
            merged.scenarios.push_back(scenario);
        }
    }
    std::stable_sort(merged.scenarios.begin(), merged.scenarios.end(),
                     [](const ScenarioResult& a, const ScenarioResult& b) { return natural_less(a.id, b.id); });
    merge_not_run(merged, shards);
    return merged;
}

}  // namespace smtpspec::reports
