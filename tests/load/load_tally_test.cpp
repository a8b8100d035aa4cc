#include <gtest/gtest.h>

#include <string>

#include "load/load_tally.hpp"
#include "support/judged_step.hpp"

namespace smtpspec {
namespace {

StepResult step(std::string action, std::string command, Verdict verdict, std::string actual,
                std::optional<std::int64_t> latency_us = 100) {
    return testing::judged_step(std::move(action), std::move(command), verdict, std::move(actual), latency_us);
}

ScenarioResult session(std::vector<StepResult> steps) {
    ScenarioResult r;
    r.id = "load/3.3/1";
    r.steps = std::move(steps);
    return r;
}

ScenarioResult clean_session() {
    return session({step("greeting", "<greeting>", Verdict::pass, "220"), step("send", "EHLO", Verdict::pass, "250"),
                    step("send", "MAIL", Verdict::pass, "250"), step("send", "RCPT", Verdict::pass, "250"),
                    step("send", "DATA", Verdict::pass, "354"), step("data", "<data-end>", Verdict::pass, "250"),
                    step("send", "QUIT", Verdict::pass, "221"), step("none", "", Verdict::pass, "connection closed")});
}

TEST(LoadTally, CleanSessionsCountRepliesMessagesAndLatencies) {
    LoadTally tally;
    for (int i = 1; i <= 3; ++i) tally.add(static_cast<std::uint64_t>(i), clean_session(), false, 5000);
    const auto& c = tally.counts();
    EXPECT_EQ(c.sessions, 3u);
    EXPECT_EQ(c.clean_sessions, 3u);
    EXPECT_EQ(c.messages_accepted, 3u);
    EXPECT_EQ(c.replies, 24u);
    EXPECT_EQ(c.failures, 0u);
    EXPECT_TRUE(tally.groups().empty());
    ASSERT_EQ(tally.commands().size(), 8u);
    EXPECT_EQ(tally.commands().front().command, "<greeting>");
    EXPECT_EQ(tally.commands().back().command, "<close>");
    EXPECT_EQ(tally.commands()[2].latency.count(), 3u);
    EXPECT_EQ(tally.session_latency().count(), 3u);
    EXPECT_EQ(tally.session_latency().max(), 5000);
}

TEST(LoadTally, FindingsAreGroupedWithTheFirstSessionThatShowedThem) {
    LoadTally tally;
    tally.add(1, clean_session(), false, 100);
    auto refused = clean_session();
    refused.steps[3] = step("send", "RCPT", Verdict::unexpected, "452");
    refused.transcript.push_back(TranscriptEntry{0, 'S', "452 4.5.3 too many\r\n"});
    tally.add(2, refused, false, 100);
    auto other = refused;
    other.transcript.clear();
    tally.add(3, other, false, 100);
    auto illegal = clean_session();
    illegal.steps[2] = step("send", "MAIL", Verdict::violation, "251");
    tally.add(4, illegal, false, 100);

    const auto& c = tally.counts();
    EXPECT_EQ(c.sessions, 4u);
    EXPECT_EQ(c.clean_sessions, 1u);
    EXPECT_EQ(c.failures, 3u);
    EXPECT_EQ(c.messages_accepted, 4u);   // the content was still answered 250
    ASSERT_EQ(tally.groups().size(), 2u);
    const VerdictGroup& rcpt = tally.groups()[0];
    EXPECT_EQ(rcpt.command, "RCPT");
    EXPECT_EQ(rcpt.verdict, Verdict::unexpected);
    EXPECT_EQ(rcpt.actual, "452");
    EXPECT_EQ(rcpt.count, 2u);
    EXPECT_EQ(rcpt.first_session, 2u);
    ASSERT_EQ(rcpt.example.transcript.size(), 1u);   // session 2's, not session 3's
    EXPECT_EQ(rcpt.example_step, 3u);
    EXPECT_EQ(tally.groups()[1].verdict, Verdict::violation);
    EXPECT_EQ(tally.groups()[1].first_session, 4u);
}

TEST(LoadTally, StepsNotRunAreNotFindingsButTheSessionIsNotClean) {
    LoadTally tally;
    auto cut = session({step("greeting", "<greeting>", Verdict::pass, "220"),
                        step("send", "EHLO", Verdict::timeout, "no reply within 10000 ms"),
                        step("send", "MAIL", Verdict::skipped, "", std::nullopt)});
    tally.add(1, cut, false, 10'000'000);
    EXPECT_EQ(tally.counts().clean_sessions, 0u);
    EXPECT_EQ(tally.counts().replies, 2u);
    ASSERT_EQ(tally.groups().size(), 1u);
    EXPECT_EQ(tally.groups()[0].verdict, Verdict::timeout);
}

TEST(LoadTally, WarningsAreFindingsButNotFailures) {
    LoadTally tally;
    auto s = clean_session();
    s.steps[2] = step("send", "MAIL", Verdict::nonstandard, "200");
    tally.add(1, s, false, 1);
    EXPECT_EQ(tally.counts().warnings, 1u);
    EXPECT_EQ(tally.counts().failures, 0u);
    EXPECT_EQ(tally.groups().size(), 1u);
}

TEST(LoadTally, UnreachableSessionsAndHarnessErrorsAreCountedApart) {
    LoadTally tally;
    tally.add(1, session({step("greeting", "<greeting>", Verdict::disconnected, "could not connect")}), true, 10);
    tally.add_harness_error(2, "boom");
    tally.add_harness_error(3, "again");
    EXPECT_EQ(tally.counts().sessions, 3u);
    EXPECT_EQ(tally.counts().unreachable, 1u);
    EXPECT_EQ(tally.counts().harness_errors, 2u);
    EXPECT_EQ(tally.counts().clean_sessions, 0u);
    EXPECT_EQ(tally.first_harness_error(), "session 2: boom");
}

TEST(LoadTally, KindsBeyondTheLimitAreCountedNotKept) {
    LoadTally tally;
    for (std::size_t i = 0; i < LoadTally::max_groups + 5; ++i) {
        auto s = clean_session();
        s.steps[3] = step("send", "RCPT", Verdict::unexpected, std::to_string(400 + i));
        tally.add(i + 1, s, false, 1);
    }
    EXPECT_EQ(tally.groups().size(), LoadTally::max_groups);
    EXPECT_EQ(tally.ungrouped(), 5u);
}

}  // namespace
}  // namespace smtpspec
