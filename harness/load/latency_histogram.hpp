#pragma once
// Latencies in microseconds, kept in log-linear buckets so that a load run of any length holds
// the same few kilobytes per command: values below 128 µs exactly, larger ones within 1/64
// (about 1.6 %) of their value, up to 2^40 µs (12 days).
#include <array>
#include <cstddef>
#include <cstdint>

namespace smtpspec {

class LatencyHistogram {
public:
    void record(std::int64_t microseconds);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::int64_t min() const { return count_ == 0 ? 0 : min_; }
    std::int64_t max() const { return max_; }
    double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(count_); }
    // The smallest recorded value's bucket at or above the fraction `p` (0..1] of the values,
    // as the bucket's upper bound clamped to the largest value seen; 0 when nothing was recorded.
    std::int64_t percentile(double p) const;

    static constexpr int sub_bucket_bits = 6;                      // 64 buckets per power of two
    static constexpr int max_bits = 40;
    static constexpr std::size_t bucket_count = (max_bits - sub_bucket_bits + 1) << sub_bucket_bits;

    // Exposed for the tests: which bucket a value lands in, and the largest value it holds.
    static std::size_t bucket_of(std::int64_t microseconds);
    static std::int64_t upper_bound_of(std::size_t bucket);

private:
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::int64_t min_ = 0;
    std::int64_t max_ = 0;
    std::int64_t sum_ = 0;
};

}  // namespace smtpspec
