#include "transport/scripted_transport.hpp"

#include <algorithm>
#include <cstring>

namespace smtpspec {

asio::awaitable<IoResult> ScriptedTransport::write(std::string_view bytes, Millis) {
    if (server_closed_ && queue_.empty()) co_return IoResult{IoResult::Status::closed, 0, "broken pipe"};
    written_.append(bytes);
    if (peer_) peer_(bytes, *this);
    co_return IoResult{IoResult::Status::ok, bytes.size(), ""};
}

asio::awaitable<IoResult> ScriptedTransport::read_some(std::span<char> buffer, Millis) {
    if (queue_.empty()) {
        if (server_closed_) co_return IoResult{IoResult::Status::closed, 0, "end of stream"};
        co_return IoResult{IoResult::Status::timeout, 0, ""};
    }
    std::string& front = queue_.front();
    const std::size_t n = std::min(buffer.size(), front.size());
    std::memcpy(buffer.data(), front.data(), n);
    front.erase(0, n);
    if (front.empty()) queue_.pop_front();
    co_return IoResult{IoResult::Status::ok, n, ""};
}

std::size_t ScriptedTransport::available() {
    std::size_t queued = 0;
    for (const auto& bytes : queue_) queued += bytes.size();
    return queued;
}

asio::awaitable<void> ScriptedTransport::close() {
    client_closed_ = true;
    co_return;
}

}  // namespace smtpspec
