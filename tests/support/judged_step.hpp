#pragma once
// A StepResult as a session would have judged it, for tests of what is built from results.
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace smtpspec::testing {

inline StepResult judged_step(std::string action, std::string command, Verdict verdict, std::string actual,
                              std::optional<std::int64_t> latency_us = 100) {
    StepResult s;
    s.action = std::move(action);
    s.judgement.command = std::move(command);
    s.judgement.verdict = verdict;
    s.judgement.actual = std::move(actual);
    s.latency_us = latency_us;
    return s;
}

}  // namespace smtpspec::testing
