#pragma once
// Joining the JSON reports of one suite run split into shards (`--shard I/N` or `--only` per CI
// job) back into one report, as if the suite had run at once.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "reports/compare_report.hpp"
#include "scenario/natural_order.hpp"

namespace smtpspec::reports {

// Why shards cannot be merged; the message names the shards (by label) and what differs.
class MergeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using smtpspec::natural_less;   // merged scenarios are sorted by it

// Reports made with `run --shard I/N` must all be of one N, with every index from 1 to N
// exactly once; reports without --shard (split by --only) may not be mixed with them.
// The shards must agree on version, target, profile and strict; an embedded reference server's
// address is not part of its identity, since every shard starts its own on a fresh port. A
// scenario id may appear in only one shard. The merged run: the first shard's header without
// its `shard`, the earliest `started`, the longest `duration_ms`, incomplete if any shard was,
// and every scenario sorted by id (natural_less). Throws MergeError; no shards at all is an error too.
RunResult merge_runs(const std::vector<LabelledRun>& shards);

}  // namespace smtpspec::reports
