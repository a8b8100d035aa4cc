#pragma once
// The JUnit XML report (`--junit FILE`), for CI systems that show test results (Jenkins,
// GitLab, GitHub Actions annotators). The mapping from outcomes to JUnit elements is documented
// in reports/junit-format.md; the JSON report stays the complete record of a run.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace smtpspec::reports {

// One <testsuite> per RFC section (the first two parts of the scenario id), one <testcase> per
// scenario. The document is well-formed XML 1.0 whatever octets the server sent.
std::string render_junit_report(const RunResult& run);

// Writes atomically (see write_file_atomically); throws WriteError naming the path.
void write_junit_report(const RunResult& run, const std::filesystem::path& path);

// Element content: &, <, > and CR escaped; every character XML 1.0 forbids (controls other than
// TAB, LF and CR, U+FFFE, U+FFFF) and every octet that does not begin a valid UTF-8 sequence
// (RFC 3629: overlong forms and surrogates included) replaced by U+FFFD.
std::string xml_text(std::string_view text);

// An attribute value between double quotes: as xml_text, plus quotes, and TAB, LF and CR as
// character references, because a parser would normalise them to spaces.
std::string xml_attribute(std::string_view text);

}  // namespace smtpspec::reports
