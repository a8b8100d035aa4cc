// Scenario outcomes derive from step verdicts; names round-trip.
#include <gtest/gtest.h>

#include <vector>

#include "core/verdict.hpp"

namespace smtpspec {
namespace {

struct OutcomeRow {
    std::vector<Verdict> steps;
    bool strict;
    Outcome expected;
};

TEST(Outcome, DerivesFromTheSteps) {
    using V = Verdict;
    const std::vector<OutcomeRow> rows = {
        {{V::pass, V::pass}, false, Outcome::passed},
        {{V::pass, V::non_strict}, false, Outcome::warned},
        {{V::pass, V::nonstandard}, false, Outcome::warned},
        {{V::deprecated}, false, Outcome::warned},
        {{V::pass, V::deprecated}, true, Outcome::failed},
        {{V::pass, V::non_strict}, true, Outcome::failed},
        {{V::pass, V::unexpected}, false, Outcome::failed},
        {{V::pass, V::violation, V::skipped}, false, Outcome::failed},
        {{V::malformed, V::skipped}, false, Outcome::failed},
        {{V::pass, V::timeout, V::skipped}, false, Outcome::failed},
        {{V::disconnected}, false, Outcome::failed},
        {{V::pass, V::pass, V::unimplemented, V::skipped}, false, Outcome::unimplemented},
        {{V::pass, V::unimplemented}, true, Outcome::unimplemented},
        {{V::skipped, V::skipped}, false, Outcome::skipped},
        {{}, false, Outcome::skipped},
        {{V::non_strict, V::violation}, false, Outcome::failed},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(to_string(outcome_of(row.steps, row.strict)), to_string(row.expected))
            << "steps: " << row.steps.size() << " strict: " << row.strict;
    }
}

TEST(Verdict, ClassesPartitionTheVerdicts) {
    for (Verdict v : all_verdicts) {
        const int classes = int(is_warning(v)) + int(is_failure(v)) +
                            int(v == Verdict::pass || v == Verdict::skipped || v == Verdict::unimplemented);
        EXPECT_EQ(classes, 1) << to_string(v);
    }
    EXPECT_TRUE(is_fatal(Verdict::timeout));
    EXPECT_FALSE(is_fatal(Verdict::violation));
}

TEST(Verdict, NamesRoundTrip) {
    for (Verdict v : all_verdicts) EXPECT_EQ(parse_verdict(to_string(v)), v);
    for (Outcome o : all_outcomes) EXPECT_EQ(parse_outcome(to_string(o)), o);
    EXPECT_FALSE(parse_verdict("passed").has_value());
}

TEST(Verdict, WorseKeepsTheMoreSevere) {
    EXPECT_EQ(worse(Verdict::pass, Verdict::violation), Verdict::violation);
    EXPECT_EQ(worse(Verdict::violation, Verdict::non_strict), Verdict::violation);
    EXPECT_EQ(worse(Verdict::unexpected, Verdict::malformed), Verdict::malformed);
}

}  // namespace
}  // namespace smtpspec
