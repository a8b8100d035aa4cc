#pragma once
// Reading saved JSON reports for the subcommands that work on them (compare, merge).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/compare_report.hpp"

namespace smtpspec::cli {

// The message names the file and, for a report that does not follow the format, the JSON
// pointer of the problem: "a.json: /scenarios/0/outcome: ...".
class ReportInputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A report holds about 15 KiB per scenario with its transcript (3.6 MiB for the 245 shipped
// ones), so this allows some 17 000 scenarios per file; a larger file is refused unread.
inline constexpr std::size_t max_report_file_size = 256 * 1024 * 1024;

// Each report labelled with its file name as given. Throws ReportInputError for a file that
// cannot be read (not a regular file, too large), is not JSON, or is not a smtpspec report.
std::vector<reports::LabelledRun> read_json_reports(const std::vector<std::string>& paths);

}  // namespace smtpspec::cli
