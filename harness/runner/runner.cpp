#include "runner/runner.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <chrono>

#include "core/evaluator.hpp"

namespace smtpspec {

Target tcp_target(HostPort where, Millis connect_timeout) {
    Target target;
    target.description = format_host_port(where.host, where.port);
    target.connect = [where, connect_timeout]() { return TcpTransport::connect(where.host, where.port, connect_timeout); };
    return target;
}

ScenarioResult unreachable_result(const Scenario& scenario, const std::string& error, const Registry& registry,
                                  const SessionOptions& options) {
    ScenarioResult result = result_header(scenario);
    ReplyExpectation first;
    first.command = std::string(greeting_command);
    if (!scenario.steps.empty() && !scenario.steps.front().replies.empty()) first = scenario.steps.front().replies.front();
    SessionFacts facts;
    facts.profile = options.profile;
    StepResult step;
    step.action = scenario.steps.empty() ? "greeting" : std::string(to_string(scenario.steps.front().action));
    step.judgement = judge(first, Closed{"could not connect: " + error}, facts, registry, nullptr);
    result.steps.push_back(std::move(step));
    result.transcript.push_back(TranscriptEntry{0, '*', "could not connect: " + error});
    for (std::size_t i = 1; i < scenario.steps.size(); ++i) {
        StepResult skipped;
        skipped.step = i;
        skipped.action = std::string(to_string(scenario.steps[i].action));
        skipped.judgement = judge_skipped("not run: no connection");
        result.steps.push_back(std::move(skipped));
    }
    const Verdict verdicts[] = {result.steps.front().judgement.verdict};
    result.outcome = outcome_of(verdicts, options.strict);
    return result;
}

void RunInterrupt::request(std::string why) {
    if (requested_) return;   // the first reason is the one that stopped the run
    requested_ = true;
    why_ = std::move(why);
    for (auto& signal : signals_) signal.emit(asio::cancellation_type::terminal);
}

asio::cancellation_slot RunInterrupt::slot() { return signals_.emplace_back().slot(); }

ScenarioResult interrupted_result(const Scenario& scenario, const std::string& why,
                                  std::vector<TranscriptEntry> transcript) {
    ScenarioResult result = result_header(scenario);
    result.outcome = Outcome::skipped;
    result.transcript = std::move(transcript);
    const std::int64_t t = result.transcript.empty() ? 0 : result.transcript.back().t_ms;
    result.transcript.push_back(TranscriptEntry{t, '*', why + "; this scenario is not judged"});
    return result;
}

namespace {

asio::awaitable<ScenarioResult> run_one(const Scenario& scenario, const Target& target, const Registry& registry,
                                        const SessionOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    auto connection = co_await target.connect();
    if (!connection.transport) {
        auto result = unreachable_result(scenario, connection.error, registry, options);
        result.duration_ms =
            std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count();
        co_return result;
    }
    co_return co_await run_session(scenario, *connection.transport, registry, options);
}

// A worker takes the next scenario until none is left; `jobs` workers share the list.
asio::awaitable<void> worker(const std::vector<Scenario>& scenarios, const Target& target, const Registry& registry,
                             const RunSettings& settings, std::vector<ScenarioResult>& results, std::size_t& next,
                             const RunObserver& observer, const RunInterrupt* interrupt) {
    const auto interrupted = [&] { return interrupt != nullptr && interrupt->requested(); };
    while (next < scenarios.size() && !interrupted()) {
        const std::size_t index = next++;
        if (observer.started) observer.started(scenarios[index]);
        ScenarioResult result;
        try {
            result = co_await run_one(scenarios[index], target, registry, settings.session);
        } catch (const std::exception& e) {
            // Only smtpspec's own failures (and cancellation) get here: the server's are observations.
            result = result_header(scenarios[index]);
            result.outcome = Outcome::error;
            result.harness_error = e.what();
        }
        // What a cancelled session observed is the interruption, not the server.
        if (interrupted()) result = interrupted_result(scenarios[index], interrupt->why(), std::move(result.transcript));
        results[index] = std::move(result);
        if (observer.finished) observer.finished(results[index]);
    }
}

}  // namespace

asio::awaitable<void> run_workers(std::size_t count, const std::function<asio::awaitable<void>()>& make,
                                  RunInterrupt* interrupt) {
    const auto executor = co_await asio::this_coro::executor;
    // Each worker reports on a channel when it ends, so this coroutine can wait for all of them.
    asio::experimental::channel<void(boost::system::error_code)> finished(executor, count);
    const auto worker_done = [&finished](std::exception_ptr) { finished.try_send(boost::system::error_code{}); };
    for (std::size_t j = 0; j < count; ++j) {
        if (interrupt != nullptr) {
            asio::co_spawn(executor, make(), asio::bind_cancellation_slot(interrupt->slot(), worker_done));
        } else {
            asio::co_spawn(executor, make(), worker_done);
        }
    }
    for (std::size_t j = 0; j < count; ++j) co_await finished.async_receive(asio::use_awaitable);
}

asio::awaitable<std::vector<ScenarioResult>> run_scenarios(const std::vector<Scenario>& scenarios, const Target& target,
                                                           const Registry& registry, const RunSettings& settings,
                                                           const RunObserver& observer, RunInterrupt* interrupt) {
    std::vector<ScenarioResult> results(scenarios.size());
    std::size_t next = 0;
    const std::size_t jobs = std::max<std::size_t>(1, std::min(settings.jobs, scenarios.size()));
    // Named: g++ 12 mishandles temporaries passed into a co_await'ed coroutine.
    const std::function<asio::awaitable<void>()> make_worker = [&] {
        return worker(scenarios, target, registry, settings, results, next, observer, interrupt);
    };
    co_await run_workers(jobs, make_worker, interrupt);
    // Scenarios an interruption kept from starting are reported as not run.
    for (std::size_t i = next; i < scenarios.size(); ++i) results[i] = interrupted_result(scenarios[i], interrupt->why());
    co_return results;
}

}  // namespace smtpspec
