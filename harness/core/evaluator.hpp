#pragma once
// The verdict engine: a pure function from (step expectation, observation, session facts,
// registry) to a verdict with its RFC section and an expected/actual pair.
#include <string>
#include <vector>

#include "core/expectation.hpp"
#include "core/observation.hpp"
#include "core/profile.hpp"
#include "core/registry.hpp"
#include "core/verdict.hpp"

namespace smtpspec {

struct SessionFacts {
    Profile profile = Profile::rfc5321;
    LegalityContext legality;   // advertised extensions and the greeting code seen
};

struct Judgement {
    Verdict verdict = Verdict::skipped;
    std::string command;                  // the command whose table judged the reply
    std::vector<std::string> legal;       // the command's legal codes in the profile
    std::vector<std::string> expected;    // what passes: the step's patterns, else the legal set
    std::vector<std::string> non_strict;  // what passes with a warning
    std::string actual;                   // "250", "no reply within 10000 ms", "connection closed"
    std::string rfc;                      // the section behind the verdict: "RFC 5321 §3.3"
    std::string detail;                   // why, in a sentence or two
};

// `scenario_rfc` is the scenario's primary reference, cited when a narrowed step has none of
// its own.
Judgement judge(const ReplyExpectation& expectation, const Observation& observation,
                const SessionFacts& facts, const Registry& registry, const RfcRef* scenario_rfc);

// Steps the session did not judge against a reply.
Judgement judge_unimplemented(const std::vector<std::string>& missing_extensions);
Judgement judge_skipped(std::string reason);

}  // namespace smtpspec
