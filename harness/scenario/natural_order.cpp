#include "scenario/natural_order.hpp"

#include <cctype>

namespace smtpspec {

namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The maximal run of digits, or of non-digits, starting at `from`.
std::string_view chunk_at(std::string_view text, std::size_t from) {
    const bool digits = is_digit(text[from]);
    std::size_t end = from;
    while (end < text.size() && is_digit(text[end]) == digits) ++end;
    return text.substr(from, end - from);
}

// Numbers of any length compare by value: leading zeros dropped, then the shorter is smaller.
int compare_numbers(std::string_view a, std::string_view b) {
    const auto significant = [](std::string_view n) {
        const auto first = n.find_first_not_of('0');
        return first == std::string_view::npos ? std::string_view{} : n.substr(first);
    };
    a = significant(a);
    b = significant(b);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a.compare(b);
}

// The id separator sorts before every other character, so that a section's own scenarios
// ("4.1.1/4") come before its subsections' ("4.1.1.4/2"), as in a table of contents.
int compare_text(std::string_view a, std::string_view b) {
    const auto rank = [](char c) { return c == '/' ? -1 : static_cast<int>(static_cast<unsigned char>(c)); };
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (rank(a[i]) != rank(b[i])) return rank(a[i]) < rank(b[i]) ? -1 : 1;
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        const auto left = chunk_at(a, i);
        const auto right = chunk_at(b, j);
        const bool numbers = is_digit(left.front()) && is_digit(right.front());
        const int order = numbers ? compare_numbers(left, right) : compare_text(left, right);
        if (order != 0) return order < 0;
        i += left.size();
        j += right.size();
    }
    return a.size() - i < b.size() - j;
}

}  // namespace smtpspec
