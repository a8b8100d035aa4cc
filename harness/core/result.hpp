#pragma once
// The results of a run: immutable values, apart from the scenario model, that every reporter
// reads. Reporters are pure functions of a RunResult.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/evaluator.hpp"
#include "core/expectation.hpp"
#include "core/reply.hpp"
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
};

struct RunResult {
    std::string version;
    std::string target;            // "embedded", "127.0.0.1:25", "spawn: exim -bh 127.0.0.1"
    std::string profile;
    bool strict = false;
    std::string started;           // ISO 8601 UTC
    std::int64_t duration_ms = 0;
    bool incomplete = false;       // interrupted before every scenario ran
    std::vector<ScenarioResult> scenarios;
};

}  // namespace smtpspec
