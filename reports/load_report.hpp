#pragma once
// The reports of `smtpspec load`: text for people and JSON for machines (documented in
// reports/load-format.md), both pure functions of the finished load run.
#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "load/load_plan.hpp"
#include "load/load_tally.hpp"

namespace smtpspec::reports {

inline constexpr int load_format_version = 1;

struct LoadRun {
    std::string version;
    std::string target;
    std::string started;            // ISO 8601, UTC
    LoadShape shape;
    bool strict = false;            // warnings fail the run
    std::int64_t duration_us = 0;   // the sessions, not the set-up
    std::string stopped;            // why the run ended early (signal, --max-time); empty: it did not
    LoadTally tally;
};

double sessions_per_second(const LoadRun& run);
double messages_per_second(const LoadRun& run);

// `examples`: also print the transcript of the first session behind each finding.
std::string render_load_text(const LoadRun& run, bool examples);

nlohmann::ordered_json load_json(const LoadRun& run);
std::string render_load_json(const LoadRun& run);
void write_load_json(const LoadRun& run, const std::filesystem::path& path);   // atomically; throws WriteError

// 4 on a harness error, 1 when a reply failed (or warned, with strict) or a session could not
// connect, else 0. An interrupted run's status is the caller's (128+signal, 5 for --max-time).
int load_exit_status(const LoadRun& run);

}  // namespace smtpspec::reports
