// `smtpspec serve`: the embedded reference server on its own, on TCP or on stdin/stdout.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "server/reference_server.hpp"
#include "server/stdio_server.hpp"

namespace smtpspec::cli {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct HostPort {
    std::string host;
    std::string port;
};

// "HOST:PORT" or "[IPv6]:PORT".
std::optional<HostPort> split_host_port(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return std::nullopt;   // IPv6 needs brackets
    }
    const bool numeric_port = !port.empty() && port.size() <= 5 &&
                              std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (host.empty() || !numeric_port || std::stoul(std::string(port)) > 65535) return std::nullopt;
    return HostPort{std::string(host), std::string(port)};
}

// An address, or a name resolved to its first address (serve binds one socket).
std::optional<tcp::endpoint> listen_endpoint(const std::string& listen, std::ostream& err) {
    const auto parts = split_host_port(listen);
    if (!parts) {
        err << fmt::format("smtpspec serve: --listen \"{}\" is not HOST:PORT (for example 127.0.0.1:2525 or "
                           "[::1]:2525)\n",
                           listen);
        return std::nullopt;
    }
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code error;
    const auto results = resolver.resolve(parts->host, parts->port, tcp::resolver::numeric_service, error);
    if (error || results.empty()) {
        err << fmt::format("smtpspec serve: --listen \"{}\": cannot resolve host \"{}\": {}\n", listen, parts->host,
                           error ? error.message() : "no address");
        return std::nullopt;
    }
    return results.begin()->endpoint();
}

// The engine's personality; run_serve has already refused names that are not one.
Personality chosen_personality(const ServeOptions& options) {
    return parse_personality(options.personality).value_or(Personality::reference);
}

std::string personality_list() {
    std::string list;
    for (const PersonalityInfo& info : personalities())
        list += fmt::format("  {:<14} {}\n", info.name, info.description);
    return list;
}

std::string describe(const tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    if (address.is_v6()) return fmt::format("[{}]:{}", address.to_string(), endpoint.port());
    return fmt::format("{}:{}", address.to_string(), endpoint.port());
}

int serve_tcp(const tcp::endpoint& endpoint, const ServeOptions& options, std::ostream& out, std::ostream& err) {
    asio::io_context io;
    // Installed before "listening on" is printed, so a signal sent as soon as it appears stops
    // the server instead of killing the process.
    asio::signal_set signals(io, SIGINT, SIGTERM);
    ReferenceServerConfig config;
    config.listen = endpoint;
    config.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
    config.implicit_tls = options.tls;
    config.engine.personality = chosen_personality(options);
    ReferenceServer server(io.get_executor(), config);
    tcp::endpoint bound;
    try {
        bound = server.start();
    } catch (const boost::system::system_error& e) {
        err << fmt::format("smtpspec serve: cannot listen on {}: {}\n", describe(endpoint), e.code().message());
        return exit_code::unreachable;
    }
    out << fmt::format("listening on {}\n", describe(bound)) << std::flush;
    signals.async_wait([&server](const boost::system::error_code& error, int) {
        if (!error) server.stop();
    });
    io.run();
    return exit_code::ok;
}

int serve_stdio(const ServeOptions& options, std::ostream& err) {
    // A reader that goes away must end the session with a write error, not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
    StdioServerConfig config;
    config.idle_timeout = std::chrono::seconds(options.idle_timeout_s);
    config.engine.personality = chosen_personality(options);
    if (serve_stdio_session(STDIN_FILENO, STDOUT_FILENO, config) == StdioSessionEnd::io_error) {
        err << "smtpspec serve: reading stdin or writing stdout failed\n";
        return exit_code::harness_error;
    }
    return exit_code::ok;
}

}  // namespace

void setup_serve(CLI::App& app, ServeOptions& options) {
    CLI::App* serve = app.add_subcommand("serve", "Run the embedded reference SMTP server until SIGINT or SIGTERM");
    serve->add_option("--listen", options.listen,
                      "Where to listen: HOST:PORT or [IPv6]:PORT; port 0 picks a free one (default 127.0.0.1:2525)")
        ->type_name("HOST:PORT");
    serve->add_flag("--stdio", options.stdio, "Serve one SMTP session on stdin/stdout instead of TCP");
    serve->add_flag("--tls", options.tls, "Implicit TLS (RFC 8314, like port 465) with a self-signed certificate");
    serve->add_option("--idle-timeout", options.idle_timeout_s,
                      "Seconds a client may stay silent before it gets 421 and is disconnected (default 300)")
        ->type_name("S");
    serve->add_option("--personality", options.personality,
                      "How the server behaves: reference (the default, conformant), minimal (no extensions), or a "
                      "known-bad one for demos: legacy-200, deprecated, smuggling, bare-lf, no-enhanced, "
                      "starttls-leak")
        ->type_name("NAME");
}

int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
    if (options.idle_timeout_s <= 0) {
        err << fmt::format("smtpspec serve: --idle-timeout must be a positive number of seconds, not {}\n",
                           options.idle_timeout_s);
        return exit_code::usage;
    }
    if (!parse_personality(options.personality)) {
        err << fmt::format("smtpspec serve: --personality \"{}\" is not one of:\n{}", options.personality,
                           personality_list());
        return exit_code::usage;
    }
    if (options.stdio) return serve_stdio(options, err);
    const auto endpoint = listen_endpoint(options.listen, err);
    if (!endpoint) return exit_code::usage;
    return serve_tcp(*endpoint, options, out, err);
}

}  // namespace smtpspec::cli
