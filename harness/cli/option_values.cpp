#include "cli/option_values.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>

namespace smtpspec::cli {

Millis seconds_to_millis(double seconds) { return Millis(static_cast<std::int64_t>(std::llround(seconds * 1000))); }

// NaN compares false with everything, so the bounds are written to reject it; the upper one
// also keeps the conversion to milliseconds finite.
std::string check_seconds(std::string_view option, double seconds, double longest, std::string_view zero_means) {
    const bool zero_allowed = !zero_means.empty();
    if ((zero_allowed ? seconds >= 0 : seconds > 0) && seconds <= longest) return "";
    return fmt::format("{} {}: seconds must be {} and at most {}", option, seconds,
                       zero_allowed ? fmt::format("0 ({}) or more", zero_means) : std::string("more than 0"), longest);
}

std::string utc_now_iso8601() {
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

void set_envelope(Variables& variables, const std::string& helo, const std::string& from, const std::string& rcpt) {
    if (!helo.empty()) variables.set("helo", helo);
    if (!from.empty()) variables.set("from", from);
    if (!rcpt.empty()) variables.set("rcpt", rcpt);
}

}  // namespace smtpspec::cli
