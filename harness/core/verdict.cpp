#include "core/verdict.hpp"

#include <algorithm>

#include "core/enum_names.hpp"

namespace smtpspec {

namespace {
constexpr EnumName<Verdict> verdict_names[] = {
    {Verdict::pass, "pass"},
    {Verdict::non_strict, "non_strict"},
    {Verdict::nonstandard, "nonstandard"},
    {Verdict::deprecated, "deprecated"},
    {Verdict::unexpected, "unexpected"},
    {Verdict::violation, "violation"},
    {Verdict::malformed, "malformed"},
    {Verdict::timeout, "timeout"},
    {Verdict::disconnected, "disconnected"},
    {Verdict::unimplemented, "unimplemented"},
    {Verdict::skipped, "skipped"},
};
constexpr EnumName<Outcome> outcome_names[] = {
    {Outcome::passed, "passed"},   {Outcome::warned, "warned"},   {Outcome::failed, "failed"},
    {Outcome::waived, "waived"},
    {Outcome::unimplemented, "unimplemented"}, {Outcome::skipped, "skipped"}, {Outcome::error, "error"},
};
}  // namespace

std::string_view to_string(Verdict v) { return name_in(verdict_names, v); }
std::string_view to_string(Outcome o) { return name_in(outcome_names, o); }
std::optional<Verdict> parse_verdict(std::string_view text) { return value_in(verdict_names, text); }
std::optional<Outcome> parse_outcome(std::string_view text) { return value_in(outcome_names, text); }

bool is_warning(Verdict v) {
    return v == Verdict::non_strict || v == Verdict::nonstandard || v == Verdict::deprecated;
}

bool is_failure(Verdict v) {
    return v == Verdict::unexpected || v == Verdict::violation || is_fatal(v);
}

bool fails_scenario(Verdict v, bool strict) { return is_failure(v) || (strict && is_warning(v)); }

bool is_fatal(Verdict v) {
    return v == Verdict::malformed || v == Verdict::timeout || v == Verdict::disconnected;
}

int severity(Verdict v) {
    switch (v) {
        case Verdict::skipped: return 0;
        case Verdict::pass: return 1;
        case Verdict::non_strict: return 2;
        case Verdict::nonstandard: return 3;
        case Verdict::deprecated: return 4;
        case Verdict::unimplemented: return 5;
        case Verdict::unexpected: return 6;
        case Verdict::violation: return 7;
        case Verdict::timeout: return 8;
        case Verdict::disconnected: return 9;
        case Verdict::malformed: return 10;
    }
    return 0;
}

Verdict worse(Verdict a, Verdict b) { return severity(b) > severity(a) ? b : a; }

Outcome outcome_of(std::span<const Verdict> steps, bool strict) {
    const auto any = [&](auto predicate) { return std::any_of(steps.begin(), steps.end(), predicate); };
    if (any(is_failure)) return Outcome::failed;
    if (any(is_warning)) return strict ? Outcome::failed : Outcome::warned;
    // A scenario stops at the first missing extension; what ran before it passed.
    if (any([](Verdict v) { return v == Verdict::unimplemented; })) return Outcome::unimplemented;
    if (any([](Verdict v) { return v == Verdict::pass; })) return Outcome::passed;
    return Outcome::skipped;
}

}  // namespace smtpspec
