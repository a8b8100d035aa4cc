#pragma once
// What a step saw: a reply, or one of the events that take its place. Timeouts, closes and
// unreadable replies are observations to judge, not exceptions.
#include <string>
#include <variant>

#include "core/reply.hpp"

namespace smtpspec {

struct TimedOut {
    int after_ms = 0;
};

struct Closed {
    std::string detail;   // "end of stream", "connection reset by peer"
};

struct Unreadable {
    ParseError error = ParseError::none;
    std::string raw;      // what was read of the broken reply
};

using Observation = std::variant<Reply, TimedOut, Closed, Unreadable>;

}  // namespace smtpspec
