#pragma once
// Reading and writing baseline files (reports/baseline-format.md).
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "baseline/baseline.hpp"
#include "scenario/loader.hpp"

namespace smtpspec {

inline constexpr int baseline_format_version = 1;

// Every problem in the file, each with the file and the JSON pointer; nothing when it is valid.
std::variant<Baseline, std::vector<LoadIssue>> parse_baseline(std::string_view json_text, const std::string& file);
std::variant<Baseline, std::vector<LoadIssue>> load_baseline(const std::filesystem::path& path);

// Two-space indentation, entries in scenario-id order, a final newline.
std::string render_baseline(const Baseline& baseline);

}  // namespace smtpspec
