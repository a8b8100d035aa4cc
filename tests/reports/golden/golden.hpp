#pragma once
// Golden files: the exact expected output of a reporter, kept next to this header in
// tests/reports/golden/ and compared octet for octet.
//
// After an intended change to a reporter, regenerate the goldens and review them like code:
//
//     SMTPSPEC_UPDATE_GOLDEN=1 build/tests/console_report_test
//     SMTPSPEC_UPDATE_GOLDEN=1 build/tests/json_report_test
//     git diff tests/reports/golden/
//
// With SMTPSPEC_UPDATE_GOLDEN=1 a comparison writes the actual output to the golden file and
// passes; without it, a mismatch fails with a unified-style line diff, escaped so that ANSI
// escapes, CRs and stray octets are visible.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "reports/text_escape.hpp"

namespace smtpspec::testing {

inline std::filesystem::path golden_path(std::string_view name) {
    return std::filesystem::path(SMTPSPEC_SOURCE_DIR) / "tests" / "reports" / "golden" / name;
}

inline bool updating_goldens() {
    const char* value = std::getenv("SMTPSPEC_UPDATE_GOLDEN");
    return value != nullptr && std::string_view(value) == "1";
}

struct DiffLine {
    char sign;               // ' ' in both, '-' expected only, '+' actual only
    std::string_view text;
};

// A line diff through the longest common subsequence; goldens are small enough for the
// quadratic table.
inline std::vector<DiffLine> line_diff(const std::vector<std::string_view>& want,
                                       const std::vector<std::string_view>& got) {
    const auto n = want.size();
    const auto m = got.size();
    std::vector<std::uint32_t> common((n + 1) * (m + 1), 0);   // common[i][j]: LCS of want[i..], got[j..]
    const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return common[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = want[i] == got[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::vector<DiffLine> diff;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && want[i] == got[j]) {
            diff.push_back({' ', want[i++]});
            ++j;
        } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
            diff.push_back({'-', want[i++]});
        } else {
            diff.push_back({'+', got[j++]});
        }
    }
    return diff;
}

// A line as the diff shows it: its LF is the diff's own line break, so only a missing one is noted.
inline std::string shown_line(std::string_view line) {
    if (!line.ends_with('\n')) return reports::escape_text(line) + " (no newline at end)";
    return reports::escape_text(line.substr(0, line.size() - 1));
}

// The differing lines with three lines of context, as `diff -u` frames them, escaped so that
// ANSI escapes, CRs and stray octets are visible.
inline std::string golden_diff(std::string_view expected, std::string_view actual) {
    constexpr std::size_t context = 3;
    constexpr std::size_t max_lines = 80;
    const auto diff = line_diff(reports::split_lines(expected), reports::split_lines(actual));
    const auto near_change = [&](std::size_t k) {
        const auto from = k - std::min(k, context);
        const auto to = std::min(diff.size(), k + context + 1);
        for (auto i = from; i < to; ++i)
            if (diff[i].sign != ' ') return true;
        return false;
    };
    std::ostringstream out;
    std::size_t expected_line = 1;
    std::size_t printed = 0;
    bool skipping = true;
    for (std::size_t k = 0; k < diff.size() && printed < max_lines; ++k) {
        if (!near_change(k)) {
            skipping = true;
        } else {
            if (skipping) out << "@@ expected line " << expected_line << " @@\n";
            skipping = false;
            out << diff[k].sign << ' ' << shown_line(diff[k].text) << '\n';
            ++printed;
        }
        if (diff[k].sign != '+') ++expected_line;
    }
    if (printed == max_lines) out << "… (diff cut at " << max_lines << " lines)\n";
    return out.str();
}

inline ::testing::AssertionResult matches_golden(std::string_view name, std::string_view actual) {
    const auto path = golden_path(name);
    if (updating_goldens()) {
        std::ofstream(path, std::ios::binary) << actual;
        return ::testing::AssertionSuccess() << "updated " << path;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return ::testing::AssertionFailure() << "golden file " << path
                                             << " is missing; create it with SMTPSPEC_UPDATE_GOLDEN=1";
    const std::string expected{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (expected == actual) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "output differs from " << path
                                         << " (if the change is intended, rerun with SMTPSPEC_UPDATE_GOLDEN=1 and "
                                            "review git diff)\n"
                                         << golden_diff(expected, actual);
}

}  // namespace smtpspec::testing
