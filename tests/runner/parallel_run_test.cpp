// The parallel runner over the whole shipped library in one process: four jobs against the
// embedded reference server and four against `smtpspec serve --stdio` spawned per scenario, both
// runs at once on one io_context, with the reference server on a thread pool of its own. This is
// the test ci/sanitize runs under ThreadSanitizer: the runner itself is single-threaded
// coroutines, so the threads here are the server's pool (its strand keeps connections apart) and
// the lookup threads: the embedded target is named "localhost", so every connect looks the name
// up while children are forked for the stdio run (a fork once stranded Asio's own lookups).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include "cli/scenario_options.hpp"
#include "core/registry.hpp"
#include "runner/runner.hpp"
#include "server/reference_server.hpp"
#include "transport/process_transport.hpp"

namespace smtpspec {
namespace {

namespace asio = boost::asio;

// What `smtpspec run` takes by default: the shipped library, for its default profile.
std::vector<Scenario> shipped_scenarios() {
    std::ostringstream err;
    auto chosen = cli::choose_scenarios(cli::ScenarioOptions{}, "run", err);
    if (!chosen) {
        ADD_FAILURE() << err.str();
        return {};
    }
    return std::move(chosen->scenarios);
}

// How many scenarios were in flight at most, to show the jobs really overlapped. run_scenarios
// keeps a reference to the observer, so it lives here, as long as the run.
struct InFlight {
    InFlight() = default;
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

    std::size_t now = 0;
    std::size_t most = 0;
    const RunObserver observer{[this](const Scenario&) { most = std::max(most, ++now); },
                               [this](const ScenarioResult&) { --now; }};
};

struct Finished {
    std::vector<ScenarioResult> results;
    std::size_t most_in_flight = 0;
};

// Starts run_scenarios on `io`; the result lands in `run` when io.run() returns.
void start_run(asio::io_context& io, const std::vector<Scenario>& scenarios, const Target& target,
               const RunSettings& settings, InFlight& in_flight, std::optional<Finished>& run) {
    asio::co_spawn(io, run_scenarios(scenarios, target, Registry::builtin(), settings, in_flight.observer),
                   [&run, &in_flight](std::exception_ptr e, std::vector<ScenarioResult> results) {
                       if (e) std::rethrow_exception(e);
                       run = Finished{std::move(results), in_flight.most};
                   });
}

std::map<std::string, Outcome> outcomes_by_id(const std::vector<ScenarioResult>& results) {
    std::map<std::string, Outcome> out;
    for (const auto& result : results) out[result.id] = result.outcome;
    return out;
}

std::size_t count(const std::vector<ScenarioResult>& results, Outcome outcome) {
    return static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [outcome](const ScenarioResult& r) { return r.outcome == outcome; }));
}

// "id: outcome (harness error)" for every scenario that failed, warned or broke the harness.
std::vector<std::string> not_clean(const std::vector<ScenarioResult>& results) {
    std::vector<std::string> out;
    for (const auto& r : results)
        if (r.outcome == Outcome::failed || r.outcome == Outcome::warned || r.outcome == Outcome::error)
            out.push_back(r.id + ": " + std::string(to_string(r.outcome)) + " " + r.harness_error);
    return out;
}

TEST(ParallelRun, TheWholeLibraryWithFourJobsAgainstTheEmbeddedAndASpawnedServerAtOnce) {
    const auto scenarios = shipped_scenarios();
    ASSERT_GE(scenarios.size(), 200u);

    RunSettings settings;
    settings.session.reply_timeout = settings.session.greeting_timeout = settings.session.write_timeout = Millis(20000);
    const auto& variables = settings.session.variables.values;
    ReferenceServerConfig config;
    config.engine.users = {{variables.at("user"), variables.at("password")}};
    asio::thread_pool server_threads(2);
    ReferenceServer server(server_threads.get_executor(), config);
    const auto endpoint = server.start();
    const Target embedded = tcp_target(HostPort{"localhost", std::to_string(endpoint.port())}, Millis(20000));
    Target spawned;
    const SpawnSettings spawn{std::string("'") + SMTPSPEC_BINARY + "' serve --stdio"};
    spawned.connect = [spawn]() { return ProcessTransport::spawn(spawn); };

    // One job first: what the four-job run must reproduce, scenario by scenario.
    std::optional<Finished> sequential;
    {
        asio::io_context io;
        InFlight in_flight;
        start_run(io, scenarios, embedded, settings, in_flight, sequential);
        io.run();
    }
    ASSERT_TRUE(sequential);
    EXPECT_EQ(sequential->most_in_flight, 1u);

    settings.jobs = 4;
    std::optional<Finished> over_tcp;
    std::optional<Finished> over_stdio;
    {
        asio::io_context io;
        InFlight tcp_in_flight;
        InFlight stdio_in_flight;
        start_run(io, scenarios, embedded, settings, tcp_in_flight, over_tcp);
        start_run(io, scenarios, spawned, settings, stdio_in_flight, over_stdio);
        io.run();
    }
    server.stop();
    server_threads.join();
    ASSERT_TRUE(over_tcp);
    ASSERT_TRUE(over_stdio);

    EXPECT_EQ(over_tcp->most_in_flight, 4u);
    EXPECT_EQ(over_stdio->most_in_flight, 4u);
    // Results in scenario order, whatever the finishing order, and the same as one job gave.
    ASSERT_EQ(over_tcp->results.size(), scenarios.size());
    ASSERT_EQ(over_stdio->results.size(), scenarios.size());
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        EXPECT_EQ(over_tcp->results[i].id, scenarios[i].id);
        EXPECT_EQ(over_stdio->results[i].id, scenarios[i].id);
    }
    EXPECT_EQ(outcomes_by_id(over_tcp->results), outcomes_by_id(sequential->results));
    EXPECT_GE(count(over_tcp->results, Outcome::passed), 200u);
    EXPECT_EQ(not_clean(sequential->results), std::vector<std::string>{});
    EXPECT_EQ(not_clean(over_tcp->results), std::vector<std::string>{});
    EXPECT_EQ(not_clean(over_stdio->results), std::vector<std::string>{});
}

}  // namespace
}  // namespace smtpspec
