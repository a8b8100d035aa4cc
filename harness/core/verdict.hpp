#pragma once
// Step verdicts and scenario outcomes (the table in README.md "Verdicts").
#include <optional>
#include <span>
#include <string_view>

namespace smtpspec {

enum class Verdict {
    pass,           // what the rule demands
    non_strict,     // accepted with a warning (a SHOULD broken, or a step's non-strict set)
    nonstandard,    // 200 in place of 250 (RFC 876)
    deprecated,     // the server implements an obsolete command (SEND, SOML, SAML, TURN)
    unexpected,     // legal for the command, not what this step's rule demands
    violation,      // not legal for the command in the profile, or a MUST about the reply broken
    malformed,      // the reply grammar is broken; the stream cannot be trusted after it
    timeout,        // no complete reply in time
    disconnected,   // the connection went away
    unimplemented,  // a required extension was not advertised
    skipped,        // not run
};

// `waived`: failed, but every failing step is an accepted deviation of the run's baseline.
enum class Outcome { passed, warned, failed, waived, unimplemented, skipped, error };

inline constexpr Verdict all_verdicts[] = {
    Verdict::pass,      Verdict::non_strict, Verdict::nonstandard, Verdict::deprecated,
    Verdict::unexpected, Verdict::violation, Verdict::malformed,   Verdict::timeout,
    Verdict::disconnected, Verdict::unimplemented, Verdict::skipped};
inline constexpr Outcome all_outcomes[] = {Outcome::passed,        Outcome::warned,  Outcome::failed, Outcome::waived,
                                           Outcome::unimplemented, Outcome::skipped, Outcome::error};

std::string_view to_string(Verdict);
std::string_view to_string(Outcome);
std::optional<Verdict> parse_verdict(std::string_view);
std::optional<Outcome> parse_outcome(std::string_view);

bool is_warning(Verdict);   // non_strict, nonstandard, deprecated
bool is_failure(Verdict);   // unexpected, violation, malformed, timeout, disconnected
// A fatal verdict leaves the session unusable: the steps after it are skipped.
bool is_fatal(Verdict);     // malformed, timeout, disconnected
// What makes a scenario fail: a failure, and under `strict` a warning too.
bool fails_scenario(Verdict, bool strict);
// Orders verdicts by how much they say against the server, for combining several findings
// about one reply into one verdict.
int severity(Verdict);
Verdict worse(Verdict a, Verdict b);

// The scenario's outcome from its step verdicts. `strict` turns warnings into failures.
// A harness error is not a verdict: callers set Outcome::error themselves.
Outcome outcome_of(std::span<const Verdict> steps, bool strict);

}  // namespace smtpspec
