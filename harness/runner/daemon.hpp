#pragma once
// A server daemon that smtpspec starts once for a run (`--start CMD --target HOST:PORT`):
// started, waited for until its port greets (bounded), stopped by its PID at the end —
// SIGTERM, then SIGKILL after a grace period — and always reaped.
#include <boost/asio/awaitable.hpp>
#include <boost/process/v2/process.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "transport/tcp_transport.hpp"

namespace smtpspec {

struct DaemonSettings {
    std::string command;       // run by /bin/sh
    HostPort target;           // where it will greet
    Millis start_timeout{30000};
    Millis grace{3000};
};

class Daemon {
public:
    struct Started {
        std::unique_ptr<Daemon> daemon;   // null when it did not come up
        std::string error;                // why, with the tail of its output
    };

    static asio::awaitable<Started> start(DaemonSettings settings);
    ~Daemon();

    asio::awaitable<void> stop();
    int pid() const { return process_.id(); }

private:
    Daemon(DaemonSettings settings, boost::process::v2::process process, std::FILE* log);
    std::string output_tail() const;

    DaemonSettings settings_;
    boost::process::v2::process process_;
    std::FILE* log_;   // its stdout and stderr, for the message when it fails
    bool stopped_ = false;
};

}  // namespace smtpspec
