#include "reports/console_report.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reports/summary.hpp"
#include "reports/text_escape.hpp"
#include "reports/waiver_text.hpp"

namespace smtpspec::reports {

namespace {

// Limits that keep a report readable when a step sent or received megabytes (DATA content,
// {repeat:N:TEXT}, a server that floods): enough to show the problem, not the whole stream.
constexpr std::size_t context_entries_before = 2;
constexpr std::size_t max_window_entries = 12;
constexpr std::size_t max_lines_per_entry = 8;
constexpr std::size_t max_line_columns = 160;
constexpr std::size_t summary_columns = 100;
constexpr std::size_t field_label_width = 10;
constexpr std::size_t verdict_name_width = 13;

std::string_view ansi_style(Tone tone) {
    switch (tone) {
        case Tone::plain: return "";
        case Tone::good: return "32";
        case Tone::warning: return "33";
        case Tone::bad: return "1;31";
        case Tone::error: return "1;35";
        case Tone::muted: return "2";
        case Tone::strong: return "1";
    }
    return "";
}

using Out = std::back_insert_iterator<std::string>;

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }

// Escaped text cut to about `max_line_columns`, saying how much was cut. The cut splits neither
// a UTF-8 sequence nor an escape such as "<NUL>" (at most 5 characters, so a "<" further back
// is the text's own, as in "TO:<bob@…").
std::string shortened(std::string escaped, std::size_t original_octets) {
    constexpr std::size_t longest_escape = 5;
    if (escaped.size() <= max_line_columns) return escaped;
    auto cut = max_line_columns;
    while (cut > 0 && is_utf8_continuation(escaped[cut])) --cut;
    const auto open = escaped.rfind('<', cut - 1);
    if (open != std::string::npos && cut - open < longest_escape && escaped.find('>', open) >= cut) cut = open;
    escaped.resize(cut);
    return fmt::format("{}… ({} octets in all)", escaped, original_octets);
}

// Octets from the wire: every octet outside printable ASCII is shown for what it is.
std::string visible(std::string_view octets) { return shortened(escape_octets(octets), octets.size()); }

// Text written by smtpspec or a scenario author, which may hold "§" and may quote the server.
std::string readable(std::string_view text) { return shortened(escape_text(text), text.size()); }

bool needs_attention(const ScenarioResult& scenario) {
    return scenario.outcome == Outcome::failed || scenario.outcome == Outcome::warned ||
           scenario.outcome == Outcome::error;
}

bool is_offending(Verdict verdict) { return is_failure(verdict) || is_warning(verdict); }

bool took_part(const StepResult& step) {
    return step.judgement.verdict != Verdict::skipped && step.judgement.verdict != Verdict::unimplemented;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    return items.empty() ? std::string("-") : fmt::format("{}", fmt::join(items, separator));
}

// ---- transcript windows --------------------------------------------------------------------

std::size_t find_client_write(const std::vector<TranscriptEntry>& transcript, std::size_t from,
                              const std::string& sent) {
    const auto is_write = [](const TranscriptEntry& e) { return e.direction == 'C'; };
    const auto begin = transcript.begin() + static_cast<std::ptrdiff_t>(from);
    auto it = std::find_if(begin, transcript.end(),
                           [&](const TranscriptEntry& e) { return is_write(e) && e.data == sent; });
    // A write split into several chunks (DATA content) matches no single entry: its first chunk
    // is the next client write.
    if (it == transcript.end()) it = std::find_if(begin, transcript.end(), is_write);
    return static_cast<std::size_t>(it - transcript.begin());
}

// Moves `cursor` past the consecutive entries from `direction` that together hold `octets`
// octets: the chunks of one write, or of one reply.
std::size_t skip_octets(const std::vector<TranscriptEntry>& transcript, std::size_t cursor, char direction,
                        std::size_t octets) {
    std::size_t seen = 0;
    while (cursor < transcript.size() && transcript[cursor].direction == direction && seen < octets)
        seen += transcript[cursor++].data.size();
    return cursor;
}

// Where each step's exchange begins in the transcript, or nothing for steps that did not run.
// The runner records each exchange's position; where a result lacks it, steps are matched in
// order to the client writes they sent and the server octets of their replies; a step that sent nothing (greeting,
// waiting for close) begins after the previous step's reply, and the replies of one pipelined
// write share its position.
std::vector<std::optional<std::size_t>> exchange_starts(const ScenarioResult& scenario) {
    const auto& transcript = scenario.transcript;
    std::vector<std::optional<std::size_t>> starts;
    std::optional<std::size_t> previous;
    std::size_t cursor = 0;
    for (const auto& step : scenario.steps) {
        if (!took_part(step)) {
            starts.emplace_back();
            continue;
        }
        std::size_t start = cursor;
        if (step.transcript_end > step.transcript_begin) {
            // The runner recorded where the exchange is; older reports rely on the matching below.
            start = step.transcript_begin;
            cursor = step.transcript_end;
        } else if (step.reply_index > 0 && previous) {
            start = *previous;
        } else if (!step.sent.empty()) {
            start = find_client_write(transcript, cursor, step.sent);
            cursor = skip_octets(transcript, start, 'C', step.sent.size());
        }
        if (step.reply) cursor = skip_octets(transcript, cursor, 'S', step.reply->raw.size());
        previous = start;
        starts.push_back(start);
    }
    return starts;
}

struct Window {
    std::size_t begin = 0;    // first entry shown (context before the exchange)
    std::size_t focus = 0;    // first entry of the step's own exchange
    std::size_t end = 0;      // one past the exchange: where the next step's exchange begins
};

Window window_for(const ScenarioResult& scenario, std::size_t step_index) {
    const auto starts = exchange_starts(scenario);
    Window window;
    window.focus = starts[step_index].value_or(scenario.transcript.size());
    window.begin = window.focus - std::min(window.focus, context_entries_before);
    window.end = scenario.transcript.size();
    for (std::size_t later = step_index + 1; later < starts.size(); ++later) {
        if (starts[later] && *starts[later] > window.focus) {
            window.end = *starts[later];
            break;
        }
    }
    return window;
}

void write_transcript_entry(Out out, const TranscriptEntry& entry, bool in_focus, Colour colour) {
    const auto lines = split_lines(entry.data);
    const auto prefix = fmt::format("{} {:>6} ms  {}  ", in_focus ? '>' : ' ', entry.t_ms, entry.direction);
    const auto tone = in_focus ? Tone::plain : Tone::muted;
    if (lines.empty()) fmt::format_to(out, "    {}\n", paint(fmt::format("{}(no octets)", prefix), tone, colour));
    const std::string indent(prefix.size(), ' ');
    const auto shown = std::min(lines.size(), max_lines_per_entry);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto text = fmt::format("{}{}", i == 0 ? prefix : indent, visible(lines[i]));
        fmt::format_to(out, "    {}\n", paint(text, tone, colour));
    }
    if (shown < lines.size()) {
        const auto more = fmt::format("{}… {} more lines", indent, lines.size() - shown);
        fmt::format_to(out, "    {}\n", paint(more, Tone::muted, colour));
    }
}

void write_window(Out out, const ScenarioResult& scenario, const Window& window, Colour colour) {
    if (scenario.transcript.empty()) return;
    fmt::format_to(out, "    {}\n", paint("transcript", Tone::strong, colour));
    const auto last = std::min(window.end, window.begin + max_window_entries);
    for (std::size_t i = window.begin; i < last; ++i)
        write_transcript_entry(out, scenario.transcript[i], i >= window.focus, colour);
    if (last < window.end) {
        const auto more = fmt::format("  … {} more entries", window.end - last);
        fmt::format_to(out, "    {}\n", paint(more, Tone::muted, colour));
    }
}

void write_transcript_window(Out out, const ScenarioResult& scenario, std::size_t step_index, Colour colour) {
    write_window(out, scenario, window_for(scenario, step_index), colour);
}

// A harness error belongs to no step: what happened last on the wire is the best clue.
void write_transcript_tail(Out out, const ScenarioResult& scenario, Colour colour) {
    const auto size = scenario.transcript.size();
    const auto shown = std::min(size, context_entries_before + 2);
    write_window(out, scenario, Window{size - shown, size - shown, size}, colour);
}

// ---- scenarios -----------------------------------------------------------------------------

std::string rfc_references(const ScenarioResult& scenario) {
    std::vector<std::string> texts;
    for (const auto& ref : scenario.rfc) texts.push_back(ref.text());
    std::string line = texts.empty() ? std::string() : fmt::format("{} · ", fmt::join(texts, ", "));
    line += to_string(scenario.level);
    if (!scenario.file.empty()) line += fmt::format(" · {}", scenario.file);
    return line;
}

void write_scenario_header(Out out, const ScenarioResult& scenario, Colour colour) {
    const auto label = fmt::format("{:<{}}", outcome_label(scenario.outcome), outcome_label_width);
    const std::string indent(outcome_label_width + 1, ' ');
    fmt::format_to(out, "{} {}  {}  {}\n", paint(label, tone_of(scenario.outcome), colour),
                   paint(escape_text(scenario.id), Tone::strong, colour), escape_text(scenario.title),
                   paint(fmt::format("({})", format_duration(scenario.duration_ms)), Tone::muted, colour));
    fmt::format_to(out, "{}{}\n", indent, escape_text(rfc_references(scenario)));
    if (!scenario.requirement.empty()) fmt::format_to(out, "{}{}\n", indent, escape_text(scenario.requirement));
}

std::string step_name(const StepResult& step) {
    auto name = fmt::format("step {}", step.step + 1);   // people count from 1; JSON keeps the index
    if (step.reply_index > 0) name += fmt::format(" reply {}", step.reply_index + 1);
    return name;
}

void write_field(Out out, std::string_view label, std::string_view value) {
    fmt::format_to(out, "    {:<{}}{}\n", label, field_label_width, value);
}

void write_offending_step(Out out, const ScenarioResult& scenario, std::size_t index, Colour colour) {
    const auto& step = scenario.steps[index];
    const auto& judgement = step.judgement;
    fmt::format_to(out, "  {}  {}{}\n", paint(step_name(step), Tone::strong, colour), escape_text(step.action),
                   step.sent.empty() ? std::string() : "  " + visible(step.sent));
    const auto verdict = paint(to_string(judgement.verdict), tone_of(judgement.verdict), colour);
    write_field(out, "verdict", step.waived ? verdict + " (waived by the baseline)" : verdict);
    write_field(out, "expected", escape_text(joined(judgement.expected, ", ")));
    if (!judgement.non_strict.empty()) write_field(out, "tolerated", escape_text(joined(judgement.non_strict, ", ")));
    write_field(out, "actual", readable(judgement.actual.empty() ? "-" : judgement.actual));
    if (!judgement.rfc.empty()) write_field(out, "rfc", escape_text(judgement.rfc));
    if (!judgement.detail.empty()) write_field(out, "detail", readable(judgement.detail));
    write_transcript_window(out, scenario, index, colour);
}

void write_skipped_note(Out out, const ScenarioResult& scenario, Colour colour) {
    const auto skipped = std::count_if(scenario.steps.begin(), scenario.steps.end(),
                                       [](const StepResult& s) { return s.judgement.verdict == Verdict::skipped; });
    if (skipped == 0) return;
    const auto note = fmt::format("{} step{} skipped", skipped, skipped == 1 ? "" : "s");
    fmt::format_to(out, "  {}\n", paint(note, Tone::muted, colour));
}

// ---- baseline --------------------------------------------------------------------------------

std::string waiver_text(const Waiver& waiver) { return readable(describe_waiver(waiver)); }

Tone waiver_tone(WaiverState state) {
    switch (state) {
        case WaiverState::applied: return Tone::muted;
        case WaiverState::expired: return Tone::bad;
        case WaiverState::unneeded: return Tone::warning;
    }
    return Tone::plain;
}

void write_waivers(Out out, const ScenarioResult& scenario, Colour colour) {
    for (const auto& waiver : scenario.waivers)
        fmt::format_to(out, "  {} {}\n", paint(fmt::format("{}:", waiver_state_words(waiver.state)), waiver_tone(waiver.state), colour),
                       waiver_text(waiver));
}

void write_problem_scenario(Out out, const ScenarioResult& scenario, Colour colour) {
    write_scenario_header(out, scenario, colour);
    write_waivers(out, scenario, colour);
    if (!scenario.harness_error.empty()) {
        const auto label = paint("harness error:", Tone::error, colour);
        fmt::format_to(out, "  {} {}\n", label, readable(scenario.harness_error));
        write_transcript_tail(out, scenario, colour);
    }
    for (std::size_t i = 0; i < scenario.steps.size(); ++i)
        if (is_offending(scenario.steps[i].judgement.verdict)) write_offending_step(out, scenario, i, colour);
    write_skipped_note(out, scenario, colour);
}

// Verbose listing of a scenario with nothing to explain: one line per step.
void write_step_line(Out out, const StepResult& step, Colour colour) {
    const auto& judgement = step.judgement;
    const auto verdict = fmt::format("{:<{}}", to_string(judgement.verdict), verdict_name_width);
    auto line = fmt::format("    {} {}  {}", paint(verdict, tone_of(judgement.verdict), colour), step_name(step),
                            step.sent.empty() ? escape_text(step.action) : visible(step.sent));
    if (!judgement.actual.empty()) line += fmt::format(" -> {}", readable(judgement.actual));
    if (!judgement.detail.empty()) line += fmt::format(" ({})", readable(judgement.detail));
    fmt::format_to(out, "{}\n", line);
}

void write_quiet_scenario(Out out, const ScenarioResult& scenario, Colour colour) {
    write_scenario_header(out, scenario, colour);
    write_waivers(out, scenario, colour);
    for (const auto& step : scenario.steps) write_step_line(out, step, colour);
}

// A waived scenario is known and accepted: one line per accepted step, not the whole story.
void write_waived_scenario(Out out, const ScenarioResult& scenario, Colour colour) {
    const auto label = fmt::format("{:<{}}", outcome_label(scenario.outcome), outcome_label_width);
    fmt::format_to(out, "{} {}  {}\n", paint(label, tone_of(scenario.outcome), colour),
                   paint(escape_text(scenario.id), Tone::strong, colour), escape_text(scenario.title));
    write_waivers(out, scenario, colour);
}

// Entries of the baseline that want a person's attention, after the scenarios they name.
void write_baseline_notes(Out out, const RunResult& run, Colour colour) {
    std::vector<std::string> lines;
    for (const auto& scenario : run.scenarios)
        for (const auto& waiver : scenario.waivers)
            if (waiver.state != WaiverState::applied)
                lines.push_back(fmt::format("  {} {} {}\n", paint(fmt::format("{}:", waiver_state_words(waiver.state)),
                                                                 waiver_tone(waiver.state), colour),
                                            escape_text(scenario.id), waiver_text(waiver)));
    if (!run.baseline) return;
    if (!run.baseline->not_run.empty())
        lines.push_back(fmt::format("  {} {}\n", paint("not in this run:", Tone::muted, colour),
                                    escape_text(fmt::format("{}", fmt::join(run.baseline->not_run, ", ")))));
    if (lines.empty()) return;
    fmt::format_to(out, "{} {}\n", paint("Baseline", Tone::strong, colour), readable(run.baseline->file));
    for (const auto& line : lines) fmt::format_to(out, "{}", line);
    fmt::format_to(out, "\n");
}

// ---- summary -------------------------------------------------------------------------------

struct Count {
    std::string text;   // "3 failed"
    Tone tone;          // muted when zero, so that what happened stands out
};

Count outcome_count(Outcome outcome, std::size_t n) {
    const auto name = outcome == Outcome::error ? std::string(n == 1 ? "error" : "errors")
                                                : std::string(to_string(outcome));
    return {fmt::format("{} {}", n, name), n == 0 ? Tone::muted : tone_of(outcome)};
}

Count verdict_count(Verdict verdict, std::size_t n) {
    return {fmt::format("{} {}", n, to_string(verdict)), n == 0 ? Tone::muted : tone_of(verdict)};
}

// "label  a, b, c," wrapped at summary_columns with continuation lines under the first item.
void write_count_list(Out out, std::string_view label, const std::vector<Count>& counts, Colour colour) {
    const auto head = fmt::format("  {:<{}}", label, field_label_width);
    std::size_t column = head.size();
    fmt::format_to(out, "{}", head);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const bool last = i + 1 == counts.size();
        const auto width = counts[i].text.size() + (last ? 0 : 1);
        if (i > 0 && column + 1 + width > summary_columns) {
            fmt::format_to(out, "\n{}", std::string(head.size(), ' '));
            column = head.size();
        } else if (i > 0) {
            fmt::format_to(out, " ");
            ++column;
        }
        fmt::format_to(out, "{}{}", paint(counts[i].text, counts[i].tone, colour), last ? "" : ",");
        column += width;
    }
    fmt::format_to(out, "\n");
}

}  // namespace

std::string paint(std::string_view text, Tone tone, Colour colour) {
    if (colour == Colour::off || tone == Tone::plain) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", ansi_style(tone), text);
}

Tone tone_of(Outcome outcome) {
    switch (outcome) {
        case Outcome::passed: return Tone::good;
        case Outcome::warned: return Tone::warning;
        case Outcome::failed: return Tone::bad;
        case Outcome::error: return Tone::error;
        case Outcome::waived:
        case Outcome::unimplemented:
        case Outcome::skipped: return Tone::muted;
    }
    return Tone::plain;
}

Tone tone_of(Verdict verdict) {
    if (verdict == Verdict::pass) return Tone::good;
    if (is_warning(verdict)) return Tone::warning;
    if (is_failure(verdict)) return Tone::bad;
    return Tone::muted;
}

std::string_view outcome_label(Outcome outcome) {
    switch (outcome) {
        case Outcome::passed: return "PASS";
        case Outcome::warned: return "WARN";
        case Outcome::failed: return "FAIL";
        case Outcome::waived: return "WAIVED";
        case Outcome::unimplemented: return "UNIMPL";
        case Outcome::skipped: return "SKIP";
        case Outcome::error: return "ERROR";
    }
    return "?";
}

std::string format_duration(std::int64_t milliseconds) {
    if (milliseconds < 1000) return fmt::format("{} ms", milliseconds);
    if (milliseconds < 60'000) return fmt::format("{}.{:03} s", milliseconds / 1000, milliseconds % 1000);
    const auto seconds = milliseconds % 60'000;
    return fmt::format("{} min {}.{:03} s", milliseconds / 60'000, seconds / 1000, seconds % 1000);
}

std::string render_console_summary(const RunResult& run, Colour colour) {
    const auto summary = summarize(run);
    std::string out;
    const auto strict = run.strict ? ", strict" : "";
    const auto shard = run.shard ? ", shard " + to_string(*run.shard) : std::string();
    fmt::format_to(std::back_inserter(out), "{} {} scenario{} in {} against {} (profile {}{}{})\n",
                   paint("Summary:", Tone::strong, colour), summary.scenarios, summary.scenarios == 1 ? "" : "s",
                   format_duration(run.duration_ms), readable(run.target), escape_text(run.profile), strict, shard);
    std::vector<Count> outcomes;
    for (Outcome outcome : all_outcomes) outcomes.push_back(outcome_count(outcome, summary.count(outcome)));
    write_count_list(std::back_inserter(out), "outcomes", outcomes, colour);
    std::vector<Count> verdicts;
    for (Verdict verdict : all_verdicts) verdicts.push_back(verdict_count(verdict, summary.count(verdict)));
    write_count_list(std::back_inserter(out), "verdicts", verdicts, colour);
    if (run.baseline) {
        const std::vector<Count> baseline{
            {fmt::format("{} entr{} from {}", run.baseline->entries, run.baseline->entries == 1 ? "y" : "ies",
                         readable(run.baseline->file)), Tone::plain},
            {fmt::format("{} can be tightened", summary.waivers_unneeded),
             summary.waivers_unneeded == 0 ? Tone::muted : Tone::warning},
            {fmt::format("{} expired", summary.waivers_expired), summary.waivers_expired == 0 ? Tone::muted : Tone::bad},
            {fmt::format("{} not in this run", run.baseline->not_run.size()), Tone::muted},
        };
        write_count_list(std::back_inserter(out), "baseline", baseline, colour);
    }
    if (run.incomplete)
        fmt::format_to(std::back_inserter(out), "{}\n",
                       paint("INCOMPLETE: the run was interrupted before every scenario ran.", Tone::error, colour));
    return out;
}

std::string render_console_report(const RunResult& run, const ConsoleOptions& options) {
    std::string out;
    for (const auto& scenario : run.scenarios) {
        if (needs_attention(scenario))
            write_problem_scenario(std::back_inserter(out), scenario, options.colour);
        else if (options.verbose)
            write_quiet_scenario(std::back_inserter(out), scenario, options.colour);
        else if (scenario.outcome == Outcome::waived)
            write_waived_scenario(std::back_inserter(out), scenario, options.colour);
        else
            continue;
        out += "\n";
    }
    write_baseline_notes(std::back_inserter(out), run, options.colour);
    return out + render_console_summary(run, options.colour);
}

}  // namespace smtpspec::reports
