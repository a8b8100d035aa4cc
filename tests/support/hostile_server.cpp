// Hostile SMTP servers for the robustness tests: each one breaks, in one way, what a client
// may assume of a server — the things a broken or malicious implementation under test can do
// to smtpspec. The tests assert the verdict, that the run ends within its bounds and that
// smtpspec's memory stays bounded.
//   hostile_server MODE --listen 127.0.0.1:PORT [--interval-ms N]   (TCP, until SIGTERM)
//   hostile_server MODE --stdio                                      (one session on stdio)
// Where a mode behaves after its hostile part, the reference engine answers.
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include "server/smtp_engine.hpp"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using smtpspec::SmtpEngine;
constexpr auto token = asio::as_tuple(asio::use_awaitable);

const std::set<std::string, std::less<>> tcp_modes = {
    "endless-multiline",    // a multiline greeting whose final line never comes
    "huge-line",            // a 10 MB greeting line
    "drip",                 // the greeting one octet per interval
    "slow",                 // every reply complete, each after one interval
    "reset-mid-reply",      // half a reply, then a TCP reset
    "nul-utf8",             // NUL and invalid UTF-8 in the greeting's text
    "silent",               // accepts, never says anything
    "greeting-554",         // refuses service (RFC 5321 §3.1): 503 to all but QUIT
    "unsolicited",          // a reply nobody asked for, right after the greeting
    "close-after-greeting", // greets, then closes
    "starttls-stall",       // 220 to STARTTLS, then never takes part in the handshake
    "starttls-garbage",     // 220 to STARTTLS, then plaintext garbage instead of a ServerHello
};
const std::set<std::string, std::less<>> stdio_modes = {
    "exit-at-once",     // exits before it greets
    "stderr-only",      // 1 MB of diagnostics on stderr, nothing on stdout
    "ignore-sigterm",   // serves, then on end of input neither exits nor heeds SIGTERM
};

struct Options {
    std::string mode;
    std::chrono::milliseconds interval{1000};
};

asio::awaitable<bool> send(tcp::socket& socket, std::string_view octets) {
    const auto [ec, n] = co_await asio::async_write(socket, asio::buffer(octets.data(), octets.size()), token);
    co_return !ec;
}

asio::awaitable<void> pause(std::chrono::milliseconds interval) {
    asio::steady_timer timer(co_await asio::this_coro::executor, interval);
    co_await timer.async_wait(token);
}

// Reads and throws away whatever the client sends until it closes.
asio::awaitable<void> swallow(tcp::socket& socket) {
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), token);
        if (ec) co_return;
    }
}

// The reference engine from here on; `stop_at_starttls` hands the connection back after 220.
asio::awaitable<bool> converse(tcp::socket& socket, SmtpEngine& engine, const Options& options,
                               bool stop_at_starttls) {
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), token);
        if (ec) co_return false;
        std::string out;
        const bool open = engine.feed(std::string_view(buffer.data(), n), out);
        if (options.mode == "slow") co_await pause(options.interval);
        if (!co_await send(socket, out) || !open) co_return false;
        if (stop_at_starttls && engine.tls_requested()) co_return true;
    }
}

asio::awaitable<void> serve(tcp::socket socket, const Options& options) {
    const std::string& mode = options.mode;
    smtpspec::EngineConfig config;
    config.tls_available = mode.starts_with("starttls-");
    SmtpEngine engine(config);
    if (mode == "silent") co_return co_await swallow(socket);
    if (mode == "endless-multiline") {
        std::string lines;
        for (int i = 0; i < 256; ++i) lines += "220-smtpspec.hostile this reply never ends\r\n";
        while (co_await send(socket, lines)) {}
        co_return;
    }
    if (mode == "huge-line") {
        const std::string chunk(64 * 1024, 'x');
        bool open = co_await send(socket, "220 ");
        for (int i = 0; open && i < 160; ++i) open = co_await send(socket, chunk);   // 10 MiB
        if (open && co_await send(socket, "\r\n")) co_await swallow(socket);
        co_return;
    }
    if (mode == "drip") {
        const std::string greeting = engine.greeting();
        for (const char octet : greeting) {
            if (!co_await send(socket, std::string_view(&octet, 1))) co_return;
            co_await pause(options.interval);
        }
        co_return co_await swallow(socket);
    }
    if (mode == "reset-mid-reply") {
        if (co_await send(socket, "220-smtpspec.hostile\r\n220 half a rep")) {
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            socket.set_option(tcp::socket::linger(true, 0));
        }
        co_return;
    }
    if (mode == "greeting-554") {
        if (!co_await send(socket, "554 5.3.2 smtpspec.hostile no SMTP service here\r\n")) co_return;
        std::string line;
        std::array<char, 4096> buffer{};
        for (;;) {
            const auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), token);
            if (ec) co_return;
            line.append(buffer.data(), n);
            for (auto end = line.find("\r\n"); end != std::string::npos; end = line.find("\r\n")) {
                const bool quit = strncasecmp(line.c_str(), "QUIT", 4) == 0;
                line.erase(0, end + 2);
                if (quit) {
                    co_await send(socket, "221 2.0.0 smtpspec.hostile closing\r\n");
                    co_return;
                }
                if (!co_await send(socket, "503 5.5.1 no SMTP service here; only QUIT\r\n")) co_return;
            }
        }
    }

    std::string greeting = engine.greeting();
    if (mode == "slow") co_await pause(options.interval);
    // Sized from the array, not counted by hand: a count of 38 read past this 36-octet literal (ASan).
    static constexpr char nul_utf8_greeting[] = "220 smtpspec.hostile \0 ready \xff\xfe\xc3\x28 \r\n";
    if (mode == "nul-utf8") greeting = std::string(nul_utf8_greeting, sizeof nul_utf8_greeting - 1);
    if (mode == "unsolicited") greeting += "250 2.0.0 nobody asked for this reply\r\n";
    if (!co_await send(socket, greeting) || mode == "close-after-greeting") co_return;
    if (!co_await converse(socket, engine, options, config.tls_available)) co_return;
    if (mode == "starttls-garbage") {
        std::string garbage;
        for (int i = 0; i < 256; ++i) garbage += "this is not a TLS ServerHello\r\n";
        if (!co_await send(socket, garbage)) co_return;
    }
    co_await swallow(socket);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, const Options& options) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(token);
        if (ec) co_return;
        asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), options), asio::detached);
    }
}

int serve_tcp(const Options& options, const std::string& where) {
    const auto colon = where.rfind(':');
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address(where.substr(0, colon)),
                                             static_cast<unsigned short>(std::stoi(where.substr(colon + 1)))));
    asio::signal_set signals(io, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    asio::co_spawn(io, listen(acceptor, options), asio::detached);
    io.run();
    return 0;
}

void write_all(int fd, std::string_view octets) {
    while (!octets.empty()) {
        const auto n = ::write(fd, octets.data(), octets.size());
        if (n <= 0) return;
        octets.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Serves one session with the reference engine until end of input.
void converse_stdio(SmtpEngine& engine) {
    write_all(STDOUT_FILENO, engine.greeting());
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n <= 0) return;
        std::string out;
        const bool open = engine.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), out);
        write_all(STDOUT_FILENO, out);
        if (!open) return;
    }
}

int serve_stdio(const Options& options) {
    if (options.mode == "exit-at-once") return 0;
    if (options.mode == "stderr-only") {
        const std::string line = "hostile_server: diagnostics only, no SMTP on stdout\n";
        for (std::size_t written = 0; written < 1024 * 1024; written += line.size()) write_all(STDERR_FILENO, line);
        std::array<char, 4096> buffer{};
        while (::read(STDIN_FILENO, buffer.data(), buffer.size()) > 0) {}
        return 0;
    }
    // ignore-sigterm
    std::signal(SIGTERM, SIG_IGN);
    SmtpEngine engine;
    converse_stdio(engine);
    for (;;) ::pause();   // only SIGKILL ends it
}

}  // namespace

int main(int argc, char** argv) {
    const std::string usage = "usage: hostile_server MODE (--listen HOST:PORT [--interval-ms N] | --stdio)\n";
    if (argc < 3) {
        std::cerr << usage;
        return 2;
    }
    Options options;
    options.mode = argv[1];
    const std::string how = argv[2];
    std::string where;
    for (int i = 3; i < argc; ++i) {
        const std::string argument = argv[i];
        if (argument == "--interval-ms" && i + 1 < argc) options.interval = std::chrono::milliseconds(std::stoi(argv[++i]));
        else if (how == "--listen" && where.empty()) where = argument;
    }
    if (how == "--listen" && !where.empty() && tcp_modes.contains(options.mode)) return serve_tcp(options, where);
    if (how == "--stdio" && stdio_modes.contains(options.mode)) return serve_stdio(options);
    std::cerr << "hostile_server: unknown mode or transport '" << options.mode << " " << how << "'\n" << usage;
    return 2;
}
