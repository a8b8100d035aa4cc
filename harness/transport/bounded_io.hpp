#pragma once
// Reads and writes on any Asio stream, each raced against a timer: the first to finish wins
// and cancels the other. Boost 1.81's Asio has no cancel_after, so awaitable operators do it.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "transport/transport.hpp"

namespace smtpspec {

IoResult io_failure(const boost::system::error_code& ec);

template <typename Stream>
asio::awaitable<IoResult> bounded_read_some(Stream& stream, std::span<char> buffer, Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (stream.async_read_some(asio::buffer(buffer.data(), buffer.size()), token) ||
                             timer.async_wait(token));
    if (outcome.index() == 1) co_return IoResult{IoResult::Status::timeout, 0, ""};
    const auto [ec, n] = std::get<0>(outcome);
    if (ec && n == 0) co_return io_failure(ec);
    co_return IoResult{IoResult::Status::ok, n, ""};
}

template <typename Stream>
asio::awaitable<IoResult> bounded_write(Stream& stream, std::string_view bytes, Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), token) ||
                             timer.async_wait(token));
    if (outcome.index() == 1) co_return IoResult{IoResult::Status::timeout, 0, "write did not complete"};
    const auto [ec, n] = std::get<0>(outcome);
    if (ec) co_return io_failure(ec);
    co_return IoResult{IoResult::Status::ok, n, ""};
}

}  // namespace smtpspec
