#include "reports/waiver_text.hpp"

#include <fmt/format.h>

namespace smtpspec::reports {

std::string waiver_scope(const Waiver& waiver) {
    // Steps are counted from 1 here, as the console and the baseline file count them.
    auto scope = waiver.step ? fmt::format("step {}", *waiver.step + 1) : std::string("every step");
    if (waiver.verdict) scope += fmt::format(", {}", to_string(*waiver.verdict));
    return scope;
}

std::string describe_waiver(const Waiver& waiver) {
    auto text = fmt::format("{}: {}", waiver_scope(waiver), waiver.reason);
    if (!waiver.expires.empty()) text += fmt::format(" (expires {})", waiver.expires);
    return text;
}

std::string_view waiver_state_words(WaiverState state) {
    switch (state) {
        case WaiverState::applied: return "waived";
        case WaiverState::expired: return "waiver expired";
        case WaiverState::unneeded: return "baseline can be tightened";
    }
    return "?";
}

}  // namespace smtpspec::reports
