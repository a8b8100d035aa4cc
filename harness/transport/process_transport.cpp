#include "transport/process_transport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/process/v2/stdio.hpp>
#include <sys/ioctl.h>

#include <fmt/format.h>

#include <array>
#include <csignal>

#include "transport/bounded_io.hpp"

namespace smtpspec {

namespace bp2 = boost::process::v2;

namespace {

asio::awaitable<void> collect_stderr(std::shared_ptr<ProcessTransport::StderrState> state, std::size_t cap) {
    std::array<char, 4096> chunk{};
    for (;;) {
        const auto [ec, n] = co_await state->pipe.async_read_some(asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
        if (n > 0) {
            const auto room = cap - std::min(cap, state->text.size());
            state->text.append(chunk.data(), std::min(n, room));
            state->truncated = state->truncated || n > room;
        }
        if (ec) {
            state->ended = true;
            co_return;
        }
    }
}

}  // namespace

ProcessTransport::ProcessTransport(SpawnSettings settings, bp2::process process, asio::writable_pipe in,
                                   asio::readable_pipe out, std::shared_ptr<StderrState> err)
    : settings_(std::move(settings)),
      process_(std::move(process)),
      stdin_(std::move(in)),
      stdout_(std::move(out)),
      stderr_(std::move(err)) {}

ProcessTransport::~ProcessTransport() {
    // close() reaps; this is the safety net for a session that ended by exception.
    boost::system::error_code ignored;
    stderr_->pipe.close(ignored);
    if (!reaped_) process_.terminate(ignored);
}

asio::awaitable<ConnectResult> ProcessTransport::spawn(const SpawnSettings& settings) {
    // Writing to a child that has exited raises SIGPIPE, which would end smtpspec; ignored, the
    // write fails with EPIPE and the session observes a closed connection.
    static const bool sigpipe_ignored = (std::signal(SIGPIPE, SIG_IGN), true);
    (void)sigpipe_ignored;
    const auto executor = co_await asio::this_coro::executor;
    asio::writable_pipe in(executor);
    asio::readable_pipe out(executor);
    auto err = std::make_shared<StderrState>(executor);
    std::optional<bp2::process> launched;
    try {
        // "exec" makes the server itself the child, so signals and exit status are its own.
        launched.emplace(executor, "/bin/sh", std::initializer_list<bp2::string_view>{"-c", "exec " + settings.command},
                         bp2::process_stdio{in, out, err->pipe});
    } catch (const boost::system::system_error& e) {
        co_return ConnectResult{nullptr, fmt::format("cannot start '{}': {}", settings.command, e.code().message())};
    }
    bp2::process process = std::move(*launched);
    asio::co_spawn(executor, collect_stderr(err, settings.max_diagnostics), asio::detached);
    co_return ConnectResult{std::unique_ptr<Transport>(new ProcessTransport(settings, std::move(process), std::move(in),
                                                                            std::move(out), std::move(err))),
                            ""};
}

asio::awaitable<IoResult> ProcessTransport::write(std::string_view bytes, Millis timeout) {
    co_return co_await bounded_write(stdin_, bytes, timeout);
}

asio::awaitable<IoResult> ProcessTransport::read_some(std::span<char> buffer, Millis timeout) {
    co_return co_await bounded_read_some(stdout_, buffer, timeout);
}

std::size_t ProcessTransport::available() {
    int n = 0;
    if (!stdout_.is_open() || ::ioctl(stdout_.native_handle(), FIONREAD, &n) != 0) return 0;
    return static_cast<std::size_t>(std::max(n, 0));
}

asio::awaitable<bool> ProcessTransport::wait_for_exit(Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (process_.async_wait(token) || timer.async_wait(token));
    co_return outcome.index() == 0;
}

asio::awaitable<std::optional<int>> ProcessTransport::exit_code_within(Millis timeout) {
    // Plain statements: g++ 12 miscompiled the co_await-in-condition form of this function.
    const bool exited = co_await wait_for_exit(timeout);
    std::optional<int> code;
    if (exited) {
        reaped_ = true;
        code = process_.exit_code();
    }
    co_return code;
}

asio::awaitable<void> ProcessTransport::close() {
    if (reaped_) co_return;
    boost::system::error_code ignored;
    // Closing stdin is the polite end of a stdio session: a server reads end of input.
    stdin_.close(ignored);
    stdout_.close(ignored);
    if (!co_await wait_for_exit(settings_.grace)) {
        process_.request_exit(ignored);   // SIGTERM
        if (!co_await wait_for_exit(settings_.grace)) {
            process_.terminate(ignored);  // SIGKILL, and reaps
        }
    }
    reaped_ = true;
    // The child is gone, so its stderr ends as soon as the reader has drained it; wait a little
    // for that, but not for a grandchild that kept the pipe open.
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (int i = 0; i < 20 && !stderr_->ended; ++i) {
        tick.expires_after(Millis(10));
        co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    stderr_->pipe.close(ignored);
}

std::vector<std::string> ProcessTransport::take_diagnostics() {
    std::vector<std::string> out;
    auto& state = *stderr_;
    if (state.taken < state.text.size()) out.push_back(state.text.substr(state.taken));
    state.taken = state.text.size();
    if (state.truncated) {
        out.push_back(fmt::format("[stderr beyond {} octets not kept]", settings_.max_diagnostics));
        state.truncated = false;
    }
    return out;
}

}  // namespace smtpspec
