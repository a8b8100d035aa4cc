// run_load against the embedded reference server in the same process: the counts, the
// findings of a server that refuses some recipients, an unreachable target and an interrupt.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "load/load_plan.hpp"
#include "load/load_runner.hpp"
#include "server/reference_server.hpp"
#include "support/free_port.hpp"

namespace smtpspec {
namespace {

struct Load {
    LoadShape shape;
    LoadTally tally;
    bool finished = false;
};

LoadRunSettings settings_for(const LoadShape& shape) {
    LoadRunSettings settings;
    settings.sessions = shape.sessions;
    settings.concurrency = shape.concurrency;
    settings.session.reply_timeout = settings.session.greeting_timeout = settings.session.write_timeout = Millis(5000);
    return settings;
}

Target target_at(unsigned short port) { return tcp_target(HostPort{"127.0.0.1", std::to_string(port)}, Millis(5000)); }

// Runs the load on `io` against `target`; `interrupt_after` > 0 requests an interrupt then.
void run(asio::io_context& io, Load& load, const Target& target, Millis interrupt_after = Millis(0)) {
    const Scenario session = load_session_scenario(load.shape, Registry::builtin());
    const LoadRunSettings settings = settings_for(load.shape);
    RunInterrupt interrupt;
    asio::steady_timer stop(io);
    if (interrupt_after > Millis(0)) {
        stop.expires_after(interrupt_after);
        stop.async_wait([&](const boost::system::error_code& ec) {
            if (!ec) interrupt.request("stopped by the test");
        });
    }
    asio::co_spawn(io, run_load(session, target, Registry::builtin(), settings, load.tally, &interrupt),
                   [&](std::exception_ptr e) {
                       if (e) std::rethrow_exception(e);
                       load.finished = true;
                       io.stop();   // the server would keep the io_context running
                   });
    io.run_for(std::chrono::seconds(60));
}

TEST(LoadRunner, EverySessionAgainstTheReferenceServerIsClean) {
    asio::io_context io;
    ReferenceServer server(io.get_executor());
    const auto endpoint = server.start();
    Load load;
    load.shape.sessions = 60;
    load.shape.concurrency = 7;
    load.shape.messages = 2;
    load.shape.recipients = 3;
    run(io, load, target_at(endpoint.port()));
    ASSERT_TRUE(load.finished);
    const auto& c = load.tally.counts();
    EXPECT_EQ(c.sessions, 60u);
    EXPECT_EQ(c.clean_sessions, 60u);
    EXPECT_EQ(c.messages_accepted, 120u);
    EXPECT_EQ(c.replies, 60u * (4 + 2 * (3 + 3)));
    EXPECT_EQ(c.failures + c.warnings + c.unreachable + c.harness_errors, 0u);
    EXPECT_TRUE(load.tally.groups().empty());
    EXPECT_EQ(load.tally.connect_latency().count(), 60u);
    EXPECT_EQ(load.tally.session_latency().count(), 60u);
    for (const auto& command : load.tally.commands()) EXPECT_GT(command.latency.count(), 0u) << command.command;
}

TEST(LoadRunner, RefusedRecipientsAreOneFindingWithItsFirstSession) {
    asio::io_context io;
    ReferenceServerConfig config;
    config.engine.max_recipients = 2;   // the third RCPT of each transaction gets 452
    ReferenceServer server(io.get_executor(), config);
    const auto endpoint = server.start();
    Load load;
    load.shape.sessions = 10;
    load.shape.concurrency = 3;
    load.shape.recipients = 3;
    run(io, load, target_at(endpoint.port()));
    ASSERT_TRUE(load.finished);
    const auto& c = load.tally.counts();
    EXPECT_EQ(c.sessions, 10u);
    EXPECT_EQ(c.clean_sessions, 0u);
    EXPECT_EQ(c.failures, 10u);
    EXPECT_EQ(c.messages_accepted, 10u);   // two recipients were enough for the message
    ASSERT_EQ(load.tally.groups().size(), 1u);
    const VerdictGroup& group = load.tally.groups()[0];
    EXPECT_EQ(group.command, "RCPT");
    EXPECT_EQ(group.verdict, Verdict::unexpected);
    EXPECT_EQ(group.actual.substr(0, 3), "452");
    EXPECT_EQ(group.count, 10u);
    EXPECT_GE(group.first_session, 1u);
    EXPECT_FALSE(group.example.transcript.empty());
}

TEST(LoadRunner, AClosedPortMakesEverySessionUnreachable) {
    asio::io_context io;
    Load load;
    load.shape.sessions = 5;
    load.shape.concurrency = 2;
    run(io, load, target_at(testing::free_port()));
    ASSERT_TRUE(load.finished);
    EXPECT_EQ(load.tally.counts().sessions, 5u);
    EXPECT_EQ(load.tally.counts().unreachable, 5u);
    EXPECT_EQ(load.tally.counts().harness_errors, 0u);
    EXPECT_EQ(load.tally.connect_latency().count(), 0u);
}

TEST(LoadRunner, AnInterruptStopsTheRunWithoutBlamingTheServer) {
    asio::io_context io;
    ReferenceServer server(io.get_executor());
    const auto endpoint = server.start();
    Load load;
    load.shape.sessions = 10'000'000;
    load.shape.concurrency = 8;
    const auto started = std::chrono::steady_clock::now();
    run(io, load, target_at(endpoint.port()), Millis(300));
    EXPECT_TRUE(load.finished);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    const auto& c = load.tally.counts();
    EXPECT_GT(c.sessions, 0u);
    EXPECT_LT(c.sessions, load.shape.sessions);
    EXPECT_EQ(c.clean_sessions, c.sessions);   // the cut sessions are not tallied
    EXPECT_EQ(c.harness_errors, 0u);
}

}  // namespace
}  // namespace smtpspec
