#pragma once
// The reference server speaking one SMTP session over a pair of file descriptors (stdin and
// stdout for `smtpspec serve --stdio`), so the harness's spawned-process targets can be tested
// against it. Blocking I/O: there is one client and nothing else to do.
#include <chrono>

#include "server/smtp_engine.hpp"

namespace smtpspec {

struct StdioServerConfig {
    std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);   // RFC 5321 §4.5.3.2.7
    EngineConfig engine;
};

enum class StdioSessionEnd {
    quit,            // the client sent QUIT and got 221
    end_of_input,    // the client closed its side
    idle_timeout,    // no input for idle_timeout: "421 4.4.2" was sent
    io_error,        // reading or writing failed (the reader went away, say)
};

// Serves one session: the greeting, then replies to what arrives on `input_fd`, written to
// `output_fd`, reading whatever is available so pipelined commands are answered at once.
StdioSessionEnd serve_stdio_session(int input_fd, int output_fd, const StdioServerConfig& config);

}  // namespace smtpspec
