// The traceability matrix: how it is built (order, roles, levels, counts), its text, JSON and
// HTML forms against goldens (see reports/golden/golden.hpp; SMTPSPEC_UPDATE_GOLDEN=1
// regenerates them), hostile titles, the run report's traceability section, and
// `smtpspec coverage` end to end over the shipped scenarios.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/registry.hpp"
#include "reports/console_report.hpp"
#include "reports/coverage_report.hpp"
#include "reports/golden/golden.hpp"
#include "reports/html_report.hpp"
#include "reports/sample_run.hpp"
#include "reports/text_escape.hpp"
#include "scenario/loader.hpp"
#include "support/occurrences.hpp"
#include "support/run_command.hpp"

namespace smtpspec::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using smtpspec::testing::matches_golden;
using smtpspec::testing::occurrences;

constexpr auto must = RequirementLevel::must;
constexpr auto should = RequirementLevel::should;
constexpr auto may = RequirementLevel::may;

RfcRef ref(std::string doc, std::string section, RequirementLevel level = must) {
    return RfcRef{std::move(doc), std::move(section), level};
}

// A small suite, deliberately out of order: documents that sort wrongly as text (RFC 821 and
// RFC 1123 against RFC 5321), sections that do (4.1.1.10 against 4.1.1.2), an appendix, a section
// named twice by one scenario, a reference made only by a step, every level, and a title with
// markup, a terminal control and an octet that is not UTF-8.
std::vector<CoveredScenario> small_suite() {
    return {
        {"rfc5321/F.6/1", "SEND is obsolete", may, {ref("RFC 5321", "App. F.6", may)}, {}, {"obsolete"}},
        {"rfc5321/4.1.1.10/1", "QUIT is answered with 221", must, {ref("RFC 5321", "4.1.1.10")}, {}, {"quit"}},
        {"rfc5321/4.1.1.2/1",
         "MAIL after EHLO is accepted",
         must,
         {ref("RFC 5321", "4.1.1.2"), ref("RFC 821", "4.1.1")},
         {ref("RFC 5321", "4.1.1.2", should), ref("RFC 1123", "5.2.9", should)},
         {"mail", "sequence"}},
        {"rfc5321/3.1/1",
         "The server opens with a legal greeting",
         must,
         {ref("RFC 5321", "3.1"), ref("RFC 5321", "4.1.1.10")},
         {},
         {"greeting"}},
        {"rfc5321/4.1.1.6/1",
         "VRFY <b>\"verifies\"</b> & tells\x1b[31m\xff",
         should,
         {ref("RFC 5321", "4.1.1.6", should), ref("RFC 5321", "7.3", may)},
         {},
         {"vrfy"}},
    };
}

CoverageMatrix small_matrix() { return build_coverage(small_suite(), "rfc5321"); }

std::vector<std::string> document_names(const CoverageMatrix& matrix) {
    std::vector<std::string> names;
    for (const auto& document : matrix.documents) names.push_back(document.doc);
    return names;
}

const CoveredDocument& document_named(const CoverageMatrix& matrix, const std::string& doc) {
    for (const auto& document : matrix.documents)
        if (document.doc == doc) return document;
    throw std::runtime_error("no document " + doc);
}

const CoveredSection& section_named(const CoverageMatrix& matrix, const std::string& doc, const std::string& name) {
    for (const auto& section : document_named(matrix, doc).sections)
        if (section.section == name) return section;
    throw std::runtime_error("no section " + name);
}

std::vector<std::string> entry_ids(const CoverageMatrix& matrix, const CoveredSection& section) {
    std::vector<std::string> ids;
    for (const auto& entry : section.entries) ids.push_back(matrix.scenarios[entry.scenario].id);
    return ids;
}

// ---- the model -----------------------------------------------------------------------------

TEST(CoverageReport, OrdersDocumentsByNumberAndSectionsNaturally) {
    const auto matrix = small_matrix();
    EXPECT_THAT(document_names(matrix), ElementsAre("RFC 821", "RFC 1123", "RFC 5321"));
    std::vector<std::string> sections;
    for (const auto& section : document_named(matrix, "RFC 5321").sections) sections.push_back(section.section);
    EXPECT_THAT(sections, ElementsAre("3.1", "4.1.1.2", "4.1.1.6", "4.1.1.10", "7.3", "App. F.6"));
}

TEST(CoverageReport, ListsScenariosOfASectionInIdOrderWithTheirRole) {
    const auto matrix = small_matrix();
    const auto& quit = section_named(matrix, "RFC 5321", "4.1.1.10");
    EXPECT_THAT(entry_ids(matrix, quit), ElementsAre("rfc5321/3.1/1", "rfc5321/4.1.1.10/1"));
    EXPECT_EQ(quit.entries[0].role, ReferenceRole::secondary);
    EXPECT_EQ(quit.entries[1].role, ReferenceRole::primary);
    EXPECT_EQ(section_named(matrix, "RFC 821", "4.1.1").entries.at(0).role, ReferenceRole::secondary);
}

TEST(CoverageReport, AStepReferenceCountsAndASectionNamedTwiceIsListedOnce) {
    const auto matrix = small_matrix();
    const auto& via_step = section_named(matrix, "RFC 1123", "5.2.9");
    ASSERT_EQ(via_step.entries.size(), 1u);
    EXPECT_EQ(via_step.entries[0].role, ReferenceRole::step);
    EXPECT_EQ(via_step.level, should);
    // MAIL names 4.1.1.2 as its primary reference (MUST) and again in a step (SHOULD).
    const auto& mail = section_named(matrix, "RFC 5321", "4.1.1.2");
    ASSERT_EQ(mail.entries.size(), 1u);
    EXPECT_EQ(mail.entries[0].role, ReferenceRole::primary);
    EXPECT_EQ(mail.entries[0].level, must);
}

TEST(CoverageReport, ASectionTakesTheStrongestLevelOfItsReferences) {
    auto suite = small_suite();
    suite.push_back({"rfc5321/7.3/1", "VRFY may be disabled", must, {ref("RFC 5321", "7.3", must)}, {}, {}});
    const auto matrix = build_coverage(suite, "rfc5321");
    EXPECT_EQ(section_named(matrix, "RFC 5321", "7.3").level, must);
    EXPECT_EQ(section_named(small_matrix(), "RFC 5321", "7.3").level, may);
}

TEST(CoverageReport, CountsScenariosPerLevelAndDocumentAndDistinctSections) {
    const auto matrix = small_matrix();
    EXPECT_EQ(matrix.scenarios_at(must), 3u);
    EXPECT_EQ(matrix.scenarios_at(should), 1u);
    EXPECT_EQ(matrix.scenarios_at(may), 1u);
    EXPECT_EQ(matrix.section_count(), 8u);
    EXPECT_EQ(document_named(matrix, "RFC 5321").scenarios, 5u);
    EXPECT_EQ(document_named(matrix, "RFC 821").scenarios, 1u);
}

TEST(CoverageReport, TheOrderDoesNotDependOnTheInputOrder) {
    auto reversed = small_suite();
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(render_coverage_text(build_coverage(reversed, "rfc5321")), render_coverage_text(small_matrix()));
}

TEST(CoverageReport, LabelsNumberedSectionsWithTheSectionSign) {
    EXPECT_EQ(section_label("4.1.1.3"), "§4.1.1.3");
    EXPECT_EQ(section_label("App. F.6"), "App. F.6");
}

// ---- the three forms -----------------------------------------------------------------------

TEST(CoverageReport, TextMatchesGolden) {
    EXPECT_TRUE(matches_golden("coverage_matrix.txt", render_coverage_text(small_matrix())));
}

TEST(CoverageReport, JsonMatchesGolden) {
    EXPECT_TRUE(matches_golden("coverage_matrix.json", render_coverage_json(small_matrix())));
}

TEST(CoverageReport, HtmlMatchesGolden) {
    EXPECT_TRUE(matches_golden("coverage_matrix.html", render_coverage_html(small_matrix())));
}

TEST(CoverageReport, TextShowsSectionLinesAndIndentedIds) {
    const auto text = render_coverage_text(small_matrix());
    EXPECT_THAT(text, HasSubstr("\n  §4.1.1.10  MUST    2 scenarios\n      rfc5321/3.1/1 "));
    EXPECT_THAT(text, HasSubstr("5 scenarios for profile rfc5321: 3 MUST, 1 SHOULD, 1 MAY\n8 sections in 3 documents\n"));
}

// ---- hostile titles ------------------------------------------------------------------------

const std::string injection = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

CoverageMatrix hostile_matrix() {
    auto suite = small_suite();
    suite[1].title = "title " + injection;
    suite[1].tags.push_back(injection);
    suite[1].rfc.push_back(ref("RFC 5321 " + injection, "1"));
    return build_coverage(suite, "rfc5321 " + injection);
}

TEST(CoverageReport, HostileTitlesStayTextInHtml) {
    const auto html = render_coverage_html(hostile_matrix());
    EXPECT_EQ(occurrences(html, "<script"), 0u);
    EXPECT_THAT(html, Not(HasSubstr("<img")));
    EXPECT_THAT(html, HasSubstr("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                                "&quot;&#39;&amp;"));
    EXPECT_EQ(occurrences(html, "onerror"), occurrences(html, "&lt;img src=x onerror=alert(2)&gt;"));
    EXPECT_TRUE(is_valid_utf8(html));
}

TEST(CoverageReport, HtmlLoadsNothingFromElsewhere) {
    for (const auto& html : {render_coverage_html(small_matrix()), render_coverage_html(hostile_matrix())}) {
        EXPECT_EQ(occurrences(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; "
                                    "style-src &#39;unsafe-inline&#39;; base-uri &#39;none&#39;; form-action "
                                    "&#39;none&#39;\">"),
                  1u);
        EXPECT_EQ(occurrences(html, "http"), 1u);   // the CSP's http-equiv
        EXPECT_EQ(occurrences(html, "//"), 0u);
        EXPECT_EQ(occurrences(html, "url("), 0u);
        EXPECT_EQ(occurrences(html, "@import"), 0u);
        EXPECT_EQ(occurrences(html, "src="), occurrences(html, "&lt;img src="));
    }
}

TEST(CoverageReport, HostileTitlesCannotControlATerminal) {
    const auto text = render_coverage_text(hostile_matrix());
    EXPECT_THAT(text, Not(HasSubstr("\x1b")));
    EXPECT_THAT(text, HasSubstr("tells<1B>[31m<FF>"));
    EXPECT_TRUE(is_valid_utf8(text));
}

TEST(CoverageReport, JsonIsValidUtf8AndParses) {
    const auto text = render_coverage_json(hostile_matrix());
    ASSERT_TRUE(is_valid_utf8(text));
    const auto json = nlohmann::json::parse(text);
    EXPECT_EQ(json["format_version"], coverage_format_version);
    EXPECT_EQ(json["summary"]["scenarios"], 5);
    EXPECT_THAT(text, HasSubstr("tells\\u001b[31m\xef\xbf\xbd"));   // the ESC escaped, 0xFF as U+FFFD
}

TEST(CoverageReport, AnEmptySelectionStillRendersCounts) {
    const auto matrix = build_coverage({}, "rfc821");
    EXPECT_EQ(render_coverage_text(matrix), "0 scenarios for profile rfc821: 0 MUST, 0 SHOULD, 0 MAY\n"
                                            "0 sections in 0 documents\n");
    EXPECT_EQ(nlohmann::json::parse(render_coverage_json(matrix))["documents"].size(), 0u);
    EXPECT_THAT(render_coverage_html(matrix), HasSubstr("0 scenarios for profile rfc821"));
}

// ---- the run report's traceability section --------------------------------------------------

std::string traceability_of(const std::string& html) {
    const auto begin = html.find("<details class=\"traceability\">");
    if (begin == std::string::npos) return "";
    return html.substr(begin, html.find("</details>", begin) - begin);
}

TEST(CoverageReport, TheRunReportListsEachScenarioUnderItsSectionsWithItsOutcome) {
    const auto run = smtpspec::testing::sample_run();
    const auto traceability = traceability_of(render_html_report(run));
    ASSERT_FALSE(traceability.empty());
    EXPECT_THAT(traceability, HasSubstr("<summary>Traceability: "));
    for (const auto& scenario : run.scenarios) {
        const auto badge_and_id = fmt::format("<span class=\"badge o-{}\">{}</span> <code>{}</code>",
                                              to_string(scenario.outcome), outcome_label(scenario.outcome),
                                              text_html(scenario.id));
        EXPECT_THAT(traceability, HasSubstr(badge_and_id)) << scenario.id;
    }
    EXPECT_THAT(traceability, Not(HasSubstr("data-id=")));   // the script's items stay the scenarios
}

TEST(CoverageReport, TheRunReportEscapesTitlesInItsTraceability) {
    auto run = smtpspec::testing::sample_run();
    run.scenarios.front().title = "title " + injection;
    const auto traceability = traceability_of(render_html_report(run));
    EXPECT_THAT(traceability, HasSubstr("title &lt;/script&gt;&lt;script&gt;alert(1)"));
    EXPECT_THAT(traceability, Not(HasSubstr("<script")));
}

TEST(CoverageReport, ARunWithoutScenariosHasNoTraceability) {
    RunResult run;
    run.profile = "rfc5321";
    EXPECT_TRUE(traceability_of(render_html_report(run)).empty());
}

}  // namespace
}  // namespace smtpspec::reports

// ---- `smtpspec coverage` end to end --------------------------------------------------------

namespace smtpspec {
namespace {

using testing::run_command;
using testing::smtpspec_command;

namespace fs = std::filesystem;

class CoverageCli : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("smtpspec-coverage-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string& file) const { return (dir_ / file).string(); }

    static std::string read(const std::string& file) {
        std::ifstream in(file, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    fs::path dir_;
};

// The ids under any section of a coverage JSON document.
std::set<std::string> covered_ids(const nlohmann::json& coverage) {
    std::set<std::string> ids;
    for (const auto& document : coverage.at("documents"))
        for (const auto& section : document.at("sections"))
            for (const auto& scenario : section.at("scenarios")) ids.insert(scenario.at("id").get<std::string>());
    return ids;
}

// What the shipped library holds for a profile, read by the loader rather than by smtpspec.
LoadResult load_shipped() {
    auto loaded = load_scenarios({fs::path(SMTPSPEC_SOURCE_DIR) / "scenarios"}, Registry::builtin());
    for (const auto& issue : loaded.issues) ADD_FAILURE() << issue.text();
    return loaded;
}

std::set<std::string> shipped_ids(Profile profile) {
    const auto loaded = load_shipped();
    std::set<std::string> ids;
    for (const auto& scenario : loaded.scenarios)
        if (scenario.applies_to(profile)) ids.insert(scenario.id);
    return ids;
}

TEST_F(CoverageCli, EveryShippedScenarioAppearsUnderASectionAndTheJsonParses) {
    std::set<std::string> all;
    for (const auto profile : {Profile::rfc5321, Profile::rfc2821, Profile::rfc821}) {
        const std::string name(to_string(profile));
        const auto json = path(name + ".json");
        const auto r = run_command(smtpspec_command("coverage --profile " + name + " --json '" + json + "'"));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto coverage = nlohmann::json::parse(read(json));
        EXPECT_EQ(coverage.at("profile"), name);
        const auto ids = covered_ids(coverage);
        EXPECT_EQ(ids, shipped_ids(profile)) << name;
        EXPECT_EQ(coverage.at("summary").at("scenarios").get<std::size_t>(), ids.size()) << name;
        all.insert(ids.begin(), ids.end());
    }
    const auto loaded = load_shipped();
    ASSERT_FALSE(loaded.scenarios.empty());
    for (const auto& scenario : loaded.scenarios) EXPECT_EQ(all.count(scenario.id), 1u) << scenario.id;
}

TEST_F(CoverageCli, PrintsTheTextMatrixAndListByRfcIsTheSameView) {
    const auto coverage = run_command(smtpspec_command("coverage"));
    ASSERT_EQ(coverage.exit_code, 0) << coverage.err;
    EXPECT_THAT(coverage.out, ::testing::HasSubstr("RFC 5321: "));
    EXPECT_THAT(coverage.out, ::testing::HasSubstr("\n  §4.1.1.9 "));
    EXPECT_THAT(coverage.out, ::testing::HasSubstr(" scenarios for profile rfc5321: "));
    const auto list = run_command(smtpspec_command("list --by-rfc"));
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out, coverage.out);
}

TEST_F(CoverageCli, HonoursTheScenarioSelection) {
    const auto json = path("noop.json");
    const auto r = run_command(smtpspec_command("coverage --only 'rfc5321/4.1.1.9/*' --json '" + json + "'"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << "a file was asked for: " << r.out;
    for (const auto& id : covered_ids(nlohmann::json::parse(read(json))))
        EXPECT_EQ(id.rfind("rfc5321/4.1.1.9/", 0), 0u) << id;
}

TEST_F(CoverageCli, WritesASelfContainedHtmlPage) {
    const auto html = path("coverage.html");
    const auto r = run_command(smtpspec_command("coverage --html '" + html + "'"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto page = read(html);
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>\n"));
    EXPECT_THAT(page, ::testing::HasSubstr("Content-Security-Policy"));
    EXPECT_THAT(page, ::testing::HasSubstr("<code>rfc5321/4.1.1.9/1</code>"));
}

TEST_F(CoverageCli, ABadScenarioFileExitsTwoWithTheLoadersMessages) {
    const auto bad = std::string(SMTPSPEC_TEST_DATA) + "/scenarios/bad/unknown-field.json";
    const auto json = path("bad.json");
    const auto r = run_command(smtpspec_command("coverage --scenarios '" + bad + "' --json '" + json + "'"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, ::testing::HasSubstr("unknown-field.json"));
    EXPECT_THAT(r.err, ::testing::HasSubstr("expct"));
    EXPECT_THAT(r.err, ::testing::HasSubstr(" in the scenario files; nothing ran"));
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(fs::exists(json));
}

TEST_F(CoverageCli, AnUnwritableReportExitsFourNamingTheFile) {
    const auto r = run_command(smtpspec_command("coverage --json /nonexistent-dir/coverage.json"));
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_THAT(r.err, ::testing::HasSubstr("/nonexistent-dir/coverage.json"));
}

}  // namespace
}  // namespace smtpspec
