#include "transport/resolve.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

namespace smtpspec {

using asio::ip::tcp;

namespace {

// Shared by the waiting coroutine and the lookup thread, which may outlive the wait. The thread
// writes its answer under the mutex, then sends an octet on its end of a socket pair; the
// coroutine reads the other end. Each end has exactly one descriptor (a dup'd eventfd watched
// by epoll outlives its closed duplicate and woke unrelated waits), and a send after the waiter
// has gone fails quietly (MSG_NOSIGNAL) instead of raising SIGPIPE.
struct Lookup {
    std::mutex mutex;
    bool done = false;
    std::vector<tcp::endpoint> endpoints;
    std::string error;
    int notify = -1;

    ~Lookup() {
        if (notify >= 0) ::close(notify);
    }
};

void look_up(const std::shared_ptr<Lookup>& lookup, const std::string& host, const std::string& port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* list = nullptr;
    const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
    std::vector<tcp::endpoint> endpoints;
    std::string error;
    if (status != 0) {
        error = status == EAI_SYSTEM ? std::string(std::strerror(errno)) : std::string(::gai_strerror(status));
    } else {
        for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
            tcp::endpoint endpoint;
            if (a->ai_addrlen > endpoint.capacity()) continue;
            std::memcpy(endpoint.data(), a->ai_addr, a->ai_addrlen);
            endpoint.resize(a->ai_addrlen);
            endpoints.push_back(endpoint);
        }
        ::freeaddrinfo(list);
        if (endpoints.empty()) error = "no address to connect to";
    }
    {
        const std::lock_guard lock(lookup->mutex);
        lookup->endpoints = std::move(endpoints);
        lookup->error = std::move(error);
        lookup->done = true;
    }
    (void)::send(lookup->notify, "!", 1, MSG_NOSIGNAL);
}

}  // namespace

std::optional<unsigned short> parse_port(std::string_view digits) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value > 65535) return std::nullopt;
    return static_cast<unsigned short>(value);
}

asio::awaitable<Resolved> resolve_bounded(const std::string& host, const std::string& port, Millis timeout) {
    using namespace asio::experimental::awaitable_operators;
    const auto number = parse_port(port);
    boost::system::error_code not_literal;
    const auto address = asio::ip::make_address(host, not_literal);
    if (!not_literal && number) co_return Resolved{{tcp::endpoint(address, *number)}, ""};

    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0)
        co_return Resolved{{}, fmt::format("cannot look up the name: {}", std::strerror(errno))};
    auto lookup = std::make_shared<Lookup>();
    lookup->notify = ends[1];
    const auto executor = co_await asio::this_coro::executor;
    asio::posix::stream_descriptor wake(executor, ends[0]);
    try {
        std::thread(look_up, lookup, host, port).detach();
    } catch (const std::system_error& e) {
        co_return Resolved{{}, fmt::format("cannot look up the name: {}", e.what())};
    }
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(executor, timeout);
    // A read, not a readiness wait: Asio's wait_read completed for some lookups before anything
    // was sent (seen in about 5% of connects to localhost); a read completes only with the octet.
    char octet = 0;
    (void)co_await (wake.async_read_some(asio::buffer(&octet, 1), token) || timer.async_wait(token));

    const std::lock_guard lock(lookup->mutex);
    if (!lookup->done) co_return Resolved{{}, fmt::format("timed out after {} ms", timeout.count())};
    co_return Resolved{std::move(lookup->endpoints), std::move(lookup->error)};
}

}  // namespace smtpspec
