// A deliberately wrong SMTP server for end-to-end tests: the reference engine with one
// behaviour changed. Each behaviour is a known deviation whose verdict the tests assert.
//   misbehaving_server BEHAVIOUR --listen 127.0.0.1:PORT   (serves TCP until SIGTERM)
//   misbehaving_server BEHAVIOUR --stdio                    (one session on stdin/stdout)
// Command lines are intercepted before the engine sees them; message content is never
// intercepted because no behaviour here needs it (the tests' scenarios keep content plain).
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "server/smtp_engine.hpp"

namespace {

namespace asio = boost::asio;
using smtpspec::SmtpEngine;

// What a behaviour does with one command line: nothing (the engine answers), or its own
// octets, optionally closing the connection after them.
struct Override {
    std::string reply;
    bool close_after = false;
};
using Behaviour = std::function<std::optional<Override>(const std::string& verb)>;

Behaviour answer(std::map<std::string, Override> table) {
    return [table = std::move(table)](const std::string& verb) -> std::optional<Override> {
        const auto it = table.find(verb);
        if (it == table.end()) return std::nullopt;
        return it->second;
    };
}

const std::map<std::string, Behaviour>& behaviours() {
    static const std::map<std::string, Behaviour> table = {
        {"correct", answer({})},
        {"noop-rset-200", answer({{"NOOP", {"200 OK\r\n"}}, {"RSET", {"200 OK\r\n"}}})},
        {"obsolete-250", answer({{"SEND", {"250 2.0.0 OK\r\n"}}, {"SOML", {"250 2.0.0 OK\r\n"}},
                                 {"SAML", {"250 2.0.0 OK\r\n"}}, {"TURN", {"250 2.0.0 OK\r\n"}}})},
        {"mail-251", answer({{"MAIL", {"251 2.1.0 will forward\r\n"}}})},
        {"quit-250", answer({{"QUIT", {"250 2.0.0 goodbye\r\n", true}}})},
        {"rcpt-without-mail", answer({{"RCPT", {"250 2.1.5 OK\r\n"}}})},
        {"ehlo-mixed-codes", answer({{"EHLO", {"250-mx.example\r\n251 PIPELINING\r\n"}}})},
        {"close-mid-reply", answer({{"EHLO", {"250-mx.example\r\n250-PIPEL", true}}})},
    };
    return table;
}

std::string upper_verb(const std::string& line) {
    std::string verb = line.substr(0, line.find(' '));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return verb;
}

// One session's protocol: splits command lines, lets the behaviour answer first.
class Session {
public:
    explicit Session(const Behaviour& behaviour) : behaviour_(behaviour) {}

    std::string greeting() const { return engine_.greeting(); }

    // Returns false once the connection must close.
    bool feed(std::string_view input, std::string& out) {
        pending_.append(input);
        for (auto end = pending_.find("\r\n"); end != std::string::npos; end = pending_.find("\r\n")) {
            const std::string line = pending_.substr(0, end);
            pending_.erase(0, end + 2);
            if (auto override = behaviour_(upper_verb(line))) {
                out += override->reply;
                if (override->close_after) return false;
            } else if (!engine_.feed(line + "\r\n", out)) {
                return false;
            }
        }
        return true;
    }

private:
    const Behaviour& behaviour_;
    SmtpEngine engine_;
    std::string pending_;
};

int serve_stdio(const Behaviour& behaviour, bool greet) {
    Session session(behaviour);
    std::string out = greet ? session.greeting() : "";
    std::array<char, 4096> buffer{};
    for (;;) {
        if (!out.empty() && ::write(STDOUT_FILENO, out.data(), out.size()) < 0) return 1;
        out.clear();
        const auto n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n <= 0) return 0;
        if (!session.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), out)) {
            if (::write(STDOUT_FILENO, out.data(), out.size()) < 0) return 1;
            return 0;
        }
    }
}

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, const Behaviour& behaviour, bool greet) {
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    Session session(behaviour);
    std::string out = greet ? session.greeting() : "";
    std::array<char, 4096> buffer{};
    for (;;) {
        if (!out.empty()) {
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(out), token);
            if (ec) co_return;
            out.clear();
        }
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), token);
        if (ec) co_return;
        if (!session.feed(std::string_view(buffer.data(), n), out)) {
            co_await asio::async_write(socket, asio::buffer(out), token);
            co_return;
        }
    }
}

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, const Behaviour& behaviour, bool greet) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), behaviour, greet), asio::detached);
    }
}

int serve_tcp(const Behaviour& behaviour, bool greet, unsigned short port) {
    asio::io_context io;
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), port});
    std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
    asio::co_spawn(io, accept_loop(acceptor, behaviour, greet), asio::detached);
    io.run();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    const std::string usage = "usage: misbehaving_server BEHAVIOUR (--stdio | --listen 127.0.0.1:PORT)";
    if (argc < 3) {
        std::cerr << usage << '\n';
        return 2;
    }
    const std::string name = argv[1];
    // "never-greets" keeps the reference behaviour but withholds the greeting.
    const bool greet = name != "never-greets";
    const auto it = behaviours().find(greet ? name : "correct");
    if (it == behaviours().end()) {
        std::cerr << "unknown behaviour '" << name << "'\n";
        return 2;
    }
    const std::string mode = argv[2];
    if (mode == "--stdio") return serve_stdio(it->second, greet);
    if (mode == "--listen" && argc == 4) {
        const std::string where = argv[3];
        const auto colon = where.rfind(':');
        if (where.substr(0, colon) != "127.0.0.1") {
            std::cerr << "misbehaving_server binds to 127.0.0.1 only\n";
            return 2;
        }
        return serve_tcp(it->second, greet, static_cast<unsigned short>(std::stoi(where.substr(colon + 1))));
    }
    std::cerr << usage << '\n';
    return 2;
}
