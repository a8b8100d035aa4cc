#include "transport/tcp_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>

#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

#include "transport/bounded_io.hpp"
#include "transport/resolve.hpp"

namespace smtpspec {

using asio::ip::tcp;

namespace {
std::string fmt_timeout(std::string_view what, const std::string& where, Millis timeout) {
    return fmt::format("{} {}: timed out after {} ms", what, where, timeout.count());
}

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    (void)asio::ip::make_address(host, ec);
    return !ec;
}

// Names what went wrong in a handshake, with OpenSSL's reason for a certificate it rejected.
std::string handshake_failure(SSL* ssl, const boost::system::error_code& ec, const std::string& where,
                              const std::string& verified_name) {
    const long verify_result = SSL_get_verify_result(ssl);
    if (verify_result != X509_V_OK && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE)
        return fmt::format("{}: TLS handshake failed: cannot verify the certificate for '{}': {}", where,
                           verified_name, X509_verify_cert_error_string(verify_result));
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated || ec == asio::error::connection_reset)
        return fmt::format("{}: the server closed the connection during the TLS handshake ({})", where, ec.message());
    return fmt::format("{}: TLS handshake failed: {}", where, ec.message());
}
}  // namespace

TlsClient::TlsClient(TlsSettings settings)
    : settings_(std::move(settings)), context_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
    context_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3);
    if (!settings_.verify) return;
    boost::system::error_code ec;
    if (!settings_.ca_file.empty()) {
        context_->load_verify_file(settings_.ca_file, ec);
        if (ec) error_ = fmt::format("cannot load CA certificates from '{}': {}", settings_.ca_file, ec.message());
    } else {
        context_->set_default_verify_paths(ec);
        if (ec) error_ = fmt::format("cannot load the system's trusted CA certificates: {}", ec.message());
    }
}

TlsClient::~TlsClient() = default;

TcpTransport::TcpTransport(tcp::socket socket, std::string description)
    : socket_(std::move(socket)), description_(std::move(description)) {}

TcpTransport::TcpTransport(tcp::socket socket, std::string description, std::string host,
                           std::shared_ptr<TlsClient> tls)
    : socket_(std::move(socket)),
      description_(std::move(description)),
      host_(std::move(host)),
      tls_client_(std::move(tls)) {}

TcpTransport::~TcpTransport() = default;

asio::awaitable<ConnectResult> TcpTransport::connect(std::string host, std::string port, Millis timeout) {
    std::shared_ptr<TlsClient> no_tls;   // named: g++ 12 and temporaries in a co_await'ed call
    co_return co_await connect(std::move(host), std::move(port), timeout, std::move(no_tls));
}

asio::awaitable<ConnectResult> TcpTransport::connect(std::string host, std::string port, Millis timeout,
                                                     std::shared_ptr<TlsClient> tls) {
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    const auto executor = co_await asio::this_coro::executor;
    const auto where = format_host_port(host, port);

    if (is_invalid_tld_name(host))
        co_return ConnectResult{nullptr, where + ": no such host: names under .invalid never exist (RFC 6761 §6.4)"};
    const Resolved resolved = co_await resolve_bounded(host, port, timeout);
    if (!resolved.error.empty()) co_return ConnectResult{nullptr, "resolving " + where + ": " + resolved.error};

    tcp::socket socket(executor);
    const auto& endpoints = resolved.endpoints;
    // Each address in turn, all within one deadline that cancels the attempt in progress
    // (a ranged async_connect would go on to the next address after a cancellation).
    boost::system::error_code connect_error = asio::error::host_not_found;
    {
        const OperationDeadline<tcp::socket> deadline(executor, socket, timeout);
        for (const tcp::endpoint& entry : endpoints) {
            boost::system::error_code ignored;
            socket.close(ignored);
            std::tie(connect_error) = co_await socket.async_connect(entry, token);
            if (!connect_error || deadline.expired()) break;
        }
        if (deadline.expired() && connect_error)
            co_return ConnectResult{nullptr, fmt_timeout("connecting to", where, timeout)};
    }
    if (connect_error) co_return ConnectResult{nullptr, where + ": " + connect_error.message()};
    socket.set_option(tcp::no_delay(true));
    const bool implicit = tls && tls->settings().implicit;
    auto transport = std::make_unique<TcpTransport>(std::move(socket), where, std::move(host), std::move(tls));
    if (implicit) {
        // RFC 8314 §3.3: TLS from the first octet; a stalled handshake is bounded like the connect.
        const std::string failure = co_await transport->start_tls(timeout);
        if (!failure.empty()) {
            co_await transport->close();
            co_return ConnectResult{nullptr, failure};
        }
    }
    co_return ConnectResult{std::move(transport), ""};
}

asio::awaitable<IoResult> TcpTransport::write(std::string_view bytes, Millis timeout) {
    if (!tls_failure_.empty()) co_return IoResult{IoResult::Status::error, 0, tls_failure_};
    if (tls_) co_return co_await bounded_write(*tls_, bytes, timeout);
    // A command nearly always fits the socket's send buffer at once: write it without a timer
    // and a suspension, and wait (bounded) only for what did not fit.
    boost::system::error_code ec;
    if (!socket_.non_blocking()) socket_.non_blocking(true, ec);
    const std::size_t sent = ec ? 0 : socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return io_failure(ec);
    if (sent == bytes.size()) co_return IoResult{IoResult::Status::ok, sent, ""};
    auto rest = co_await bounded_write(socket_, bytes.substr(sent), timeout);
    rest.bytes += sent;
    co_return rest;
}

std::size_t TcpTransport::available() {
    // Over TLS only what OpenSSL has already decrypted counts: raw octets on the socket may be
    // a record without application data (TLS 1.3 session tickets follow the handshake).
    if (tls_) return tls_on_ ? static_cast<std::size_t>(SSL_pending(tls_->native_handle())) : 0;
    boost::system::error_code ec;
    const std::size_t n = socket_.available(ec);
    return ec ? 0 : n;
}

asio::awaitable<IoResult> TcpTransport::read_some(std::span<char> buffer, Millis timeout) {
    if (!tls_failure_.empty()) co_return IoResult{IoResult::Status::error, 0, tls_failure_};
    if (tls_) co_return co_await bounded_read_some(*tls_, buffer, timeout);
    co_return co_await bounded_read_some(socket_, buffer, timeout);
}

asio::awaitable<std::string> TcpTransport::start_tls(Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    if (!tls_failure_.empty()) co_return tls_failure_;
    if (tls_) co_return "TLS is already active on " + describe();
    if (!tls_client_) tls_client_ = std::make_shared<TlsClient>(TlsSettings{});
    if (!tls_client_->error().empty()) {
        tls_failure_ = description_ + ": " + tls_client_->error();
        co_return tls_failure_;
    }
    const TlsSettings& settings = tls_client_->settings();
    tls_ = std::make_unique<TlsStream>(socket_, tls_client_->context());
    SSL* ssl = tls_->native_handle();
    const std::string name = settings.server_name.empty() ? host_ : settings.server_name;
    const bool address = is_ip_address(name);
    // RFC 6066 §3: SNI carries host names only, never a literal address.
    if (!address && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (settings.verify) {
        tls_->set_verify_mode(asio::ssl::verify_peer);
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (address) {
            X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
        } else {
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            SSL_set1_host(ssl, name.c_str());
        }
    } else {
        tls_->set_verify_mode(asio::ssl::verify_none);
    }

    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (tls_->async_handshake(asio::ssl::stream_base::client, token) || timer.async_wait(token));
    if (outcome.index() == 1) {
        tls_failure_ = fmt::format("{}: TLS handshake timed out after {} ms", description_, timeout.count());
        co_return tls_failure_;
    }
    if (const auto [ec] = std::get<0>(outcome); ec) {
        tls_failure_ = handshake_failure(ssl, ec, description_, name);
        co_return tls_failure_;
    }
    tls_on_ = true;
    co_return "";
}

asio::awaitable<void> TcpTransport::close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    co_return;
}

std::string TcpTransport::describe() const { return tls_active() ? description_ + " (TLS)" : description_; }

std::string TcpTransport::tls_description() const {
    if (!tls_active()) return "";
    SSL* ssl = const_cast<TlsStream&>(*tls_).native_handle();
    return fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
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
    if (host.empty() || !parse_port(port)) return std::nullopt;
    return HostPort{std::string(host), std::string(port)};
}

bool is_invalid_tld_name(std::string_view host) {
    if (host.ends_with('.')) host.remove_suffix(1);   // the absolute form, "example.invalid."
    constexpr std::string_view tld = "invalid";
    if (host.size() < tld.size()) return false;
    const std::string_view last = host.substr(host.size() - tld.size());
    const bool whole_label = host.size() == tld.size() || host[host.size() - tld.size() - 1] == '.';
    return whole_label && std::equal(last.begin(), last.end(), tld.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

std::string format_host_port(const std::string& host, const std::string& port) {
    return host.find(':') != std::string::npos ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace smtpspec
