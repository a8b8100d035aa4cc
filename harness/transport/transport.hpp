#pragma once
// One small interface for every way of talking to a server: TCP, a spawned child's stdio, and
// a scripted in-memory peer for deterministic session tests. Every operation is bounded in
// time, and failures come back as values: a session judges them, it does not catch them.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smtpspec {

namespace asio = boost::asio;
using Millis = std::chrono::milliseconds;

struct IoResult {
    enum class Status { ok, closed, timeout, error };
    Status status = Status::ok;
    std::size_t bytes = 0;
    std::string detail;   // "connection reset by peer", …

    bool ok() const { return status == Status::ok; }
};

class Transport {
public:
    virtual ~Transport() = default;

    // Writes all of `bytes` or reports why not.
    virtual asio::awaitable<IoResult> write(std::string_view bytes, Millis timeout) = 0;
    // Reads what is available, at most buffer.size() octets, waiting at most `timeout`.
    virtual asio::awaitable<IoResult> read_some(std::span<char> buffer, Millis timeout) = 0;
    // How many octets have already arrived and can be read without waiting (0 when unknown): a
    // session asks before it sends, because octets that came first cannot answer what it sends.
    virtual std::size_t available() { return 0; }
    // Ends the conversation and releases everything (for a child: reaps it).
    virtual asio::awaitable<void> close() = 0;
    // Whether start_tls can work at all here (a spawned child's pipes cannot carry TLS).
    virtual bool can_start_tls() const { return false; }
    // Starts TLS as the client on this connection (after STARTTLS's 220): "" on success, else
    // why not, in words. Afterwards write and read_some carry TLS application data.
    virtual asio::awaitable<std::string> start_tls(Millis timeout) {
        (void)timeout;
        co_return "TLS cannot be started over " + describe();
    }
    // Side-channel text the peer produced since the last call (a spawned server's stderr).
    virtual std::vector<std::string> take_diagnostics() { return {}; }
    // What this is connected to, for reports: "127.0.0.1:2525", "spawn: exim -bh 127.0.0.1".
    virtual std::string describe() const = 0;
};

}  // namespace smtpspec
