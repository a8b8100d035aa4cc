#include "server/reference_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/self_signed.hpp"

namespace smtpspec {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Millis = std::chrono::milliseconds;

// The 421 sent when closing may not stall the close for longer than this.
constexpr Millis farewell_limit{500};
// After the last reply the server waits this long for the client to close its side first.
constexpr Millis linger_limit{2000};
constexpr std::size_t linger_octets = 64 * 1024;
// After a failed accept (out of descriptors, say), the server waits before the next one.
constexpr Millis accept_retry_delay{100};

struct Connection {
    explicit Connection(tcp::socket peer) : socket(std::move(peer)), timer(socket.get_executor()) {}

    tcp::socket socket;
    asio::steady_timer timer;   // bounds the current read or write; stop() cancels it
    bool stopping = false;      // the server is shutting down
    // Once the TLS handshake started: reads and writes go through it.
    std::optional<asio::ssl::stream<tcp::socket&>> tls;
};

enum class Outcome { done, timed_out, interrupted, failed };

struct ReadOutcome {
    Outcome outcome;
    std::size_t bytes;
};

// Reads what is available, raced against the connection's timer: a timer that expires means
// the client was idle too long, one that stop() cancelled means the server is going away.
template <typename Stream>
asio::awaitable<ReadOutcome> read_some_from(Stream& stream, Connection& connection, std::span<char> buffer,
                                            Millis timeout) {
    if (connection.stopping) co_return ReadOutcome{Outcome::interrupted, 0};
    connection.timer.expires_after(timeout);
    auto [order, read_error, bytes, timer_error] =
        co_await asio::experimental::make_parallel_group(
            stream.async_read_some(asio::buffer(buffer.data(), buffer.size()), asio::deferred),
            connection.timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) co_return ReadOutcome{read_error ? Outcome::failed : Outcome::done, bytes};
    co_return ReadOutcome{connection.stopping ? Outcome::interrupted : Outcome::timed_out, 0};
}

asio::awaitable<ReadOutcome> read_some(Connection& connection, std::span<char> buffer, Millis timeout) {
    if (connection.tls) co_return co_await read_some_from(*connection.tls, connection, buffer, timeout);
    co_return co_await read_some_from(connection.socket, connection, buffer, timeout);
}

// Writes all of `bytes` unless the client stops reading for `timeout`. When stop() cancels
// the timer the write goes on, with only farewell_limit left, so the 421 can still get out.
template <typename Stream>
asio::awaitable<bool> write_all_to(Stream& stream, Connection& connection, std::string_view bytes, Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (connection.stopping) deadline = std::min(deadline, std::chrono::steady_clock::now() + farewell_limit);
        connection.timer.expires_at(deadline);
        auto [order, write_error, written, timer_error] =
            co_await asio::experimental::make_parallel_group(
                asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), asio::deferred),
                connection.timer.async_wait(asio::deferred))
                .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
        if (order[0] == 0) co_return !write_error;
        if (timer_error != asio::error::operation_aborted || !connection.stopping) co_return false;
        bytes.remove_prefix(written);
    }
}

asio::awaitable<bool> write_all(Connection& connection, std::string_view bytes, Millis timeout) {
    if (connection.tls) co_return co_await write_all_to(*connection.tls, connection, bytes, timeout);
    co_return co_await write_all_to(connection.socket, connection, bytes, timeout);
}

// The TLS server handshake, bounded by `timeout` and interrupted by stop(); false when it did
// not complete (the connection is then closed: nothing more can be said in plaintext).
asio::awaitable<bool> handshake(Connection& connection, asio::ssl::context& context, Millis timeout) {
    if (connection.stopping) co_return false;
    connection.tls.emplace(connection.socket, context);
    connection.timer.expires_after(timeout);
    auto [order, handshake_error, timer_error] =
        co_await asio::experimental::make_parallel_group(
            connection.tls->async_handshake(asio::ssl::stream_base::server, asio::deferred),
            connection.timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    co_return order[0] == 0 && !handshake_error;
}

// Feeds the engine and returns the octets it left: after STARTTLS's 220 (or QUIT's 221) the
// rest of the read is what the client sent too early.
std::string_view feed_until_tls(SmtpEngine& engine, std::string_view input, std::string& replies) {
    engine.feed(input, replies);
    return input.substr(engine.consumed_by_last_feed());
}

// The embedded server's TLS identity: made in memory at start, never written to disk.
std::unique_ptr<asio::ssl::context> make_server_context(const SelfSigned& identity) {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
    context->use_certificate_chain(asio::buffer(identity.certificate_pem));
    context->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
    return context;
}

// Half-closes and reads until the client closes too: closing a socket with unread client
// octets sends a reset, which can destroy the last reply before the client reads it.
asio::awaitable<void> linger(Connection& connection, Millis limit) {
    boost::system::error_code ignored;
    connection.socket.shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 4096> sink{};
    std::size_t drained = 0;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (drained < linger_octets) {
        const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
        if (left <= Millis::zero()) break;
        const ReadOutcome read = co_await read_some(connection, sink, left);
        if (read.outcome != Outcome::done) break;
        drained += read.bytes;
    }
}

}  // namespace

struct ReferenceServer::State {
    State(const asio::any_io_executor& executor, ReferenceServerConfig server_config)
        : strand(asio::make_strand(executor)), config(std::move(server_config)), acceptor(strand) {}

    static tcp::endpoint start(const std::shared_ptr<State>& self);
    void stop();
    static asio::awaitable<void> accept_connections(std::shared_ptr<State> self);
    asio::awaitable<void> converse(Connection& connection);
    asio::awaitable<bool> wait_before_next_accept();

    asio::strand<asio::any_io_executor> strand;
    ReferenceServerConfig config;
    tcp::acceptor acceptor;
    std::list<std::shared_ptr<Connection>> connections;
    bool stopped = false;
    std::unique_ptr<asio::ssl::context> tls_context;   // STARTTLS or implicit TLS is on
    std::string certificate_pem;
};

tcp::endpoint ReferenceServer::State::start(const std::shared_ptr<State>& self) {
    if (self->config.starttls || self->config.implicit_tls) {
        const SelfSigned identity = make_self_signed(self->config.engine.hostname);
        self->tls_context = make_server_context(identity);
        self->certificate_pem = identity.certificate_pem;
    }
    self->config.engine.tls_available = self->config.starttls && self->tls_context != nullptr;
    tcp::acceptor& acceptor = self->acceptor;
    acceptor.open(self->config.listen.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(self->config.listen);
    acceptor.listen();
    asio::co_spawn(self->strand, accept_connections(self), asio::detached);
    return acceptor.local_endpoint();
}

void ReferenceServer::State::stop() {
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (const auto& connection : connections) {
        connection->stopping = true;
        connection->timer.cancel();
    }
}

asio::awaitable<void> ReferenceServer::State::accept_connections(std::shared_ptr<State> self) {
    for (;;) {
        auto [error, socket] = co_await self->acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (self->stopped) co_return;
        if (error) {
            if (!co_await self->wait_before_next_accept()) co_return;
            continue;
        }
        // Without Nagle: a TLS handshake is several small writes in a row, which Nagle and the
        // client's delayed ACK would hold up by 40 ms each.
        boost::system::error_code no_delay_error;
        socket.set_option(tcp::no_delay(true), no_delay_error);
        auto connection = std::make_shared<Connection>(std::move(socket));
        const auto position = self->connections.insert(self->connections.end(), connection);
        auto forget = [self, connection, position](const std::exception_ptr&) {
            boost::system::error_code ignored;
            connection->socket.close(ignored);
            self->connections.erase(position);
        };
        asio::co_spawn(self->strand, self->converse(*connection), asio::bind_executor(self->strand, forget));
    }
}

asio::awaitable<bool> ReferenceServer::State::wait_before_next_accept() {
    asio::steady_timer pause(strand, accept_retry_delay);
    co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return !stopped;
}

// One SMTP session: the greeting, then read, feed the engine, write its replies, until QUIT,
// the client leaves, the idle timeout, or stop(). With implicit TLS the handshake comes first;
// after STARTTLS's 220 the handshake happens between two reads.
asio::awaitable<void> ReferenceServer::State::converse(Connection& connection) {
    SmtpEngine engine(config.engine);
    if (config.implicit_tls) {
        if (!tls_context) co_return;
        const bool secured = co_await handshake(connection, *tls_context, config.idle_timeout);
        if (!secured) co_return;
        engine.tls_started();   // STARTTLS is not offered on a connection that is already TLS
    }
    // A named string, not a temporary, outlives the co_await for certain under g++ 12.
    const std::string greeting = engine.greeting();
    if (!co_await write_all(connection, greeting, config.idle_timeout)) co_return;
    std::vector<char> buffer(config.read_buffer_size);
    std::string replies;
    std::string kept;   // plaintext after STARTTLS that a buggy engine keeps, fed after the handshake
    for (;;) {
        std::string_view unfed;
        if (!kept.empty()) {
            replies.clear();
            unfed = feed_until_tls(engine, kept, replies);
        } else {
            const ReadOutcome read = co_await read_some(connection, buffer, config.idle_timeout);
            if (read.outcome == Outcome::failed) co_return;   // the client closed or reset the connection
            if (read.outcome == Outcome::timed_out) replies = engine.on_idle_timeout();
            if (read.outcome == Outcome::interrupted) replies = engine.on_shutdown();
            if (read.outcome == Outcome::done) {
                replies.clear();
                unfed = feed_until_tls(engine, std::string_view(buffer.data(), read.bytes), replies);
            }
        }
        // Copied before `kept` is reused: `unfed` may point into it.
        // RFC 3207 §4.2: octets pipelined after STARTTLS were sent in plaintext and are dropped
        // (CVE-2011-0411), unless the personality reproduces that bug on purpose.
        std::string after_starttls(engine.tls_requested() && engine.keep_buffered_after_starttls() ? unfed : "");
        kept.clear();
        const Millis write_limit =
            engine.closed() ? std::min(farewell_limit, config.idle_timeout) : config.idle_timeout;
        if (!replies.empty() && !co_await write_all(connection, replies, write_limit)) co_return;
        if (engine.closed()) {
            co_await linger(connection, std::min(linger_limit, config.idle_timeout));
            co_return;
        }
        if (engine.tls_requested()) {
            // The 220 is out; what the client sent after STARTTLS is dropped here (RFC 3207
            // §4.2) unless the engine keeps it. A handshake that fails or stalls ends the
            // connection.
            if (!tls_context || connection.tls) co_return;
            const bool secured = co_await handshake(connection, *tls_context, config.idle_timeout);
            if (!secured) co_return;
            engine.tls_started();
            kept = std::move(after_starttls);
        }
    }
}

ReferenceServer::ReferenceServer(boost::asio::any_io_executor executor, ReferenceServerConfig config)
    : state_(std::make_shared<State>(executor, std::move(config))) {}

ReferenceServer::~ReferenceServer() { stop(); }

boost::asio::ip::tcp::endpoint ReferenceServer::start() { return State::start(state_); }

std::string ReferenceServer::certificate_pem() const { return state_->certificate_pem; }

void ReferenceServer::stop() {
    asio::dispatch(state_->strand, [state = state_] { state->stop(); });
}

}  // namespace smtpspec
