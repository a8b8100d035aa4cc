// The HTML report: a golden of the sample run, and the properties a person relies on when
// opening a report from an untrusted server — server text stays text, nothing is loaded from
// elsewhere, every scenario is there once. Goldens: see reports/golden/golden.hpp
// (SMTPSPEC_UPDATE_GOLDEN=1 regenerates them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "reports/atomic_write.hpp"
#include "reports/golden/golden.hpp"
#include "reports/html_report.hpp"
#include "reports/sample_run.hpp"
#include "reports/text_escape.hpp"
#include "support/occurrences.hpp"

namespace smtpspec::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using smtpspec::testing::matches_golden;
using smtpspec::testing::occurrences;
using smtpspec::testing::sample_run;

std::size_t position_of(const std::string& html, const std::string& id) {
    return html.find("data-id=\"" + id + "\"");
}

const std::string injection = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

// A run in which the server's words, and words derived from them, try to become markup.
RunResult hostile_run() {
    auto run = sample_run();
    run.target = "spawn: evil " + injection;
    auto& scenario = run.scenarios.front();
    scenario.title = "title " + injection;
    scenario.tags.push_back(injection);
    auto& step = scenario.steps[2];
    step.sent = "NOOP " + injection + "\r\n";
    step.reply->raw = "250 " + injection + "\r\n";
    step.reply->lines = {injection};
    step.reply->findings = {{FindingKind::invalid_text_octet, 0, injection}};
    step.judgement.actual = "250 " + injection;
    step.judgement.detail = "the server said " + injection;
    scenario.transcript.push_back({5, 'S', "250 " + injection + "\r\n"});
    scenario.transcript.push_back({5, 'E', injection + "\n"});
    scenario.transcript.push_back({6, '*', "event " + injection});
    scenario.harness_error = injection;
    return run;
}

TEST(HtmlReport, MatchesGolden) {
    EXPECT_TRUE(matches_golden("sample_run.html", render_html_report(sample_run())));
}

TEST(HtmlReport, WithBaselineMatchesGolden) {
    EXPECT_TRUE(matches_golden("sample_run_baseline.html", render_html_report(smtpspec::testing::sample_run_with_baseline())));
}

TEST(HtmlReport, ShowsWaiversAndWhatTheBaselineSays) {
    const auto html = render_html_report(smtpspec::testing::sample_run_with_baseline());
    EXPECT_NE(html.find("data-outcome=\"waived\""), std::string::npos);
    EXPECT_NE(html.find("name=\"outcome\" value=\"waived\""), std::string::npos);   // a filter for it
    EXPECT_NE(html.find("The server accepts RCPT without MAIL &lt;by design&gt;"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"w-expired\">waiver expired</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"w-unneeded\">baseline can be tightened</span>"), std::string::npos);
    EXPECT_NE(html.find("not in this run: <code>rfc9999/1/1</code>"), std::string::npos);
}

TEST(HtmlReport, IsOneDocumentOfValidUtf8) {
    const auto html = render_html_report(sample_run());
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n"));
    EXPECT_TRUE(html.ends_with("</html>\n"));
    EXPECT_TRUE(is_valid_utf8(html));   // the sample holds octets that are not UTF-8
    EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
}

TEST(HtmlReport, EveryScenarioIsOneExpandableItem) {
    const auto run = sample_run();
    const auto html = render_html_report(run);
    EXPECT_EQ(occurrences(html, "<details class=\"scenario\""), run.scenarios.size());
    // One more: the collapsed traceability matrix after the scenarios.
    EXPECT_EQ(occurrences(html, "</details>"), run.scenarios.size() + 1);
    EXPECT_EQ(occurrences(html, "<details class=\"traceability\""), 1u);
    for (const auto& scenario : run.scenarios)
        EXPECT_EQ(occurrences(html, "data-id=\"" + scenario.id + "\""), 1u) << scenario.id;
}

TEST(HtmlReport, PutsWhatNeedsAttentionFirst) {
    const auto html = render_html_report(sample_run());
    const auto failed = position_of(html, "rfc5321/3.3/1");
    const auto error = position_of(html, "rfc2920/3.2/1");
    const auto warned = position_of(html, "rfc5321/4.1.1.5/1");
    const auto skipped = position_of(html, "rfc4954/4/1");
    const auto passed = position_of(html, "rfc5321/4.1.1.9/1");
    EXPECT_LT(failed, error);
    EXPECT_LT(error, warned);
    EXPECT_LT(warned, skipped);
    EXPECT_LT(skipped, passed);
}

TEST(HtmlReport, ShowsTheRunAndItsCounts) {
    const auto html = render_html_report(sample_run());
    EXPECT_THAT(html, HasSubstr("<code>127.0.0.1:2525</code>"));
    EXPECT_THAT(html, HasSubstr("2024-05-01T12:00:00Z"));
    EXPECT_THAT(html, HasSubstr("<li><span class=\"badge o-failed\">FAIL</span> 4 failed</li>"));
    EXPECT_THAT(html, HasSubstr("<li><span class=\"badge o-passed\">PASS</span> 1 passed</li>"));
    EXPECT_THAT(html, HasSubstr("aria-label=\"1 passed, 2 warned, 4 failed, 1 unimplemented, 1 skipped, 1 error\""));
    EXPECT_THAT(html, HasSubstr("<option value=\"unexpected\">unexpected (1)</option>"));
    EXPECT_THAT(html, HasSubstr("<option>sequence</option>"));
}

TEST(HtmlReport, ShardedRunSaysWhichShard) {
    EXPECT_THAT(render_html_report(smtpspec::testing::sample_shard_run()),
                HasSubstr("<div><dt>Shard</dt><dd>2 of 4</dd></div>"));
    EXPECT_THAT(render_html_report(sample_run()), Not(HasSubstr("<dt>Shard</dt>")));
}

TEST(HtmlReport, MakesWireOctetsVisible) {
    const auto html = render_html_report(sample_run());
    EXPECT_THAT(html, HasSubstr("NOOP<span class=\"oct\">&lt;NUL&gt;</span><span class=\"eol\">&lt;CR&gt;&lt;LF&gt;</span>"));
    // A bare LF is not the subtle line end, and non-UTF-8 octets are shown in hex.
    EXPECT_THAT(html, HasSubstr("Syntax error <span class=\"oct\">&lt;FF&gt;&lt;FE&gt;&lt;LF&gt;</span>"));
    EXPECT_THAT(html, HasSubstr("2500 Gr<span class=\"oct\">&lt;C3&gt;&lt;BC&gt;&lt;C3&gt;&lt;9F&gt;</span>e"));
    EXPECT_THAT(html, HasSubstr("RCPT TO:&lt;bob@example.org&gt;"));
}

TEST(HtmlReport, ShowsStepsWithTheirRules) {
    const auto html = render_html_report(sample_run());
    EXPECT_THAT(html, HasSubstr("<tr data-verdict=\"unexpected\" class=\"offending\">"));
    EXPECT_THAT(html, HasSubstr("250 is a legal reply to RCPT, but this rule demands 503"));
    EXPECT_THAT(html, HasSubstr("RFC 5321 §3.3 (MUST)"));
    EXPECT_THAT(html, HasSubstr("<code>bare_lf</code>"));
    EXPECT_THAT(html, HasSubstr("transport: read failed: Bad file descriptor"));
}

TEST(HtmlReport, ServerTextCannotInjectMarkup) {
    const auto html = render_html_report(hostile_run());
    EXPECT_EQ(occurrences(html, "<script"), 1u);
    EXPECT_EQ(occurrences(html, "</script>"), 1u);
    EXPECT_THAT(html, Not(HasSubstr("<img")));
    EXPECT_THAT(html, Not(HasSubstr("alert(1)</script>")));
    EXPECT_THAT(html, HasSubstr("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
                                "&quot;&#39;&amp;"));
    // The quote cannot end an attribute either: every data-id holds only the escaped form.
    EXPECT_EQ(occurrences(html, "onerror"), occurrences(html, "&lt;img src=x onerror=alert(2)&gt;"));
}

TEST(HtmlReport, LoadsNothingFromElsewhere) {
    for (const auto& html : {render_html_report(sample_run()), render_html_report(hostile_run())}) {
        // The one "http" is the CSP's <meta http-equiv>, which forbids loading anything.
        EXPECT_EQ(occurrences(html, "http"), 1u);
        EXPECT_EQ(occurrences(html, "<meta http-equiv=\"Content-Security-Policy\""), 1u);
        EXPECT_EQ(occurrences(html, "//"), 0u);
        EXPECT_EQ(occurrences(html, "url("), 0u);
        EXPECT_EQ(occurrences(html, "@import"), 0u);
        // The hostile run's "<img src=x" is text, which the escaped "&lt;img " before it shows.
        for (auto at = html.find("src="); at != std::string::npos; at = html.find("src=", at + 1))
            EXPECT_TRUE(html.substr(at, 10) == "src=\"data:" || html.substr(at - 8, 8) == "&lt;img ")
                << html.substr(at, 40);
    }
}

TEST(HtmlReport, PinsItsOnlyScriptInTheContentSecurityPolicy) {
    const auto html = render_html_report(sample_run());
    EXPECT_THAT(html, HasSubstr("content=\"default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; "
                                "script-src &#39;sha256-"));
    EXPECT_THAT(html, Not(HasSubstr("script-src &#39;unsafe-inline")));
    EXPECT_THAT(html, HasSubstr("document.body.setAttribute(\"data-ready\", \"true\")"));
}

TEST(HtmlReport, HidesTheFiltersUntilTheScriptRuns) {
    const auto html = render_html_report(sample_run());
    EXPECT_THAT(html, HasSubstr("<form id=\"filters\" hidden>"));
    EXPECT_THAT(html, HasSubstr("form.hidden = false;"));
}

TEST(HtmlReport, CutsHugeTranscriptEntries) {
    auto run = sample_run();
    std::string flood;
    for (int i = 0; i < 1000; ++i) flood += "250-" + std::string(10, 'x') + "\r\n";
    flood += std::string(5000, 'y') + "\r\n";
    run.scenarios.front().transcript.push_back({9, 'S', flood});
    const auto html = render_html_report(run);
    EXPECT_THAT(html, HasSubstr("… 801 more lines (21002 octets in all)"));
    run.scenarios.front().transcript.back().data = std::string(5000, 'y') + "\r\n";
    EXPECT_THAT(render_html_report(run), HasSubstr("… (5002 octets in all)"));
}

TEST(HtmlReport, RendersARunWithoutScenarios) {
    RunResult run;
    run.version = "0.1.0";
    run.target = "embedded";
    run.profile = "rfc5321";
    run.incomplete = true;
    const auto html = render_html_report(run);
    EXPECT_THAT(html, HasSubstr("aria-label=\"no scenarios\""));
    EXPECT_THAT(html, HasSubstr("The run was interrupted"));
    EXPECT_EQ(occurrences(html, "<details"), 0u);
}

TEST(HtmlReport, WritesTheFileAtomically) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("smtpspec-html-" + std::to_string(::getpid()) + ".html");
    write_html_report(sample_run(), path);
    std::ifstream in(path, std::ios::binary);
    const std::string written{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(written, render_html_report(sample_run()));
    std::filesystem::remove(path);
    EXPECT_THROW(write_html_report(sample_run(), "/nonexistent-dir/report.html"), WriteError);
}

}  // namespace
}  // namespace smtpspec::reports
