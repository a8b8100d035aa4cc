#pragma once
// The report a person reads at the end of a run: what failed, why, and the transcript lines
// that show it, then the counts. Pure formatting: the caller writes the string where it wants.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace smtpspec::reports {

// Whether to emit ANSI colour. The caller decides (a TTY and NO_COLOR unset, or a
// --color option) so that formatting never looks at the environment and stays testable.
enum class Colour { off, on };

// What a piece of console text means; each tone maps to one ANSI style.
enum class Tone { plain, good, warning, bad, error, muted, strong };

// `text` wrapped in the tone's ANSI style and a reset; `text` unchanged when colour is off or
// the tone is plain.
std::string paint(std::string_view text, Tone tone, Colour colour);

Tone tone_of(Outcome outcome);
Tone tone_of(Verdict verdict);

// Fixed-width words for an outcome, so that columns line up: "PASS", "WARN", "FAIL", "WAIVED", "UNIMPL",
// "SKIP", "ERROR".
std::string_view outcome_label(Outcome outcome);
inline constexpr std::size_t outcome_label_width = 6;

// "0 ms", "999 ms", "1.234 s", "2 min 3.456 s".
std::string format_duration(std::int64_t milliseconds);

struct ConsoleOptions {
    Colour colour = Colour::off;
    // Also list passed, waived, unimplemented and skipped scenarios, with one line per step.
    bool verbose = false;
};

// Every failed or warned scenario and every harness error — id, title, RFC section, level,
// and per offending step the octets sent, expected against actual, the rule, the detail and a
// window of the transcript around the step, escaped with escape_octets; each waived scenario in
// a line with its waivers; the baseline's entries that can go or have expired — then the summary.
std::string render_console_report(const RunResult& run, const ConsoleOptions& options);

// The summary alone: outcome and verdict counts, target, profile and total time.
std::string render_console_summary(const RunResult& run, Colour colour);

}  // namespace smtpspec::reports
