#pragma once
// SMTP over TCP: IPv4, IPv6 and host names (resolved locally; nothing leaves the machine that
// the target itself does not require).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>
#include <string>

#include "transport/transport.hpp"

namespace smtpspec {

struct ConnectResult {
    std::unique_ptr<Transport> transport;   // null when the connection failed
    std::string error;                      // "connection refused", "timed out after 5000 ms", …
};

class TcpTransport final : public Transport {
public:
    TcpTransport(asio::ip::tcp::socket socket, std::string description);

    static asio::awaitable<ConnectResult> connect(std::string host, std::string port, Millis timeout);

    asio::awaitable<IoResult> write(std::string_view bytes, Millis timeout) override;
    asio::awaitable<IoResult> read_some(std::span<char> buffer, Millis timeout) override;
    asio::awaitable<void> close() override;
    std::string describe() const override { return description_; }

private:
    asio::ip::tcp::socket socket_;
    std::string description_;
};

// "host:port", "[v6]:port" → host and port; nullopt-like empty host on a bad value.
struct HostPort {
    std::string host;
    std::string port;
};
std::optional<HostPort> parse_host_port(std::string_view text);
std::string format_host_port(const std::string& host, const std::string& port);

}  // namespace smtpspec
