#pragma once
// The report a person reads in a browser: one self-contained HTML file (no scripts, styles or
// fonts from anywhere else, so it opens offline and can be attached to a CI run) with the run's
// header and counts, filters, and every scenario expandable into its steps and transcript.
#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace smtpspec::reports {

// Everything is rendered here, server text escaped into HTML text; the embedded script only
// filters and reorders what is already there. Failed, erroneous and warned scenarios come first.
std::string render_html_report(const RunResult& run);

// render_html_report written with write_file_atomically; throws WriteError naming the path.
void write_html_report(const RunResult& run, const std::filesystem::path& path);

}  // namespace smtpspec::reports
