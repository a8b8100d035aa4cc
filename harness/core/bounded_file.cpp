#include "core/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

namespace smtpspec {

namespace {

std::string errno_text(int error) { return std::generic_category().message(error); }

class OpenFile {
public:
    explicit OpenFile(int fd) : fd_(fd) {}
    ~OpenFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

std::string_view file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

}  // namespace

std::string describe_oversized_file(std::uintmax_t size, std::size_t max_size, std::string_view what) {
    return fmt::format("file is {} bytes, over the limit of {} bytes ({} MiB) for one {}", size, max_size,
                       max_size >> 20, what);
}

std::variant<std::string, FileProblem> read_bounded_file(const std::filesystem::path& path, std::size_t max_size,
                                                         std::string_view what) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer. The type and size are taken from the
    // open descriptor, so what is read is what was checked.
    const OpenFile file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (file.fd() < 0) return FileProblem{"cannot read: " + errno_text(errno)};
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) return FileProblem{"cannot read: " + errno_text(errno)};
    if (!S_ISREG(info.st_mode)) return FileProblem{fmt::format("not a regular file: {}", file_kind(info.st_mode))};
    if (static_cast<std::uintmax_t>(info.st_size) > max_size)
        return FileProblem{describe_oversized_file(static_cast<std::uintmax_t>(info.st_size), max_size, what)};

    // The read is bounded too: a file may grow after fstat, or report a size it does not have.
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t got = 0;
    for (;;) {
        if (got == text.size()) {
            if (text.size() > max_size) return FileProblem{describe_oversized_file(text.size(), max_size, what)};
            text.resize(std::min(text.size() + 64 * 1024, max_size + 1));
        }
        const ssize_t n = ::read(file.fd(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return FileProblem{"cannot read: " + errno_text(errno)};
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

}  // namespace smtpspec
