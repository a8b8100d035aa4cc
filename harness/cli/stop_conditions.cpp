#include "cli/stop_conditions.hpp"

#include <fmt/format.h>

#include <csignal>

#include "cli/option_values.hpp"

namespace smtpspec::cli {

StopConditions::StopConditions(const asio::any_io_executor& executor, RunInterrupt& interrupt, std::string what,
                               double max_time_s)
    : interrupt_(interrupt), signals_(executor, SIGINT, SIGTERM), max_time_(executor) {
    // A cancelled wait completes after cancel(), perhaps once this object is gone: the handlers
    // look at the error first and touch nothing else then.
    signals_.async_wait([this, what](const boost::system::error_code& ec, int signal) {
        if (ec || interrupt_.requested()) return;
        signal_ = signal;
        interrupt_.request(fmt::format("{} was interrupted by signal {}", what, signal));
    });
    if (max_time_s > 0) {
        max_time_.expires_after(seconds_to_millis(max_time_s));
        max_time_.async_wait([this, what, max_time_s](const boost::system::error_code& ec) {
            if (ec || interrupt_.requested()) return;
            out_of_time_ = true;
            interrupt_.request(fmt::format("{} reached --max-time {} s", what, max_time_s));
        });
    }
}

void StopConditions::cancel() {
    signals_.cancel();
    max_time_.cancel();
}

}  // namespace smtpspec::cli
