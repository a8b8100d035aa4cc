#include "reports/junit_report.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "reports/atomic_write.hpp"
#include "reports/text_escape.hpp"
#include "reports/waiver_text.hpp"

namespace smtpspec::reports {

namespace {

using Out = std::back_insert_iterator<std::string>;

// ---- XML characters ---------------------------------------------------------------------------

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";   // U+FFFD

struct DecodedCharacter {
    char32_t code_point = 0;
    std::size_t length = 0;   // 0: no valid UTF-8 sequence starts here
};

struct SequenceShape {
    std::size_t length = 0;        // 0: the octet cannot begin a sequence
    unsigned char payload_mask = 0;   // the bits of the lead octet that belong to the code point
    char32_t smallest = 0;         // below this the sequence is an overlong form
};

SequenceShape shape_of(unsigned char lead) {
    if (lead < 0x80) return {1, 0x7F, 0};
    if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x1F, 0x80};
    if (lead >= 0xE0 && lead <= 0xEF) return {3, 0x0F, 0x800};
    if (lead >= 0xF0 && lead <= 0xF4) return {4, 0x07, 0x10000};
    return {};
}

// RFC 3629 decoding: overlong forms, surrogates and code points above U+10FFFF are invalid.
DecodedCharacter decode_utf8(std::string_view text) {
    const auto octet = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const auto shape = shape_of(octet(0));
    if (shape.length == 0 || text.size() < shape.length) return {};
    char32_t code_point = octet(0) & shape.payload_mask;
    for (std::size_t i = 1; i < shape.length; ++i) {
        if ((octet(i) & 0xC0u) != 0x80u) return {};
        code_point = (code_point << 6) | (octet(i) & 0x3Fu);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < shape.smallest || surrogate || code_point > 0x10FFFF) return {};
    return {code_point, shape.length};
}

// The Char production of XML 1.0 §2.2.
bool is_xml_char(char32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
           (c >= 0x10000 && c <= 0x10FFFF);
}

enum class XmlContext { text, attribute };

std::optional<std::string_view> markup_escape(char32_t c, XmlContext context) {
    switch (c) {
        case '&': return "&amp;";
        case '<': return "&lt;";
        case '>': return "&gt;";   // so that "]]>" never appears
        case '\r': return "&#13;";   // a literal CR would be read back as LF
        default: break;
    }
    if (context == XmlContext::text) return std::nullopt;
    switch (c) {
        case '"': return "&quot;";
        case '\t': return "&#9;";
        case '\n': return "&#10;";
        default: return std::nullopt;
    }
}

std::string xml_escaped(std::string_view text, XmlContext context) {
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        const auto decoded = decode_utf8(text);
        const auto consumed = std::max<std::size_t>(decoded.length, 1);
        if (decoded.length == 0 || !is_xml_char(decoded.code_point)) {
            out += replacement_character;
        } else if (const auto escape = markup_escape(decoded.code_point, context)) {
            out += *escape;
        } else {
            out += text.substr(0, consumed);
        }
        text.remove_prefix(consumed);
    }
    return out;
}

// ---- what the report says --------------------------------------------------------------------

// Milliseconds as the seconds JUnit expects, in integers so that no rounding creeps in.
std::string seconds(std::int64_t milliseconds) {
    const auto ms = std::max<std::int64_t>(milliseconds, 0);
    return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

// "rfc5321/4.1.1.3/2" belongs to the section "rfc5321/4.1.1.3"; an id without a section is its
// own group.
std::string section_of(std::string_view id) {
    const auto first = id.find('/');
    if (first == std::string_view::npos) return std::string(id);
    const auto second = id.find('/', first + 1);
    return std::string(id.substr(0, second));
}

// JUnit consumers treat classname as a dotted package path.
std::string classname_of(std::string_view section) {
    std::string out(section);
    std::replace(out.begin(), out.end(), '/', '.');
    return out;
}

std::string testcase_name(const ScenarioResult& scenario) {
    if (scenario.title.empty()) return escape_text(scenario.id);
    return escape_text(fmt::format("{}: {}", scenario.id, scenario.title));
}

std::string joined(const std::vector<std::string>& items) {
    return items.empty() ? std::string("-") : fmt::format("{}", fmt::join(items, ", "));
}

std::string step_name(const StepResult& step) {
    auto name = fmt::format("step {}", step.step + 1);   // people count from 1; JSON keeps the index
    if (step.reply_index > 0) name += fmt::format(" reply {}", step.reply_index + 1);
    return name;
}

bool is_offending(Verdict verdict) { return is_failure(verdict) || is_warning(verdict); }

// The step a failure message is about: the first failure, or under --strict the first warning.
const StepResult* first_offending_step(const ScenarioResult& scenario) {
    const auto& steps = scenario.steps;
    // A failure the baseline does not accept is why the scenario failed; then any failure.
    auto it = std::find_if(steps.begin(), steps.end(),
                           [](const StepResult& s) { return is_failure(s.judgement.verdict) && !s.waived; });
    if (it == steps.end())
        it = std::find_if(steps.begin(), steps.end(), [](const StepResult& s) { return is_failure(s.judgement.verdict); });
    if (it == steps.end())
        it = std::find_if(steps.begin(), steps.end(), [](const StepResult& s) { return is_offending(s.judgement.verdict); });
    return it == steps.end() ? nullptr : &*it;
}

const StepResult* first_step_with(const ScenarioResult& scenario, Verdict verdict) {
    const auto it = std::find_if(scenario.steps.begin(), scenario.steps.end(),
                                 [&](const StepResult& s) { return s.judgement.verdict == verdict; });
    return it == scenario.steps.end() ? nullptr : &*it;
}

std::string failure_message(const ScenarioResult& scenario) {
    const auto* step = first_offending_step(scenario);
    if (step == nullptr) return "failed";
    const auto& judgement = step->judgement;
    auto message = fmt::format("Expected: {} / Actual: {} ({}", joined(judgement.expected),
                               judgement.actual.empty() ? "-" : judgement.actual, to_string(judgement.verdict));
    if (!judgement.rfc.empty()) message += ", " + judgement.rfc;
    return escape_text(message + ")");
}

std::string failure_type(const ScenarioResult& scenario) {
    const auto* step = first_offending_step(scenario);
    return std::string(step == nullptr ? "failed" : to_string(step->judgement.verdict));
}

// Why a scenario did not run to the end: the reason the runner gave the step that stopped it.
std::string skip_message(const ScenarioResult& scenario) {
    if (scenario.outcome == Outcome::unimplemented) {
        const auto* step = first_step_with(scenario, Verdict::unimplemented);
        const auto reason = step == nullptr ? std::string() : step->judgement.detail;
        return escape_text(reason.empty() ? "unimplemented" : "unimplemented: " + reason);
    }
    const auto* step = first_step_with(scenario, Verdict::skipped);
    const auto reason = step == nullptr ? std::string() : step->judgement.detail;
    return escape_text(reason.empty() ? "not run" : reason);
}

// ---- element text ----------------------------------------------------------------------------

// "RFC 5321 §3.3 (MUST): A server answers RCPT without a preceding MAIL with 503."
void write_requirement(Out out, const ScenarioResult& scenario) {
    const auto source = scenario.rfc.empty() ? std::string() : scenario.rfc.front().text() + " ";
    fmt::format_to(out, "{}({}): {}\n", escape_text(source), to_string(scenario.level),
                   escape_text(scenario.requirement));
}

void write_transcript_entry(Out out, const TranscriptEntry& entry) {
    // Events are smtpspec's own words; everything else is octets as they crossed the connection.
    if (entry.direction == '*') {
        fmt::format_to(out, "    *  {}\n", escape_text(entry.data));
        return;
    }
    for (const auto& line : escaped_lines(entry.data))
        fmt::format_to(out, "    {}  {}\n", escape_octets(std::string_view(&entry.direction, 1)), line);
}

void write_transcript_excerpt(Out out, const ScenarioResult& scenario, const StepResult& step) {
    const auto end = std::min(step.transcript_end, scenario.transcript.size());
    if (step.transcript_begin >= end) return;
    fmt::format_to(out, "  transcript\n");
    for (auto i = step.transcript_begin; i < end; ++i) write_transcript_entry(out, scenario.transcript[i]);
}

void write_field(Out out, std::string_view label, std::string_view value) {
    fmt::format_to(out, "  {:<11}{}\n", label, escape_text(value));
}

void write_step_details(Out out, const ScenarioResult& scenario, const StepResult& step) {
    const auto& judgement = step.judgement;
    fmt::format_to(out, "\n{}  {}{}\n", step_name(step), escape_text(step.action),
                   step.sent.empty() ? std::string() : "  " + escape_octets(step.sent));
    write_field(out, "verdict", to_string(judgement.verdict));
    write_field(out, "expected", joined(judgement.expected));
    if (!judgement.non_strict.empty()) write_field(out, "tolerated", joined(judgement.non_strict));
    write_field(out, "actual", judgement.actual.empty() ? "-" : judgement.actual);
    if (!judgement.rfc.empty()) write_field(out, "rfc", judgement.rfc);
    if (!judgement.detail.empty()) write_field(out, "detail", judgement.detail);
    write_transcript_excerpt(out, scenario, step);
}

std::string offending_steps_text(const ScenarioResult& scenario) {
    std::string text;
    write_requirement(std::back_inserter(text), scenario);
    for (const auto& step : scenario.steps)
        if (is_offending(step.judgement.verdict)) write_step_details(std::back_inserter(text), scenario, step);
    return text;
}

// A harness error may strike anywhere, so the end of the transcript is what shows where.
std::string harness_error_text(const ScenarioResult& scenario) {
    constexpr std::size_t shown_entries = 8;
    std::string text;
    auto out = std::back_inserter(text);
    fmt::format_to(out, "harness error: {}\n", escape_text(scenario.harness_error));
    const auto& transcript = scenario.transcript;
    if (transcript.empty()) return text;
    const auto first = transcript.size() - std::min(transcript.size(), shown_entries);
    if (first > 0) fmt::format_to(out, "\ntranscript (last {} of {} entries)\n", shown_entries, transcript.size());
    else fmt::format_to(out, "\ntranscript\n");
    for (auto i = first; i < transcript.size(); ++i) write_transcript_entry(out, transcript[i]);
    return text;
}

// What the baseline said about the scenario: why a failure is waived, a waiver that expired,
// one that is no longer needed. Empty without a baseline.
std::string waiver_notes(const ScenarioResult& scenario) {
    std::string text;
    for (const auto& waiver : scenario.waivers)
        fmt::format_to(std::back_inserter(text), "{}: {}\n", waiver_state_words(waiver.state),
                       escape_text(describe_waiver(waiver)));
    return text;
}

void write_system_out(Out out, const std::string& text) {
    if (!text.empty()) fmt::format_to(out, "      <system-out>{}</system-out>\n", xml_text(text));
}

// ---- elements --------------------------------------------------------------------------------

void write_result_element(Out out, std::string_view element, std::string_view message, std::string_view type,
                          std::string_view text) {
    fmt::format_to(out, "      <{} message=\"{}\" type=\"{}\">{}</{}>\n", element, xml_attribute(message),
                   xml_attribute(type), xml_text(text), element);
}

void write_outcome(Out out, const ScenarioResult& scenario) {
    const auto notes = waiver_notes(scenario);
    switch (scenario.outcome) {
        case Outcome::passed:
            write_system_out(out, notes);
            return;
        case Outcome::warned:
            write_system_out(out, notes + offending_steps_text(scenario));
            return;
        // A waived failure passes for CI; what was accepted, and why, stays readable.
        case Outcome::waived:
            write_system_out(out, "WAIVED by the baseline\n" + notes + offending_steps_text(scenario));
            return;
        case Outcome::failed:
            write_result_element(out, "failure", failure_message(scenario), failure_type(scenario),
                                 notes + offending_steps_text(scenario));
            return;
        case Outcome::error: {
            const auto message = scenario.harness_error.empty() ? std::string("harness error") : scenario.harness_error;
            write_result_element(out, "error", escape_text(message), "harness_error", harness_error_text(scenario));
            return;
        }
        case Outcome::unimplemented:
        case Outcome::skipped:
            fmt::format_to(out, "      <skipped message=\"{}\"/>\n", xml_attribute(skip_message(scenario)));
            write_system_out(out, notes);
            return;
    }
}

void write_testcase(Out out, const ScenarioResult& scenario) {
    fmt::format_to(out, "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"", xml_attribute(testcase_name(scenario)),
                   xml_attribute(escape_text(classname_of(section_of(scenario.id)))), seconds(scenario.duration_ms));
    if (scenario.outcome == Outcome::passed && scenario.waivers.empty()) {
        fmt::format_to(out, "/>\n");
        return;
    }
    fmt::format_to(out, ">\n");
    write_outcome(out, scenario);
    fmt::format_to(out, "    </testcase>\n");
}

struct Counts {
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::size_t skipped = 0;
    std::int64_t time_ms = 0;

    void add(const ScenarioResult& scenario) {
        ++tests;
        failures += scenario.outcome == Outcome::failed ? 1 : 0;
        errors += scenario.outcome == Outcome::error ? 1 : 0;
        skipped += scenario.outcome == Outcome::skipped || scenario.outcome == Outcome::unimplemented ? 1 : 0;
        time_ms += std::max<std::int64_t>(scenario.duration_ms, 0);
    }
};

std::string count_attributes(const Counts& counts, std::int64_t time_ms) {
    return fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"", counts.tests,
                       counts.failures, counts.errors, counts.skipped, seconds(time_ms));
}

struct Suite {
    std::string name;
    std::vector<const ScenarioResult*> scenarios;
    Counts counts;
};

// Suites in the order their first scenario ran; scenarios keep run order within a suite.
std::vector<Suite> suites_of(const RunResult& run) {
    std::vector<Suite> suites;
    for (const auto& scenario : run.scenarios) {
        auto name = section_of(scenario.id);
        auto it = std::find_if(suites.begin(), suites.end(), [&](const Suite& s) { return s.name == name; });
        if (it == suites.end()) it = suites.insert(suites.end(), Suite{std::move(name), {}, {}});
        it->scenarios.push_back(&scenario);
        it->counts.add(scenario);
    }
    return suites;
}

// The run's settings, repeated per suite because <testsuites> has no properties.
void write_properties(Out out, const RunResult& run) {
    std::vector<std::pair<std::string_view, std::string>> properties = {
        {"smtpspec.version", run.version},
        {"smtpspec.target", run.target},
        {"smtpspec.profile", run.profile},
        {"smtpspec.strict", run.strict ? "true" : "false"},
        {"smtpspec.started", run.started},
        {"smtpspec.incomplete", run.incomplete ? "true" : "false"},
    };
    // Only a sharded run has one, as in the JSON report: a CI view of one job says which part it saw.
    if (run.shard) properties.emplace_back("smtpspec.shard", to_string(*run.shard));
    fmt::format_to(out, "    <properties>\n");
    for (const auto& [name, value] : properties)
        fmt::format_to(out, "      <property name=\"{}\" value=\"{}\"/>\n", name, xml_attribute(escape_text(value)));
    fmt::format_to(out, "    </properties>\n");
}

void write_suite(Out out, const RunResult& run, const Suite& suite) {
    fmt::format_to(out, "  <testsuite name=\"{}\" {}>\n", xml_attribute(escape_text(suite.name)),
                   count_attributes(suite.counts, suite.counts.time_ms));
    write_properties(out, run);
    for (const auto* scenario : suite.scenarios) write_testcase(out, *scenario);
    fmt::format_to(out, "  </testsuite>\n");
}

}  // namespace

std::string xml_text(std::string_view text) { return xml_escaped(text, XmlContext::text); }

std::string xml_attribute(std::string_view text) { return xml_escaped(text, XmlContext::attribute); }

std::string render_junit_report(const RunResult& run) {
    const auto suites = suites_of(run);
    Counts total;
    for (const auto& scenario : run.scenarios) total.add(scenario);
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    auto out = std::back_inserter(xml);
    // The root's time is the run's wall clock: with --jobs the scenarios' times overlap.
    fmt::format_to(out, "<testsuites name=\"smtpspec\" {}>\n", count_attributes(total, run.duration_ms));
    for (const auto& suite : suites) write_suite(out, run, suite);
    fmt::format_to(out, "</testsuites>\n");
    return xml;
}

void write_junit_report(const RunResult& run, const std::filesystem::path& path) {
    write_file_atomically(path, render_junit_report(run));
}

}  // namespace smtpspec::reports
