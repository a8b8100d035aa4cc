#pragma once
// Option values shared by the subcommands that talk to a server (`run`, `load`).
#include <string>
#include <string_view>

#include "scenario/variables.hpp"
#include "transport/transport.hpp"

namespace smtpspec::cli {

Millis seconds_to_millis(double seconds);

// A number of seconds from the command line, or why not ("--timeout nan: seconds must be …").
// `zero_means` says what 0 stands for where 0 is allowed; empty: 0 is refused.
std::string check_seconds(std::string_view option, double seconds, double longest, std::string_view zero_means);

// A reply waits at most RFC 5321's longest timeout (§4.5.3.2: 10 minutes); a run may take
// longer, but not forever by a typo.
inline constexpr double reply_longest_s = 600;
inline constexpr double run_longest_s = 7 * 86400;

std::string utc_now_iso8601();

// --helo, --from and --rcpt: each given one replaces the scenarios' default; empty keeps it.
void set_envelope(Variables& variables, const std::string& helo, const std::string& from, const std::string& rcpt);

}  // namespace smtpspec::cli
