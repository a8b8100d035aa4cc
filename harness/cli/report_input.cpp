// Reading saved JSON reports.
#include "cli/report_input.hpp"

#include <fmt/format.h>

#include "core/bounded_file.hpp"
#include "reports/json_report.hpp"
#include "scenario/loader.hpp"

namespace smtpspec::cli {

namespace {

RunResult read_json_report(const std::string& path) {
    auto text = read_bounded_file(path, max_report_file_size, "report");
    if (const auto* problem = std::get_if<FileProblem>(&text))
        throw ReportInputError(fmt::format("report {}: {}", path, problem->message));
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(std::get<std::string>(text));
    } catch (const nlohmann::json::parse_error& e) {
        throw ReportInputError(fmt::format("{} is not a smtpspec JSON report: {}", path,
                                           describe_json_parse_error(e.what(), e.byte)));
    } catch (const nlohmann::json::out_of_range& e) {
        throw ReportInputError(fmt::format("{} is not a smtpspec JSON report: {}", path,
                                           describe_json_number_overflow(e.what())));
    }
    try {
        return reports::parse_json_report(document);
    } catch (const reports::JsonReportError& e) {
        throw ReportInputError(fmt::format("{} is not a smtpspec JSON report: {}", path, e.what()));
    }
}

}  // namespace

std::vector<reports::LabelledRun> read_json_reports(const std::vector<std::string>& paths) {
    std::vector<reports::LabelledRun> runs;
    for (const auto& path : paths) runs.emplace_back(path, read_json_report(path));
    return runs;
}

}  // namespace smtpspec::cli
