#pragma once
// The words every report uses for the baseline's waivers, so that the console, JUnit, HTML and
// compare say the same thing. Raw text: each reporter escapes it for its medium.
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace smtpspec::reports {

// "step 3, violation" or "every step".
std::string waiver_scope(const Waiver& waiver);

// "step 3, violation: the reason (expires 2027-01-31)".
std::string describe_waiver(const Waiver& waiver);

// "waived", "waiver expired", "baseline can be tightened".
std::string_view waiver_state_words(WaiverState state);

}  // namespace smtpspec::reports
