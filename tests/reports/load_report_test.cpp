// The load reports are pure functions of a finished load run: goldens for the text and the
// JSON, and the exit status from the counts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.hpp"
#include "reports/golden/golden.hpp"
#include "reports/load_report.hpp"
#include "support/judged_step.hpp"

namespace smtpspec::reports {
namespace {

using smtpspec::testing::matches_golden;

StepResult step(std::string action, std::string command, Verdict verdict, std::string actual,
                std::optional<std::int64_t> latency_us = 100) {
    return testing::judged_step(std::move(action), std::move(command), verdict, std::move(actual), latency_us);
}

ScenarioResult session(std::int64_t base, bool refuse_rcpt) {
    ScenarioResult r;
    r.id = "load/3.3/1";
    r.title = "Mail transactions under load";
    r.outcome = refuse_rcpt ? Outcome::failed : Outcome::passed;
    r.steps = {step("greeting", "<greeting>", Verdict::pass, "220", base),
               step("send", "EHLO", Verdict::pass, "250", base + 10),
               step("send", "MAIL", Verdict::pass, "250", base + 20),
               refuse_rcpt ? step("send", "RCPT", Verdict::unexpected, "452", base + 30)
                           : step("send", "RCPT", Verdict::pass, "250", base + 30),
               step("send", "DATA", Verdict::pass, "354", base + 40),
               step("data", "<data-end>", Verdict::pass, "250", base + 50),
               step("send", "QUIT", Verdict::pass, "221", base + 60),
               step("none", "", Verdict::pass, "connection closed", base + 70)};
    if (refuse_rcpt) {
        r.steps[3].judgement.rfc = "RFC 5321 §3.3";
        r.steps[3].judgement.detail = "the step demands 250 or 251";
        r.transcript = {TranscriptEntry{0, 'S', "220 mx.example ESMTP\r\n"}, TranscriptEntry{1, 'C', "EHLO x\r\n"},
                        TranscriptEntry{1, 'S', "250 mx.example\r\n"}, TranscriptEntry{1, 'C', "MAIL FROM:<>\r\n"},
                        TranscriptEntry{1, 'S', "250 OK\r\n"}, TranscriptEntry{2, 'C', "RCPT TO:<a@example.com>\r\n"},
                        TranscriptEntry{3, 'S', "452 4.5.3 Too many recipients\r\n"}, TranscriptEntry{3, 'C', "DATA\r\n"}};
        r.steps[3].transcript_begin = 5;   // the RCPT exchange: entries 5 and 6
        r.steps[3].transcript_end = 7;
    }
    return r;
}

LoadRun sample_run() {
    LoadRun run;
    run.version = "0.0.0-test";
    run.target = "127.0.0.1:2525";
    run.started = "2026-12-07T08:00:00Z";
    run.shape = LoadShape{4, 2, 1, 1, 1024};
    run.duration_us = 2'000'000;
    for (std::uint64_t n = 1; n <= 4; ++n) {
        run.tally.add_connect_latency(static_cast<std::int64_t>(50 * n));
        run.tally.add(n, session(static_cast<std::int64_t>(100 * n), n >= 3), false, static_cast<std::int64_t>(1000 * n));
    }
    return run;
}

TEST(LoadReport, TextMatchesGolden) { EXPECT_TRUE(matches_golden("load_report.txt", render_load_text(sample_run(), false))); }

TEST(LoadReport, TextWithExamplesMatchesGolden) {
    EXPECT_TRUE(matches_golden("load_report_examples.txt", render_load_text(sample_run(), true)));
}

TEST(LoadReport, JsonMatchesGolden) { EXPECT_TRUE(matches_golden("load_report.json", render_load_json(sample_run()))); }

TEST(LoadReport, RatesComeFromTheCountsAndTheDuration) {
    const LoadRun run = sample_run();
    EXPECT_DOUBLE_EQ(sessions_per_second(run), 2.0);
    EXPECT_DOUBLE_EQ(messages_per_second(run), 2.0);
    LoadRun empty;
    EXPECT_EQ(sessions_per_second(empty), 0.0);
}

TEST(LoadReport, JsonHoldsTheFindingWithItsExampleSession) {
    const auto json = nlohmann::json::parse(render_load_json(sample_run()));
    EXPECT_EQ(json.at("kind"), "load");
    EXPECT_EQ(json.at("counts").at("failures"), 2);
    ASSERT_EQ(json.at("findings").size(), 1u);
    const auto& finding = json.at("findings").at(0);
    EXPECT_EQ(finding.at("verdict"), "unexpected");
    EXPECT_EQ(finding.at("count"), 2);
    EXPECT_EQ(finding.at("first_session"), 3);
    EXPECT_EQ(finding.at("example").at("transcript").size(), 8u);
}

TEST(LoadReport, ServerOctetsInAFindingStayValidJson) {
    LoadRun odd;
    odd.tally.add(1, [] {
        auto s = session(1, true);
        s.steps[3].judgement.actual = "45\xff\x01";
        s.transcript.push_back(TranscriptEntry{3, 'S', "\xff\xfe\r\n"});
        return s;
    }(), false, 1);
    EXPECT_FALSE(nlohmann::json::parse(render_load_json(odd), nullptr, false).is_discarded());
    EXPECT_NE(render_load_text(odd, true).find("<FF>"), std::string::npos);
}

// Two findings with the same verdict and reply, for different commands: each is explained by
// its own step.
TEST(LoadReport, EachFindingIsExplainedByItsOwnStep) {
    auto s = session(1, false);
    s.steps[3] = step("send", "RCPT", Verdict::unexpected, "503", 1);
    s.steps[3].judgement.detail = "RCPT's detail";
    s.steps[4] = step("send", "DATA", Verdict::unexpected, "503", 1);
    s.steps[4].judgement.detail = "DATA's detail";
    LoadRun run;
    run.tally.add(1, s, false, 1);
    const std::string text = render_load_text(run, false);
    const auto data_row = text.find("unexpected   DATA");
    ASSERT_NE(data_row, std::string::npos) << text;
    EXPECT_EQ(text.find("DATA's detail"), text.find('\n', data_row) + 7) << text;
}

TEST(LoadReport, ExitStatusFollowsTheCounts) {
    EXPECT_EQ(load_exit_status(sample_run()), exit_code::failures);
    LoadRun clean;
    clean.tally.add(1, session(1, false), false, 1);
    EXPECT_EQ(load_exit_status(clean), exit_code::ok);
    LoadRun warned;
    auto s = session(1, false);
    s.steps[2].judgement.verdict = Verdict::nonstandard;
    warned.tally.add(1, s, false, 1);
    EXPECT_EQ(load_exit_status(warned), exit_code::ok);
    warned.strict = true;
    EXPECT_EQ(load_exit_status(warned), exit_code::failures);
    LoadRun unreachable;
    unreachable.tally.add(1, session(1, false), true, 1);
    EXPECT_EQ(load_exit_status(unreachable), exit_code::failures);
    LoadRun broken = sample_run();
    broken.tally.add_harness_error(9, "boom");
    EXPECT_EQ(load_exit_status(broken), exit_code::harness_error);
}

}  // namespace
}  // namespace smtpspec::reports
