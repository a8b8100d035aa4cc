// The reference server on real sockets and pipes: sessions, concurrency, the idle timeout,
// stop(), the stdio session and `smtpspec serve`'s error paths.
#include "server/reference_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "server/stdio_server.hpp"
#include "support/reply_end.hpp"
#include "transport/tcp_transport.hpp"

namespace smtpspec {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// An SMTP client that reads whole replies (through the line whose code is followed by SP).
class Client {
public:
    explicit Client(tcp::socket socket) : socket_(std::move(socket)) {}

    static asio::awaitable<Client> connect(tcp::endpoint endpoint) {
        tcp::socket socket(co_await asio::this_coro::executor);
        co_await socket.async_connect(endpoint, asio::use_awaitable);
        co_return Client(std::move(socket));
    }

    asio::awaitable<void> send(std::string_view bytes) {
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), asio::use_awaitable);
    }

    // One complete reply, every line with its CRLF.
    asio::awaitable<std::string> reply() {
        for (;;) {
            if (const auto end = reply_end(); end != 0) {
                std::string reply = buffer_.substr(0, end);
                buffer_.erase(0, end);
                co_return reply;
            }
            co_await read_more();
        }
    }

    asio::awaitable<std::string> command(std::string_view line) {
        co_await send(std::string(line) + "\r\n");
        co_return co_await reply();
    }

    // True when the server closes the connection without sending anything more.
    asio::awaitable<bool> closed_by_server() {
        try {
            while (buffer_.empty()) co_await read_more();
            co_return false;
        } catch (const boost::system::system_error& e) {
            co_return e.code() == asio::error::eof && buffer_.empty();
        }
    }

private:
    std::size_t reply_end() const { return testing::end_of_first_reply(buffer_); }

    asio::awaitable<void> read_more() {
        char chunk[4096];
        const std::size_t n = co_await socket_.async_read_some(asio::buffer(chunk), asio::use_awaitable);
        buffer_.append(chunk, n);
    }

    tcp::socket socket_;
    std::string buffer_;
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.starts_with(prefix); }

class ReferenceServerTest : public ::testing::Test {
protected:
    void start() {
        server_ = std::make_unique<ReferenceServer>(io_.get_executor(), config_);
        endpoint_ = server_->start();
    }

    // Runs the client coroutine, then stops the server; fails unless everything ended by then.
    template <typename Body>
    void run(Body body) {
        bool finished = false;
        std::exception_ptr failure;
        asio::co_spawn(io_, body(), [&](std::exception_ptr e) {
            failure = e;
            finished = true;
            server_->stop();
        });
        io_.run_for(5s);
        ASSERT_TRUE(finished) << "the client did not finish";
        ASSERT_TRUE(io_.stopped()) << "the server still had work after stop()";
        if (failure) std::rethrow_exception(failure);
    }

    asio::io_context io_;
    ReferenceServerConfig config_;
    std::unique_ptr<ReferenceServer> server_;
    tcp::endpoint endpoint_;
};

TEST_F(ReferenceServerTest, BindsToLoopbackOnAnEphemeralPortByDefault) {
    start();
    EXPECT_EQ(endpoint_.address(), asio::ip::make_address("127.0.0.1"));
    EXPECT_NE(endpoint_.port(), 0);
    run([&]() -> asio::awaitable<void> { co_return; });
}

TEST_F(ReferenceServerTest, FullTransaction) {
    start();
    run([&]() -> asio::awaitable<void> {
        Client client = co_await Client::connect(endpoint_);
        EXPECT_EQ(co_await client.reply(), "220 smtpspec.localhost ESMTP smtpspec reference server\r\n");
        const std::string ehlo = co_await client.command("EHLO client.example");
        EXPECT_TRUE(starts_with(ehlo, "250-smtpspec.localhost")) << ehlo;
        EXPECT_NE(ehlo.find("250-PIPELINING\r\n"), std::string::npos) << ehlo;
        EXPECT_EQ(co_await client.command("MAIL FROM:<a@example.com>"), "250 2.1.0 Sender <a@example.com> OK\r\n");
        EXPECT_EQ(co_await client.command("RCPT TO:<postmaster@example.com>"),
                  "250 2.1.5 Recipient <postmaster@example.com> OK\r\n");
        EXPECT_EQ(co_await client.command("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
        EXPECT_EQ(co_await client.command("Subject: test\r\n\r\n..dot\r\n."),
                  "250 2.0.0 Message accepted, queued as SMTPSPEC1\r\n");
        EXPECT_EQ(co_await client.command("QUIT"), "221 2.0.0 smtpspec.localhost closing connection\r\n");
        EXPECT_TRUE(co_await client.closed_by_server());
    });
}

TEST_F(ReferenceServerTest, PipelinedCommandsAreAnsweredInOrder) {
    start();
    run([&]() -> asio::awaitable<void> {
        Client client = co_await Client::connect(endpoint_);
        co_await client.reply();
        co_await client.send("HELO client.example\r\nMAIL FROM:<>\r\nRCPT TO:<Postmaster>\r\nQUIT\r\nNOOP\r\n");
        EXPECT_EQ(co_await client.reply(), "250 smtpspec.localhost\r\n");
        EXPECT_EQ(co_await client.reply(), "250 2.1.0 Sender <> OK\r\n");
        EXPECT_EQ(co_await client.reply(), "250 2.1.5 Recipient <Postmaster> OK\r\n");
        EXPECT_EQ(co_await client.reply(), "221 2.0.0 smtpspec.localhost closing connection\r\n");
        EXPECT_TRUE(co_await client.closed_by_server());
    });
}

TEST_F(ReferenceServerTest, TwoConnectionsAreIndependentSessions) {
    start();
    run([&]() -> asio::awaitable<void> {
        Client first = co_await Client::connect(endpoint_);
        Client second = co_await Client::connect(endpoint_);
        co_await first.reply();
        co_await second.reply();
        co_await first.command("EHLO first.example");
        EXPECT_EQ(co_await first.command("MAIL FROM:<first@example.com>"),
                  "250 2.1.0 Sender <first@example.com> OK\r\n");
        // The second session has no transaction of its own yet.
        co_await second.command("EHLO second.example");
        EXPECT_EQ(co_await second.command("RCPT TO:<b@example.com>"), "503 5.5.1 Send MAIL first\r\n");
        EXPECT_EQ(co_await second.command("MAIL FROM:<second@example.com>"),
                  "250 2.1.0 Sender <second@example.com> OK\r\n");
        co_await second.command("RCPT TO:<b@example.com>");
        EXPECT_EQ(co_await second.command("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
        EXPECT_EQ(co_await second.command("hello\r\n."), "250 2.0.0 Message accepted, queued as SMTPSPEC1\r\n");
        EXPECT_EQ(co_await first.command("RCPT TO:<b@example.com>"), "250 2.1.5 Recipient <b@example.com> OK\r\n");
        EXPECT_EQ(co_await first.command("QUIT"), "221 2.0.0 smtpspec.localhost closing connection\r\n");
        EXPECT_EQ(co_await second.command("QUIT"), "221 2.0.0 smtpspec.localhost closing connection\r\n");
        EXPECT_TRUE(co_await first.closed_by_server());
        EXPECT_TRUE(co_await second.closed_by_server());
    });
}

TEST_F(ReferenceServerTest, IdleConnectionGets421AndIsClosed) {
    config_.idle_timeout = 200ms;
    start();
    run([&]() -> asio::awaitable<void> {
        Client client = co_await Client::connect(endpoint_);
        co_await client.reply();
        const auto before = std::chrono::steady_clock::now();
        EXPECT_EQ(co_await client.reply(), "421 4.4.2 smtpspec.localhost idle for too long, closing connection\r\n");
        const auto waited = std::chrono::steady_clock::now() - before;
        EXPECT_GE(waited, 150ms);
        EXPECT_LT(waited, 900ms);
        EXPECT_TRUE(co_await client.closed_by_server());
    });
}

TEST_F(ReferenceServerTest, IdleTimeoutRestartsWithEveryRead) {
    config_.idle_timeout = 200ms;
    start();
    run([&]() -> asio::awaitable<void> {
        Client client = co_await Client::connect(endpoint_);
        co_await client.reply();
        asio::steady_timer pause(co_await asio::this_coro::executor);
        for (int i = 0; i < 4; ++i) {   // 480 ms in all, never 200 ms silent
            pause.expires_after(120ms);
            co_await pause.async_wait(asio::use_awaitable);
            EXPECT_EQ(co_await client.command("NOOP"), "250 2.0.0 OK\r\n");
        }
        EXPECT_EQ(co_await client.command("QUIT"), "221 2.0.0 smtpspec.localhost closing connection\r\n");
    });
}

TEST_F(ReferenceServerTest, StopSends421ToEveryConnectionAndClosesTheListener) {
    start();
    run([&]() -> asio::awaitable<void> {
        Client idle = co_await Client::connect(endpoint_);
        Client sending = co_await Client::connect(endpoint_);
        co_await idle.reply();
        co_await sending.reply();
        co_await sending.command("HELO client.example");
        co_await sending.command("MAIL FROM:<a@example.com>");
        co_await sending.command("RCPT TO:<b@example.com>");
        co_await sending.command("DATA");
        co_await sending.send("half a message");
        server_->stop();
        const std::string shutting_down = "421 4.3.2 smtpspec.localhost server shutting down, closing connection\r\n";
        EXPECT_EQ(co_await idle.reply(), shutting_down);
        EXPECT_EQ(co_await sending.reply(), shutting_down);
        EXPECT_TRUE(co_await idle.closed_by_server());
        EXPECT_TRUE(co_await sending.closed_by_server());
        tcp::socket late(co_await asio::this_coro::executor);
        boost::system::error_code refused;
        co_await late.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, refused));
        EXPECT_EQ(refused, asio::error::connection_refused);
    });
}

TEST_F(ReferenceServerTest, StopDoesNotWaitForAClientThatStoppedReading) {
    start();
    auto socket = std::make_shared<tcp::socket>(io_);
    const auto flood = std::make_shared<std::string>();
    for (int i = 0; i < 1'000'000; ++i) *flood += "NOOP\r\n";   // ~16 MB of replies nobody reads
    const auto before = std::chrono::steady_clock::now();
    run([&]() -> asio::awaitable<void> {
        co_await socket->async_connect(endpoint_, asio::use_awaitable);
        auto write_flood = [socket, flood]() -> asio::awaitable<void> {
            co_await asio::async_write(*socket, asio::buffer(*flood), asio::as_tuple(asio::use_awaitable));
        };
        asio::co_spawn(io_, write_flood(), asio::detached);
        asio::steady_timer pause(io_, 200ms);
        co_await pause.async_wait(asio::use_awaitable);
    });
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1500ms);
}

// --- stdio -----------------------------------------------------------------------------------

struct Pipe {
    Pipe() { EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0); }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() { close_end(0); }
    void close_write() { close_end(1); }
    void close_end(int end) {
        if (fds[end] >= 0) ::close(fds[end]);
        fds[end] = -1;
    }
    int read_end() const { return fds[0]; }
    int write_end() const { return fds[1]; }
    int fds[2] = {-1, -1};
};

void write_text(int fd, std::string_view text) {
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

std::string read_to_end(int fd) {
    std::string text;
    char chunk[4096];
    for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) > 0;) text.append(chunk, static_cast<std::size_t>(n));
    return text;
}

struct StdioRun {
    StdioSessionEnd end;
    std::string output;
};

// Serves a session on pipes, writing `input` and then closing the input if asked to.
StdioRun run_stdio(std::string_view input, bool close_input, std::chrono::milliseconds idle_timeout) {
    Pipe to_server;
    Pipe from_server;
    StdioServerConfig config;
    config.idle_timeout = idle_timeout;
    auto session = std::async(std::launch::async, [&] {
        const StdioSessionEnd end = serve_stdio_session(to_server.read_end(), from_server.write_end(), config);
        from_server.close_write();
        return end;
    });
    write_text(to_server.write_end(), input);
    if (close_input) to_server.close_write();
    std::string output = read_to_end(from_server.read_end());
    return {session.get(), output};
}

TEST(StdioServer, ServesOneSessionUntilQuit) {
    const StdioRun run = run_stdio("EHLO client.example\r\nNOOP\r\nQUIT\r\nNOOP\r\n", false, 5s);
    EXPECT_EQ(run.end, StdioSessionEnd::quit);
    EXPECT_TRUE(run.output.starts_with("220 smtpspec.localhost ESMTP smtpspec reference server\r\n250-")) << run.output;
    EXPECT_TRUE(run.output.ends_with("250-HELP\r\n250 ETRN\r\n250 2.0.0 OK\r\n221 2.0.0 smtpspec.localhost closing connection\r\n"))
        << run.output;
}

TEST(StdioServer, EndsWhenTheInputEnds) {
    const StdioRun run = run_stdio("NOOP\r\n", true, 5s);
    EXPECT_EQ(run.end, StdioSessionEnd::end_of_input);
    EXPECT_TRUE(run.output.ends_with("\r\n250 2.0.0 OK\r\n")) << run.output;
}

TEST(StdioServer, IdleSessionGets421) {
    const StdioRun run = run_stdio("NOOP\r\n", false, 100ms);
    EXPECT_EQ(run.end, StdioSessionEnd::idle_timeout);
    EXPECT_TRUE(run.output.ends_with(
        "250 2.0.0 OK\r\n421 4.4.2 smtpspec.localhost idle for too long, closing connection\r\n"))
        << run.output;
}

// --- smtpspec serve ----------------------------------------------------------------------------

int serve(const cli::ServeOptions& options, std::string& err) {
    std::ostringstream out_stream;
    std::ostringstream err_stream;
    const int code = cli::run_serve(options, out_stream, err_stream);
    err = err_stream.str();
    return code;
}

class BadListenValue : public ::testing::TestWithParam<std::string> {};

TEST_P(BadListenValue, IsAUsageErrorNamingIt) {
    cli::ServeOptions options;
    options.listen = GetParam();
    std::string err;
    EXPECT_EQ(serve(options, err), exit_code::usage);
    EXPECT_NE(err.find("\"" + GetParam() + "\""), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Serve, BadListenValue,
                         ::testing::Values("localhost", "127.0.0.1", "127.0.0.1:", ":2525", "127.0.0.1:65536",
                                           "127.0.0.1:25x", "::1:2525", "[::1]2525", "no-such-host.invalid:25"));

TEST(Serve, NonPositiveIdleTimeoutIsAUsageError) {
    cli::ServeOptions options;
    options.idle_timeout_s = 0;
    std::string err;
    EXPECT_EQ(serve(options, err), exit_code::usage);
    EXPECT_NE(err.find("--idle-timeout"), std::string::npos) << err;
}

TEST(Serve, PortInUseIsUnreachableNamingHostAndPort) {
    asio::io_context io;
    tcp::acceptor occupied(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = occupied.local_endpoint().port();
    cli::ServeOptions options;
    options.listen = "127.0.0.1:" + std::to_string(port);
    std::string err;
    EXPECT_EQ(serve(options, err), exit_code::unreachable);
    EXPECT_NE(err.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << err;
}

// A stream buffer two threads may share: run_serve prints while the test polls.
class SharedText : public std::streambuf {
public:
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        std::lock_guard lock(mutex_);
        text_.push_back(traits_type::to_char_type(c));
        return c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        std::lock_guard lock(mutex_);
        text_.append(s, static_cast<std::size_t>(n));
        return n;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

TEST(Serve, ListensUntilSigterm) {
    SharedText out_text;
    SharedText err_text;
    std::ostream out(&out_text);
    std::ostream err(&err_text);
    cli::ServeOptions options;
    options.listen = "127.0.0.1:0";
    auto serving = std::async(std::launch::async, [&] { return cli::run_serve(options, out, err); });

    const std::string prefix = "listening on 127.0.0.1:";
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (out_text.text().find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    const std::string line = out_text.text();
    ASSERT_TRUE(line.starts_with(prefix)) << line << err_text.text();
    const auto port = static_cast<unsigned short>(std::stoi(line.substr(prefix.size())));

    asio::io_context io;
    tcp::socket client(io);
    client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::string greeting;
    asio::read_until(client, asio::dynamic_buffer(greeting), "\r\n");
    EXPECT_TRUE(greeting.starts_with("220 smtpspec.localhost")) << greeting;

    std::raise(SIGTERM);
    ASSERT_EQ(serving.wait_for(2s), std::future_status::ready);
    EXPECT_EQ(serving.get(), exit_code::ok);
    std::string rest;
    boost::system::error_code end;
    asio::read(client, asio::dynamic_buffer(rest), end);
    EXPECT_EQ(rest, "421 4.3.2 smtpspec.localhost server shutting down, closing connection\r\n");
    EXPECT_EQ(end, asio::error::eof);
}

}  // namespace
}  // namespace smtpspec

// --- TLS: STARTTLS (RFC 3207) and implicit TLS (RFC 8314) ----------------------------------------

namespace smtpspec {
namespace {

constexpr Millis tls_timeout{3000};

// Reads from a raw socket until the server ends the connection (or `limit` passes); returns
// what arrived and whether the connection ended.
struct Ending {
    std::string received;
    bool ended = false;
};

asio::awaitable<Ending> read_until_closed(tcp::socket& socket, std::chrono::milliseconds limit) {
    using namespace asio::experimental::awaitable_operators;
    Ending ending;
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    std::array<char, 4096> chunk{};
    for (;;) {
        auto outcome = co_await (socket.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable)) ||
                                 timer.async_wait(asio::as_tuple(asio::use_awaitable)));
        if (outcome.index() == 1) co_return ending;
        const auto [error, n] = std::get<0>(outcome);
        ending.received.append(chunk.data(), n);
        if (error) {
            ending.ended = true;
            co_return ending;
        }
    }
}

// One reply through a transport (through the line whose code is followed by SP).
asio::awaitable<std::string> transport_reply(Transport& transport, std::string& buffer) {
    for (;;) {
        std::size_t start = 0;
        for (auto end = buffer.find("\r\n"); end != std::string::npos; end = buffer.find("\r\n", start)) {
            const bool last = end - start < 4 || buffer[start + 3] == ' ';
            start = end + 2;
            if (last) {
                std::string reply = buffer.substr(0, start);
                buffer.erase(0, start);
                co_return reply;
            }
        }
        std::array<char, 4096> chunk{};
        const IoResult got = co_await transport.read_some(chunk, tls_timeout);
        if (!got.ok()) co_return got.status == IoResult::Status::closed ? "<closed>" : "<failed: " + got.detail + ">";
        buffer.append(chunk.data(), got.bytes);
    }
}

asio::awaitable<std::string> transport_command(Transport& transport, std::string& buffer, std::string_view line) {
    const std::string bytes = std::string(line) + "\r\n";
    const IoResult written = co_await transport.write(bytes, tls_timeout);
    if (!written.ok()) co_return "<write failed: " + written.detail + ">";
    co_return co_await transport_reply(transport, buffer);
}

TEST_F(ReferenceServerTest, OffersStarttlsByDefault) {
    start();
    EXPECT_NE(server_->certificate_pem().find("-----BEGIN CERTIFICATE-----"), std::string::npos);
    run([&]() -> asio::awaitable<void> {
        auto client = co_await Client::connect(endpoint_);
        co_await client.reply();
        const std::string ehlo = co_await client.command("EHLO client.example");
        const bool listed = ehlo.find("250-STARTTLS\r\n") != std::string::npos || ehlo.ends_with("250 STARTTLS\r\n");
        EXPECT_TRUE(listed) << ehlo;
        EXPECT_TRUE(starts_with(co_await client.command("STARTTLS now"), "501 ")) << "STARTTLS takes no parameter";
    });
}

TEST_F(ReferenceServerTest, WithoutStarttlsNeitherOffersNorMakesACertificate) {
    config_.starttls = false;
    config_.engine.tls_available = true;   // the server decides, not the caller's engine config
    start();
    EXPECT_EQ(server_->certificate_pem(), "");
    run([&]() -> asio::awaitable<void> {
        auto client = co_await Client::connect(endpoint_);
        co_await client.reply();
        const std::string ehlo = co_await client.command("EHLO client.example");
        EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos) << ehlo;
        EXPECT_TRUE(starts_with(co_await client.command("STARTTLS"), "502 "));
    });
}

TEST_F(ReferenceServerTest, TheCertificateNamesTheHostnameLocalhostAndLoopback) {
    config_.engine.hostname = "mx.smtpspec.test";
    start();
    const std::string pem = server_->certificate_pem();
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(certificate, nullptr) << pem;
    std::array<char, 256> cn{};
    X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, cn.data(), static_cast<int>(cn.size()));
    EXPECT_STREQ(cn.data(), "mx.smtpspec.test");
    EXPECT_EQ(X509_check_host(certificate, "localhost", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(certificate, "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_host(certificate, "mx.smtpspec.test", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(certificate, "other.example", 0, 0, nullptr), 0);
    EXPECT_EQ(X509_check_issued(certificate, certificate), X509_V_OK) << "self-signed";
    X509_free(certificate);
    // Every server makes its own key: two servers, two certificates.
    ReferenceServer other(io_.get_executor(), config_);
    other.start();
    EXPECT_NE(other.certificate_pem(), pem);
    other.stop();
    run([]() -> asio::awaitable<void> { co_return; });
}

// A plaintext client connection to the server under test, greeted and past EHLO; null (and a
// test failure) when it cannot connect.
asio::awaitable<std::unique_ptr<Transport>> greeted_transport(tcp::endpoint endpoint, std::string& buffer) {
    const std::string host = endpoint.address().to_string();
    const std::string port = std::to_string(endpoint.port());
    auto connected = co_await TcpTransport::connect(host, port, tls_timeout);
    if (!connected.transport) {
        ADD_FAILURE() << connected.error;
        co_return nullptr;
    }
    co_await transport_reply(*connected.transport, buffer);
    co_await transport_command(*connected.transport, buffer, "EHLO client.example");
    co_return std::move(connected.transport);
}

// STARTTLS with `behind` in the same write (plaintext a client must not send before the
// handshake), its 220, then the handshake; false, with the failure recorded, if any part fails.
asio::awaitable<bool> starttls_with_pipelined(Transport& transport, std::string& buffer, std::string_view behind) {
    const std::string pipelined = "STARTTLS\r\n" + std::string(behind);
    const IoResult written = co_await transport.write(pipelined, tls_timeout);
    EXPECT_TRUE(written.ok()) << written.detail;
    EXPECT_TRUE(starts_with(co_await transport_reply(transport, buffer), "220 "));
    const std::string failure = co_await transport.start_tls(tls_timeout);
    EXPECT_EQ(failure, "");
    co_return failure.empty();
}

TEST_F(ReferenceServerTest, StarttlsDropsPipelinedPlaintextAndResetsTheSession) {
    start();
    run([&]() -> asio::awaitable<void> {
        std::string buffer;
        const auto connection = co_await greeted_transport(endpoint_, buffer);
        if (!connection) co_return;
        Transport& transport = *connection;
        co_await transport_command(transport, buffer, "MAIL FROM:<a@example.com>");   // a transaction TLS forgets
        // Behind STARTTLS, in the same write: a QUIT that would end the session if it were run.
        const bool started = co_await starttls_with_pipelined(transport, buffer, "QUIT\r\n");
        if (!started) co_return;
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "NOOP"), "250 "))
            << "the QUIT sent in plaintext was run";
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "RCPT TO:<b@example.com>"), "503 "))
            << "the transaction before TLS survived";
        const std::string ehlo = co_await transport_command(transport, buffer, "EHLO client.example");
        EXPECT_TRUE(starts_with(ehlo, "250-")) << ehlo;
        EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos) << ehlo;
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "STARTTLS"), "503 "));
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "QUIT"), "221 "));
        co_await transport.close();
    });
}

// The starttls-leak personality is CVE-2011-0411 on purpose: what was pipelined behind
// STARTTLS in plaintext is run inside TLS, so its reply is the first one there.
TEST_F(ReferenceServerTest, TheStarttlsLeakPersonalityRunsPipelinedPlaintextInsideTls) {
    config_.engine.personality = Personality::starttls_leak;
    start();
    run([&]() -> asio::awaitable<void> {
        std::string buffer;
        const auto connection = co_await greeted_transport(endpoint_, buffer);
        if (!connection) co_return;
        Transport& transport = *connection;
        const bool started = co_await starttls_with_pipelined(transport, buffer, "HELO leaked.example\r\n");
        if (!started) co_return;
        EXPECT_EQ(co_await transport_reply(transport, buffer), "250 smtpspec.localhost\r\n")
            << "the HELO sent in plaintext was not run inside TLS";
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "QUIT"), "221 "));
        co_await transport.close();
    });
}

TEST_F(ReferenceServerTest, AFailedStarttlsHandshakeClosesTheConnection) {
    start();
    run([&]() -> asio::awaitable<void> {
        tcp::socket socket(co_await asio::this_coro::executor);
        co_await socket.async_connect(endpoint_, asio::use_awaitable);
        // Plaintext where the ClientHello belongs, sent after the 220 has arrived.
        const std::string starttls = "EHLO client.example\r\nSTARTTLS\r\n";
        co_await asio::async_write(socket, asio::buffer(starttls), asio::use_awaitable);
        std::string seen;
        while (seen.find("220 2.0.0") == std::string::npos) {
            std::array<char, 1024> chunk{};
            seen.append(chunk.data(), co_await socket.async_read_some(asio::buffer(chunk), asio::use_awaitable));
        }
        const std::string plaintext = "EHLO still.plaintext\r\n";
        co_await asio::async_write(socket, asio::buffer(plaintext), asio::use_awaitable);
        const Ending ending = co_await read_until_closed(socket, 2000ms);
        EXPECT_TRUE(ending.ended) << "the server kept the connection after a failed handshake";
        EXPECT_EQ(ending.received.find("250"), std::string::npos) << "answered plaintext after STARTTLS";
    });
}

TEST_F(ReferenceServerTest, AStalledStarttlsHandshakeIsBoundedByTheIdleTimeout) {
    config_.idle_timeout = 300ms;
    start();
    run([&]() -> asio::awaitable<void> {
        auto client = co_await Client::connect(endpoint_);
        co_await client.reply();
        EXPECT_TRUE(starts_with(co_await client.command("STARTTLS"), "220 "));
        const auto started = std::chrono::steady_clock::now();
        EXPECT_TRUE(co_await client.closed_by_server()) << "no 421 in plaintext in the middle of a handshake";
        EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    });
}

TEST_F(ReferenceServerTest, StopEndsAConnectionWaitingInTheHandshake) {
    start();
    tcp::socket held(io_);   // outlives the client coroutine: the server must end the handshake itself
    run([&]() -> asio::awaitable<void> {
        co_await held.async_connect(endpoint_, asio::use_awaitable);
        const std::string starttls = "STARTTLS\r\n";
        co_await asio::async_write(held, asio::buffer(starttls), asio::use_awaitable);
        std::string seen;
        while (seen.find("220 2.0.0") == std::string::npos) {
            std::array<char, 1024> chunk{};
            seen.append(chunk.data(), co_await held.async_read_some(asio::buffer(chunk), asio::use_awaitable));
        }
    });
}

TEST_F(ReferenceServerTest, ImplicitTlsSpeaksTlsBeforeTheGreeting) {
    config_.implicit_tls = true;
    config_.idle_timeout = 500ms;
    start();
    run([&]() -> asio::awaitable<void> {
        // A plaintext client gets no greeting, and its plaintext ends the connection.
        tcp::socket plain(co_await asio::this_coro::executor);
        co_await plain.async_connect(endpoint_, asio::use_awaitable);
        const std::string ehlo = "EHLO plain.example\r\n";
        co_await asio::async_write(plain, asio::buffer(ehlo), asio::use_awaitable);
        const Ending ending = co_await read_until_closed(plain, 2000ms);
        EXPECT_TRUE(ending.ended);
        EXPECT_FALSE(starts_with(ending.received, "220")) << ending.received;

        const std::string host = endpoint_.address().to_string();
        const std::string port = std::to_string(endpoint_.port());
        TlsSettings settings;
        settings.implicit = true;
        auto tls = std::make_shared<TlsClient>(settings);
        auto connected = co_await TcpTransport::connect(host, port, tls_timeout, tls);
        if (!connected.transport) {
            ADD_FAILURE() << connected.error;
            co_return;
        }
        Transport& transport = *connected.transport;
        std::string buffer;
        EXPECT_TRUE(starts_with(co_await transport_reply(transport, buffer), "220 smtpspec.localhost"));
        const std::string reply = co_await transport_command(transport, buffer, "EHLO client.example");
        EXPECT_EQ(reply.find("STARTTLS"), std::string::npos) << reply;
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "STARTTLS"), "503 "));
        EXPECT_TRUE(starts_with(co_await transport_command(transport, buffer, "QUIT"), "221 "));
        EXPECT_EQ(co_await transport_reply(transport, buffer), "<closed>");
        co_await transport.close();

        // A client that connects and never starts the handshake is dropped after the idle timeout.
        tcp::socket silent(co_await asio::this_coro::executor);
        co_await silent.async_connect(endpoint_, asio::use_awaitable);
        const Ending dropped = co_await read_until_closed(silent, 2000ms);
        EXPECT_TRUE(dropped.ended) << "a stalled implicit handshake is bounded by the idle timeout";
    });
}

// --- smtpspec run --tls, --tls-verify, --tls-ca --------------------------------------------------

// A reference server on its own thread, for the CLI, which runs its own io_context.
struct BackgroundServer {
    explicit BackgroundServer(const ReferenceServerConfig& config) : server(io.get_executor(), config) {
        endpoint = server.start();
        thread = std::thread([this] { io.run(); });
    }
    ~BackgroundServer() {
        server.stop();
        thread.join();
    }
    std::string target() const { return "127.0.0.1:" + std::to_string(endpoint.port()); }

    asio::io_context io;
    ReferenceServer server;
    tcp::endpoint endpoint;
    std::thread thread;
};

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

// A scenario file of the test's own, so that the run does not depend on the library's contents.
constexpr std::string_view tls_cli_scenarios = R"({
  "description": "Fixture: a short session, for the TLS options of smtpspec run.",
  "scenarios": [
    {
      "id": "rfc5321/4.1.1.9/1",
      "title": "NOOP gets 250",
      "requirement": "Fixture only.",
      "rfc": [{"doc": "RFC 5321", "section": "4.1.1.9", "level": "MUST"}],
      "steps": [
        {"expect": "greeting"},
        {"send": "EHLO {helo}"},
        {"send": "NOOP", "expect": {"pass": ["250"]}},
        {"send": "QUIT", "expect": {"pass": ["221"]}}
      ]
    }
  ]
})";

CliRun run_cli(cli::RunOptions options) {
    char directory[] = "/tmp/smtpspec-tls-cli-XXXXXX";
    if (::mkdtemp(directory) == nullptr) throw std::runtime_error("mkdtemp failed");
    const std::string file = std::string(directory) + "/noop.json";
    std::ofstream(file) << tls_cli_scenarios;
    options.scenarios.paths = {file};
    options.color = "never";
    options.jobs = 2;
    options.timeout_s = 5;
    std::ostringstream out;
    std::ostringstream err;
    const int code = cli::run_run(options, out, err, false);
    std::remove(file.c_str());
    ::rmdir(directory);
    return CliRun{code, out.str(), err.str()};
}

TEST(TlsCli, TlsVerifyFailsAgainstASelfSignedServerAndSucceedsWithTlsCa) {
    ReferenceServerConfig config;
    config.implicit_tls = true;
    BackgroundServer background(config);

    cli::RunOptions verify;
    verify.target = background.target();
    verify.tls = true;
    verify.tls_verify = true;
    const CliRun refused = run_cli(verify);
    EXPECT_EQ(refused.code, exit_code::unreachable) << refused.out << refused.err;
    EXPECT_NE(refused.err.find(background.target() + ": TLS handshake failed: cannot verify the certificate for "
                                                     "'127.0.0.1': self-signed certificate"),
              std::string::npos)
        << refused.err;

    char path[] = "/tmp/smtpspec-ca-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path) << background.server.certificate_pem();
    cli::RunOptions with_ca = verify;
    with_ca.tls_verify = false;   // --tls-ca implies it
    with_ca.tls_ca = path;
    const CliRun accepted = run_cli(with_ca);
    std::remove(path);
    EXPECT_EQ(accepted.code, exit_code::ok) << accepted.out << accepted.err;
}

TEST(TlsCli, TlsWithoutTargetRunsOverImplicitTlsToTheEmbeddedServer) {
    cli::RunOptions options;
    options.tls = true;
    const CliRun run = run_cli(options);
    EXPECT_EQ(run.code, exit_code::ok) << run.out << run.err;
    EXPECT_NE(run.out.find("against embedded reference server (127.0.0.1:"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find(" (TLS))"), std::string::npos) << run.out;
}

TEST(TlsCli, TlsOptionsThatCannotWorkAreUsageErrors) {
    cli::RunOptions spawn;
    spawn.spawn = "smtpd -bs";
    spawn.tls = true;
    const CliRun with_spawn = run_cli(spawn);
    EXPECT_EQ(with_spawn.code, exit_code::usage);
    EXPECT_NE(with_spawn.err.find("--spawn"), std::string::npos) << with_spawn.err;

    cli::RunOptions embedded;
    embedded.tls_verify = true;
    const CliRun verify_embedded = run_cli(embedded);
    EXPECT_EQ(verify_embedded.code, exit_code::usage);
    EXPECT_NE(verify_embedded.err.find("--tls-verify"), std::string::npos) << verify_embedded.err;

    cli::RunOptions missing;
    missing.target = "127.0.0.1:1";
    missing.tls_ca = "/nonexistent/ca.pem";
    const CliRun missing_ca = run_cli(missing);
    EXPECT_EQ(missing_ca.code, exit_code::usage);
    EXPECT_NE(missing_ca.err.find("--tls-ca: cannot load CA certificates from '/nonexistent/ca.pem'"), std::string::npos)
        << missing_ca.err;
}

}  // namespace
}  // namespace smtpspec
