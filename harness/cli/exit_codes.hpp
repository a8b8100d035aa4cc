#pragma once
// The process exit codes, documented in README.md and in --help.
namespace smtpspec::exit_code {
inline constexpr int ok = 0;               // no scenario failed
inline constexpr int failures = 1;         // at least one scenario failed
inline constexpr int usage = 2;            // bad option or bad scenario file; nothing ran
inline constexpr int unreachable = 3;      // the target could not be reached or started
inline constexpr int harness_error = 4;    // smtpspec itself failed
inline constexpr int incomplete = 5;       // --max-time ended the run before every scenario was judged
}  // namespace smtpspec::exit_code
