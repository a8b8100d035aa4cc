#pragma once
// Runs a shell command as a child of the test and measures it: exit code, wall time and the
// child's peak resident set size (from wait4, so the kernel's count, not a sample).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace smtpspec::testing {

struct MeasuredRun {
    int exit_code = -1;          // -1: killed by a signal
    std::string out;
    std::string err;
    double seconds = 0;
    long peak_rss_kib = 0;       // the largest RSS the process (or a child it reaped) reached
};

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// `exec` makes the shell become the command, so the measured process is the command itself.
inline MeasuredRun run_measured(const std::string& command) {
    static int runs = 0;
    const auto base = std::filesystem::temp_directory_path() /
                      ("smtpspec-measured-" + std::to_string(::getpid()) + "-" + std::to_string(++runs));
    const auto out_path = base.string() + ".out";
    const auto err_path = base.string() + ".err";
    const auto started = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        const std::string script = "exec " + command;
        ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    MeasuredRun run;
    int status = 0;
    rusage usage{};
    if (pid > 0 && ::wait4(pid, &status, 0, &usage) == pid) {
        run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        run.peak_rss_kib = usage.ru_maxrss;
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    run.out = slurp(out_path);
    run.err = slurp(err_path);
    std::filesystem::remove(out_path);
    std::filesystem::remove(err_path);
    return run;
}

}  // namespace smtpspec::testing
