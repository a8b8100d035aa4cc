// Reading saved JSON reports.
#include "cli/report_input.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "reports/json_report.hpp"

namespace smtpspec::cli {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw ReportInputError(fmt::format("cannot read report {}: {}", path, std::strerror(errno)));
    std::string content{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad()) throw ReportInputError(fmt::format("cannot read report {}: {}", path, std::strerror(errno)));
    return content;
}

RunResult read_json_report(const std::string& path) {
    const std::string content = read_file(path);
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& e) {
        throw ReportInputError(fmt::format("{} is not JSON: {}", path, e.what()));
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
