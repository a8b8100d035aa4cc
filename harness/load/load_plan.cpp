#include "load/load_plan.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "scenario/loader.hpp"

namespace smtpspec {

using nlohmann::json;

namespace {

constexpr std::size_t body_line_octets = 80;   // 78 octets of text and CRLF (RFC 5322 §2.1.1)

// Headers, then `size` octets of body in full lines. A single leftover octet cannot be a line
// of its own (CRLF is two), so an odd remainder of one is dropped.
std::string message_template(std::size_t size) {
    std::string text = "From: <{from}>\r\nTo: <{rcpt}>\r\nSubject: smtpspec load\r\n\r\n";
    const std::size_t lines = size / body_line_octets;
    const std::size_t rest = size % body_line_octets;
    if (lines > 0) text += fmt::format("{{repeat:{}:{}\r\n}}", lines, std::string(body_line_octets - 2, 'x'));
    if (rest >= 2) text += std::string(rest - 2, 'x') + "\r\n";
    return text;
}

json expecting(json step, std::initializer_list<const char*> codes) {
    step["expect"] = json{{"pass", json::array()}};
    for (const char* code : codes) step["expect"]["pass"].push_back(code);
    return step;
}

}  // namespace

std::optional<std::string> check_load_shape(const LoadShape& shape) {
    const auto within = [](std::string_view option, std::size_t value, std::size_t least,
                           std::size_t most) -> std::optional<std::string> {
        if (value >= least && value <= most) return std::nullopt;
        return fmt::format("{} {}: must be from {} to {}", option, value, least, most);
    };
    if (auto p = within("--sessions", shape.sessions, 1, max_load_sessions)) return p;
    if (auto p = within("--concurrency", shape.concurrency, 1, max_load_concurrency)) return p;
    if (auto p = within("--messages", shape.messages, 1, max_load_messages)) return p;
    if (auto p = within("--recipients", shape.recipients, 1, max_load_recipients)) return p;
    if (auto p = within("--size", shape.body_size, 0, max_load_body_size)) return p;
    // The loader's limit on one scenario (it is one session).
    const std::size_t steps = 4 + shape.messages * (3 + shape.recipients);
    if (steps > max_steps_per_scenario)
        return fmt::format("--messages {} × --recipients {}: {} commands in one session exceed {}", shape.messages,
                           shape.recipients, steps, max_steps_per_scenario);
    return std::nullopt;
}

std::string load_session_document(const LoadShape& shape) {
    json steps = json::array();
    steps.push_back(json{{"expect", "greeting"}});
    steps.push_back(expecting(json{{"send", "EHLO {helo}"}}, {"250"}));
    const std::string content = message_template(shape.body_size);
    for (std::size_t m = 0; m < shape.messages; ++m) {
        steps.push_back(expecting(json{{"send", "MAIL FROM:<{from}>"}}, {"250"}));
        json rcpt = expecting(json{{"send", "RCPT TO:<{rcpt}>"}}, {"250", "251"});
        if (shape.recipients > 1) rcpt["repeat"] = shape.recipients;
        steps.push_back(std::move(rcpt));
        steps.push_back(expecting(json{{"send", "DATA"}}, {"354"}));
        steps.push_back(expecting(json{{"data", content}}, {"250"}));
    }
    steps.push_back(expecting(json{{"send", "QUIT"}}, {"221"}));
    steps.push_back(json{{"expect", "close"}});

    const json scenario{
        {"id", "load/3.3/1"},
        {"title", "Mail transactions under load"},
        {"requirement", "Every reply of a session under load is legal for its command, and a transaction the "
                        "server accepts is accepted with 250, 250 or 251, 354 and 250."},
        {"rfc", json::array({json{{"doc", "RFC 5321"}, {"section", "3.3"}, {"level", "MUST"}},
                             json{{"doc", "RFC 5321"}, {"section", "4.1.1"}, {"level", "MUST"}}})},
        {"tags", json::array({"load"})},
        {"steps", std::move(steps)},
    };
    return json{{"description", "smtpspec load: one session"}, {"scenarios", json::array({scenario})}}.dump();
}

Scenario load_session_scenario(const LoadShape& shape, const Registry& registry) {
    auto loaded = parse_scenario_file(load_session_document(shape), "<load session>", registry);
    if (!loaded.ok() || loaded.scenarios.size() != 1) {
        std::string problems;
        for (const auto& issue : loaded.issues) problems += "\n" + issue.text();
        throw std::logic_error("the load session's scenario does not load:" + problems);
    }
    return std::move(loaded.scenarios.front());
}

}  // namespace smtpspec
