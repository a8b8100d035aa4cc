#include "transport/tcp_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fmt/format.h>

#include <charconv>

#include "transport/bounded_io.hpp"

namespace smtpspec {

using asio::ip::tcp;

namespace {
std::string fmt_timeout(std::string_view what, const std::string& where, Millis timeout) {
    return fmt::format("{} {}: timed out after {} ms", what, where, timeout.count());
}
}  // namespace

TcpTransport::TcpTransport(tcp::socket socket, std::string description)
    : socket_(std::move(socket)), description_(std::move(description)) {}

asio::awaitable<ConnectResult> TcpTransport::connect(std::string host, std::string port, Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    const auto executor = co_await asio::this_coro::executor;
    const auto where = format_host_port(host, port);

    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor, timeout);
    auto resolved = co_await (resolver.async_resolve(host, port, token) || timer.async_wait(token));
    if (resolved.index() == 1) co_return ConnectResult{nullptr, fmt_timeout("resolving", where, timeout)};
    auto [resolve_error, endpoints] = std::get<0>(resolved);
    if (resolve_error) co_return ConnectResult{nullptr, where + ": " + resolve_error.message()};

    tcp::socket socket(executor);
    timer.expires_after(timeout);
    auto connected = co_await (asio::async_connect(socket, endpoints, token) || timer.async_wait(token));
    if (connected.index() == 1) co_return ConnectResult{nullptr, fmt_timeout("connecting to", where, timeout)};
    if (const auto& [ec, endpoint] = std::get<0>(connected); ec)
        co_return ConnectResult{nullptr, where + ": " + ec.message()};
    socket.set_option(tcp::no_delay(true));
    co_return ConnectResult{std::make_unique<TcpTransport>(std::move(socket), where), ""};
}

asio::awaitable<IoResult> TcpTransport::write(std::string_view bytes, Millis timeout) {
    co_return co_await bounded_write(socket_, bytes, timeout);
}

asio::awaitable<IoResult> TcpTransport::read_some(std::span<char> buffer, Millis timeout) {
    co_return co_await bounded_read_some(socket_, buffer, timeout);
}

asio::awaitable<void> TcpTransport::close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    co_return;
}

std::optional<HostPort> parse_host_port(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {   // [IPv6]:port
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (host.empty() || port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
        return std::nullopt;
    return HostPort{std::string(host), std::string(port)};
}

std::string format_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace smtpspec
