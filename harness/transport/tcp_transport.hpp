#pragma once
// SMTP over TCP: IPv4, IPv6 and host names (resolved locally; nothing leaves the machine that
// the target itself does not require), in plaintext, after STARTTLS (start_tls), or in TLS from
// the first octet (implicit TLS, RFC 8314 §3.3), with OpenSSL through Asio's ssl::stream.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>
#include <string>

#include "transport/transport.hpp"

namespace boost::asio::ssl {
class context;
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace smtpspec {

struct ConnectResult {
    std::unique_ptr<Transport> transport;   // null when the connection failed
    std::string error;                      // "connection refused", "timed out after 5000 ms", …
};

// How the client side of TLS checks the server. Verification is off by default: a conformance
// harness mostly talks to test servers with self-signed certificates.
struct TlsSettings {
    bool verify = false;        // check the chain and the name; a failure ends the handshake
    std::string ca_file;        // with verify: trust the PEM certificates in this file, not the system store
    std::string server_name;    // SNI and the name verified; empty: the host (SNI only when it is a name)
    bool implicit = false;      // RFC 8314 §3.3: TLS from the first octet (port 465), before the greeting
};

// An OpenSSL client context made once from TlsSettings and shared by every connection to a
// target (the trust store is loaded once, not per connection).
class TlsClient {
public:
    explicit TlsClient(TlsSettings settings);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    const TlsSettings& settings() const { return settings_; }
    // Why the context cannot be used ("cannot load CA file …"), or "".
    const std::string& error() const { return error_; }
    asio::ssl::context& context() { return *context_; }

private:
    TlsSettings settings_;
    std::unique_ptr<asio::ssl::context> context_;
    std::string error_;
};

class TcpTransport final : public Transport {
public:
    TcpTransport(asio::ip::tcp::socket socket, std::string description);
    TcpTransport(asio::ip::tcp::socket socket, std::string description, std::string host,
                 std::shared_ptr<TlsClient> tls);
    ~TcpTransport() override;

    static asio::awaitable<ConnectResult> connect(std::string host, std::string port, Millis timeout);
    // With TLS settings for STARTTLS (null: defaults, no verification); when tls->settings()
    // .implicit, the handshake follows the connection at once, bounded by the same `timeout`.
    static asio::awaitable<ConnectResult> connect(std::string host, std::string port, Millis timeout,
                                                  std::shared_ptr<TlsClient> tls);

    asio::awaitable<IoResult> write(std::string_view bytes, Millis timeout) override;
    asio::awaitable<IoResult> read_some(std::span<char> buffer, Millis timeout) override;
    std::size_t available() override;
    asio::awaitable<void> close() override;
    bool can_start_tls() const override { return true; }
    asio::awaitable<std::string> start_tls(Millis timeout) override;
    // "127.0.0.1:2525", and "127.0.0.1:465 (TLS)" once TLS is on.
    std::string describe() const override;

    bool tls_active() const { return tls_on_; }
    // "TLSv1.3 TLS_AES_256_GCM_SHA384" once TLS is on, else "".
    std::string tls_description() const;

private:
    using TlsStream = asio::ssl::stream<asio::ip::tcp::socket&>;

    asio::ip::tcp::socket socket_;
    std::string description_;
    std::string host_;                  // as given to connect: SNI and verification use it
    std::shared_ptr<TlsClient> tls_client_;
    std::unique_ptr<TlsStream> tls_;    // set by start_tls; write and read_some go through it
    std::string tls_failure_;           // why the handshake failed; the connection is unusable
    bool tls_on_ = false;               // the handshake succeeded
};

// "host:port", "[v6]:port" → host and port; nullopt-like empty host on a bad value.
struct HostPort {
    std::string host;
    std::string port;
};
std::optional<HostPort> parse_host_port(std::string_view text);
std::string format_host_port(const std::string& host, const std::string& port);

// "invalid" and the names under it, which never exist (RFC 6761 §6.4). Resolvers SHOULD answer
// them at once without asking a DNS server, but getaddrinfo asks, so connect answers first.
bool is_invalid_tld_name(std::string_view host);

}  // namespace smtpspec
