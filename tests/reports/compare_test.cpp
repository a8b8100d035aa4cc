// The comparison matrix: rows, cells, counts, and its text and HTML forms.
#include <gtest/gtest.h>

#include "reports/compare_report.hpp"
#include "reports/golden/golden.hpp"
#include "reports/sample_run.hpp"

namespace smtpspec::reports {
namespace {

using testing::matches_golden;
using testing::sample_run;

// A second server: NOOP fails on it, the pipelining scenario did not run, and it ran one
// scenario the first did not.
RunResult other_server() {
    RunResult run = sample_run();
    run.target = "mail.example.net:25";
    ScenarioResult& noop = run.scenarios.front();
    noop.outcome = Outcome::failed;
    noop.steps[2].judgement.verdict = Verdict::violation;
    noop.steps[2].judgement.actual = "500 <b>what?</b>";
    noop.steps[2].judgement.detail = "500 is not legal for NOOP";
    ScenarioResult extra = sample_run().scenarios.front();
    extra.id = "rfc5321/4.1.1.9/2";
    run.scenarios.pop_back();
    run.scenarios.push_back(extra);
    return run;
}

// The first server again, a later run: the same target, told apart by file name.
RunResult first_server_again() {
    RunResult run = sample_run();
    run.scenarios[1].outcome = Outcome::passed;
    for (auto& step : run.scenarios[1].steps) step.judgement.verdict = Verdict::pass;
    return run;
}

Comparison three_way() {
    return compare_runs({{"a.json", sample_run()}, {"b.json", other_server()}, {"c.json", first_server_again()}});
}

const ComparisonRow& row(const Comparison& comparison, std::string_view id) {
    for (const auto& r : comparison.rows)
        if (r.id == id) return r;
    throw std::out_of_range(std::string(id));
}

TEST(Compare, RowsAreTheUnionOfIdsInOrderOfFirstAppearance) {
    const auto comparison = three_way();
    ASSERT_EQ(comparison.rows.size(), sample_run().scenarios.size() + 1);
    EXPECT_EQ(comparison.rows.front().id, "rfc5321/4.1.1.9/1");
    EXPECT_EQ(comparison.rows[9].id, "rfc2920/3.2/1");
    EXPECT_EQ(comparison.rows.back().id, "rfc5321/4.1.1.9/2");
}

TEST(Compare, EqualTargetsAreToldApartByLabel) {
    const auto comparison = three_way();
    ASSERT_EQ(comparison.targets.size(), 3u);
    EXPECT_EQ(comparison.targets[0].name, "127.0.0.1:2525 (a.json)");
    EXPECT_EQ(comparison.targets[1].name, "mail.example.net:25");
    EXPECT_EQ(comparison.targets[2].name, "127.0.0.1:2525 (c.json)");
}

TEST(Compare, CellsHoldOutcomeAndWorstVerdict) {
    const auto comparison = three_way();
    const auto& noop = row(comparison, "rfc5321/4.1.1.9/1");
    EXPECT_EQ(short_label(noop.cells[0]), "PASS");
    EXPECT_EQ(noop.cells[0].worst, Verdict::pass);
    EXPECT_EQ(short_label(noop.cells[1]), "FAIL");
    EXPECT_EQ(noop.cells[1].worst, Verdict::violation);
    const auto& rset = row(comparison, "rfc5321/4.1.1.5/1");
    EXPECT_EQ(short_label(rset.cells[0]), "WARN");
    EXPECT_EQ(rset.cells[0].worst, Verdict::nonstandard);
    EXPECT_EQ(short_label(rset.cells[2]), "PASS");
    const auto& pipelining = row(comparison, "rfc2920/3.2/1");
    EXPECT_EQ(short_label(pipelining.cells[0]), "ERROR");
    EXPECT_FALSE(pipelining.cells[1].present);
    EXPECT_EQ(short_label(pipelining.cells[1]), "-");
    const auto& extra = row(comparison, "rfc5321/4.1.1.9/2");
    EXPECT_FALSE(extra.cells[0].present);
    EXPECT_TRUE(extra.cells[1].present);
    EXPECT_EQ(extra.cells[1].scenario, other_server().scenarios.size() - 1);
    EXPECT_EQ(short_label(row(comparison, "rfc3030/2/1").cells[0]), "UNIMPL");
    EXPECT_EQ(short_label(row(comparison, "rfc4954/4/1").cells[0]), "SKIP");
}

TEST(Compare, SummaryCountsOutcomesPerTarget) {
    const auto comparison = three_way();
    const auto& first = comparison.targets[0].summary;
    EXPECT_EQ(first.count(Outcome::passed), 1u);
    EXPECT_EQ(first.count(Outcome::warned), 2u);
    EXPECT_EQ(first.count(Outcome::failed), 4u);
    EXPECT_EQ(first.count(Outcome::error), 1u);
    const auto& second = comparison.targets[1].summary;
    EXPECT_EQ(second.count(Outcome::passed), 1u);
    EXPECT_EQ(second.count(Outcome::failed), 5u);
    EXPECT_EQ(second.count(Outcome::error), 0u);
    EXPECT_EQ(comparison.targets[2].summary.count(Outcome::passed), 2u);
}

TEST(Compare, WaivedCellsAndCounts) {
    const auto comparison =
        compare_runs({{"a.json", sample_run()}, {"b.json", smtpspec::testing::sample_run_with_baseline()}});
    const auto& cells = row(comparison, "rfc5321/3.3/1").cells;
    EXPECT_EQ(cells[0].outcome, Outcome::failed);
    EXPECT_EQ(cells[1].outcome, Outcome::waived);
    EXPECT_EQ(comparison.targets[1].summary.count(Outcome::waived), 1u);
    const auto html = render_compare_html(comparison);
    EXPECT_NE(html.find("<td class=\"cell waived\">"), std::string::npos);
    EXPECT_NE(html.find("waived: every step: The server accepts RCPT without MAIL &lt;by design&gt;"), std::string::npos);
    EXPECT_NE(render_compare_text(comparison).find("WAIVED"), std::string::npos);
}

TEST(Compare, TextMatchesGolden) { EXPECT_TRUE(matches_golden("compare_matrix.txt", render_compare_text(three_way()))); }

TEST(Compare, HtmlMatchesGolden) { EXPECT_TRUE(matches_golden("compare_matrix.html", render_compare_html(three_way()))); }

TEST(Compare, HtmlLinksEveryCellToItsDetails) {
    const auto html = render_compare_html(three_way());
    EXPECT_NE(html.find("href=\"#t2-s0\""), std::string::npos);
    EXPECT_NE(html.find("<section id=\"t2-s0\">"), std::string::npos);
    EXPECT_NE(html.find("500 &lt;b&gt;what?&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<b>what?"), std::string::npos);
    EXPECT_EQ(html.find("http"), html.find("http-equiv"));   // nothing external
}

TEST(Compare, HostileTargetNameIsEscaped) {
    RunResult hostile = sample_run();
    hostile.target = "<script>alert('x')</script>\x1b[31m\xff";
    const auto comparison = compare_runs({{"a.json", sample_run()}, {"evil.json", hostile}});
    const auto html = render_compare_html(comparison);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;1B&gt;[31m&lt;FF&gt;"), std::string::npos);
    const auto text = render_compare_text(comparison);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_NE(text.find("<script>alert('x')</script><1B>[31m<FF>"), std::string::npos);
    EXPECT_NO_THROW((void)compare_json(comparison).dump());
}

TEST(Compare, JsonHasNullForScenariosATargetDidNotRun) {
    const auto json = compare_json(three_way());
    ASSERT_EQ(json["targets"].size(), 3u);
    EXPECT_EQ(json["targets"][1]["summary"]["failed"], 5);
    const auto& last = json["scenarios"].back();
    EXPECT_EQ(last["id"], "rfc5321/4.1.1.9/2");
    EXPECT_TRUE(last["cells"][0].is_null());
    EXPECT_EQ(last["cells"][1]["outcome"], "passed");
    EXPECT_EQ(json["scenarios"][0]["cells"][1]["worst_verdict"], "violation");
}

}  // namespace
}  // namespace smtpspec::reports
