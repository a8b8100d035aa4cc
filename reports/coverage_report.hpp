#pragma once
// The suite's traceability matrix: for every RFC document and section the scenarios refer to,
// the scenarios that test it. Pure functions of a small input that callers build from what they
// have (the CLI from loaded scenarios, the HTML run report from a run's results), so that
// reports never depend on the scenario loader. The JSON form is documented in
// reports/coverage-format.md.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expectation.hpp"
#include "core/result.hpp"

namespace smtpspec::reports {

// Raised only for changes that break readers; see "Versioning" in coverage-format.md.
inline constexpr int coverage_format_version = 1;

// A scenario as the matrix sees it.
struct CoveredScenario {
    std::string id;
    std::string title;
    RequirementLevel level = RequirementLevel::must;   // the scenario's: its primary reference's
    std::vector<RfcRef> rfc;                           // the scenario's references, primary first
    std::vector<RfcRef> step_rfc;                      // the rules its steps' expectations name
    std::vector<std::string> tags;
};

// How a scenario refers to a section: its primary reference (rfc[0]), one of its other
// references, or only through a step's expectation.
enum class ReferenceRole { primary, secondary, step };

std::string_view to_string(ReferenceRole);   // "primary", "secondary", "step"

// One scenario under one section. A scenario that names a section several times is listed once,
// with the strongest role and the strongest level of those references.
struct SectionEntry {
    std::size_t scenario = 0;                          // index into CoverageMatrix::scenarios
    ReferenceRole role = ReferenceRole::primary;
    RequirementLevel level = RequirementLevel::must;   // what the reference says of this section
};

struct CoveredSection {
    std::string section;                               // "4.1.1.3", "App. F.6"
    RequirementLevel level = RequirementLevel::must;   // the strongest level of its entries
    std::vector<SectionEntry> entries;                 // in natural id order
};

struct CoveredDocument {
    std::string doc;                        // "RFC 5321"
    std::vector<CoveredSection> sections;   // in natural order: 4.1.1.2 before 4.1.1.10
    std::size_t scenarios = 0;              // distinct scenarios referring to the document
};

inline constexpr std::array<RequirementLevel, 3> all_levels = {RequirementLevel::must, RequirementLevel::should,
                                                               RequirementLevel::may};

struct CoverageMatrix {
    std::string profile;                      // the profile the scenarios were chosen for
    std::vector<CoveredScenario> scenarios;   // as given
    std::vector<CoveredDocument> documents;   // in numeric order: RFC 821 before RFC 5321

    std::size_t section_count() const;                       // distinct (document, section) pairs
    std::size_t scenarios_at(RequirementLevel level) const;  // by the scenarios' own level
};

CoverageMatrix build_coverage(std::vector<CoveredScenario> scenarios, std::string profile);

// The scenarios of a run, for its traceability section. Step references are not in a
// RunResult's structure (a judgement's rule is text), so only the scenarios' own ones count.
std::vector<CoveredScenario> covered_scenarios(const RunResult& run);

// "§4.1.1.3" for a numbered section, "App. F.6" as it is (as RfcRef::text writes them).
std::string section_label(std::string_view section);

// For a terminal: per document a header, then per section "§4.1.1.3  MUST  3 scenarios" and its
// scenarios indented (id, level, role, title); then the counts. Scenario text goes through
// escape_text, so no title can send a terminal control.
std::string render_coverage_text(const CoverageMatrix& matrix);

// The documented JSON (coverage-format.md); strings that are not valid UTF-8 get U+FFFD.
nlohmann::ordered_json coverage_json(const CoverageMatrix& matrix);
std::string render_coverage_json(const CoverageMatrix& matrix);   // two-space indent, final newline

// One self-contained page: inline CSS, no script, a Content-Security-Policy that loads nothing,
// every scenario string escaped with text_html.
std::string render_coverage_html(const CoverageMatrix& matrix);

}  // namespace smtpspec::reports
