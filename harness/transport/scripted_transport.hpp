#pragma once
// An in-memory peer for deterministic session tests: no sockets, no clocks. What the server
// "sends" is queued by the test or by a peer function that answers each client write; a read
// with nothing queued is a timeout at once, so a test never waits.
#include <deque>
#include <functional>
#include <string>

#include "transport/transport.hpp"

namespace smtpspec {

class ScriptedTransport final : public Transport {
public:
    using Peer = std::function<void(std::string_view written, ScriptedTransport& transport)>;

    explicit ScriptedTransport(Peer peer = {}) : peer_(std::move(peer)) {}

    void server_sends(std::string bytes) { queue_.push_back(std::move(bytes)); }
    void server_closes() { server_closed_ = true; }   // after what is queued

    const std::string& written() const { return written_; }
    bool closed_by_client() const { return client_closed_; }

    asio::awaitable<IoResult> write(std::string_view bytes, Millis timeout) override;
    asio::awaitable<IoResult> read_some(std::span<char> buffer, Millis timeout) override;
    std::size_t available() override;
    asio::awaitable<void> close() override;
    std::string describe() const override { return "scripted"; }

private:
    Peer peer_;
    std::deque<std::string> queue_;
    std::string written_;
    bool server_closed_ = false;
    bool client_closed_ = false;
};

}  // namespace smtpspec
