#include "reports/progress.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "reports/text_escape.hpp"

namespace smtpspec::reports {

namespace {

struct Part {
    std::string text;
    Tone tone = Tone::plain;
};

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }

std::size_t display_columns(std::string_view text) {
    const auto starts = std::count_if(text.begin(), text.end(), [](char c) { return !is_utf8_continuation(c); });
    return static_cast<std::size_t>(starts);
}

// The first `columns` columns of `text`, ending in "…" when something was cut.
std::string cut_to_columns(std::string_view text, std::size_t columns) {
    if (display_columns(text) <= columns) return std::string(text);
    if (columns == 0) return "";
    std::size_t kept = 0;
    std::size_t end = 0;
    while (end < text.size() && kept < columns - 1) {
        ++end;
        while (end < text.size() && is_utf8_continuation(text[end])) ++end;
        ++kept;
    }
    return fmt::format("{}…", text.substr(0, end));
}

// Cuts the parts, last first, so that the counter and the counts survive a narrow terminal.
std::string fit_and_paint(std::vector<Part> parts, Colour colour, std::size_t columns) {
    std::size_t budget = columns;
    std::string line;
    for (auto& part : parts) {
        if (columns != 0) {
            part.text = cut_to_columns(part.text, budget);
            budget -= display_columns(part.text);
        }
        line += paint(part.text, part.tone, colour);
    }
    return line;
}

std::size_t digits(std::size_t n) { return fmt::formatted_size("{}", n); }

std::string outcome_words(Outcome outcome, std::size_t n) {
    if (outcome == Outcome::error) return fmt::format("{} error{}", n, n == 1 ? "" : "s");
    return fmt::format("{} {}", n, to_string(outcome));
}

const StepResult* worst_step(const ScenarioResult& scenario) {
    const StepResult* worst = nullptr;
    for (const auto& step : scenario.steps)
        if (worst == nullptr || severity(step.judgement.verdict) > severity(worst->judgement.verdict)) worst = &step;
    return worst;
}

// Why a failed or warned scenario is not a pass, in a few words: its worst step.
std::string worst_step_note(const ScenarioResult& scenario) {
    const auto* step = worst_step(scenario);
    if (step == nullptr) return "";
    auto note = fmt::format(" — step {}: {}", step->step + 1, to_string(step->judgement.verdict));
    if (!step->judgement.actual.empty()) note += fmt::format(", {}", escape_text(step->judgement.actual));
    return note;
}

bool stays_on_screen(Outcome outcome) {
    return outcome == Outcome::failed || outcome == Outcome::warned || outcome == Outcome::error;
}

}  // namespace

std::string progress_line(const ProgressState& state, std::string_view running_id, std::string_view running_title,
                          Colour colour, std::size_t columns) {
    const auto shown = running_id.empty() ? state.finished : std::min(state.finished + 1, state.total);
    std::vector<Part> parts;
    parts.push_back({fmt::format("[{:>{}}/{}]", shown, digits(state.total), state.total)});
    bool first = true;
    for (Outcome outcome : all_outcomes) {
        const auto it = state.outcomes.find(outcome);
        if (it == state.outcomes.end() || it->second == 0) continue;
        parts.push_back({first ? " " : ", "});
        parts.push_back({outcome_words(outcome, it->second), tone_of(outcome)});
        first = false;
    }
    if (!running_id.empty()) {
        parts.push_back({"  "});
        parts.push_back({escape_text(running_id), Tone::strong});
        if (!running_title.empty()) parts.push_back({fmt::format(" {}", escape_text(running_title))});
    }
    return fit_and_paint(std::move(parts), colour, columns);
}

std::string finished_line(const ScenarioResult& scenario, Colour colour) {
    const auto label = fmt::format("{:<{}}", outcome_label(scenario.outcome), outcome_label_width);
    auto line = fmt::format("{} {} {} ({})", paint(label, tone_of(scenario.outcome), colour), escape_text(scenario.id),
                            escape_text(scenario.title), format_duration(scenario.duration_ms));
    if (scenario.outcome == Outcome::error && !scenario.harness_error.empty())
        line += fmt::format(" — harness error: {}", escape_text(scenario.harness_error));
    else if (scenario.outcome == Outcome::failed || scenario.outcome == Outcome::warned ||
             scenario.outcome == Outcome::waived)
        line += worst_step_note(scenario);
    return line;
}

ProgressReporter::ProgressReporter(std::ostream& out, std::size_t total, ProgressOptions options)
    : out_(out), options_(options) {
    state_.total = total;
}

void ProgressReporter::scenario_started(std::string_view id, std::string_view title) {
    if (options_.tty) draw(id, title);
}

void ProgressReporter::scenario_finished(const ScenarioResult& scenario) {
    ++state_.finished;
    ++state_.outcomes[scenario.outcome];
    if (!options_.tty) {
        out_ << finished_line(scenario, options_.colour) << '\n' << std::flush;
        return;
    }
    if (stays_on_screen(scenario.outcome)) {
        erase_line();
        out_ << finished_line(scenario, options_.colour) << '\n';
        drawn_columns_ = 0;
    }
    draw({}, {});
}

void ProgressReporter::finish() {
    if (!options_.tty) return;
    erase_line();
    out_ << std::flush;
}

void ProgressReporter::draw(std::string_view running_id, std::string_view running_title) {
    // One column short of the width: writing the last column makes some terminals wrap at once.
    const auto columns = options_.columns > 1 ? options_.columns - 1 : options_.columns;
    const auto line = progress_line(state_, running_id, running_title, options_.colour, columns);
    const auto plain_columns = display_columns(progress_line(state_, running_id, running_title, Colour::off, columns));
    // Blanks over the rest of a longer previous line, rather than an ANSI erase, so that the
    // rewrite works on any terminal and with colour off.
    const std::string blanks(drawn_columns_ > plain_columns ? drawn_columns_ - plain_columns : 0, ' ');
    out_ << '\r' << line << blanks << std::flush;
    drawn_columns_ = plain_columns;
}

void ProgressReporter::erase_line() {
    if (drawn_columns_ == 0) return;
    out_ << '\r' << std::string(drawn_columns_, ' ') << '\r';
    drawn_columns_ = 0;
}

}  // namespace smtpspec::reports
