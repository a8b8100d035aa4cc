#pragma once
// How often `needle` stands in `text`, counting non-overlapping occurrences: for tests that
// check a report holds an element once per scenario.
#include <cstddef>
#include <string_view>

namespace smtpspec::testing {

inline std::size_t occurrences(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) ++count;
    return count;
}

}  // namespace smtpspec::testing
