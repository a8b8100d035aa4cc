// A deliberately wrong SMTP server for end-to-end tests: the reference engine with one
// behaviour changed. Each behaviour is a known deviation whose verdict the tests assert.
//   misbehaving_server BEHAVIOUR --listen 127.0.0.1:PORT   (serves TCP until SIGTERM)
//   misbehaving_server BEHAVIOUR --stdio                    (one session on stdin/stdout)
// Command lines are intercepted before the engine sees them; message content is never
// intercepted because no behaviour here needs it (the tests' scenarios keep content plain).
// A behaviour may answer in pieces, 100 ms apart, so that the client reads them separately.
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/base64.hpp"
#include "server/smtp_engine.hpp"

namespace {

namespace asio = boost::asio;
using smtpspec::SmtpEngine;

// What goes out at once: octets to the client, and text to stderr (which a --spawn client
// reads as the server's diagnostics).
struct Piece {
    std::string reply;
    std::string log;
};

// What a behaviour does with one command line: nothing (the engine answers), or its own pieces,
// 100 ms apart, optionally closing the connection after them.
struct Override {
    std::vector<Piece> pieces;
    bool close_after = false;
};
using Behaviour = std::function<std::optional<Override>(const std::string& line)>;
// Each session gets a behaviour of its own, so that one may keep state across lines.
using BehaviourFactory = std::function<Behaviour()>;

std::string upper_verb(const std::string& line) {
    std::string verb = line.substr(0, line.find(' '));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return verb;
}

// Fixed octets for some verbs.
BehaviourFactory answer(std::map<std::string, std::pair<std::string, bool>> table) {
    return [table = std::move(table)]() -> Behaviour {
        return [table](const std::string& line) -> std::optional<Override> {
            const auto it = table.find(upper_verb(line));
            if (it == table.end()) return std::nullopt;
            return Override{{Piece{it->second.first, ""}}, it->second.second};
        };
    };
}

// A server that tells everyone the credentials it refuses: the decoded user name and password
// go into the 535's text and to stderr, each split in the middle of the password across two
// pieces, as a reply split across TCP segments would be. A client must keep them out of every
// output however they arrive.
BehaviourFactory auth_echo() {
    return []() -> Behaviour {
        enum class Awaiting { command, plain_response, login_user, login_password };
        return [awaiting = Awaiting::command, user = std::string()](const std::string& line) mutable
               -> std::optional<Override> {
            const auto decoded = [](std::string_view text) { return smtpspec::base64_decode(text).value_or(""); };
            const auto reply = [](std::string text) { return Override{{Piece{std::move(text), ""}}, false}; };
            const auto refuse = [&](const std::string& name, const std::string& password) {
                awaiting = Awaiting::command;
                const std::size_t half = password.size() / 2;
                const std::string head = "user '" + name + "' with password '" + password.substr(0, half);
                const std::string tail = password.substr(half) + "'";
                return Override{{Piece{"535 5.7.8 authentication failed for " + head, "misbehaving_server: refused " + head},
                                 Piece{tail + "\r\n", tail + "\n"}},
                                false};
            };
            // RFC 4616: authzid NUL authcid NUL passwd.
            const auto refuse_plain = [&](const std::string& blob) {
                const auto first = blob.find('\0');
                const auto second = first == std::string::npos ? first : blob.find('\0', first + 1);
                if (second == std::string::npos) return refuse(blob, "");
                return refuse(blob.substr(first + 1, second - first - 1), blob.substr(second + 1));
            };
            if (awaiting != Awaiting::command && line == "*") {
                awaiting = Awaiting::command;
                return reply("501 5.0.0 AUTH cancelled\r\n");
            }
            switch (awaiting) {
                case Awaiting::plain_response: return refuse_plain(decoded(line));
                case Awaiting::login_user:
                    user = decoded(line);
                    awaiting = Awaiting::login_password;
                    return reply("334 UGFzc3dvcmQ6\r\n");   // "Password:"
                case Awaiting::login_password: return refuse(user, decoded(line));
                case Awaiting::command: break;
            }
            if (upper_verb(line) != "AUTH") return std::nullopt;
            std::istringstream words(line);
            std::string verb, mechanism, initial_response;
            words >> verb >> mechanism >> initial_response;
            for (char& c : mechanism) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (mechanism == "PLAIN" && !initial_response.empty()) return refuse_plain(decoded(initial_response));
            if (mechanism == "PLAIN") {
                awaiting = Awaiting::plain_response;
                return reply("334 \r\n");
            }
            if (mechanism == "LOGIN") {
                awaiting = Awaiting::login_user;
                return reply("334 VXNlcm5hbWU6\r\n");   // "Username:"
            }
            return std::nullopt;
        };
    };
}

const std::map<std::string, BehaviourFactory>& behaviours() {
    static const std::map<std::string, BehaviourFactory> table = {
        {"correct", answer({})},
        {"noop-rset-200", answer({{"NOOP", {"200 OK\r\n", false}}, {"RSET", {"200 OK\r\n", false}}})},
        {"obsolete-250", answer({{"SEND", {"250 2.0.0 OK\r\n", false}}, {"SOML", {"250 2.0.0 OK\r\n", false}},
                                 {"SAML", {"250 2.0.0 OK\r\n", false}}, {"TURN", {"250 2.0.0 OK\r\n", false}}})},
        {"mail-251", answer({{"MAIL", {"251 2.1.0 will forward\r\n", false}}})},
        {"quit-250", answer({{"QUIT", {"250 2.0.0 goodbye\r\n", true}}})},
        {"rcpt-without-mail", answer({{"RCPT", {"250 2.1.5 OK\r\n", false}}})},
        {"ehlo-mixed-codes", answer({{"EHLO", {"250-mx.example\r\n251 PIPELINING\r\n", false}}})},
        {"close-mid-reply", answer({{"EHLO", {"250-mx.example\r\n250-PIPEL", true}}})},
        {"auth-echo", auth_echo()},
    };
    return table;
}

// One session's protocol: splits command lines, lets the behaviour answer first.
class Session {
public:
    explicit Session(const BehaviourFactory& make_behaviour) : behaviour_(make_behaviour()) {}

    std::string greeting() const { return engine_.greeting(); }

    // Appends what to send to `out`, starting a new piece where a behaviour asks for a pause.
    // Returns false once the connection must close.
    bool feed(std::string_view input, std::vector<Piece>& out) {
        pending_.append(input);
        for (auto end = pending_.find("\r\n"); end != std::string::npos; end = pending_.find("\r\n")) {
            const std::string line = pending_.substr(0, end);
            pending_.erase(0, end + 2);
            if (out.empty()) out.emplace_back();
            if (auto override = behaviour_(line)) {
                for (std::size_t i = 0; i < override->pieces.size(); ++i) {
                    if (i > 0) out.emplace_back();
                    out.back().reply += override->pieces[i].reply;
                    out.back().log += override->pieces[i].log;
                }
                if (override->close_after) return false;
            } else if (!engine_.feed(line + "\r\n", out.back().reply)) {
                return false;
            }
        }
        return true;
    }

private:
    Behaviour behaviour_;
    SmtpEngine engine_;
    std::string pending_;
};

constexpr auto pause_between_pieces = std::chrono::milliseconds(100);

bool write_all(int fd, const std::string& text) { return text.empty() || ::write(fd, text.data(), text.size()) >= 0; }

bool send_stdio(const std::vector<Piece>& pieces) {
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) std::this_thread::sleep_for(pause_between_pieces);
        if (!write_all(STDOUT_FILENO, pieces[i].reply) || !write_all(STDERR_FILENO, pieces[i].log)) return false;
    }
    return true;
}

int serve_stdio(const BehaviourFactory& behaviour, bool greet) {
    Session session(behaviour);
    std::vector<Piece> out;
    if (greet) out.push_back(Piece{session.greeting(), ""});
    std::array<char, 4096> buffer{};
    for (;;) {
        if (!send_stdio(out)) return 1;
        out.clear();
        const auto n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n <= 0) return 0;
        if (!session.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)), out)) {
            return send_stdio(out) ? 0 : 1;
        }
    }
}

// A daemon's stderr: the log its starter keeps.
asio::awaitable<bool> send_tcp(asio::ip::tcp::socket& socket, const std::vector<Piece>& pieces) {
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        if (i > 0) {
            asio::steady_timer pause(socket.get_executor(), pause_between_pieces);
            co_await pause.async_wait(token);
        }
        std::cerr << pieces[i].log << std::flush;
        if (pieces[i].reply.empty()) continue;
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(pieces[i].reply), token);
        if (ec) co_return false;
    }
    co_return true;
}

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, const BehaviourFactory& behaviour, bool greet) {
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    Session session(behaviour);
    std::vector<Piece> out;
    if (greet) out.push_back(Piece{session.greeting(), ""});
    std::array<char, 4096> buffer{};
    for (;;) {
        if (!co_await send_tcp(socket, out)) co_return;
        out.clear();
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), token);
        if (ec) co_return;
        if (!session.feed(std::string_view(buffer.data(), n), out)) {
            co_await send_tcp(socket, out);
            co_return;
        }
    }
}

asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor, const BehaviourFactory& behaviour, bool greet) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        asio::co_spawn(acceptor.get_executor(), serve_connection(std::move(socket), behaviour, greet), asio::detached);
    }
}

int serve_tcp(const BehaviourFactory& behaviour, bool greet, unsigned short port) {
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
