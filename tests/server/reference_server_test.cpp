// The reference server on real sockets and pipes: sessions, concurrency, the idle timeout,
// stop(), the stdio session and `smtpspec serve`'s error paths.
#include "server/reference_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <exception>
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
    std::size_t reply_end() const {
        std::size_t start = 0;
        for (auto end = buffer_.find("\r\n"); end != std::string::npos; end = buffer_.find("\r\n", start)) {
            const bool last = end - start < 4 || buffer_[start + 3] == ' ';
            start = end + 2;
            if (last) return start;
        }
        return 0;
    }

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
    EXPECT_TRUE(run.output.ends_with("250 HELP\r\n250 2.0.0 OK\r\n221 2.0.0 smtpspec.localhost closing connection\r\n"))
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
