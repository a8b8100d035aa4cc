#pragma once
// What may end a run before its work is done: SIGINT or SIGTERM, and --max-time. Either one
// requests the RunInterrupt with the reason the reports show, and is remembered for the exit
// code (128 + the signal, or 5). Shared by `run` and `load`.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>

#include "runner/runner.hpp"

namespace smtpspec::cli {

class StopConditions {
public:
    // `what` names the work in the reason: "the run" gives "the run was interrupted by signal 2"
    // and "the run reached --max-time 60 s". `max_time_s` 0: no time limit.
    StopConditions(const asio::any_io_executor& executor, RunInterrupt& interrupt, std::string what, double max_time_s);
    StopConditions(const StopConditions&) = delete;
    StopConditions& operator=(const StopConditions&) = delete;

    // Stops waiting, so that the io_context can run dry; call it before the work's frame ends.
    void cancel();

    int signal() const { return signal_; }          // the signal that stopped the work, or 0
    bool out_of_time() const { return out_of_time_; }

private:
    RunInterrupt& interrupt_;
    asio::signal_set signals_;
    asio::steady_timer max_time_;
    int signal_ = 0;
    bool out_of_time_ = false;
};

}  // namespace smtpspec::cli
