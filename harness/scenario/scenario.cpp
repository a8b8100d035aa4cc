#include "scenario/scenario.hpp"

#include <algorithm>

namespace smtpspec {

std::string_view to_string(StepAction action) {
    switch (action) {
        case StepAction::greeting: return "greeting";
        case StepAction::send: return "send";
        case StepAction::raw: return "raw";
        case StepAction::data: return "data";
        case StepAction::none: return "none";
        case StepAction::tls: return "tls";
    }
    return "none";
}

bool Scenario::applies_to(Profile p) const {
    return profiles.empty() || std::find(profiles.begin(), profiles.end(), p) != profiles.end();
}

}  // namespace smtpspec
