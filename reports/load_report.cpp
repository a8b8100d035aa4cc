#include "reports/load_report.hpp"

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "reports/atomic_write.hpp"
#include "reports/json_report.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::reports {

namespace {

using OutJson = nlohmann::ordered_json;

double seconds(const LoadRun& run) { return static_cast<double>(run.duration_us) / 1e6; }

double per_second(std::uint64_t count, const LoadRun& run) {
    return run.duration_us <= 0 ? 0.0 : static_cast<double>(count) / seconds(run);
}

std::string plural(std::uint64_t n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string shape_text(const LoadShape& shape) {
    return fmt::format("{}, {} at once, {} × {} per session, {}-octet body", plural(shape.sessions, "session"),
                       shape.concurrency, plural(shape.messages, "message"), plural(shape.recipients, "recipient"),
                       shape.body_size);
}

// Rows of the latency table: connect, each command in session order, then the whole session.
template <typename Row>
void for_each_latency(const LoadRun& run, Row row) {
    row("connect", run.tally.connect_latency());
    for (const auto& command : run.tally.commands()) row(command.command, command.latency);
    row("session", run.tally.session_latency());
}

OutJson latency_json(const LatencyHistogram& h) {
    OutJson json = OutJson::object();
    json["count"] = h.count();
    json["min"] = h.min();
    json["p50"] = h.percentile(0.50);
    json["p90"] = h.percentile(0.90);
    json["p99"] = h.percentile(0.99);
    json["p999"] = h.percentile(0.999);
    json["max"] = h.max();
    json["mean"] = h.mean();
    return json;
}

// The finding's own exchange with a few entries before it, so that a long session (or a large
// message) does not bury the reply the finding is about.
std::string example_text(const ScenarioResult& session, std::size_t step_index) {
    constexpr std::size_t context_entries = 4;
    constexpr std::size_t shown_lines = 40;
    std::size_t begin = 0;
    std::size_t end = session.transcript.size();
    if (step_index < session.steps.size() && session.steps[step_index].transcript_end > 0) {
        const StepResult& step = session.steps[step_index];
        begin = step.transcript_begin > context_entries ? step.transcript_begin - context_entries : 0;
        end = std::min(step.transcript_end, session.transcript.size());
    }
    std::string out;
    if (begin > 0) out += fmt::format("        … {} earlier transcript entries\n", begin);
    std::size_t lines = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const TranscriptEntry& entry = session.transcript[i];
        for (const auto& line : escaped_lines(entry.data)) {
            if (lines++ < shown_lines) out += fmt::format("        {:>6} ms {} {}\n", entry.t_ms, entry.direction, line);
        }
    }
    if (lines > shown_lines) out += fmt::format("        … {} more lines (the JSON report has the whole session)\n", lines - shown_lines);
    return out;
}

}  // namespace

double sessions_per_second(const LoadRun& run) { return per_second(run.tally.counts().sessions, run); }
double messages_per_second(const LoadRun& run) { return per_second(run.tally.counts().messages_accepted, run); }

std::string render_load_text(const LoadRun& run, bool examples) {
    const LoadCounts& c = run.tally.counts();
    std::string out;
    out += fmt::format("Load: {} against {}\n", shape_text(run.shape), escape_text(run.target));
    if (!run.stopped.empty()) out += fmt::format("  STOPPED   {}: the figures cover the sessions that finished\n", run.stopped);
    out += fmt::format("  finished  {} in {:.3f} s: {:.1f} sessions/s, {:.1f} messages/s accepted\n",
                       plural(c.sessions, "session"), seconds(run), sessions_per_second(run), messages_per_second(run));
    out += fmt::format("  sessions  {} clean, {} with findings, {} unreachable, {}\n", c.clean_sessions,
                       c.sessions - c.clean_sessions - c.unreachable - c.harness_errors, c.unreachable,
                       plural(c.harness_errors, "harness error"));
    out += fmt::format("  replies   {} judged: {} pass, {} failing, {} warning; {} accepted\n", c.replies,
                       c.replies - c.failures - c.warnings, c.failures, c.warnings, plural(c.messages_accepted, "message"));
    if (!run.tally.first_harness_error().empty())
        out += fmt::format("  ERROR     {}\n", escape_text(run.tally.first_harness_error()));

    out += fmt::format("\n  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency µs", "count", "p50", "p90",
                       "p99", "p99.9", "max", "mean");
    for_each_latency(run, [&](const std::string& name, const LatencyHistogram& h) {
        out += fmt::format("  {:<12} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9.1f}\n", escape_text(name), h.count(),
                           h.percentile(0.50), h.percentile(0.90), h.percentile(0.99), h.percentile(0.999), h.max(),
                           h.mean());
    });

    if (run.tally.groups().empty()) {
        out += "\nEvery reply passed.\n";
        return out;
    }
    out += "\nFindings (every verdict other than pass, grouped by command, verdict and reply):\n";
    for (const VerdictGroup& g : run.tally.groups()) {
        out += fmt::format("  {:<12} {:<10} {:<24} ×{:<8} first in session {}\n", to_string(g.verdict),
                           escape_text(g.command), escape_text(g.actual), g.count, g.first_session);
        if (g.example_step < g.example.steps.size()) {
            const Judgement& j = g.example.steps[g.example_step].judgement;
            if (!j.rfc.empty()) out += fmt::format("      {}", escape_text(j.rfc));
            if (!j.detail.empty()) out += fmt::format("{}{}", j.rfc.empty() ? "      " : ": ", escape_text(j.detail));
            if (!j.rfc.empty() || !j.detail.empty()) out += "\n";
        }
        if (examples) out += example_text(g.example, g.example_step);
    }
    if (run.tally.ungrouped() > 0)
        out += fmt::format("  … and {} more findings of further kinds (only the first {} kinds are kept)\n",
                           run.tally.ungrouped(), LoadTally::max_groups);
    return out;
}

nlohmann::ordered_json load_json(const LoadRun& run) {
    const LoadCounts& c = run.tally.counts();
    OutJson json = OutJson::object();
    json["format_version"] = load_format_version;
    json["kind"] = "load";
    json["version"] = run.version;
    json["target"] = replace_invalid_utf8(run.target);
    json["started"] = run.started;
    json["strict"] = run.strict;
    json["shape"] = OutJson{{"sessions", run.shape.sessions},
                            {"concurrency", run.shape.concurrency},
                            {"messages", run.shape.messages},
                            {"recipients", run.shape.recipients},
                            {"body_size", run.shape.body_size}};
    json["incomplete"] = !run.stopped.empty();
    json["stopped"] = run.stopped.empty() ? OutJson(nullptr) : OutJson(run.stopped);
    json["duration_us"] = run.duration_us;
    json["sessions_per_second"] = sessions_per_second(run);
    json["messages_per_second"] = messages_per_second(run);
    json["counts"] = OutJson{{"sessions", c.sessions},           {"clean_sessions", c.clean_sessions},
                             {"unreachable", c.unreachable},     {"harness_errors", c.harness_errors},
                             {"messages_accepted", c.messages_accepted}, {"replies", c.replies},
                             {"failures", c.failures},           {"warnings", c.warnings}};
    json["first_harness_error"] = run.tally.first_harness_error().empty()
                                      ? OutJson(nullptr)
                                      : OutJson(replace_invalid_utf8(run.tally.first_harness_error()));
    OutJson latency = OutJson::array();
    for_each_latency(run, [&](const std::string& name, const LatencyHistogram& h) {
        OutJson row = OutJson{{"name", replace_invalid_utf8(name)}};
        row.update(latency_json(h));
        latency.push_back(std::move(row));
    });
    json["latency_us"] = std::move(latency);
    OutJson findings = OutJson::array();
    for (const VerdictGroup& g : run.tally.groups()) {
        findings.push_back(OutJson{{"command", replace_invalid_utf8(g.command)},
                                   {"verdict", to_string(g.verdict)},
                                   {"actual", replace_invalid_utf8(g.actual)},
                                   {"count", g.count},
                                   {"first_session", g.first_session},
                                   {"example_step", g.example_step},
                                   {"example", scenario_json(g.example)}});
    }
    json["findings"] = std::move(findings);
    json["findings_not_grouped"] = run.tally.ungrouped();
    return json;
}

std::string render_load_json(const LoadRun& run) { return load_json(run).dump(2) + "\n"; }

void write_load_json(const LoadRun& run, const std::filesystem::path& path) {
    write_file_atomically(path, render_load_json(run));
}

int load_exit_status(const LoadRun& run) {
    const LoadCounts& c = run.tally.counts();
    if (c.harness_errors > 0) return exit_code::harness_error;
    if (c.failures > 0 || c.unreachable > 0 || (run.strict && c.warnings > 0)) return exit_code::failures;
    return exit_code::ok;
}

}  // namespace smtpspec::reports
