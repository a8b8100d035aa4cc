#include "core/shard.hpp"

#include <charconv>
#include <limits>
#include <optional>

#include <fmt/format.h>

namespace smtpspec {

namespace {

// Decimal digits only: from_chars refuses a sign or a space for an unsigned type. A number too
// large for the type saturates, so that the range checks below name it.
std::optional<std::size_t> whole_number(std::string_view digits) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
    if (error == std::errc::result_out_of_range) return std::numeric_limits<std::size_t>::max();
    if (error != std::errc()) return std::nullopt;
    return value;
}

}  // namespace

std::string to_string(const Shard& shard) { return fmt::format("{}/{}", shard.index, shard.count); }

std::variant<Shard, std::string> parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto index = whole_number(text.substr(0, slash));
    const auto count = slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(slash + 1));
    if (!index || !count) return "expected I/N, two whole numbers (2/4 is the second of four shards)";
    if (*count < 1 || *count > max_shard_count)
        return fmt::format("the number of shards N must be 1 to {}", max_shard_count);
    if (*index < 1 || *index > *count) return fmt::format("the shard index I must be 1 to N ({})", *count);
    return Shard{*index, *count};
}

bool shard_takes(const Shard& shard, std::size_t position) { return position % shard.count + 1 == shard.index; }

}  // namespace smtpspec
