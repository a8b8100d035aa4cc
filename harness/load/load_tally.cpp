#include "load/load_tally.hpp"

#include <algorithm>

namespace smtpspec {

namespace {

// The close step is judged with no command (no reply is legal there).
std::string command_name(const StepResult& step) {
    return step.judgement.command.empty() ? std::string("<close>") : step.judgement.command;
}

}  // namespace

LatencyHistogram& LoadTally::latency_of(const std::string& command) {
    const auto found = std::find_if(commands_.begin(), commands_.end(),
                                    [&](const CommandLatency& c) { return c.command == command; });
    if (found != commands_.end()) return found->latency;
    commands_.push_back(CommandLatency{command, {}});
    return commands_.back().latency;
}

void LoadTally::group(std::uint64_t session_number, const ScenarioResult& session, const StepResult& step) {
    auto key = std::make_tuple(command_name(step), step.judgement.verdict, step.judgement.actual);
    if (const auto found = group_index_.find(key); found != group_index_.end()) {
        ++groups_[found->second].count;
        return;
    }
    if (groups_.size() >= max_groups) {
        ++ungrouped_;
        return;
    }
    group_index_.emplace(key, groups_.size());
    const auto index = static_cast<std::size_t>(&step - session.steps.data());
    groups_.push_back(VerdictGroup{std::get<0>(key), step.judgement.verdict, step.judgement.actual, 1, session_number,
                                   session, index});
}

void LoadTally::add(std::uint64_t session_number, const ScenarioResult& session, bool unreachable,
                    std::int64_t elapsed_us) {
    ++counts_.sessions;
    if (unreachable) ++counts_.unreachable;
    bool clean = !unreachable;
    for (const StepResult& step : session.steps) {
        const Verdict verdict = step.judgement.verdict;
        // Steps not run after a failure say nothing new about the server: the failure is counted.
        if (verdict == Verdict::skipped) {
            clean = false;
            continue;
        }
        ++counts_.replies;
        if (step.latency_us) latency_of(command_name(step)).record(*step.latency_us);
        if (step.action == "data" && verdict == Verdict::pass) ++counts_.messages_accepted;
        if (verdict == Verdict::pass) continue;
        clean = false;
        if (is_failure(verdict)) ++counts_.failures;
        if (is_warning(verdict)) ++counts_.warnings;
        group(session_number, session, step);
    }
    if (clean) ++counts_.clean_sessions;
    session_.record(elapsed_us);
}

void LoadTally::add_harness_error(std::uint64_t session_number, const std::string& what) {
    ++counts_.sessions;
    if (counts_.harness_errors++ == 0) first_harness_error_ = "session " + std::to_string(session_number) + ": " + what;
}

}  // namespace smtpspec
