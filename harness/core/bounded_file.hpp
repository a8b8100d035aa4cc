#pragma once
// Reading a whole input file (scenarios, baselines, saved reports) without trusting it: a FIFO
// or device is refused rather than waited on, and the size is known before anything is read,
// so a huge file is never pulled into memory.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

namespace smtpspec {

struct FileProblem {
    std::string message;   // "not a regular file: a FIFO", "cannot read: Permission denied", ...
};

// The file's octets, or why they were not read. `what` names the kind of file in the message
// for one that is too large: "file is N bytes, over the limit of M bytes (K MiB) for one <what>".
std::variant<std::string, FileProblem> read_bounded_file(const std::filesystem::path& path, std::size_t max_size,
                                                         std::string_view what);

std::string describe_oversized_file(std::uintmax_t size, std::size_t max_size, std::string_view what);

}  // namespace smtpspec
