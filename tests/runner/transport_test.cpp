// Transports: host:port parsing, TCP connection failures as values, a spawned child's stdio,
// stderr and reaping.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <signal.h>

#include <array>

#include "transport/process_transport.hpp"
#include "transport/tcp_transport.hpp"

namespace smtpspec {
namespace {

template <typename T>
T run(asio::awaitable<T> awaitable) {
    asio::io_context io;
    std::optional<T> out;
    asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
        if (e) std::rethrow_exception(e);
        out = std::move(value);
    });
    io.run();
    return std::move(*out);
}

TEST(HostPort, ParsesTheFormsUsersWrite) {
    struct Row {
        const char* text;
        const char* host;
        const char* port;
    };
    for (const Row& row : {Row{"127.0.0.1:25", "127.0.0.1", "25"}, Row{"localhost:2525", "localhost", "2525"},
                           Row{"[::1]:587", "::1", "587"}, Row{"mx.example.org:65535", "mx.example.org", "65535"}}) {
        const auto parsed = parse_host_port(row.text);
        ASSERT_TRUE(parsed) << row.text;
        EXPECT_EQ(parsed->host, row.host);
        EXPECT_EQ(parsed->port, row.port);
    }
    for (const char* bad : {"", "127.0.0.1", ":25", "host:", "host:65536", "host:2x", "::1:25", "[::1]25", "[::1]:"})
        EXPECT_FALSE(parse_host_port(bad)) << bad;
    EXPECT_EQ(format_host_port("::1", "25"), "[::1]:25");
    EXPECT_EQ(format_host_port("127.0.0.1", "25"), "127.0.0.1:25");
}

TEST(TcpTransport, ARefusedConnectionIsAValueNamingTheTarget) {
    // Port 1 on loopback: nothing listens there on a test machine.
    const auto result = run(TcpTransport::connect("127.0.0.1", "1", Millis(2000)));
    EXPECT_EQ(result.transport, nullptr);
    EXPECT_NE(result.error.find("127.0.0.1:1"), std::string::npos) << result.error;
}

asio::awaitable<std::string> converse(std::string command, std::string input) {
    // Named, not a temporary: g++ 12 mishandles temporaries passed into a co_await'ed coroutine.
    const SpawnSettings settings{std::move(command), Millis(500)};
    auto spawned = co_await ProcessTransport::spawn(settings);
    if (!spawned.transport) co_return "spawn failed: " + spawned.error;
    auto& t = *spawned.transport;
    std::string seen;
    co_await t.write(input, Millis(1000));
    std::array<char, 256> buffer{};
    for (;;) {
        const auto got = co_await t.read_some(buffer, Millis(2000));
        if (!got.ok()) break;
        seen.append(buffer.data(), got.bytes);
    }
    co_await t.close();
    for (const auto& text : t.take_diagnostics()) seen += "[stderr:" + text + "]";
    co_return seen;
}

TEST(ProcessTransport, SpeaksOverTheChildsStdioAndKeepsItsStderr) {
    const auto seen = run(converse("/bin/sh -c 'read line; echo \"got $line\"; echo oops >&2'", "hello\n"));
    EXPECT_NE(seen.find("got hello"), std::string::npos) << seen;
    EXPECT_NE(seen.find("[stderr:oops\n]"), std::string::npos) << seen;
}

TEST(ProcessTransport, AChildThatIgnoresSigtermIsKilledAndReaped) {
    const auto started = std::chrono::steady_clock::now();
    // The child closes its stdout so the read ends, then lingers ignoring SIGTERM.
    const auto seen = run(converse("/bin/sh -c \"trap '' TERM; exec 1>&-; exec sleep 30\"", ""));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_LT(elapsed, std::chrono::seconds(5)) << "grace periods bound the wait: " << seen;
}

TEST(ProcessTransport, AMissingProgramIsAClosedStreamWithTheShellsComplaint) {
    const auto seen = run(converse("/nonexistent/smtpd -bs", "EHLO x\r\n"));
    EXPECT_NE(seen.find("nonexistent"), std::string::npos) << seen;
}

}  // namespace
}  // namespace smtpspec
