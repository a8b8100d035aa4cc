#pragma once
// A server under test started as a child process and spoken to over its stdin and stdout
// (`exim -bh 127.0.0.1`, `sendmail -bs`). Its stderr is collected for the transcript; the
// child is always reaped, killed after a grace period if it lingers.
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/process/v2/process.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/tcp_transport.hpp"

namespace smtpspec {

struct SpawnSettings {
    std::string command;                // run by /bin/sh, so quoting works as in a shell
    Millis grace{2000};                 // after stdin closes, before SIGTERM; again before SIGKILL
    std::size_t max_diagnostics = 64 * 1024;   // stderr octets kept per session
};

class ProcessTransport final : public Transport {
public:
    static asio::awaitable<ConnectResult> spawn(const SpawnSettings& settings);
    ~ProcessTransport() override;

    asio::awaitable<IoResult> write(std::string_view bytes, Millis timeout) override;
    asio::awaitable<IoResult> read_some(std::span<char> buffer, Millis timeout) override;
    std::size_t available() override;
    asio::awaitable<void> close() override;
    std::vector<std::string> take_diagnostics() override;
    std::string describe() const override { return "spawn: " + settings_.command; }

    int pid() const { return process_.id(); }
    // The child's exit code if it ends within `timeout` (it is then reaped), else nothing.
    asio::awaitable<std::optional<int>> exit_code_within(Millis timeout);

    // What the child wrote to stderr. The reader coroutine owns a reference, so the state
    // outlives the transport until the reader has seen the pipe close.
    struct StderrState {
        explicit StderrState(asio::any_io_executor executor) : pipe(std::move(executor)) {}
        asio::readable_pipe pipe;
        std::string text;
        std::size_t taken = 0;
        bool truncated = false;
        bool ended = false;   // the reader saw end of stream (or an error)
    };

    ProcessTransport(SpawnSettings settings, boost::process::v2::process process, asio::writable_pipe in,
                     asio::readable_pipe out, std::shared_ptr<StderrState> err);

private:
    asio::awaitable<bool> wait_for_exit(Millis timeout);

    SpawnSettings settings_;
    boost::process::v2::process process_;
    asio::writable_pipe stdin_;
    asio::readable_pipe stdout_;
    std::shared_ptr<StderrState> stderr_;
    bool reaped_ = false;
};

}  // namespace smtpspec
