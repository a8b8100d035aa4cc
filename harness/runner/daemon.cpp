#include "runner/daemon.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/process/v2/stdio.hpp>

#include <fmt/format.h>

#include <array>
#include <optional>

namespace smtpspec {

namespace bp2 = boost::process::v2;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t tail_size = 2000;

// True once a connection to `where` reads a line starting "220".
asio::awaitable<bool> greets(const HostPort& where, Millis timeout) {
    auto connection = co_await TcpTransport::connect(where.host, where.port, timeout);
    if (!connection.transport) co_return false;
    std::array<char, 512> buffer{};
    const auto got = co_await connection.transport->read_some(buffer, timeout);
    co_await connection.transport->close();
    co_return got.ok() && std::string_view(buffer.data(), got.bytes).starts_with("220");
}

asio::awaitable<bool> exited_within(bp2::process& process, Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
    auto outcome = co_await (process.async_wait(token) || timer.async_wait(token));
    co_return outcome.index() == 0;
}

}  // namespace

Daemon::Daemon(DaemonSettings settings, bp2::process process, std::FILE* log)
    : settings_(std::move(settings)), process_(std::move(process)), log_(log) {}

Daemon::~Daemon() {
    boost::system::error_code ignored;
    if (!stopped_) process_.terminate(ignored);
    if (log_ != nullptr) std::fclose(log_);
}

std::string Daemon::output_tail() const {
    if (log_ == nullptr) return "";
    std::fflush(log_);
    const long size = std::ftell(log_);
    std::string text;
    std::fseek(log_, 0, SEEK_SET);
    text.resize(static_cast<std::size_t>(std::max(0L, size)));
    text.resize(std::fread(text.data(), 1, text.size(), log_));
    std::fseek(log_, 0, SEEK_END);
    return text.size() > tail_size ? text.substr(text.size() - tail_size) : text;
}

asio::awaitable<Daemon::Started> Daemon::start(DaemonSettings settings) {
    const auto executor = co_await asio::this_coro::executor;
    const auto where = format_host_port(settings.target.host, settings.target.port);
    // A port that already answers would greet for someone else: the started daemon could not
    // bind, and the run would judge another server without a word.
    const Millis probe_timeout{500};
    auto occupant = co_await TcpTransport::connect(settings.target.host, settings.target.port, probe_timeout);
    if (occupant.transport) {
        co_await occupant.transport->close();
        co_return Started{nullptr, fmt::format("{} already accepts connections before '{}' starts: another server "
                                               "holds the port; give the daemon a free one",
                                               where, settings.command)};
    }
    std::FILE* log = std::tmpfile();
    std::optional<bp2::process> launched;
    try {
        launched.emplace(executor, "/bin/sh", std::initializer_list<bp2::string_view>{"-c", "exec " + settings.command},
                         bp2::process_stdio{nullptr, log, log});
    } catch (const boost::system::system_error& e) {
        if (log != nullptr) std::fclose(log);
        co_return Started{nullptr, fmt::format("cannot start '{}': {}", settings.command, e.code().message())};
    }
    std::unique_ptr<Daemon> daemon(new Daemon(settings, std::move(*launched), log));

    const auto deadline = Clock::now() + settings.start_timeout;
    while (Clock::now() < deadline) {
        if (co_await greets(settings.target, Millis(1000))) co_return Started{std::move(daemon), ""};
        if (co_await exited_within(daemon->process_, Millis(200))) {
            daemon->stopped_ = true;
            co_return Started{nullptr, fmt::format("'{}' exited with status {} before {} greeted; its output:\n{}",
                                                   settings.command, daemon->process_.exit_code(), where,
                                                   daemon->output_tail())};
        }
    }
    co_await daemon->stop();
    co_return Started{nullptr, fmt::format("'{}' started, but {} did not greet within {} ms; its output:\n{}",
                                           settings.command, where, settings.start_timeout.count(),
                                           daemon->output_tail())};
}

asio::awaitable<void> Daemon::stop() {
    if (stopped_) co_return;
    boost::system::error_code ignored;
    process_.request_exit(ignored);   // SIGTERM
    if (!co_await exited_within(process_, settings_.grace)) process_.terminate(ignored);   // SIGKILL, reaps
    stopped_ = true;
}

}  // namespace smtpspec
