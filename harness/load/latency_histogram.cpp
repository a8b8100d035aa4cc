#include "load/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace smtpspec {

std::size_t LatencyHistogram::bucket_of(std::int64_t microseconds) {
    const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(microseconds, 0, (std::int64_t{1} << max_bits) - 1));
    const int msb = v == 0 ? 0 : static_cast<int>(std::bit_width(v)) - 1;
    const int shift = std::max(0, msb - sub_bucket_bits);
    return static_cast<std::size_t>(shift) * (std::size_t{1} << sub_bucket_bits) + static_cast<std::size_t>(v >> shift);
}

std::int64_t LatencyHistogram::upper_bound_of(std::size_t bucket) {
    constexpr std::size_t per_shift = std::size_t{1} << sub_bucket_bits;
    const std::size_t shift = bucket < 2 * per_shift ? 0 : bucket / per_shift - 1;
    const std::size_t sub = bucket - shift * per_shift;
    return static_cast<std::int64_t>(((sub + 1) << shift) - 1);
}

void LatencyHistogram::record(std::int64_t microseconds) {
    microseconds = std::max<std::int64_t>(microseconds, 0);
    ++buckets_[bucket_of(microseconds)];
    min_ = count_ == 0 ? microseconds : std::min(min_, microseconds);
    max_ = std::max(max_, microseconds);
    sum_ += microseconds;
    ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    if (other.count_ == 0) return;
    for (std::size_t i = 0; i < bucket_count; ++i) buckets_[i] += other.buckets_[i];
    min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    sum_ += other.sum_;
    count_ += other.count_;
}

std::int64_t LatencyHistogram::percentile(double p) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < bucket_count; ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(upper_bound_of(i), max_);
    }
    return max_;
}

}  // namespace smtpspec
