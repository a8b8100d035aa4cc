#pragma once
// Runs scenarios, up to `jobs` at once on one io_context, each on a fresh connection, and
// returns their results in scenario order whatever the finishing order.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "runner/session.hpp"
#include "transport/tcp_transport.hpp"

namespace smtpspec {

struct Target {
    std::string description;   // for reports
    std::function<asio::awaitable<ConnectResult>()> connect;   // a fresh transport per call
};

Target tcp_target(HostPort where, Millis connect_timeout);

struct RunSettings {
    SessionOptions session;
    std::size_t jobs = 1;
};

// Told as each scenario starts and finishes, in the order that happens.
struct RunObserver {
    std::function<void(const Scenario&)> started;
    std::function<void(const ScenarioResult&)> finished;
};

// Stops a run early (SIGINT, SIGTERM, --max-time): no further scenario starts, the running
// ones are cancelled, and their results say they were not finished instead of blaming the server.
class RunInterrupt {
public:
    // `why` goes into the results of the scenarios it stops: "the run was interrupted".
    void request(std::string why);
    bool requested() const { return requested_; }
    const std::string& why() const { return why_; }
    asio::cancellation_slot slot();   // one per worker

private:
    bool requested_ = false;
    std::string why_;
    std::deque<asio::cancellation_signal> signals_;   // a deque: signals never move
};

// Runs `count` coroutines made by `make` at once and returns when all have ended; with an
// interrupt, each is cancelled through a slot of its own when it is requested.
asio::awaitable<void> run_workers(std::size_t count, const std::function<asio::awaitable<void>()>& make,
                                  RunInterrupt* interrupt);

asio::awaitable<std::vector<ScenarioResult>> run_scenarios(const std::vector<Scenario>& scenarios, const Target& target,
                                                           const Registry& registry, const RunSettings& settings,
                                                           const RunObserver& observer, RunInterrupt* interrupt = nullptr);

// The result of a scenario the run did not finish because it was interrupted, and why.
ScenarioResult interrupted_result(const Scenario& scenario, const std::string& why,
                                  std::vector<TranscriptEntry> transcript = {});

// The result of a scenario whose connection could not be made: the server's failure to
// answer, judged on the scenario's first awaited reply.
ScenarioResult unreachable_result(const Scenario& scenario, const std::string& error, const Registry& registry,
                                  const SessionOptions& options);

}  // namespace smtpspec
