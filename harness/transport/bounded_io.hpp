#pragma once
// Reads and writes on any Asio stream, each bounded by a timer. Boost 1.81's Asio has no
// cancel_after; racing the operation against the timer with awaitable operators spawned a
// coroutine per side and showed as a large part of load mode's profile, so the timer cancels
// the stream's operation instead.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <memory>

#include "transport/transport.hpp"

namespace smtpspec {

IoResult io_failure(const boost::system::error_code& ec);

// Cancels what is pending on `stream` when `timeout` passes first. The handler may run after
// the operation finished and its coroutine moved on, so it checks a flag it shares, and
// touches the stream only while the guard lives.
template <typename Stream>
class OperationDeadline {
public:
    OperationDeadline(const asio::any_io_executor& executor, Stream& stream, Millis timeout)
        : timer_(executor, timeout), state_(std::make_shared<State>()) {
        timer_.async_wait([state = state_, &stream](const boost::system::error_code& ec) {
            if (ec || !state->armed) return;
            state->expired = true;
            boost::system::error_code ignored;
            stream.lowest_layer().cancel(ignored);
        });
    }
    ~OperationDeadline() {
        state_->armed = false;
        timer_.cancel();
    }
    OperationDeadline(const OperationDeadline&) = delete;
    OperationDeadline& operator=(const OperationDeadline&) = delete;

    bool expired() const { return state_->expired; }

private:
    struct State {
        bool armed = true;
        bool expired = false;
    };
    asio::steady_timer timer_;
    std::shared_ptr<State> state_;
};

template <typename Stream>
asio::awaitable<IoResult> bounded_read_some(Stream& stream, std::span<char> buffer, Millis timeout) {
    const OperationDeadline<Stream> deadline(co_await asio::this_coro::executor, stream, timeout);
    const auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer.data(), buffer.size()),
                                                         asio::as_tuple(asio::use_awaitable));
    if (deadline.expired() && n == 0) co_return IoResult{IoResult::Status::timeout, 0, ""};
    if (ec && n == 0) co_return io_failure(ec);
    co_return IoResult{IoResult::Status::ok, n, ""};
}

template <typename Stream>
asio::awaitable<IoResult> bounded_write(Stream& stream, std::string_view bytes, Millis timeout) {
    const OperationDeadline<Stream> deadline(co_await asio::this_coro::executor, stream, timeout);
    const auto [ec, n] = co_await asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()),
                                                    asio::as_tuple(asio::use_awaitable));
    if (deadline.expired() && n < bytes.size()) co_return IoResult{IoResult::Status::timeout, n, "write did not complete"};
    if (ec) co_return io_failure(ec);
    co_return IoResult{IoResult::Status::ok, n, ""};
}

}  // namespace smtpspec
