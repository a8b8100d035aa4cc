#pragma once
// One part of a run split across CI jobs (`smtpspec run --shard I/N`): which part this run is,
// and which positions of the selection belong to it.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace smtpspec {

struct Shard {
    std::size_t index = 1;   // 1 to count
    std::size_t count = 1;
};

// More jobs than this is a typo, not a CI matrix; the cap also keeps a merge's list of missing
// shards and every index well inside any integer type.
inline constexpr std::size_t max_shard_count = 1000;

// "2/4", as the option is written and the reports show it.
std::string to_string(const Shard& shard);

// "I/N" with 1 ≤ I ≤ N ≤ max_shard_count, both plain decimal digits; otherwise why not, in
// words that name I or N (the caller names the option).
std::variant<Shard, std::string> parse_shard(std::string_view text);

// Position p of the selection (from 0) belongs to shard (p mod N) + 1: round robin, so every
// shard gets a similar mix of the library's slow and fast scenarios, which sit together in its
// files, and the same selection splits the same way on every machine.
bool shard_takes(const Shard& shard, std::size_t position);

}  // namespace smtpspec
