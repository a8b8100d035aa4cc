#pragma once
// Progress while a run goes on. On a terminal one line is rewritten in place, and only the
// scenarios that need a look (failed, warned, error) stay on screen; in a log (CI) every
// finished scenario gets one plain line, because a log cannot rewrite anything.
#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "reports/console_report.hpp"

namespace smtpspec::reports {

struct ProgressState {
    std::size_t total = 0;                      // scenarios the run will execute
    std::size_t finished = 0;
    std::map<Outcome, std::size_t> outcomes;    // of the finished scenarios; absent means zero
};

// The in-place line: "[12/37] 9 passed, 1 warned, 1 failed  rfc5321/4.1.1.3/2 RCPT after MAIL".
// `running_id` is empty between scenarios. The line is cut to `columns` display columns
// (0: no limit), counting a UTF-8 sequence as one column: a line longer than the terminal
// wraps, and a carriage return cannot go back over the wrap.
std::string progress_line(const ProgressState& state, std::string_view running_id, std::string_view running_title,
                          Colour colour, std::size_t columns);

// The line for a finished scenario: "PASS   rfc5321/4.1.1.9/1 NOOP is answered with 250 (3 ms)";
// a failed or warned one adds its worst step ("— step 3: unexpected, 250 2.1.5"), an error its
// harness error.
std::string finished_line(const ScenarioResult& scenario, Colour colour);

struct ProgressOptions {
    bool tty = false;               // the caller knows: isatty() on the stream's descriptor
    Colour colour = Colour::off;
    std::size_t columns = 80;       // the terminal's width, for the in-place line
};

// Writes progress to `out` as the runner reports it; flushes after each event so that a log
// shows each scenario as it ends.
class ProgressReporter {
public:
    ProgressReporter(std::ostream& out, std::size_t total, ProgressOptions options);

    void scenario_started(std::string_view id, std::string_view title);
    void scenario_finished(const ScenarioResult& scenario);
    // On a terminal: erases the progress line, so that the final report starts on a clean line.
    void finish();

private:
    void draw(std::string_view running_id, std::string_view running_title);
    void erase_line();

    std::ostream& out_;
    ProgressOptions options_;
    ProgressState state_;
    std::size_t drawn_columns_ = 0;   // of the in-place line on screen, to blank what is left of it
};

}  // namespace smtpspec::reports
