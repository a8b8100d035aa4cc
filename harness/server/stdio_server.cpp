#include "server/stdio_server.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <string>
#include <string_view>

namespace smtpspec {
namespace {

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

enum class Wait { readable, timed_out, failed };

Wait wait_for_input(int fd, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero()) return Wait::timed_out;
        pollfd watched{fd, POLLIN, 0};
        const auto max_wait = std::chrono::milliseconds(std::numeric_limits<int>::max());
        const int ready = ::poll(&watched, 1, static_cast<int>(std::min(left, max_wait).count()));
        if (ready < 0 && errno == EINTR) continue;   // a signal; the deadline still holds
        if (ready < 0) return Wait::failed;
        if (ready > 0) return Wait::readable;        // data, end of input or an error: read() tells
    }
}

}  // namespace

StdioSessionEnd serve_stdio_session(int input_fd, int output_fd, const StdioServerConfig& config) {
    SmtpEngine engine(config.engine);
    if (!write_all(output_fd, engine.greeting())) return StdioSessionEnd::io_error;
    std::array<char, 16 * 1024> buffer{};
    std::string replies;
    for (;;) {
        const Wait wait = wait_for_input(input_fd, config.idle_timeout);
        if (wait == Wait::failed) return StdioSessionEnd::io_error;
        if (wait == Wait::timed_out) {
            return write_all(output_fd, engine.on_idle_timeout()) ? StdioSessionEnd::idle_timeout
                                                                  : StdioSessionEnd::io_error;
        }
        const ssize_t received = ::read(input_fd, buffer.data(), buffer.size());
        if (received < 0 && errno == EINTR) continue;
        if (received < 0) return StdioSessionEnd::io_error;
        if (received == 0) return StdioSessionEnd::end_of_input;
        replies.clear();
        const bool open = engine.feed(std::string_view(buffer.data(), static_cast<std::size_t>(received)), replies);
        if (!write_all(output_fd, replies)) return StdioSessionEnd::io_error;
        if (!open) return StdioSessionEnd::quit;
    }
}

}  // namespace smtpspec
