#pragma once
// The machine-readable report (`--json FILE`), documented in reports/json-format.md. It holds
// everything in a RunResult, so that a later run can be merged with or compared to it.
#include <filesystem>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.hpp"

namespace smtpspec::reports {

// Raised only for changes that break readers; see "Versioning" in json-format.md.
inline constexpr int json_format_version = 1;

// Keys keep the documented order (ordered_json), so that the file reads top-down for a human.
// Every string is valid UTF-8: octets that are not get a "<name>_base64" sibling (see the format).
nlohmann::ordered_json json_report(const RunResult& run);

// One scenario's result as the report's "scenarios" hold it (the load report reuses it).
nlohmann::ordered_json scenario_json(const ScenarioResult& scenario);

// Two-space indentation and a final newline.
std::string render_json_report(const RunResult& run);

// Writes atomically (see write_file_atomically); throws WriteError naming the path.
void write_json_report(const RunResult& run, const std::filesystem::path& path);

// What is wrong with a document given to parse_json_report: "<JSON pointer>: <problem>".
class JsonReportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads a report back. Unknown members are ignored (newer writers of the same format_version
// may add some); a missing or mistyped member, an unknown enumeration value or another
// format_version throws JsonReportError. "summary" is derived data and is not read.
RunResult parse_json_report(const nlohmann::json& document);

}  // namespace smtpspec::reports
