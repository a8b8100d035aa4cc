#include "reports/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace smtpspec::reports {

namespace {

std::filesystem::path directory_of(const std::filesystem::path& path) {
    return path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
}

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what, int error) {
    throw WriteError(fmt::format("cannot write report {}: {}: {}", path.string(), what, std::strerror(error)));
}

// Closes the descriptor and removes the temporary file unless the write was committed.
class TemporaryFile {
public:
    explicit TemporaryFile(const std::filesystem::path& destination) {
        const auto directory = directory_of(destination);
        name_ = (directory / ("." + destination.filename().string() + ".tmp-XXXXXX")).string();
        fd_ = ::mkstemp(name_.data());
        if (fd_ < 0) fail(destination, fmt::format("creating a temporary file in {}", directory.string()), errno);
    }
    TemporaryFile(const TemporaryFile&) = delete;
    TemporaryFile& operator=(const TemporaryFile&) = delete;
    ~TemporaryFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) ::unlink(name_.c_str());
    }

    int fd() const { return fd_; }
    const std::string& name() const { return name_; }
    // Closing can report a deferred write error (NFS), so it is checked, not left to the destructor.
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result;
    }
    void commit() { committed_ = true; }

private:
    std::string name_;
    int fd_ = -1;
    bool committed_ = false;
};

void write_all(int fd, std::string_view content, const std::filesystem::path& path) {
    while (!content.empty()) {
        const auto written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) fail(path, "writing", errno);
        content.remove_prefix(static_cast<std::size_t>(written));
    }
}

// Read from /proc rather than with umask(2), which can only be read by changing it and would
// race with other threads creating files.
mode_t current_umask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
    }
    return 022;
}

mode_t mode_for(const std::filesystem::path& path) {
    struct stat existing {};
    if (::lstat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) return existing.st_mode & 07777;
    return 0666 & ~current_umask();
}

void sync_directory(const std::filesystem::path& path) {
    const auto directory = directory_of(path);
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(path, fmt::format("opening directory {} to sync it", directory.string()), errno);
    const int result = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot sync a directory; the rename has happened, so that is no failure.
    if (result != 0 && error != EINVAL && error != ENOTSUP) fail(path, "syncing its directory", error);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
    TemporaryFile temporary(path);
    if (::fchmod(temporary.fd(), mode_for(path)) != 0) fail(path, "setting the file mode", errno);
    write_all(temporary.fd(), content, path);
    if (::fsync(temporary.fd()) != 0) fail(path, "syncing", errno);
    if (temporary.close() != 0) fail(path, "closing", errno);
    if (::rename(temporary.name().c_str(), path.c_str()) != 0)
        fail(path, fmt::format("renaming {} over it", temporary.name()), errno);
    temporary.commit();
    sync_directory(path);
}

}  // namespace smtpspec::reports
