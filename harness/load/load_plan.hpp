#pragma once
// What a load run sends: one SMTP session, built as a scenario document and read by the same
// loader as every scenario file, so load mode judges replies exactly as `run` does.
#include <cstddef>
#include <optional>
#include <string>

#include "core/registry.hpp"
#include "scenario/scenario.hpp"

namespace smtpspec {

struct LoadShape {
    std::size_t sessions = 100;       // connections, one after another per slot
    std::size_t concurrency = 10;     // sessions open at once
    std::size_t messages = 1;         // transactions per session
    std::size_t recipients = 1;       // RCPT commands per transaction
    std::size_t body_size = 1024;     // octets of message body, headers not counted (as smtp-source -l)
};

inline constexpr std::size_t max_load_sessions = 100'000'000;
inline constexpr std::size_t max_load_concurrency = 10'000;
inline constexpr std::size_t max_load_messages = 1'000;
inline constexpr std::size_t max_load_recipients = 1'000;
inline constexpr std::size_t max_load_body_size = 64 * 1024 * 1024;

// Why the shape cannot run, naming the option ("--messages 0: …"), or nothing.
std::optional<std::string> check_load_shape(const LoadShape& shape);

// The session as a scenario file: the greeting, EHLO, per message MAIL, RCPT × recipients, DATA
// and the content, then QUIT and the server's close. Every reply is narrowed to what a
// successful transaction gets (RFC 5321 §3.3, §4.1.1), so a refusal under load is reported as
// `unexpected` and an illegal reply as a violation.
std::string load_session_document(const LoadShape& shape);

// The document read by the scenario loader. The shape must pass check_load_shape; a document
// the loader refuses is smtpspec's own bug and throws std::logic_error.
Scenario load_session_scenario(const LoadShape& shape, const Registry& registry);

}  // namespace smtpspec
