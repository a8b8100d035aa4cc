#pragma once
// Load mode: `sessions` copies of one session, `concurrency` at a time on one io_context, each
// on a fresh connection and judged by the same session code as `run`; findings go to a tally,
// not to a list of results, so memory does not grow with the number of sessions.
#include <boost/asio/awaitable.hpp>

#include <cstdint>

#include "load/load_tally.hpp"
#include "runner/runner.hpp"

namespace smtpspec {

struct LoadRunSettings {
    std::uint64_t sessions = 1;
    std::size_t concurrency = 1;
    SessionOptions session;
};

// Returns when every session has finished or `interrupt` stopped the run; a session the
// interruption cut short is not tallied (its end says nothing about the server).
asio::awaitable<void> run_load(const Scenario& session, const Target& target, const Registry& registry,
                               const LoadRunSettings& settings, LoadTally& tally, RunInterrupt* interrupt = nullptr);

}  // namespace smtpspec
