#pragma once
// Runs a shell command for end-to-end tests and captures its exit code, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace smtpspec::testing {

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline CommandResult run_command(const std::string& command) {
    static int runs = 0;
    const auto err_path = std::filesystem::temp_directory_path() /
                          ("smtpspec-test-" + std::to_string(::getpid()) + "-" + std::to_string(++runs) + ".err");
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>'" + err_path.string() + "'").c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err_file(err_path);
    std::ostringstream err;
    err << err_file.rdbuf();
    result.err = err.str();
    std::filesystem::remove(err_path);
    return result;
}

// The smtpspec binary under test, quoted for the shell.
inline std::string smtpspec_command(const std::string& arguments) {
    return std::string("'") + SMTPSPEC_BINARY + "' " + arguments;
}

}  // namespace smtpspec::testing
