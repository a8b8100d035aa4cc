#pragma once
// The embedded reference server on TCP: an acceptor and one C++20 coroutine per connection,
// each driving its own SmtpEngine, all on one strand of the executor it is given. It binds
// only where it is told (127.0.0.1 on an ephemeral port unless configured otherwise). It offers
// STARTTLS (RFC 3207), or speaks TLS from the first octet (RFC 8314 §3.3), with a self-signed
// certificate it makes when it starts.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "server/smtp_engine.hpp"

namespace smtpspec {

struct ReferenceServerConfig {
    boost::asio::ip::tcp::endpoint listen{boost::asio::ip::address_v4::loopback(), 0};
    // How long a connection may wait for client input, or for a write to drain, before it gets
    // "421 4.4.2" and is closed. RFC 5321 §4.5.3.2.7 asks for at least five minutes.
    std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
    std::size_t read_buffer_size = 16 * 1024;   // per connection; the engine bounds the rest
    // STARTTLS is offered (engine.tls_available is set from this, whatever the caller put there).
    bool starttls = true;
    // TLS right after accept, before the greeting (RFC 8314 §3.3, port 465); STARTTLS is then
    // never offered. A handshake is bounded by idle_timeout; a failed one closes the connection.
    bool implicit_tls = false;
    EngineConfig engine;
};

class ReferenceServer {
public:
    ReferenceServer(boost::asio::any_io_executor executor, ReferenceServerConfig config = {});
    // Stops the server; connections still open get their 421 while the executor runs.
    ~ReferenceServer();
    ReferenceServer(const ReferenceServer&) = delete;
    ReferenceServer& operator=(const ReferenceServer&) = delete;

    // Makes the TLS certificate if TLS is on, binds, listens and starts accepting; returns the
    // bound endpoint (the real port when the configured one is 0). Throws
    // boost::system::system_error when it cannot bind. Call once,
    // before the executor runs the server's work on other threads.
    boost::asio::ip::tcp::endpoint start();
    // Closes the acceptor and every connection: each gets "421 4.3.2" first (RFC 5321 §3.8
    // asks servers to try), then is closed. Safe from any thread; returns at once and takes
    // effect on the server's strand, after which the executor runs out of the server's work.
    void stop();

    // The server's self-signed certificate (PEM) after start(), for clients that verify it;
    // "" when neither STARTTLS nor implicit TLS is on.
    std::string certificate_pem() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace smtpspec
