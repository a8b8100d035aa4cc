#pragma once
// Which loaded scenarios a run or a listing takes: by id glob, tag and profile.
#include <string>
#include <vector>

#include "core/profile.hpp"
#include "core/shard.hpp"
#include "scenario/scenario.hpp"

namespace smtpspec {

struct Selection {
    std::vector<std::string> only;      // id globs; empty: every id
    std::vector<std::string> exclude;   // id globs
    std::vector<std::string> tags;      // a scenario needs at least one of them; empty: any
    Profile profile = Profile::rfc5321;
};

// Keeps the order of `scenarios`.
std::vector<Scenario> select_scenarios(const std::vector<Scenario>& scenarios, const Selection& selection);

// The selection's scenarios that belong to `shard` (shard_takes), in the selection's order. A
// shard may get none: more shards than scenarios.
std::vector<Scenario> select_shard(const std::vector<Scenario>& selected, const Shard& shard);

// Shell-style glob ("rfc5321/4.1.1.*/*"): '*' and '?' match '/' too, so a prefix glob reaches
// every section below it.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace smtpspec
