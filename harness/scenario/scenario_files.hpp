#pragma once
// Finding scenario files on disk and reading them without trusting them: links are followed
// but a link loop cannot make the search endless, a FIFO or device named *.json is refused
// rather than waited on, and a file's size is known before any of it is read.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario/loader.hpp"

namespace smtpspec {

// Every *.json (not *.schema.json) under the given files and directories, each directory in
// natural order ("4.1.1.9" before "4.1.1.10"); a file reached twice is listed once. What
// cannot be listed or followed becomes an issue naming it.
std::vector<std::filesystem::path> find_scenario_files(const std::vector<std::filesystem::path>& paths,
                                                       std::vector<LoadIssue>& issues);

// The file's octets, or an issue: not a regular file, unreadable, or over max_scenario_file_size.
std::optional<std::string> read_scenario_file(const std::filesystem::path& path, std::vector<LoadIssue>& issues);

// "file is N bytes, over the limit of …": for a file refused unread, and for text given whole.
std::string describe_oversized_scenario_file(std::uintmax_t size);

}  // namespace smtpspec
