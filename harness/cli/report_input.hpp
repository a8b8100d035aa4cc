#pragma once
// Reading saved JSON reports for the subcommands that work on them (compare, merge).
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

// Each report labelled with its file name as given. Throws ReportInputError for a file that
// cannot be read, is not JSON, or is not a smtpspec report.
std::vector<reports::LabelledRun> read_json_reports(const std::vector<std::string>& paths);

}  // namespace smtpspec::cli
