// Transports: host:port parsing, TCP connection failures as values, a spawned child's stdio,
// stderr and reaping.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <vector>

#include "server/reference_server.hpp"
#include "support/reply_end.hpp"
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

TEST(HostPort, NamesUnderInvalidAreRecognisedWithoutAResolver) {
    for (const char* name : {"invalid", "nonexistent.invalid", "a.b.INVALID", "mx.invalid."})
        EXPECT_TRUE(is_invalid_tld_name(name)) << name;
    for (const char* name : {"invalid.example", "notinvalid", "invalid-host", "localhost", "127.0.0.1", "::1", ""})
        EXPECT_FALSE(is_invalid_tld_name(name)) << name;
}

TEST(TcpTransport, AnInvalidNameFailsAtOnceNamingTheTarget) {
    // Answered before getaddrinfo, which would send the question to a DNS server.
    const auto result = run(TcpTransport::connect("nonexistent.invalid", "25", Millis(2000)));
    EXPECT_EQ(result.transport, nullptr);
    EXPECT_EQ(result.error, "nonexistent.invalid:25: no such host: names under .invalid never exist (RFC 6761 §6.4)");
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

TEST(TcpTransport, ConnectsToANameAndToAddressLiterals) {
    asio::io_context io;
    asio::ip::tcp::acceptor listening(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::string port = std::to_string(listening.local_endpoint().port());
    for (const char* host : {"127.0.0.1", "localhost"}) {
        // The transport is closed on the io_context that made it: a socket outliving its
        // io_context is a use after free (ASan found one here).
        const auto error = run([](std::string h, std::string p) -> asio::awaitable<std::string> {
            auto result = co_await TcpTransport::connect(h, p, Millis(2000));
            if (!result.transport) co_return result.error.empty() ? std::string("no transport") : result.error;
            co_await result.transport->close();
            co_return std::string();
        }(host, port));
        EXPECT_EQ(error, "") << host;
    }
}

struct BoundedIoSeen {
    std::vector<IoResult> results;
    std::vector<Millis> took;
    std::string late;
};

// A coroutine function, not a capturing lambda: a lambda coroutine's captures die with the
// closure, before the coroutine runs.
asio::awaitable<void> time_out_then_read(asio::ip::tcp::acceptor& listening, asio::ip::tcp::socket& peer,
                                         std::string port, BoundedIoSeen& seen) {
    using Clock = std::chrono::steady_clock;
    auto connection = co_await TcpTransport::connect("127.0.0.1", port, Millis(2000));
    if (!connection.transport) co_return;
    peer = co_await listening.async_accept(asio::use_awaitable);
    auto& t = *connection.transport;
    std::array<char, 64> buffer{};
    auto started = Clock::now();
    seen.results.push_back(co_await t.read_some(buffer, Millis(300)));   // the peer is silent
    seen.took.push_back(std::chrono::duration_cast<Millis>(Clock::now() - started));
    const std::string_view late = "220 late\r\n";
    co_await asio::async_write(peer, asio::buffer(late), asio::use_awaitable);
    seen.results.push_back(co_await t.read_some(buffer, Millis(2000)));
    seen.late.assign(buffer.data(), seen.results.back().bytes);
    // 64 MiB to a peer that reads nothing fills both socket buffers and stalls.
    const std::string flood(64 * 1024 * 1024, 'x');
    started = Clock::now();
    seen.results.push_back(co_await t.write(flood, Millis(300)));
    seen.took.push_back(std::chrono::duration_cast<Millis>(Clock::now() - started));
    co_await t.close();
}

// A read or write is bounded by a timer that cancels the socket's operation: the bound holds,
// and a read that timed out leaves the connection usable for the next one.
TEST(TcpTransport, ATimedOutReadOrWriteIsAValueAndTheConnectionStaysUsable) {
    asio::io_context io;
    asio::ip::tcp::acceptor listening(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::string port = std::to_string(listening.local_endpoint().port());
    asio::ip::tcp::socket peer(io);
    BoundedIoSeen seen;
    asio::co_spawn(io, time_out_then_read(listening, peer, port, seen), [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    io.run_for(std::chrono::seconds(10));
    ASSERT_EQ(seen.results.size(), 3u);
    EXPECT_EQ(seen.results[0].status, IoResult::Status::timeout);
    EXPECT_GE(seen.took[0], Millis(300));
    EXPECT_LT(seen.took[0], Millis(3000));
    EXPECT_TRUE(seen.results[1].ok());
    EXPECT_EQ(seen.late, "220 late\r\n");
    EXPECT_EQ(seen.results[2].status, IoResult::Status::timeout);
    EXPECT_GT(seen.results[2].bytes, 0u);
    EXPECT_LT(seen.results[2].bytes, 64u * 1024 * 1024);
    EXPECT_GE(seen.took[1], Millis(300));
    EXPECT_LT(seen.took[1], Millis(3000));
}

// Boost.Process forks to spawn a server, and every fork stops Asio's resolver thread until the
// next lookup: a lookup queued at that moment used to wait for ever, and no timer could end it.
TEST(TcpTransport, NameLookupsPendingWhileAServerIsSpawnedStillFinish) {
    asio::io_context io;
    asio::ip::tcp::acceptor listening(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const std::string port = std::to_string(listening.local_endpoint().port());
    constexpr int lookups = 4;
    int connected = 0;
    int spawned = 0;
    for (int i = 0; i < lookups; ++i) {
        asio::co_spawn(io, TcpTransport::connect("localhost", port, Millis(3000)),
                       [&](std::exception_ptr e, ConnectResult result) {
                           if (e) std::rethrow_exception(e);
                           EXPECT_NE(result.transport, nullptr) << result.error;
                           connected += result.transport != nullptr;
                       });
    }
    asio::co_spawn(io, converse("/bin/true", ""), [&](std::exception_ptr e, std::string) {
        if (e) std::rethrow_exception(e);
        ++spawned;
    });
    io.run_for(std::chrono::seconds(10));
    EXPECT_EQ(spawned, 1);
    EXPECT_EQ(connected, lookups);
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

// --- TLS: STARTTLS and implicit TLS against the embedded server and against bad peers ----------

namespace smtpspec {
namespace {

using tcp = asio::ip::tcp;
constexpr Millis tls_test_timeout{3000};

// Reads whole replies (through the line whose code is followed by SP) from any transport; a
// failure is returned in angle brackets instead of a reply.
class ReplyReader {
public:
    explicit ReplyReader(Transport& transport) : transport_(transport) {}

    asio::awaitable<std::string> reply() {
        for (;;) {
            if (const auto end = reply_end(); end != 0) {
                std::string reply = buffer_.substr(0, end);
                buffer_.erase(0, end);
                co_return reply;
            }
            std::array<char, 4096> chunk{};
            const IoResult got = co_await transport_.read_some(chunk, tls_test_timeout);
            if (!got.ok()) co_return "<" + std::string(got.status == IoResult::Status::closed ? "closed" : "failed") + ">";
            buffer_.append(chunk.data(), got.bytes);
        }
    }

    asio::awaitable<std::string> command(std::string_view line) {
        const std::string bytes = std::string(line) + "\r\n";
        const IoResult written = co_await transport_.write(bytes, tls_test_timeout);
        if (!written.ok()) co_return "<write failed: " + written.detail + ">";
        co_return co_await reply();
    }

private:
    std::size_t reply_end() const { return testing::end_of_first_reply(buffer_); }

    Transport& transport_;
    std::string buffer_;
};

// Runs `body(server, endpoint)` against a reference server on the same io_context; returns
// what the body noted.
using Notes = std::vector<std::string>;
Notes with_server(const ReferenceServerConfig& config,
                  const std::function<asio::awaitable<Notes>(ReferenceServer&, tcp::endpoint)>& body) {
    asio::io_context io;
    ReferenceServer server(io.get_executor(), config);
    const auto endpoint = server.start();
    std::optional<Notes> notes;
    std::exception_ptr failure;
    asio::co_spawn(io, body(server, endpoint), [&](std::exception_ptr e, Notes value) {
        failure = e;
        notes = std::move(value);
        server.stop();
    });
    io.run_for(std::chrono::seconds(10));
    if (failure) std::rethrow_exception(failure);
    if (!notes) ADD_FAILURE() << "the client did not finish";
    return notes ? *notes : Notes{};
}

std::shared_ptr<TlsClient> tls_client(bool implicit, bool verify = false, std::string ca_file = "",
                                      std::string server_name = "") {
    TlsSettings settings;
    settings.implicit = implicit;
    settings.verify = verify;
    settings.ca_file = std::move(ca_file);
    settings.server_name = std::move(server_name);
    return std::make_shared<TlsClient>(settings);
}

bool lists_starttls(const std::string& ehlo_reply) { return ehlo_reply.find("STARTTLS") != std::string::npos; }

TEST(TlsTransport, StarttlsEndToEndAgainstTheEmbeddedServer) {
    const Notes notes = with_server({}, [](ReferenceServer&, tcp::endpoint endpoint) -> asio::awaitable<Notes> {
        Notes seen;
        const std::string host = endpoint.address().to_string();
        const std::string port = std::to_string(endpoint.port());
        auto connected = co_await TcpTransport::connect(host, port, tls_test_timeout);
        if (!connected.transport) co_return Notes{"connect: " + connected.error};
        auto& transport = static_cast<TcpTransport&>(*connected.transport);
        ReplyReader client(transport);
        seen.push_back(co_await client.reply());                   // 0 greeting
        seen.push_back(co_await client.command("EHLO client.example"));   // 1
        seen.push_back(co_await client.command("STARTTLS"));       // 2
        seen.push_back(co_await transport.start_tls(tls_test_timeout));   // 3
        seen.push_back(transport.describe());                      // 4
        seen.push_back(transport.tls_description());               // 5
        // RFC 3207 §4.2: the session is back in its initial state, so MAIL needs a new EHLO.
        seen.push_back(co_await client.command("MAIL FROM:<a@example.com>"));   // 6
        seen.push_back(co_await client.command("EHLO client.example"));   // 7
        seen.push_back(co_await client.command("STARTTLS"));       // 8
        seen.push_back(co_await client.command("QUIT"));           // 9
        seen.push_back(co_await client.reply());                   // 10: the close, seen through TLS
        co_await transport.close();
        co_return seen;
    });
    ASSERT_EQ(notes.size(), 11u) << (notes.empty() ? "" : notes[0]);
    EXPECT_TRUE(notes[0].starts_with("220 ")) << notes[0];
    EXPECT_TRUE(lists_starttls(notes[1])) << notes[1];
    EXPECT_TRUE(notes[2].starts_with("220 ")) << notes[2];
    EXPECT_EQ(notes[3], "");
    EXPECT_TRUE(notes[4].ends_with(" (TLS)")) << notes[4];
    EXPECT_TRUE(notes[5].starts_with("TLSv1.")) << notes[5];
    EXPECT_TRUE(notes[6].starts_with("503 ")) << notes[6];
    EXPECT_TRUE(notes[7].starts_with("250")) << notes[7];
    EXPECT_FALSE(lists_starttls(notes[7])) << notes[7];
    EXPECT_TRUE(notes[8].starts_with("503 ")) << notes[8];
    EXPECT_TRUE(notes[9].starts_with("221 ")) << notes[9];
    EXPECT_EQ(notes[10], "<closed>");
}

TEST(TlsTransport, PlaintextPipelinedAfterStarttlsIsNotAnsweredAfterTheHandshake) {
    const Notes notes = with_server({}, [](ReferenceServer&, tcp::endpoint endpoint) -> asio::awaitable<Notes> {
        Notes seen;
        const std::string host = endpoint.address().to_string();
        const std::string port = std::to_string(endpoint.port());
        auto connected = co_await TcpTransport::connect(host, port, tls_test_timeout);
        if (!connected.transport) co_return Notes{"connect: " + connected.error};
        auto& transport = *connected.transport;
        ReplyReader client(transport);
        co_await client.reply();
        co_await client.command("EHLO client.example");
        // CVE-2011-0411: a command injected in plaintext behind STARTTLS, in the same write.
        const std::string injected = "STARTTLS\r\nRSET\r\nMAIL FROM:<injected@example.com>\r\n";
        const IoResult written = co_await transport.write(injected, tls_test_timeout);
        if (!written.ok()) co_return Notes{"write: " + written.detail};
        seen.push_back(co_await client.reply());                           // 0: the 220
        seen.push_back(co_await transport.start_tls(tls_test_timeout));    // 1
        seen.push_back(co_await client.command("NOOP"));                   // 2: the first reply over TLS
        seen.push_back(co_await client.command("MAIL FROM:<a@example.com>"));   // 3
        co_await transport.close();
        co_return seen;
    });
    ASSERT_EQ(notes.size(), 4u) << (notes.empty() ? "" : notes[0]);
    EXPECT_TRUE(notes[0].starts_with("220 ")) << notes[0];
    EXPECT_EQ(notes[1], "");
    EXPECT_TRUE(notes[2].starts_with("250 ")) << "RSET or MAIL from before the handshake was answered: " << notes[2];
    EXPECT_TRUE(notes[3].starts_with("503 ")) << "no EHLO since TLS started: " << notes[3];
}

TEST(TlsTransport, ImplicitTlsTargetAgainstAnImplicitTlsServer) {
    ReferenceServerConfig config;
    config.implicit_tls = true;
    const Notes notes = with_server(config, [](ReferenceServer&, tcp::endpoint endpoint) -> asio::awaitable<Notes> {
        Notes seen;
        const std::string host = endpoint.address().to_string();
        const std::string port = std::to_string(endpoint.port());
        auto tls = tls_client(true);
        auto connected = co_await TcpTransport::connect(host, port, tls_test_timeout, tls);
        if (!connected.transport) co_return Notes{"connect: " + connected.error};
        auto& transport = static_cast<TcpTransport&>(*connected.transport);
        ReplyReader client(transport);
        seen.push_back(transport.describe());                              // 0
        seen.push_back(co_await client.reply());                           // 1: the greeting, over TLS
        seen.push_back(co_await client.command("EHLO client.example"));   // 2
        seen.push_back(co_await client.command("QUIT"));                   // 3
        co_await transport.close();
        // A plaintext client of the same server gets no greeting: the server waits for TLS.
        auto plain = co_await TcpTransport::connect(host, port, tls_test_timeout);
        if (!plain.transport) co_return Notes{"connect: " + plain.error};
        std::array<char, 64> buffer{};
        const IoResult got = co_await plain.transport->read_some(buffer, Millis(300));
        seen.push_back(got.status == IoResult::Status::timeout ? "no greeting" : "greeting");   // 4
        co_await plain.transport->close();
        co_return seen;
    });
    ASSERT_EQ(notes.size(), 5u) << (notes.empty() ? "" : notes[0]);
    EXPECT_TRUE(notes[0].starts_with("127.0.0.1:")) << notes[0];
    EXPECT_TRUE(notes[0].ends_with(" (TLS)")) << notes[0];
    EXPECT_TRUE(notes[1].starts_with("220 ")) << notes[1];
    EXPECT_TRUE(notes[2].starts_with("250")) << notes[2];
    EXPECT_FALSE(lists_starttls(notes[2])) << "no STARTTLS on a connection that is TLS already: " << notes[2];
    EXPECT_TRUE(notes[3].starts_with("221 ")) << notes[3];
    EXPECT_EQ(notes[4], "no greeting");
}

// A TCP peer that accepts one connection, optionally writes `says`, then holds it open
// silently until the io_context stops.
struct BadPeer {
    explicit BadPeer(asio::io_context& io, std::string says = "")
        : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), peer(io), text(std::move(says)) {
        acceptor.async_accept(peer, [this](const boost::system::error_code& ec) {
            if (!ec && !text.empty()) asio::async_write(peer, asio::buffer(text), [](auto, auto) {});
        });
    }
    std::string port() const { return std::to_string(acceptor.local_endpoint().port()); }

    tcp::acceptor acceptor;
    tcp::socket peer;
    std::string text;
};

template <typename T>
T run_for(asio::io_context& io, asio::awaitable<T> awaitable) {
    std::optional<T> out;
    asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
        if (e) std::rethrow_exception(e);
        out = std::move(value);
        io.stop();
    });
    io.run_for(std::chrono::seconds(10));
    if (!out) throw std::runtime_error("the client did not finish");
    return std::move(*out);
}

asio::awaitable<std::string> implicit_connect(std::string port, Millis timeout) {
    auto tls = tls_client(true);
    const std::string host = "127.0.0.1";
    auto connected = co_await TcpTransport::connect(host, port, timeout, tls);
    if (connected.transport) co_return "connected";
    co_return connected.error;
}

asio::awaitable<std::string> starttls_then_read(std::string port, Millis timeout) {
    const std::string host = "127.0.0.1";
    auto connected = co_await TcpTransport::connect(host, port, timeout);
    if (!connected.transport) co_return "connect: " + connected.error;
    std::string said = co_await connected.transport->start_tls(timeout);
    std::array<char, 64> buffer{};
    const IoResult after = co_await connected.transport->read_some(buffer, timeout);
    said += after.ok() ? " | read ok" : " | read: " + after.detail;
    co_await connected.transport->close();
    co_return said;
}

TEST(TlsTransport, AStalledImplicitHandshakeIsBoundedByTheConnectTimeout) {
    asio::io_context io;
    BadPeer silent(io);
    const auto started = std::chrono::steady_clock::now();
    const std::string error = run_for(io, implicit_connect(silent.port(), Millis(500)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_NE(error.find("127.0.0.1:" + silent.port()), std::string::npos) << error;
    EXPECT_NE(error.find("TLS handshake timed out after 500 ms"), std::string::npos) << error;
}

TEST(TlsTransport, AStalledStarttlsHandshakeIsBounded) {
    asio::io_context io;
    BadPeer silent(io);
    const auto started = std::chrono::steady_clock::now();
    const std::string said = run_for(io, starttls_then_read(silent.port(), Millis(500)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_NE(said.find("TLS handshake timed out after 500 ms"), std::string::npos) << said;
    EXPECT_NE(said.find("| read: "), std::string::npos) << "no I/O after a failed handshake: " << said;
}

TEST(TlsTransport, GarbageInsteadOfAServerHelloFailsCleanlyWithAMessage) {
    asio::io_context io;
    BadPeer garbage(io, "220 this is not a TLS ServerHello, it is plaintext SMTP\r\n");
    const std::string said = run_for(io, starttls_then_read(garbage.port(), Millis(2000)));
    EXPECT_NE(said.find("127.0.0.1:" + garbage.port() + ": TLS handshake failed: "), std::string::npos) << said;
    EXPECT_NE(said.find("| read: "), std::string::npos) << said;
}

// A file holding `text`, removed when the test ends.
struct TempFile {
    explicit TempFile(const std::string& text) {
        char name[] = "/tmp/smtpspec-tls-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd < 0) throw std::runtime_error("mkstemp failed");
        ::close(fd);
        path = name;
        std::ofstream(path) << text;
    }
    ~TempFile() { std::remove(path.c_str()); }
    std::string path;
};

TEST(TlsTransport, VerificationFailsAgainstTheSelfSignedServerAndSucceedsWithItsCertificateAsCa) {
    ReferenceServerConfig config;
    config.implicit_tls = true;
    const Notes notes = with_server(config, [](ReferenceServer& server, tcp::endpoint endpoint) -> asio::awaitable<Notes> {
        Notes seen;
        const std::string host = endpoint.address().to_string();
        const std::string port = std::to_string(endpoint.port());
        const TempFile ca(server.certificate_pem());
        const TempFile not_a_certificate("hello\n");
        const std::string localhost = "localhost";
        struct Try {
            std::string host;
            std::shared_ptr<TlsClient> tls;
        };
        const std::vector<Try> tries{
            {host, tls_client(true, true)},                                          // 0: system store
            {host, tls_client(true, true, ca.path)},                                  // 1: its certificate
            {localhost, tls_client(true, true, ca.path)},                             // 2: by name
            {host, tls_client(true, true, ca.path, "wrong.example")},                 // 3: wrong name
            {host, tls_client(true, true, not_a_certificate.path)},                   // 4: bad CA file
        };
        for (const Try& attempt : tries) {
            auto connected = co_await TcpTransport::connect(attempt.host, port, tls_test_timeout, attempt.tls);
            if (!connected.transport) {
                seen.push_back(connected.error);
                continue;
            }
            ReplyReader client(*connected.transport);
            const std::string greeting = co_await client.reply();
            seen.push_back("ok: " + greeting);
            co_await connected.transport->close();
        }
        co_return seen;
    });
    ASSERT_EQ(notes.size(), 5u) << (notes.empty() ? "" : notes[0]);
    EXPECT_NE(notes[0].find("cannot verify the certificate for '127.0.0.1': self-signed certificate"), std::string::npos)
        << notes[0];
    EXPECT_TRUE(notes[1].starts_with("ok: 220 ")) << notes[1];
    EXPECT_TRUE(notes[2].starts_with("ok: 220 ")) << notes[2];
    EXPECT_NE(notes[3].find("cannot verify the certificate for 'wrong.example': hostname mismatch"), std::string::npos)
        << notes[3];
    EXPECT_NE(notes[4].find("cannot load CA certificates from '"), std::string::npos) << notes[4];
}

}  // namespace
}  // namespace smtpspec
