#pragma once
// Turns a target's host and port into addresses within a time limit.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "transport/transport.hpp"

namespace smtpspec {

// A port as decimal digits, 0 to 65535; nothing else (no sign, space or service name).
std::optional<unsigned short> parse_port(std::string_view digits);

struct Resolved {
    std::vector<asio::ip::tcp::endpoint> endpoints;   // empty when `error` says why
    std::string error;
};

// An IP address (or "[v6]") needs no lookup and starts no thread. A name is looked up with
// getaddrinfo on a thread of its own, and the wait for it ends at `timeout` whatever the lookup
// does. Asio's resolver offers neither: its lookups cannot be cancelled, and its thread is
// stopped by every fork (Boost.Process forks to spawn a server) and only restarted by the next
// lookup, so a lookup pending at a spawn would wait for ever.
asio::awaitable<Resolved> resolve_bounded(const std::string& host, const std::string& port, Millis timeout);

}  // namespace smtpspec
