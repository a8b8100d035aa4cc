#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "load/latency_histogram.hpp"

namespace smtpspec {
namespace {

TEST(LatencyHistogram, SmallValuesAreExactAndLargeOnesWithinOneSixtyFourth) {
    for (std::int64_t v = 0; v < 128; ++v) EXPECT_EQ(LatencyHistogram::upper_bound_of(LatencyHistogram::bucket_of(v)), v);
    std::mt19937_64 random(7);
    for (int i = 0; i < 100'000; ++i) {
        const auto v = static_cast<std::int64_t>(random() % (std::uint64_t{1} << 39));
        const std::size_t bucket = LatencyHistogram::bucket_of(v);
        ASSERT_LT(bucket, LatencyHistogram::bucket_count);
        const std::int64_t upper = LatencyHistogram::upper_bound_of(bucket);
        ASSERT_GE(upper, v);
        ASSERT_LE(upper - v, v / 64) << v;
        if (bucket > 0) {
            ASSERT_LT(LatencyHistogram::upper_bound_of(bucket - 1), v) << v;
        }
    }
}

TEST(LatencyHistogram, BucketsFollowEachOtherWithoutGaps) {
    for (std::size_t b = 1; b < LatencyHistogram::bucket_count; ++b) {
        const std::int64_t first_of_b = LatencyHistogram::upper_bound_of(b - 1) + 1;
        ASSERT_EQ(LatencyHistogram::bucket_of(first_of_b), b);
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::upper_bound_of(b)), b);
    }
}

TEST(LatencyHistogram, OutOfRangeValuesAreClampedNotLost) {
    LatencyHistogram h;
    h.record(-5);
    h.record(std::int64_t{1} << 50);
    EXPECT_EQ(h.count(), 2u);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(LatencyHistogram::bucket_of(std::int64_t{1} << 50), LatencyHistogram::bucket_count - 1);
}

TEST(LatencyHistogram, PercentilesOfAUniformRun) {
    LatencyHistogram h;
    for (std::int64_t v = 1; v <= 10'000; ++v) h.record(v);
    EXPECT_EQ(h.count(), 10'000u);
    EXPECT_EQ(h.min(), 1);
    EXPECT_EQ(h.max(), 10'000);
    EXPECT_DOUBLE_EQ(h.mean(), 5000.5);
    for (const double p : {0.5, 0.9, 0.99, 0.999}) {
        const double exact = p * 10'000;
        EXPECT_GE(static_cast<double>(h.percentile(p)), exact) << p;
        EXPECT_LE(static_cast<double>(h.percentile(p)), exact * (1 + 1.0 / 64) + 1) << p;
    }
    EXPECT_EQ(h.percentile(1.0), 10'000);
    EXPECT_EQ(h.percentile(0.0), 1);
}

TEST(LatencyHistogram, APercentileNeverExceedsTheLargestValue) {
    LatencyHistogram h;
    h.record(1000);   // its bucket reaches 1007
    EXPECT_EQ(h.percentile(0.5), 1000);
}

TEST(LatencyHistogram, EmptyIsAllZeros) {
    const LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.99), 0);
    EXPECT_EQ(h.min(), 0);
    EXPECT_EQ(h.max(), 0);
    EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogram, MergeIsRecordingBoth) {
    LatencyHistogram a;
    LatencyHistogram b;
    LatencyHistogram both;
    for (std::int64_t v = 0; v < 5000; v += 3) {
        (v % 2 == 0 ? a : b).record(v * 7);
        both.record(v * 7);
    }
    a.merge(b);
    EXPECT_EQ(a.count(), both.count());
    EXPECT_EQ(a.min(), both.min());
    EXPECT_EQ(a.max(), both.max());
    EXPECT_DOUBLE_EQ(a.mean(), both.mean());
    for (const double p : {0.1, 0.5, 0.9, 0.999}) EXPECT_EQ(a.percentile(p), both.percentile(p));
}

}  // namespace
}  // namespace smtpspec
