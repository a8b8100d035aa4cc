#include "core/result.hpp"

#include "core/enum_names.hpp"

namespace smtpspec {

namespace {
constexpr EnumName<WaiverState> waiver_state_names[] = {
    {WaiverState::applied, "applied"},
    {WaiverState::expired, "expired"},
    {WaiverState::unneeded, "unneeded"},
};
}  // namespace

std::string_view to_string(WaiverState state) { return name_in(waiver_state_names, state); }
std::optional<WaiverState> parse_waiver_state(std::string_view text) { return value_in(waiver_state_names, text); }

}  // namespace smtpspec
