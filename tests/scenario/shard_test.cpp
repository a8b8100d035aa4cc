// `run --shard I/N`: the option's grammar, and the split of a selection into N parts, each
// scenario in exactly one, in the selection's order.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/registry.hpp"
#include "core/shard.hpp"
#include "scenario/loader.hpp"
#include "scenario/selection.hpp"

namespace smtpspec {
namespace {

using ::testing::HasSubstr;

Shard parsed(std::string_view text) {
    auto shard = parse_shard(text);
    if (const auto* problem = std::get_if<std::string>(&shard)) ADD_FAILURE() << text << ": " << *problem;
    return std::get_if<Shard>(&shard) != nullptr ? std::get<Shard>(shard) : Shard{};
}

std::string problem_of(std::string_view text) {
    auto shard = parse_shard(text);
    if (const auto* problem = std::get_if<std::string>(&shard)) return *problem;
    return "(accepted as " + to_string(std::get<Shard>(shard)) + ")";
}

std::vector<Scenario> numbered(std::size_t n) {
    std::vector<Scenario> scenarios(n);
    for (std::size_t i = 0; i < n; ++i) scenarios[i].id = "rfc5321/4.1.1." + std::to_string(i) + "/1";
    return scenarios;
}

std::vector<std::string> ids(const std::vector<Scenario>& scenarios) {
    std::vector<std::string> out(scenarios.size());
    std::transform(scenarios.begin(), scenarios.end(), out.begin(), [](const Scenario& s) { return s.id; });
    return out;
}

TEST(ParseShard, AcceptsIOverN) {
    struct Case {
        std::string text;
        std::size_t index;
        std::size_t count;
    };
    for (const auto& [text, index, count] : std::vector<Case>{
             {"1/1", 1, 1}, {"2/4", 2, 4}, {"4/4", 4, 4}, {"1/1000", 1, 1000}, {"1000/1000", 1000, 1000}}) {
        const Shard shard = parsed(text);
        EXPECT_EQ(shard.index, index) << text;
        EXPECT_EQ(shard.count, count) << text;
        EXPECT_EQ(to_string(shard), text);
    }
}

TEST(ParseShard, RefusesWhatIsNotIOverNSayingWhy) {
    for (const char* text : {"a/b", "3", "1/-2", "-1/3", "+1/3", " 1/3", "1/3 ", "1/", "/3", "", "1/2/3", "1.0/3", "1:3"})
        EXPECT_THAT(problem_of(text), HasSubstr("expected I/N")) << '\'' << text << '\'';
    for (const char* text : {"1/0", "0/0", "1/1001", "1/99999999999999999999999"})
        EXPECT_THAT(problem_of(text), HasSubstr("N must be 1 to 1000")) << text;
    for (const char* text : {"0/3", "4/3", "99999999999999999999999/3"})
        EXPECT_THAT(problem_of(text), HasSubstr("index I must be 1 to N (3)")) << text;
}

TEST(SelectShard, EveryScenarioIsInExactlyOneShard) {
    const auto selection = numbered(10);
    for (std::size_t count : {1u, 2u, 3u, 4u, 7u, 10u, 13u}) {
        std::map<std::string, std::size_t> shards_of;
        std::size_t smallest = selection.size();   // sizes of the shards
        std::size_t largest = 0;
        for (std::size_t index = 1; index <= count; ++index) {
            const auto part = select_shard(selection, Shard{index, count});
            for (const auto& scenario : part) ++shards_of[scenario.id];
            smallest = std::min(smallest, part.size());
            largest = std::max(largest, part.size());
        }
        EXPECT_EQ(shards_of.size(), selection.size()) << count << " shards";
        for (const auto& [id, shards] : shards_of) EXPECT_EQ(shards, 1u) << id << " in " << count << " shards";
        EXPECT_LE(largest - smallest, 1u) << count << " shards are as even as round robin makes them";
    }
}

TEST(SelectShard, TakesEveryNthPositionInTheSelectionsOrder) {
    const auto selection = numbered(10);
    EXPECT_THAT(ids(select_shard(selection, Shard{2, 3})),
                ::testing::ElementsAre(selection[1].id, selection[4].id, selection[7].id));
    EXPECT_THAT(ids(select_shard(selection, Shard{3, 3})), ::testing::ElementsAre(selection[2].id, selection[5].id,
                                                                                  selection[8].id));
    EXPECT_EQ(ids(select_shard(selection, Shard{1, 1})), ids(selection));
}

TEST(SelectShard, MoreShardsThanScenariosLeavesTheLastOnesEmpty) {
    const auto selection = numbered(3);
    EXPECT_THAT(ids(select_shard(selection, Shard{3, 5})), ::testing::ElementsAre(selection[2].id));
    EXPECT_TRUE(select_shard(selection, Shard{4, 5}).empty());
    EXPECT_TRUE(select_shard(selection, Shard{5, 5}).empty());
    EXPECT_TRUE(select_shard({}, Shard{1, 2}).empty());
}

// The shipped library as `run` selects it: two loads split the same way, and the shards
// together are the selection again, in its order.
TEST(SelectShard, TheShippedLibrarySplitsTheSameWayOnEveryLoad) {
    const std::filesystem::path shipped = std::filesystem::path(SMTPSPEC_SOURCE_DIR) / "scenarios";
    const auto load = [&] {
        const auto loaded = load_scenarios({shipped}, Registry::builtin());
        EXPECT_TRUE(loaded.ok());
        return select_scenarios(loaded.scenarios, Selection{});
    };
    const auto selection = load();
    const auto again = load();
    ASSERT_GT(selection.size(), 100u);
    std::vector<std::vector<std::string>> parts;
    for (std::size_t index = 1; index <= 4; ++index) {
        parts.push_back(ids(select_shard(selection, Shard{index, 4})));
        EXPECT_EQ(parts.back(), ids(select_shard(again, Shard{index, 4}))) << "shard " << index;
    }
    std::vector<std::string> interleaved;
    for (std::size_t k = 0; k < parts.front().size(); ++k)
        for (const auto& part : parts)
            if (k < part.size()) interleaved.push_back(part[k]);
    EXPECT_EQ(interleaved, ids(selection));
}

}  // namespace
}  // namespace smtpspec
