// Test-only tool: renders a JSON report (--json FILE) as the HTML report, so that the browser
// check can exercise the renderer on real runs whether or not `smtpspec run` has --html yet.
//
//     html_from_json REPORT.json OUT.html
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "reports/html_report.hpp"
#include "reports/json_report.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: html_from_json REPORT.json OUT.html\n";
        return 2;
    }
    try {
        std::ifstream in(argv[1], std::ios::binary);
        if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
        const auto run = smtpspec::reports::parse_json_report(nlohmann::json::parse(in));
        smtpspec::reports::write_html_report(run, argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "html_from_json: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
