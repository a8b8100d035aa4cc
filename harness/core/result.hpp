#pragma once
// The results of a run: immutable values, apart from the scenario model, that every reporter
// reads. Reporters are pure functions of a RunResult.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluator.hpp"
#include "core/expectation.hpp"
#include "core/reply.hpp"
#include "core/shard.hpp"
#include "core/verdict.hpp"

namespace smtpspec {

struct TranscriptEntry {
    std::int64_t t_ms = 0;     // since the scenario started
    char direction = 'C';      // 'C' client, 'S' server, 'E' server's stderr, '*' event
    std::string data;          // octets as sent or received (secrets redacted)
};

struct StepResult {
    std::size_t step = 0;          // index of the step in the scenario
    std::size_t reply_index = 0;   // which of the step's awaited replies (pipelined writes)
    std::string action;            // "greeting", "send", "raw", "data", "none"
    std::string sent;              // what the client wrote for this step, secrets redacted
    std::optional<Reply> reply;
    Judgement judgement;
    // The entries of the scenario's transcript that this step's exchange produced: [begin, end).
    // Empty for a step that did not run. Replies of one pipelined write share `begin`.
    std::size_t transcript_begin = 0;
    std::size_t transcript_end = 0;
    bool waived = false;           // a failing step that the run's baseline accepts
    // Microseconds from the end of this step's write (for the greeting: from the connection) to
    // the reply or the event that took its place; none when no reply was awaited. Load mode's
    // latency figures; the reports leave it out, since it differs from run to run.
    std::optional<std::int64_t> latency_us;
};

// How one entry of the run's baseline (--baseline) bore on a scenario of this run; see
// reports/baseline-format.md.
enum class WaiverState {
    applied,    // it accepts a failing step of this run
    expired,    // it names a failing step, but its expiry date has passed: the step fails
    unneeded,   // nothing it names fails any more: the baseline can be tightened
};

struct Waiver {
    std::optional<std::size_t> step;    // index of the step from 0, as StepResult; none: every step
    std::optional<Verdict> verdict;     // the entry holds only for this verdict; none: any failure
    std::string reason;
    std::string expires;                // "YYYY-MM-DD", the last day it holds; empty: no expiry
    WaiverState state = WaiverState::applied;
};

struct ScenarioResult {
    std::string id;
    std::string title;
    std::string requirement;
    std::string file;
    std::vector<RfcRef> rfc;
    RequirementLevel level = RequirementLevel::must;
    std::vector<std::string> tags;
    Outcome outcome = Outcome::skipped;
    std::vector<StepResult> steps;
    std::vector<TranscriptEntry> transcript;
    std::int64_t duration_ms = 0;
    std::string harness_error;     // set when outcome == error: what failed inside smtpspec
    std::vector<Waiver> waivers;   // the baseline's entries for this scenario, when it ran
};

// The baseline a run was judged with.
struct BaselineUse {
    std::string file;
    std::size_t entries = 0;
    std::vector<std::string> not_run;   // ids of entries that name no scenario of this run
};

struct RunResult {
    std::string version;
    std::string target;            // "embedded", "127.0.0.1:25", "spawn: exim -bh 127.0.0.1"
    std::string profile;
    bool strict = false;
    std::string started;           // ISO 8601 UTC
    std::int64_t duration_ms = 0;
    bool incomplete = false;       // interrupted before every scenario ran
    std::optional<Shard> shard;    // --shard: this run is one part of a larger one
    std::optional<BaselineUse> baseline;
    std::vector<ScenarioResult> scenarios;
};

std::string_view to_string(WaiverState);
std::optional<WaiverState> parse_waiver_state(std::string_view);

}  // namespace smtpspec
