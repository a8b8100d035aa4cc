#pragma once
// Writing a report so that a reader never sees half of it: a CI job that collects the JSON
// while smtpspec is killed must find either the old file or the complete new one.
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace smtpspec::reports {

// The message names the path and the operation that failed, e.g.
// "cannot write report /ci/out/run.json: creating a temporary file in /ci/out: Permission denied".
class WriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Writes `content` to a temporary file in the destination's directory (rename is only atomic
// within one file system), fsyncs it, renames it over `path` and fsyncs the directory so the
// rename itself survives a crash. The file gets the mode of the file it replaces, or
// 0666 minus the umask when it is new. On any failure the temporary file is removed, `path`
// is left as it was, and WriteError is thrown. A symbolic link at `path` is replaced, not
// followed.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

}  // namespace smtpspec::reports
