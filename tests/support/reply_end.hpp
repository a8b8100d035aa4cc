#pragma once
// Where the first complete reply in a buffer of server octets ends, for test clients that read
// replies without the harness's parser: 0 while no reply is complete.
#include <cstddef>
#include <string_view>

namespace smtpspec::testing {

inline std::size_t end_of_first_reply(std::string_view buffer) {
    std::size_t start = 0;
    for (auto end = buffer.find("\r\n"); end != std::string_view::npos; end = buffer.find("\r\n", start)) {
        const bool last = end - start < 4 || buffer[start + 3] == ' ';
        start = end + 2;
        if (last) return start;
    }
    return 0;
}

}  // namespace smtpspec::testing
