#include "baseline/baseline.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <tuple>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scenario/natural_order.hpp"

namespace smtpspec {

namespace {

bool judged(const ScenarioResult& scenario) {
    return scenario.outcome != Outcome::error && scenario.outcome != Outcome::skipped;
}

bool is_expired(const BaselineEntry& entry, std::string_view today) {
    // ISO dates order as strings; an entry holds through its expiry day.
    return !entry.expires.empty() && std::string_view(entry.expires) < today;
}

bool names(const BaselineEntry& entry, const StepResult& step) {
    return (!entry.step || *entry.step == step.step) && (!entry.verdict || *entry.verdict == step.judgement.verdict);
}

bool fails(const StepResult& step, bool strict) { return fails_scenario(step.judgement.verdict, strict); }

std::vector<const BaselineEntry*> entries_for(const Baseline& baseline, std::string_view id) {
    std::vector<const BaselineEntry*> out;
    for (const auto& entry : baseline.entries)
        if (entry.id == id) out.push_back(&entry);
    return out;
}

// How an entry bears on a scenario that ran to a verdict.
WaiverState state_of(const BaselineEntry& entry, const ScenarioResult& scenario, std::string_view today,
                     bool strict) {
    const bool names_a_failure = std::any_of(scenario.steps.begin(), scenario.steps.end(), [&](const StepResult& s) {
        return fails(s, strict) && names(entry, s);
    });
    if (!names_a_failure) return WaiverState::unneeded;
    return is_expired(entry, today) ? WaiverState::expired : WaiverState::applied;
}

std::string new_entry_reason(const StepResult& step) {
    const auto& j = step.judgement;
    // The observation, for a person to complete with why the deviation is accepted.
    return fmt::format("observed {}: {} got {}, expected {} ({})", to_string(j.verdict),
                       j.command.empty() ? "the step" : j.command, j.actual, fmt::join(j.expected, "/"), j.rfc);
}

bool entry_less(const BaselineEntry& a, const BaselineEntry& b) {
    if (a.id != b.id) return natural_less(a.id, b.id);
    // The whole-scenario entry first, then steps in order.
    const auto step_key = [](const BaselineEntry& e) { return e.step ? *e.step + 1 : 0; };
    const auto verdict_key = [](const BaselineEntry& e) { return e.verdict ? severity(*e.verdict) : 0; };
    return std::make_tuple(step_key(a), verdict_key(a)) < std::make_tuple(step_key(b), verdict_key(b));
}

}  // namespace

ScenarioResult apply_baseline(const Baseline& baseline, ScenarioResult scenario, std::string_view today,
                              bool strict) {
    if (!judged(scenario)) return scenario;
    const auto entries = entries_for(baseline, scenario.id);
    scenario.waivers.clear();
    bool any_unaccepted = false;
    for (auto& step : scenario.steps) {
        step.waived = fails(step, strict) && std::any_of(entries.begin(), entries.end(), [&](const BaselineEntry* e) {
                          return names(*e, step) && !is_expired(*e, today);
                      });
        any_unaccepted = any_unaccepted || (fails(step, strict) && !step.waived);
    }
    if (scenario.outcome == Outcome::failed || scenario.outcome == Outcome::waived)
        scenario.outcome = any_unaccepted ? Outcome::failed : Outcome::waived;
    for (const auto* entry : entries)
        scenario.waivers.push_back(
            Waiver{entry->step, entry->verdict, entry->reason, entry->expires, state_of(*entry, scenario, today, strict)});
    return scenario;
}

RunResult apply_baseline(const Baseline& baseline, RunResult run, std::string_view today) {
    std::set<std::string, std::less<>> ran;
    for (auto& scenario : run.scenarios) {
        scenario = apply_baseline(baseline, std::move(scenario), today, run.strict);
        ran.insert(scenario.id);
    }
    BaselineUse use{baseline.file, baseline.entries.size(), {}};
    for (const auto& entry : baseline.entries)
        if (!ran.contains(entry.id) &&
            std::find(use.not_run.begin(), use.not_run.end(), entry.id) == use.not_run.end())
            use.not_run.push_back(entry.id);
    run.baseline = std::move(use);
    return run;
}

Baseline tightened_baseline(const RunResult& run, const Baseline* previous, std::string_view today) {
    Baseline out;
    if (previous != nullptr) {
        out.file = previous->file;
        out.description = previous->description;
    }
    std::vector<const ScenarioResult*> evidence;
    for (const auto& scenario : run.scenarios)
        if (judged(scenario)) evidence.push_back(&scenario);
    const auto evidence_for = [&](std::string_view id) -> const ScenarioResult* {
        for (const auto* scenario : evidence)
            if (scenario->id == id) return scenario;
        return nullptr;
    };

    if (previous != nullptr)
        for (const auto& entry : previous->entries) {
            const auto* scenario = evidence_for(entry.id);
            if (scenario == nullptr || state_of(entry, *scenario, today, run.strict) != WaiverState::unneeded)
                out.entries.push_back(entry);
        }
    for (const auto* scenario : evidence)
        for (const auto& step : scenario->steps) {
            if (!fails(step, run.strict)) continue;
            const bool named = std::any_of(out.entries.begin(), out.entries.end(), [&](const BaselineEntry& e) {
                return e.id == scenario->id && names(e, step);
            });
            if (!named)
                out.entries.push_back(
                    BaselineEntry{scenario->id, step.step, step.judgement.verdict, new_entry_reason(step), ""});
        }
    std::stable_sort(out.entries.begin(), out.entries.end(), entry_less);
    return out;
}

std::string utc_today() {
    return fmt::format("{:%Y-%m-%d}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace smtpspec
