#pragma once
// Reads and checks scenario files: every problem in every file is reported, each with file,
// JSON pointer and message, before anything runs.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace smtpspec {

class Registry;

struct LoadIssue {
    std::string file;
    std::string pointer;   // "" for the whole document, else "/scenarios/3/steps/1/send"
    std::string message;
    std::string text() const;   // "scenarios/x.json: /scenarios/3/steps/1: unknown field 'sned'"
};

struct LoadResult {
    std::vector<Scenario> scenarios;   // in file order, files in path order
    std::vector<LoadIssue> issues;
    bool ok() const { return issues.empty(); }
};

// The largest shipped file is about 33 KiB: these leave a wide margin for real scenarios and
// none for a file that would exhaust memory or time.
inline constexpr std::size_t max_scenario_file_size = 4 * 1024 * 1024;
inline constexpr std::size_t max_scenario_nesting_depth = 64;   // objects and arrays; a scenario uses about 10
// "repeat" copies a step, so a small file could otherwise expand to millions of steps. A
// scenario is one SMTP session (the largest shipped one has about 110 steps); a file's total
// also bounds the octets its copied payloads take.
inline constexpr std::size_t max_steps_per_scenario = 10'000;
inline constexpr std::size_t max_steps_per_file = 100'000;
inline constexpr std::size_t max_step_octets_per_file = 64 * 1024 * 1024;

// One file's text. Duplicate ids inside the file are reported; across files, by load_scenarios.
LoadResult parse_scenario_file(std::string_view json_text, const std::string& file, const Registry&);

// Files and directories (searched recursively for *.json, skipping *.schema.json, following
// links but entering each directory once), in sorted order. Duplicate ids across files are
// issues too.
LoadResult load_scenarios(const std::vector<std::filesystem::path>& paths, const Registry&);

// nlohmann's parse_error text without its exception tag: "invalid JSON at line 3, column 5: …".
std::string describe_json_parse_error(std::string_view what, std::size_t byte);
// nlohmann's report of a number beyond a double (1e400), which has no position, without its tag:
// "invalid JSON: number overflow parsing '1e400'".
std::string describe_json_number_overflow(std::string_view what);

}  // namespace smtpspec
