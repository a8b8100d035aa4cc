#include "server/reference_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <list>
#include <span>
#include <string>
#include <vector>

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
};

enum class Outcome { done, timed_out, interrupted, failed };

struct ReadOutcome {
    Outcome outcome;
    std::size_t bytes;
};

// Reads what is available, raced against the connection's timer: a timer that expires means
// the client was idle too long, one that stop() cancelled means the server is going away.
asio::awaitable<ReadOutcome> read_some(Connection& connection, std::span<char> buffer, Millis timeout) {
    if (connection.stopping) co_return ReadOutcome{Outcome::interrupted, 0};
    connection.timer.expires_after(timeout);
    auto [order, read_error, bytes, timer_error] =
        co_await asio::experimental::make_parallel_group(
            connection.socket.async_read_some(asio::buffer(buffer.data(), buffer.size()), asio::deferred),
            connection.timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    if (order[0] == 0) co_return ReadOutcome{read_error ? Outcome::failed : Outcome::done, bytes};
    co_return ReadOutcome{connection.stopping ? Outcome::interrupted : Outcome::timed_out, 0};
}

// Writes all of `bytes` unless the client stops reading for `timeout`. When stop() cancels
// the timer the write goes on, with only farewell_limit left, so the 421 can still get out.
asio::awaitable<bool> write_all(Connection& connection, std::string_view bytes, Millis timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (connection.stopping) deadline = std::min(deadline, std::chrono::steady_clock::now() + farewell_limit);
        connection.timer.expires_at(deadline);
        auto [order, write_error, written, timer_error] =
            co_await asio::experimental::make_parallel_group(
                asio::async_write(connection.socket, asio::buffer(bytes.data(), bytes.size()), asio::deferred),
                connection.timer.async_wait(asio::deferred))
                .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
        if (order[0] == 0) co_return !write_error;
        if (timer_error != asio::error::operation_aborted || !connection.stopping) co_return false;
        bytes.remove_prefix(written);
    }
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
};

tcp::endpoint ReferenceServer::State::start(const std::shared_ptr<State>& self) {
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
// the client leaves, the idle timeout, or stop().
asio::awaitable<void> ReferenceServer::State::converse(Connection& connection) {
    SmtpEngine engine(config.engine);
    // A named string, not a temporary, outlives the co_await for certain under g++ 12.
    const std::string greeting = engine.greeting();
    if (!co_await write_all(connection, greeting, config.idle_timeout)) co_return;
    std::vector<char> buffer(config.read_buffer_size);
    std::string replies;
    for (;;) {
        const ReadOutcome read = co_await read_some(connection, buffer, config.idle_timeout);
        if (read.outcome == Outcome::failed) co_return;   // the client closed or reset the connection
        if (read.outcome == Outcome::timed_out) replies = engine.on_idle_timeout();
        if (read.outcome == Outcome::interrupted) replies = engine.on_shutdown();
        if (read.outcome == Outcome::done) {
            replies.clear();
            engine.feed(std::string_view(buffer.data(), read.bytes), replies);
        }
        const Millis write_limit =
            engine.closed() ? std::min(farewell_limit, config.idle_timeout) : config.idle_timeout;
        if (!replies.empty() && !co_await write_all(connection, replies, write_limit)) co_return;
        if (engine.closed()) {
            co_await linger(connection, std::min(linger_limit, config.idle_timeout));
            co_return;
        }
    }
}

ReferenceServer::ReferenceServer(boost::asio::any_io_executor executor, ReferenceServerConfig config)
    : state_(std::make_shared<State>(executor, std::move(config))) {}

ReferenceServer::~ReferenceServer() { stop(); }

boost::asio::ip::tcp::endpoint ReferenceServer::start() { return State::start(state_); }

void ReferenceServer::stop() {
    asio::dispatch(state_->strand, [state = state_] { state->stop(); });
}

}  // namespace smtpspec
