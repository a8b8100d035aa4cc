#include "load/load_runner.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

namespace smtpspec {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t micros_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

struct Shared {
    const Scenario& session;
    const Target& target;
    const Registry& registry;
    const LoadRunSettings& settings;
    LoadTally& tally;
    RunInterrupt* interrupt;
    const RenderedSteps rendered = render_steps(session, settings.session.variables);
    std::uint64_t next = 0;

    bool interrupted() const { return interrupt != nullptr && interrupt->requested(); }
};

asio::awaitable<void> one_session(Shared& shared, std::uint64_t number) {
    const auto started = Clock::now();
    auto connection = co_await shared.target.connect();
    if (!connection.transport) {
        if (shared.interrupted()) co_return;
        const auto result = unreachable_result(shared.session, connection.error, shared.registry, shared.settings.session);
        shared.tally.add(number, result, true, micros_since(started));
        co_return;
    }
    shared.tally.add_connect_latency(micros_since(started));
    const auto result = co_await run_session(shared.session, *connection.transport, shared.registry, shared.settings.session,
                                           &shared.rendered);
    if (shared.interrupted()) co_return;
    shared.tally.add(number, result, false, micros_since(started));
}

asio::awaitable<void> worker(Shared& shared) {
    while (shared.next < shared.settings.sessions && !shared.interrupted()) {
        const std::uint64_t number = ++shared.next;
        try {
            co_await one_session(shared, number);
        } catch (const std::exception& e) {
            // Cancellation by an interrupt lands here too; it is no harness error.
            if (!shared.interrupted()) shared.tally.add_harness_error(number, e.what());
        }
    }
}

}  // namespace

asio::awaitable<void> run_load(const Scenario& session, const Target& target, const Registry& registry,
                               const LoadRunSettings& settings, LoadTally& tally, RunInterrupt* interrupt) {
    Shared shared{session, target, registry, settings, tally, interrupt};
    const auto workers = static_cast<std::size_t>(
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(settings.concurrency, settings.sessions)));
    // Named: g++ 12 mishandles temporaries passed into a co_await'ed coroutine.
    const std::function<asio::awaitable<void>()> make_worker = [&shared] { return worker(shared); };
    co_await run_workers(workers, make_worker, interrupt);
}

}  // namespace smtpspec
