// The console reporters — the final report and the progress reporter — and the escaping they
// share. Goldens: see reports/golden/golden.hpp (SMTPSPEC_UPDATE_GOLDEN=1 regenerates them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "reports/console_report.hpp"
#include "reports/golden/golden.hpp"
#include "reports/progress.hpp"
#include "reports/sample_run.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using smtpspec::testing::matches_golden;
using smtpspec::testing::sample_run;

// ---- text_escape -------------------------------------------------------------------------------

TEST(EscapeOctets, MakesLineEndsNulAndControlsVisible) {
    EXPECT_EQ(escape_octets("250 ok\r\n"), "250 ok<CR><LF>");
    EXPECT_EQ(escape_octets(std::string_view("\0", 1)), "<NUL>");
    EXPECT_EQ(escape_octets("a\tb"), "a<HT>b");
    EXPECT_EQ(escape_octets("\x1b[31m"), "<1B>[31m");
    EXPECT_EQ(escape_octets("\x7f\x0c"), "<7F><0C>");
}

TEST(EscapeOctets, ShowsEveryOctetAboveAsciiInHex) {
    EXPECT_EQ(escape_octets("\xff"), "<FF>");
    EXPECT_EQ(escape_octets("Gr\xC3\xBC\xC3\x9F" "e"), "Gr<C3><BC><C3><9F>e");
}

TEST(EscapeOctets, LeavesPrintableAsciiAlone) {
    EXPECT_EQ(escape_octets("MAIL FROM:<alice@example.org> SIZE=10"), "MAIL FROM:<alice@example.org> SIZE=10");
    EXPECT_EQ(escape_octets(""), "");
}

TEST(EscapeText, KeepsValidUtf8AndEscapesControlsAndBadOctets) {
    EXPECT_EQ(escape_text("RFC 5321 §4.2 — ok"), "RFC 5321 §4.2 — ok");
    EXPECT_EQ(escape_text("a\r\nb"), "a<CR><LF>b");
    EXPECT_EQ(escape_text("bad \xff end"), "bad <FF> end");
    EXPECT_EQ(escape_text("csi \xC2\x9B" "2J"), "csi <C2><9B>2J");   // C1 controls reach terminals too
    EXPECT_EQ(escape_text("\xE2\x82"), "<E2><82>");                    // truncated sequence
}

TEST(SplitLines, SplitsAfterLfOnlyAndKeepsTerminators) {
    EXPECT_THAT(split_lines("250-a\r\n250 b\r\n"), ElementsAre("250-a\r\n", "250 b\r\n"));
    EXPECT_THAT(split_lines("bare\rcr\nrest"), ElementsAre("bare\rcr\n", "rest"));
    EXPECT_TRUE(split_lines("").empty());
    EXPECT_THAT(escaped_lines("a\r\nb"), ElementsAre("a<CR><LF>", "b"));
}

TEST(Utf8, ValidatesAsRfc3629Does) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8(std::string_view("nul \0 ok", 8)));
    EXPECT_TRUE(is_valid_utf8("\xC3\xBC \xE2\x80\x94 \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"));
    EXPECT_FALSE(is_valid_utf8("\xff"));
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));           // overlong "/"
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));       // overlong
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));       // surrogate U+D800
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));   // above U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xE2\x82"));           // truncated
    EXPECT_FALSE(is_valid_utf8("\x80"));               // lone continuation
}

TEST(Utf8, ReplacesEachBadOctetWithTheReplacementCharacter) {
    EXPECT_EQ(replace_invalid_utf8("a\xff" "b"), "a\xEF\xBF\xBD" "b");
    EXPECT_EQ(replace_invalid_utf8("\xE2\x82" "A"), "\xEF\xBF\xBD\xEF\xBF\xBD" "A");
    EXPECT_EQ(replace_invalid_utf8("\xC3\xBC"), "\xC3\xBC");
}

// ---- the golden comparison itself ------------------------------------------------------------

TEST(GoldenDiff, ShowsChangedLinesWithContextAndVisibleControls) {
    const auto diff = smtpspec::testing::golden_diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\x1b[0m\nf\ng\nh");
    EXPECT_EQ(diff,
              "@@ expected line 2 @@\n"
              "  b\n  c\n  d\n"
              "- e\n"
              "+ E<1B>[0m\n"
              "  f\n  g\n"
              "- h\n"
              "+ h (no newline at end)\n");
}

// ---- small formatting pieces -------------------------------------------------------------------

TEST(FormatDuration, PicksAReadableUnit) {
    EXPECT_EQ(format_duration(0), "0 ms");
    EXPECT_EQ(format_duration(999), "999 ms");
    EXPECT_EQ(format_duration(1000), "1.000 s");
    EXPECT_EQ(format_duration(10'042), "10.042 s");
    EXPECT_EQ(format_duration(123'456), "2 min 3.456 s");
}

TEST(Paint, ColoursOnlyWhenTold) {
    EXPECT_EQ(paint("FAIL", Tone::bad, Colour::off), "FAIL");
    EXPECT_EQ(paint("FAIL", Tone::bad, Colour::on), "\x1b[1;31mFAIL\x1b[0m");
    EXPECT_EQ(paint("text", Tone::plain, Colour::on), "text");
}

// ---- the final report --------------------------------------------------------------------------

TEST(ConsoleReport, MatchesGoldenWithoutColour) {
    EXPECT_TRUE(matches_golden("console_report.txt", render_console_report(sample_run(), {Colour::off, false})));
}

TEST(ConsoleReport, MatchesGoldenWithColour) {
    EXPECT_TRUE(matches_golden("console_report_colour.txt", render_console_report(sample_run(), {Colour::on, false})));
}

TEST(ConsoleReport, WithBaselineMatchesGolden) {
    EXPECT_TRUE(matches_golden("console_report_baseline.txt",
                               render_console_report(smtpspec::testing::sample_run_with_baseline(), {Colour::off, false})));
}

TEST(ConsoleReport, ShardedRunNamesItsShardInTheSummaryLine) {
    const auto text = render_console_report(smtpspec::testing::sample_shard_run(), {Colour::off, false});
    EXPECT_NE(text.find("Summary: 10 scenarios in 10.123 s against 127.0.0.1:2525 (profile rfc5321, shard 2/4)\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(render_console_report(sample_run(), {Colour::off, false}).find("shard"), std::string::npos);
}

TEST(ConsoleReport, WaivedScenarioIsOneLineWithItsReason) {
    const auto text = render_console_report(smtpspec::testing::sample_run_with_baseline(), {Colour::off, false});
    EXPECT_NE(text.find("WAIVED rfc5321/3.3/1  RCPT before MAIL is a bad sequence\n"
                        "  waived: every step: The server accepts RCPT without MAIL <by design>\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("waiver expired: rfc5321/4.1.1.4/2 step 6, timeout"), std::string::npos) << text;
    EXPECT_NE(text.find("baseline can be tightened: rfc5321/4.1.1.9/1 step 2, nonstandard"), std::string::npos) << text;
    EXPECT_NE(text.find("not in this run: rfc9999/1/1"), std::string::npos) << text;
}

TEST(ConsoleReport, VerboseMatchesGolden) {
    EXPECT_TRUE(matches_golden("console_report_verbose.txt", render_console_report(sample_run(), {Colour::off, true})));
}

TEST(ConsoleReport, VerboseMatchesGoldenWithColour) {
    EXPECT_TRUE(
        matches_golden("console_report_verbose_colour.txt", render_console_report(sample_run(), {Colour::on, true})));
}

TEST(ConsoleReport, WithoutColourHasNoEscapeSequences) {
    EXPECT_THAT(render_console_report(sample_run(), {Colour::off, true}), Not(HasSubstr("\x1b")));
}

TEST(ConsoleReport, ListsOnlyScenariosThatNeedALookUnlessVerbose) {
    const auto report = render_console_report(sample_run(), {});
    EXPECT_THAT(report, HasSubstr("FAIL   rfc5321/3.3/1"));
    EXPECT_THAT(report, HasSubstr("WARN   rfc5321/F.6/1"));
    EXPECT_THAT(report, HasSubstr("ERROR  rfc2920/3.2/1"));
    EXPECT_THAT(report, Not(HasSubstr("rfc5321/4.1.1.9/1")));
    EXPECT_THAT(report, Not(HasSubstr("rfc3030/2/1")));
    EXPECT_THAT(render_console_report(sample_run(), {Colour::off, true}), HasSubstr("PASS   rfc5321/4.1.1.9/1"));
}

TEST(ConsoleReport, ACleanRunIsJustTheSummary) {
    auto run = sample_run();
    run.scenarios = {smtpspec::testing::sample::noop_passed()};
    EXPECT_EQ(render_console_report(run, {}), render_console_summary(run, Colour::off));
}

TEST(ConsoleReport, SummarySaysStrictAndIncomplete) {
    auto run = sample_run();
    run.strict = true;
    run.incomplete = true;
    const auto summary = render_console_summary(run, Colour::off);
    EXPECT_THAT(summary, HasSubstr("(profile rfc5321, strict)"));
    EXPECT_THAT(summary, HasSubstr("INCOMPLETE: the run was interrupted before every scenario ran."));
}

TEST(ConsoleReport, TranscriptWindowCoversAChunkedWriteAndWhatFollowed) {
    const auto report = render_console_report(sample_run(), {});
    EXPECT_THAT(report, HasSubstr(">      5 ms  C  Subject: test<CR><LF>\n"));
    EXPECT_THAT(report, HasSubstr(">      5 ms  C  Hello<CR><LF>\n"));
    EXPECT_THAT(report, HasSubstr(">  10005 ms  *  timeout after 10000 ms\n"));
}

TEST(ConsoleReport, CutsHugeOctetsAndSaysHowMany) {
    auto run = sample_run();
    auto& step = run.scenarios[3].steps[2];
    step.sent = "RCPT TO:<" + std::string(10'000, 'x') + ">\r\n";
    run.scenarios[3].transcript[3].data = step.sent;
    const auto report = render_console_report(run, {});
    EXPECT_THAT(report, HasSubstr("RCPT TO:<" + std::string(151, 'x') + "… (10012 octets in all)"));
    EXPECT_THAT(report, Not(HasSubstr(std::string(200, 'x'))));
}

TEST(ConsoleReport, CutsNoEscapeInHalf) {
    auto run = sample_run();
    auto& step = run.scenarios[3].steps[2];
    step.sent = std::string(158, 'x') + std::string(10, '\0');   // an escape would straddle column 160
    const auto report = render_console_report(run, {});
    EXPECT_THAT(report, HasSubstr(std::string(158, 'x') + "… (168 octets in all)"));
}

TEST(ConsoleReport, CutsLongEntriesToAFewLines) {
    auto run = sample_run();
    std::string many;
    for (int i = 0; i < 20; ++i) many += "250-line\r\n";
    run.scenarios[3].transcript[4].data = many;
    EXPECT_THAT(render_console_report(run, {}), HasSubstr("… 12 more lines"));
}

// ---- progress ----------------------------------------------------------------------------------

TEST(ProgressLine, ShowsCounterCountsAndTheRunningScenario) {
    ProgressState state{37, 11, {{Outcome::passed, 9}, {Outcome::failed, 1}, {Outcome::error, 1}}};
    EXPECT_EQ(progress_line(state, "rfc5321/4.1.1.3/2", "RCPT after MAIL", Colour::off, 0),
              "[12/37] 9 passed, 1 failed, 1 error  rfc5321/4.1.1.3/2 RCPT after MAIL");
    EXPECT_EQ(progress_line(state, "", "", Colour::off, 0), "[11/37] 9 passed, 1 failed, 1 error");
    EXPECT_EQ(progress_line(ProgressState{5, 0, {}}, "a/1", "", Colour::off, 0), "[1/5]  a/1");
}

TEST(ProgressLine, FitsTheTerminalCuttingTheTitleFirst) {
    ProgressState state{37, 11, {{Outcome::passed, 11}}};
    EXPECT_EQ(progress_line(state, "rfc5321/4.1.1.3/2", "RCPT after MAIL", Colour::off, 40),
              "[12/37] 11 passed  rfc5321/4.1.1.3/2 RC…");
    EXPECT_EQ(progress_line(state, "rfc5321/4.1.1.3/2", "§ § § § §", Colour::off, 40),
              "[12/37] 11 passed  rfc5321/4.1.1.3/2 § …");   // a UTF-8 sequence is one column
    EXPECT_EQ(progress_line(state, "rfc5321/4.1.1.3/2", "x", Colour::off, 5), "[12/…");
}

TEST(FinishedLine, SaysOutcomeIdTitleTimeAndWhy) {
    const auto run = sample_run();
    EXPECT_EQ(finished_line(run.scenarios[0], Colour::off),
              "PASS   rfc5321/4.1.1.9/1 NOOP is answered with 250 (4 ms)");
    EXPECT_EQ(finished_line(run.scenarios[3], Colour::off),
              "FAIL   rfc5321/3.3/1 RCPT before MAIL is a bad sequence (12 ms) — step 3: unexpected, 250 2.1.5");
    EXPECT_EQ(finished_line(run.scenarios[9], Colour::off),
              "ERROR  rfc2920/3.2/1 Pipelined commands get their replies in order (7 ms) — harness error: "
              "transport: read failed: Bad file descriptor");
}

// Runs the progress reporter over the sample run as the runner would.
std::string progress_output(ProgressOptions options) {
    std::ostringstream out;
    const auto run = sample_run();
    ProgressReporter progress(out, run.scenarios.size(), options);
    for (const auto& scenario : run.scenarios) {
        progress.scenario_started(scenario.id, scenario.title);
        progress.scenario_finished(scenario);
    }
    progress.finish();
    return out.str();
}

// The terminal output rewrites one line with CR; the golden shows each CR as "<CR>" and a line
// break, so that every redraw is a line of its own in review and in diffs.
std::string one_redraw_per_line(std::string text) {
    std::string out;
    for (char c : text) out += c == '\r' ? std::string("<CR>\n") : std::string(1, c);
    return out;
}

TEST(ProgressReporter, LogOutputMatchesGolden) {
    EXPECT_TRUE(matches_golden("progress_log.txt", progress_output({false, Colour::off, 80})));
}

TEST(ProgressReporter, LogOutputMatchesGoldenWithColour) {
    EXPECT_TRUE(matches_golden("progress_log_colour.txt", progress_output({false, Colour::on, 80})));
}

TEST(ProgressReporter, TerminalOutputMatchesGolden) {
    EXPECT_TRUE(matches_golden("progress_tty.txt", one_redraw_per_line(progress_output({true, Colour::off, 60}))));
}

TEST(ProgressReporter, TerminalOutputMatchesGoldenWithColour) {
    const auto output = one_redraw_per_line(progress_output({true, Colour::on, 60}));
    EXPECT_TRUE(matches_golden("progress_tty_colour.txt", output));
}

TEST(ProgressReporter, LogHasOneLinePerScenario) {
    const auto output = progress_output({false, Colour::off, 80});
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 10);
    EXPECT_EQ(output.find('\r'), std::string::npos);
}

TEST(ProgressReporter, TerminalLeavesOnlyScenariosThatNeedALookAndACleanLine) {
    const auto output = progress_output({true, Colour::off, 60});
    EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 7);   // 2 warned, 4 failed, 1 error
    EXPECT_THAT(output, Not(HasSubstr("PASS ")));
    // finish() blanks the last progress line and returns to its start.
    EXPECT_EQ(output.substr(output.size() - 1), "\r");
}

}  // namespace
}  // namespace smtpspec::reports
