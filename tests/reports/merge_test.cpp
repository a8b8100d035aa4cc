// Merging shards of one run: the merged report equals the run made at once.
#include <gtest/gtest.h>

#include <algorithm>

#include "reports/json_report.hpp"
#include "reports/merge.hpp"
#include "reports/sample_run.hpp"
#include "reports/summary.hpp"

namespace smtpspec::reports {
namespace {

using testing::sample_run;

// The sample run split into two shards, each with a header of its own as separate CI jobs write.
std::vector<LabelledRun> two_shards(const RunResult& whole) {
    RunResult a = whole;
    RunResult b = whole;
    a.scenarios.clear();
    b.scenarios.clear();
    for (std::size_t i = 0; i < whole.scenarios.size(); ++i) (i % 2 == 0 ? a : b).scenarios.push_back(whole.scenarios[i]);
    std::reverse(b.scenarios.begin(), b.scenarios.end());
    b.started = "2024-05-01T11:59:00Z";
    b.duration_ms = whole.duration_ms + 500;
    return {{"a.json", a}, {"b.json", b}};
}

// The sample run as `run --shard I/N` splits it: shard-I.json, each saying which shard it is.
std::vector<LabelledRun> shards_of(const RunResult& whole, std::size_t count) {
    std::vector<LabelledRun> shards;
    for (std::size_t index = 1; index <= count; ++index) {
        RunResult part = whole;
        part.shard = Shard{index, count};
        part.scenarios.clear();
        for (std::size_t position = 0; position < whole.scenarios.size(); ++position)
            if (shard_takes(*part.shard, position)) part.scenarios.push_back(whole.scenarios[position]);
        shards.emplace_back("shard-" + std::to_string(index) + ".json", std::move(part));
    }
    return shards;
}

std::string merge_message(const std::vector<LabelledRun>& shards) {
    try {
        merge_runs(shards);
    } catch (const MergeError& e) {
        return e.what();
    }
    return "(merged)";
}

TEST(NaturalLess, ComparesNumbersByValue) {
    EXPECT_TRUE(natural_less("rfc5321/4.1.1.2/1", "rfc5321/4.1.1.10/1"));
    EXPECT_FALSE(natural_less("rfc5321/4.1.1.10/1", "rfc5321/4.1.1.2/1"));
    EXPECT_TRUE(natural_less("rfc5321/3.3/2", "rfc5321/3.3/10"));
    EXPECT_TRUE(natural_less("rfc2920/3.2/1", "rfc5321/3.3/1"));
    EXPECT_TRUE(natural_less("rfc5321/4.1.1/4", "rfc5321/4.1.1.4/2"));
    EXPECT_TRUE(natural_less("rfc5321/4.1/1", "rfc5321/4.1/1a"));
    EXPECT_FALSE(natural_less("rfc5321/4.1/1", "rfc5321/4.1/1"));
    EXPECT_TRUE(natural_less("rfc5321/4.1.1.9/01", "rfc5321/4.1.1.9/2"));
}

TEST(Merge, TwoShardsGiveTheWholeRunSortedById) {
    RunResult whole = sample_run();
    const auto shards = two_shards(whole);
    const RunResult merged = merge_runs(shards);

    RunResult expected = whole;
    std::stable_sort(expected.scenarios.begin(), expected.scenarios.end(),
                     [](const ScenarioResult& a, const ScenarioResult& b) { return natural_less(a.id, b.id); });
    expected.started = "2024-05-01T11:59:00Z";
    expected.duration_ms = whole.duration_ms + 500;
    EXPECT_EQ(render_json_report(merged), render_json_report(expected));
    ASSERT_EQ(merged.scenarios.size(), whole.scenarios.size());
    EXPECT_EQ(merged.scenarios.front().id, "rfc2920/3.2/1");
    EXPECT_EQ(merged.scenarios.back().id, "rfc5321/F.6/1");
}

TEST(Merge, AnIncompleteShardMakesTheRunIncomplete) {
    auto shards = two_shards(sample_run());
    shards[1].second.incomplete = true;
    EXPECT_TRUE(merge_runs(shards).incomplete);
}

TEST(Merge, AMismatchedProfileNamesTheFieldAndBothFiles) {
    auto shards = two_shards(sample_run());
    shards[1].second.profile = "rfc2821";
    const auto message = merge_message(shards);
    EXPECT_NE(message.find("profile"), std::string::npos) << message;
    EXPECT_NE(message.find("a.json"), std::string::npos) << message;
    EXPECT_NE(message.find("b.json"), std::string::npos) << message;
    EXPECT_NE(message.find("rfc2821"), std::string::npos) << message;
}

TEST(Merge, VersionTargetAndStrictMustAgree) {
    for (const char* field : {"version", "target", "strict"}) {
        auto shards = two_shards(sample_run());
        RunResult& b = shards[1].second;
        if (std::string_view(field) == "version") b.version = "0.2.0";
        if (std::string_view(field) == "target") b.target = "127.0.0.1:2626";
        if (std::string_view(field) == "strict") b.strict = true;
        EXPECT_NE(merge_message(shards).find(field), std::string::npos) << field;
    }
}

TEST(Merge, EmbeddedServersOnDifferentPortsAreOneTarget) {
    auto shards = two_shards(sample_run());
    shards[0].second.target = "embedded reference server (127.0.0.1:40001)";
    shards[1].second.target = "embedded reference server (127.0.0.1:40002)";
    EXPECT_EQ(merge_runs(shards).target, "embedded reference server (127.0.0.1:40001)");
}

TEST(Merge, ADuplicateIdNamesItAndBothFiles) {
    auto shards = two_shards(sample_run());
    shards[1].second.scenarios.push_back(shards[0].second.scenarios.front());
    const auto message = merge_message(shards);
    EXPECT_NE(message.find(shards[0].second.scenarios.front().id), std::string::npos) << message;
    EXPECT_NE(message.find("a.json"), std::string::npos) << message;
    EXPECT_NE(message.find("b.json"), std::string::npos) << message;
}

TEST(Merge, ShardsJudgedWithOneBaselineKeepItsNotRunList) {
    // Each shard applies the baseline to what it ran, so it lists the other shard's ids as not run.
    auto shards = two_shards(sample_run());
    for (auto& shard : shards) shard.second = apply_baseline(testing::sample_baseline(), shard.second, "2024-05-01");
    const auto merged = merge_runs(shards);
    ASSERT_TRUE(merged.baseline);
    EXPECT_EQ(merged.baseline->not_run, std::vector<std::string>{"rfc9999/1/1"});
    const auto summary = summarize(merged);
    const auto whole = summarize(testing::sample_run_with_baseline());
    EXPECT_EQ(summary.outcomes, whole.outcomes);
    EXPECT_EQ(summary.waivers_unneeded, whole.waivers_unneeded);
    EXPECT_EQ(summary.waivers_expired, whole.waivers_expired);
}

TEST(Merge, ShardsJudgedWithDifferentBaselinesAreNotOneRun) {
    auto shards = two_shards(sample_run());
    shards[0].second = apply_baseline(testing::sample_baseline(), shards[0].second, "2024-05-01");
    EXPECT_NE(merge_message(shards).find("baseline differs"), std::string::npos) << merge_message(shards);
}

TEST(Merge, EveryShardOfOneRunGivesTheWholeRunWithoutAShard) {
    RunResult whole = sample_run();
    for (std::size_t count : {1u, 3u, 4u, 12u}) {
        const RunResult merged = merge_runs(shards_of(whole, count));
        EXPECT_FALSE(merged.shard) << count;
        RunResult expected = whole;
        std::stable_sort(expected.scenarios.begin(), expected.scenarios.end(),
                         [](const ScenarioResult& a, const ScenarioResult& b) { return natural_less(a.id, b.id); });
        EXPECT_EQ(render_json_report(merged), render_json_report(expected)) << count;
    }
}

TEST(Merge, AMissingShardIsNamedWithTheShardsGiven) {
    auto shards = shards_of(sample_run(), 3);
    shards.erase(shards.begin() + 1);
    EXPECT_EQ(merge_message(shards), "shard 2/3 is missing (given: 1/3 shard-1.json, 3/3 shard-3.json)");
}

TEST(Merge, ManyMissingShardsAreCountedAfterTheFirstTen) {
    auto shards = shards_of(sample_run(), 20);
    shards.resize(1);
    EXPECT_EQ(merge_message(shards),
              "shards 2/20, 3/20, 4/20, 5/20, 6/20, 7/20, 8/20, 9/20, 10/20, 11/20 and 9 more are missing "
              "(given: 1/20 shard-1.json)");
}

TEST(Merge, AShardGivenTwiceNamesBothFiles) {
    // Its scenarios are in both files too; the shard is what the user got wrong.
    auto shards = shards_of(sample_run(), 3);
    shards.emplace_back("again.json", shards.front().second);
    EXPECT_EQ(merge_message(shards), "shard 1/3 appears twice: shard-1.json and again.json");
}

TEST(Merge, ShardsOfDifferentCountsAreNotOneRun) {
    auto shards = shards_of(sample_run(), 2);
    shards[1] = shards_of(sample_run(), 3)[1];
    shards[1].first = "other.json";
    EXPECT_EQ(merge_message(shards), "shard-1.json is shard 1/2 but other.json is shard 2/3: the shards of one run "
                                     "have one count");
}

TEST(Merge, ShardedAndUnshardedReportsDoNotMix) {
    auto shards = two_shards(sample_run());
    shards[1].second.shard = Shard{2, 2};
    const auto message = merge_message(shards);
    EXPECT_NE(message.find("b.json is shard 2/2 of a run made with --shard"), std::string::npos) << message;
    EXPECT_NE(message.find("a.json is a report without --shard"), std::string::npos) << message;
}

TEST(Merge, NothingToMergeIsAnError) { EXPECT_THROW(merge_runs({}), MergeError); }

}  // namespace
}  // namespace smtpspec::reports
