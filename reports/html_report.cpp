#include "reports/html_report.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "reports/atomic_write.hpp"
#include "reports/console_report.hpp"
#include "reports/coverage_report.hpp"
#include "reports/html_assets.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"
#include "reports/waiver_text.hpp"

namespace smtpspec::reports {

namespace {

// Limits that keep the page usable when a step sent or received megabytes (DATA content, a
// flooding server): enough to show the problem, not the whole stream.
constexpr std::size_t max_lines_per_entry = 200;
constexpr std::size_t max_octets_per_line = 2000;

using Out = std::back_insert_iterator<std::string>;

// ---- escaping ------------------------------------------------------------------------------

bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7E; }

// Octets from the wire with every octet outside printable ASCII shown by escape_octets: a
// proper CRLF in a subtle marker (it is on every line), anything else (bare CR or LF, NUL,
// 8-bit octets) in a marker that stands out.
std::string wire_html(std::string_view octets) {
    std::string out;
    std::size_t i = 0;
    while (i < octets.size()) {
        if (is_printable_ascii(octets[i])) {
            out += html_escaped(octets.substr(i, 1));
            ++i;
        } else if (octets.substr(i, 2) == "\r\n") {
            out += "<span class=\"eol\">" + html_escaped(escape_octets("\r\n")) + "</span>";
            i += 2;
        } else {
            auto end = i + 1;
            while (end < octets.size() && !is_printable_ascii(octets[end]) && octets.substr(end, 2) != "\r\n") ++end;
            out += "<span class=\"oct\">" + html_escaped(escape_octets(octets.substr(i, end - i))) + "</span>";
            i = end;
        }
    }
    return out;
}

// wire_html of at most max_octets_per_line octets, saying how much was left out.
std::string wire_line_html(std::string_view line) {
    if (line.size() <= max_octets_per_line) return wire_html(line);
    return fmt::format("{}<span class=\"more\">… ({} octets in all)</span>",
                       wire_html(line.substr(0, max_octets_per_line)), line.size());
}

std::string joined_html(const std::vector<std::string>& items, std::string_view empty = "—") {
    if (items.empty()) return std::string(empty);
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " ") + text_html(item);
    return out;
}

// ---- classification ------------------------------------------------------------------------

std::string outcome_class(Outcome outcome) { return fmt::format("o-{}", to_string(outcome)); }

std::string verdict_class(Verdict verdict) { return fmt::format("v-{}", to_string(verdict)); }

// Where a scenario goes in the default order: what needs a person's attention first.
int attention_rank(Outcome outcome) {
    switch (outcome) {
        case Outcome::failed: return 0;
        case Outcome::error: return 1;
        case Outcome::warned: return 2;
        case Outcome::waived: return 3;
        case Outcome::unimplemented: return 4;
        case Outcome::skipped: return 5;
        case Outcome::passed: return 6;
    }
    return 7;
}

bool is_offending(Verdict verdict) { return is_failure(verdict) || is_warning(verdict); }

std::string outcome_badge(Outcome outcome) {
    return fmt::format("<span class=\"badge {}\">{}</span>", outcome_class(outcome), outcome_label(outcome));
}

std::string verdict_badge(Verdict verdict) {
    return fmt::format("<span class=\"badge {}\">{}</span>", verdict_class(verdict), to_string(verdict));
}

std::string_view direction_class(char direction) {
    switch (direction) {
        case 'C': return "client";
        case 'S': return "server";
        case 'E': return "stderr";
        default: return "event";
    }
}

// ---- the header ----------------------------------------------------------------------------

void render_fact(Out out, std::string_view name, const std::string& value_html) {
    fmt::format_to(out, "<div><dt>{}</dt><dd>{}</dd></div>\n", name, value_html);
}

void render_run_facts(Out out, const RunResult& run, const Summary& summary) {
    out = fmt::format_to(out, "<dl class=\"run\">\n");
    render_fact(out, "Target", "<code>" + text_html(run.target) + "</code>");
    render_fact(out, "Profile", text_html(run.profile) + (run.strict ? " (strict: warnings fail)" : ""));
    render_fact(out, "Started", text_html(run.started));
    render_fact(out, "Duration", format_duration(run.duration_ms));
    render_fact(out, "Scenarios", std::to_string(summary.scenarios));
    if (run.shard) render_fact(out, "Shard", fmt::format("{} of {}", run.shard->index, run.shard->count));
    if (run.baseline) render_fact(out, "Baseline", "<code>" + text_html(run.baseline->file) + "</code>");
    render_fact(out, "smtpspec", text_html(run.version));
    fmt::format_to(out, "</dl>\n");
}

std::string outcome_bar_label(const Summary& summary) {
    std::string label;
    for (const auto outcome : all_outcomes)
        if (summary.count(outcome) > 0)
            label += fmt::format("{}{} {}", label.empty() ? "" : ", ", summary.count(outcome), to_string(outcome));
    return label.empty() ? "no scenarios" : label;
}

// Segments in the order of attention, sized by count through flex-grow, so that no
// percentages need rounding.
void render_outcome_bar(Out out, const Summary& summary) {
    fmt::format_to(out, "<div class=\"bar\" role=\"img\" aria-label=\"{}\">", outcome_bar_label(summary));
    std::vector<Outcome> outcomes(std::begin(all_outcomes), std::end(all_outcomes));
    std::stable_sort(outcomes.begin(), outcomes.end(),
                     [](Outcome a, Outcome b) { return attention_rank(a) < attention_rank(b); });
    for (const auto outcome : outcomes)
        if (summary.count(outcome) > 0)
            fmt::format_to(out, "<span class=\"{}\" style=\"flex-grow:{}\" title=\"{} {}\"></span>",
                           outcome_class(outcome), summary.count(outcome), summary.count(outcome),
                           to_string(outcome));
    fmt::format_to(out, "</div>\n");
}

void render_counts(Out out, const Summary& summary) {
    fmt::format_to(out, "<ul class=\"counts\">\n");
    for (const auto outcome : all_outcomes)
        fmt::format_to(out, "<li>{} {} {}</li>\n", outcome_badge(outcome), summary.count(outcome), to_string(outcome));
    fmt::format_to(out, "</ul>\n<ul class=\"verdicts\">\n");
    for (const auto verdict : all_verdicts) {
        const auto count = summary.count(verdict);
        fmt::format_to(out, "<li{}><span class=\"{}\">{}</span> {}</li>\n", count == 0 ? " class=\"zero\"" : "",
                       verdict_class(verdict), to_string(verdict), count);
    }
    fmt::format_to(out, "</ul>\n");
}

void render_baseline_note(Out out, const RunResult& run, const Summary& summary) {
    if (!run.baseline) return;
    const auto& baseline = *run.baseline;
    fmt::format_to(out,
                   "<p class=\"note\">Baseline <code>{}</code>: {} entries; {} scenario(s) waived; "
                   "<span class=\"{}\">{} can be tightened</span>; <span class=\"{}\">{} expired</span>",
                   text_html(baseline.file), baseline.entries, summary.count(Outcome::waived),
                   summary.waivers_unneeded > 0 ? "w-unneeded" : "muted", summary.waivers_unneeded,
                   summary.waivers_expired > 0 ? "w-expired" : "muted", summary.waivers_expired);
    if (!baseline.not_run.empty()) {
        std::vector<std::string> ids;
        for (const auto& id : baseline.not_run) ids.push_back("<code>" + text_html(id) + "</code>");
        fmt::format_to(out, "; not in this run: {}", fmt::join(ids, ", "));
    }
    fmt::format_to(out, ".</p>\n");
}

void render_header(Out out, const RunResult& run, const Summary& summary) {
    fmt::format_to(out, "<header>\n<h1>smtpspec report</h1>\n");
    render_run_facts(out, run, summary);
    if (run.incomplete)
        fmt::format_to(out, "<p class=\"alert\">The run was interrupted: not every selected scenario ran.</p>\n");
    if (summary.count(Outcome::error) > 0)
        fmt::format_to(out, "<p class=\"alert\">smtpspec itself failed in {} scenario(s): their results say nothing "
                            "about the server.</p>\n",
                       summary.count(Outcome::error));
    render_baseline_note(out, run, summary);
    render_outcome_bar(out, summary);
    render_counts(out, summary);
    fmt::format_to(out, "</header>\n");
}

// ---- the filters ---------------------------------------------------------------------------

std::set<std::string> all_tags(const RunResult& run) {
    std::set<std::string> tags;
    for (const auto& scenario : run.scenarios) tags.insert(scenario.tags.begin(), scenario.tags.end());
    return tags;
}

void render_outcome_filter(Out out, const Summary& summary) {
    fmt::format_to(out, "<fieldset><legend>Outcome</legend>\n");
    for (const auto outcome : all_outcomes)
        fmt::format_to(out, "<label><input type=\"checkbox\" name=\"outcome\" value=\"{}\" checked> {} {}</label>\n",
                       to_string(outcome), outcome_badge(outcome), summary.count(outcome));
    fmt::format_to(out, "</fieldset>\n");
}

void render_verdict_filter(Out out, const Summary& summary) {
    fmt::format_to(out, "<label>Verdict <select name=\"verdict\">\n<option value=\"\">any</option>\n");
    for (const auto verdict : all_verdicts)
        if (summary.count(verdict) > 0)
            fmt::format_to(out, "<option value=\"{0}\">{0} ({1})</option>\n", to_string(verdict),
                           summary.count(verdict));
    fmt::format_to(out, "</select></label>\n");
}

void render_tag_filter(Out out, const RunResult& run) {
    fmt::format_to(out, "<label>Tag <select name=\"tag\">\n<option value=\"\">any</option>\n");
    for (const auto& tag : all_tags(run)) fmt::format_to(out, "<option>{}</option>\n", text_html(tag));
    fmt::format_to(out, "</select></label>\n");
}

// Hidden until the script runs: without it, filters would be controls that do nothing.
void render_filters(Out out, const RunResult& run, const Summary& summary) {
    fmt::format_to(out, "<form id=\"filters\" hidden>\n");
    render_outcome_filter(out, summary);
    render_verdict_filter(out, summary);
    render_tag_filter(out, run);
    fmt::format_to(out,
                   "<label>Id <input type=\"search\" name=\"search\" placeholder=\"rfc5321/4.1.1\" "
                   "autocomplete=\"off\" spellcheck=\"false\"></label>\n"
                   "<label>Order <select name=\"sort\">\n<option value=\"attention\">problems first</option>\n"
                   "<option value=\"run\">run order</option>\n</select></label>\n"
                   "<button type=\"button\" id=\"expand\">Expand all</button>\n"
                   "<button type=\"button\" id=\"collapse\">Collapse all</button>\n"
                   "</form>\n");
}

// ---- a scenario ----------------------------------------------------------------------------

std::string primary_rule(const ScenarioResult& scenario) {
    if (scenario.rfc.empty()) return std::string(to_string(scenario.level));
    return fmt::format("{} {}", scenario.rfc.front().text(), to_string(scenario.level));
}

void render_scenario_summary(Out out, const ScenarioResult& scenario) {
    fmt::format_to(out,
                   "<summary>{} <code class=\"id\">{}</code> <span class=\"title\">{}</span> "
                   "<span class=\"meta\">{} · {}</span></summary>\n",
                   outcome_badge(scenario.outcome), text_html(scenario.id), text_html(scenario.title),
                   text_html(primary_rule(scenario)), format_duration(scenario.duration_ms));
}

std::string rfc_refs_html(const std::vector<RfcRef>& refs) {
    std::string out;
    for (const auto& ref : refs)
        out += fmt::format("{}{} ({})", out.empty() ? "" : "; ", text_html(ref.text()), to_string(ref.level));
    return out.empty() ? "—" : out;
}

std::string tags_html(const std::vector<std::string>& tags) {
    std::string out = "<ul class=\"tags\">";
    for (const auto& tag : tags) out += "<li>" + text_html(tag) + "</li>";
    return out + "</ul>";
}

void render_scenario_facts(Out out, const ScenarioResult& scenario) {
    fmt::format_to(out, "<dl class=\"facts\">\n");
    fmt::format_to(out, "<dt>Requirement</dt><dd>{}</dd>\n", text_html(scenario.requirement));
    fmt::format_to(out, "<dt>RFC</dt><dd>{}</dd>\n", rfc_refs_html(scenario.rfc));
    fmt::format_to(out, "<dt>Tags</dt><dd>{}</dd>\n", tags_html(scenario.tags));
    fmt::format_to(out, "<dt>File</dt><dd><code>{}</code></dd>\n", text_html(scenario.file));
    if (!scenario.harness_error.empty())
        fmt::format_to(out, "<dt>smtpspec error</dt><dd class=\"o-error\">{}</dd>\n",
                       text_html(scenario.harness_error));
    if (!scenario.waivers.empty()) {
        fmt::format_to(out, "<dt>Baseline</dt><dd><ul class=\"waivers\">");
        for (const auto& waiver : scenario.waivers)
            fmt::format_to(out, "<li><span class=\"w-{}\">{}</span>: {}</li>", to_string(waiver.state),
                           waiver_state_words(waiver.state), text_html(describe_waiver(waiver)));
        fmt::format_to(out, "</ul></dd>\n");
    }
    fmt::format_to(out, "</dl>\n");
}

// From 1, as the console and the baseline count steps; a pipelined write's replies as 3.1, 3.2.
std::string step_number(const StepResult& step) {
    return step.reply_index == 0 ? std::to_string(step.step + 1)
                                 : fmt::format("{}.{}", step.step + 1, step.reply_index + 1);
}

std::string sent_html(const StepResult& step) {
    const auto action = fmt::format("<span class=\"muted\">{}</span>", text_html(step.action));
    if (step.sent.empty()) return action;
    return fmt::format("{}<br><code class=\"wire\">{}</code>", action, wire_line_html(step.sent));
}

std::string expected_html(const Judgement& judgement) {
    std::string out = joined_html(judgement.expected);
    if (!judgement.non_strict.empty())
        out += "<br><span class=\"muted\">warn: " + joined_html(judgement.non_strict) + "</span>";
    if (!judgement.legal.empty() && judgement.legal != judgement.expected)
        out += "<br><span class=\"muted\">legal: " + joined_html(judgement.legal) + "</span>";
    return out;
}

std::string findings_html(const StepResult& step) {
    if (!step.reply || step.reply->findings.empty()) return "";
    std::string out = "<ul class=\"findings\">";
    for (const auto& finding : step.reply->findings) {
        out += fmt::format("<li>line {}: <code>{}</code> — {} ({}, {})", finding.line + 1, to_string(finding.kind),
                           text_html(describe(finding.kind)), text_html(rfc_section_of(finding.kind)),
                           to_string(level_of(finding.kind)));
        if (!finding.detail.empty()) out += ": " + text_html(finding.detail);
        out += "</li>";
    }
    return out + "</ul>";
}

std::string rule_html(const StepResult& step) {
    std::string out = step.judgement.rfc.empty() ? "" : text_html(step.judgement.rfc);
    if (!step.judgement.detail.empty())
        out += "<div class=\"detail\">" + text_html(step.judgement.detail) + "</div>";
    return out + findings_html(step);
}

void render_step(Out out, const StepResult& step) {
    const auto& judgement = step.judgement;
    fmt::format_to(out,
                   "<tr data-verdict=\"{}\"{}><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td>"
                   "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   to_string(judgement.verdict), is_offending(judgement.verdict) ? " class=\"offending\"" : "",
                   step_number(step), sent_html(step), text_html(judgement.command), expected_html(judgement),
                   text_html(judgement.actual),
                   verdict_badge(judgement.verdict) + (step.waived ? " <span class=\"w-applied\">waived</span>" : ""),
                   rule_html(step));
}

void render_steps(Out out, const ScenarioResult& scenario) {
    if (scenario.steps.empty()) return;
    fmt::format_to(out, "<h2>Steps</h2>\n<div class=\"scroll\"><table class=\"steps\">\n"
                        "<thead><tr><th>#</th><th>Sent</th><th>Command</th><th>Expected</th><th>Actual</th>"
                        "<th>Verdict</th><th>Rule</th></tr></thead>\n<tbody>\n");
    for (const auto& step : scenario.steps) render_step(out, step);
    fmt::format_to(out, "</tbody></table></div>\n");
}

// Transcript entries produced by a failed or warned step, highlighted to match its table row.
std::vector<bool> offending_entries(const ScenarioResult& scenario) {
    std::vector<bool> hot(scenario.transcript.size(), false);
    for (const auto& step : scenario.steps) {
        if (!is_offending(step.judgement.verdict)) continue;
        const auto end = std::min(step.transcript_end, hot.size());
        for (auto i = step.transcript_begin; i < end; ++i) hot[i] = true;
    }
    return hot;
}

// One row per line, so that line ends are where the wire put them; events are smtpspec's own
// words, not octets from the wire.
void render_entry(Out out, const TranscriptEntry& entry, bool hot) {
    const auto row_class = fmt::format("{}{}", direction_class(entry.direction), hot ? " hot" : "");
    const auto time = fmt::format("{} ms", entry.t_ms);
    const std::string direction(1, entry.direction);
    if (entry.direction == '*') {
        fmt::format_to(out, "<div class=\"{}\"><span class=\"t\">{}</span><span class=\"d\">*</span><span>{}</span></div>\n",
                       row_class, time, text_html(entry.data));
        return;
    }
    const auto lines = split_lines(entry.data);
    const auto shown = std::min(lines.size(), max_lines_per_entry);
    for (std::size_t i = 0; i < shown; ++i)
        fmt::format_to(out, "<div class=\"{}\"><span class=\"t\">{}</span><span class=\"d\">{}</span>"
                            "<span class=\"wire\">{}</span></div>\n",
                       row_class, i == 0 ? time : "", html_escaped(direction), wire_line_html(lines[i]));
    if (shown < lines.size())
        fmt::format_to(out, "<div class=\"{}\"><span class=\"t\"></span><span class=\"d\"></span>"
                            "<span class=\"more\">… {} more lines ({} octets in all)</span></div>\n",
                       row_class, lines.size() - shown, entry.data.size());
}

void render_transcript(Out out, const ScenarioResult& scenario) {
    if (scenario.transcript.empty()) return;
    const auto hot = offending_entries(scenario);
    fmt::format_to(out, "<h2>Transcript</h2>\n<div class=\"transcript mono\">\n");
    for (std::size_t i = 0; i < scenario.transcript.size(); ++i) render_entry(out, scenario.transcript[i], hot[i]);
    fmt::format_to(out, "</div>\n");
}

void render_scenario(Out out, const ScenarioResult& scenario, std::size_t run_index, std::size_t attention_index) {
    fmt::format_to(out, "<details class=\"scenario\" data-id=\"{}\" data-outcome=\"{}\" data-run=\"{}\" data-rank=\"{}\">\n",
                   text_html(scenario.id), to_string(scenario.outcome), run_index, attention_index);
    render_scenario_summary(out, scenario);
    fmt::format_to(out, "<div class=\"body\">\n");
    render_scenario_facts(out, scenario);
    render_steps(out, scenario);
    render_transcript(out, scenario);
    fmt::format_to(out, "</div>\n</details>\n");
}

// Indices into run.scenarios, what needs attention first, run order within an outcome.
std::vector<std::size_t> attention_order(const RunResult& run) {
    std::vector<std::size_t> order(run.scenarios.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return attention_rank(run.scenarios[a].outcome) < attention_rank(run.scenarios[b].outcome);
    });
    return order;
}

void render_scenarios(Out out, const RunResult& run) {
    fmt::format_to(out, "<p id=\"shown\">{} scenarios</p>\n<div id=\"scenarios\">\n", run.scenarios.size());
    const auto order = attention_order(run);
    for (std::size_t rank = 0; rank < order.size(); ++rank)
        render_scenario(out, run.scenarios[order[rank]], order[rank], rank);
    fmt::format_to(out, "</div>\n<p id=\"nothing\" class=\"muted\" hidden>No scenario matches the filters.</p>\n");
}

// ---- traceability --------------------------------------------------------------------------

// Per RFC section, this run's scenarios that test it, with their outcomes: which rules the
// server was shown to keep or break. Collapsed: the scenarios above are what a reader comes for.
void render_traceability(Out out, const RunResult& run) {
    if (run.scenarios.empty()) return;
    const auto matrix = build_coverage(covered_scenarios(run), run.profile);
    fmt::format_to(out, "<details class=\"traceability\">\n<summary>Traceability: {} section(s) of {} document(s)"
                        "</summary>\n",
                   matrix.section_count(), matrix.documents.size());
    for (const auto& document : matrix.documents) {
        fmt::format_to(out, "<h2>{}</h2>\n<dl class=\"facts\">\n", text_html(document.doc));
        for (const auto& section : document.sections) {
            fmt::format_to(out, "<dt>{} <span class=\"muted\">{}</span></dt><dd>",
                           text_html(section_label(section.section)), to_string(section.level));
            for (const auto& entry : section.entries) {
                const auto& scenario = run.scenarios[entry.scenario];
                fmt::format_to(out, "<div>{} <code>{}</code> {}{}</div>", outcome_badge(scenario.outcome),
                               text_html(scenario.id), text_html(scenario.title),
                               entry.role == ReferenceRole::primary ? "" : " <span class=\"muted\">(secondary)</span>");
            }
            fmt::format_to(out, "</dd>\n");
        }
        fmt::format_to(out, "</dl>\n");
    }
    fmt::format_to(out, "</details>\n");
}

// ---- the document --------------------------------------------------------------------------

std::string page_title(const RunResult& run, const Summary& summary) {
    return fmt::format("smtpspec: {} — {} failed, {} warned, {} passed", text_html(run.target),
                       summary.count(Outcome::failed), summary.count(Outcome::warned), summary.count(Outcome::passed));
}

void render_head(Out out, const RunResult& run, const Summary& summary) {
    fmt::format_to(out,
                   "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
                   "<meta name=\"color-scheme\" content=\"light dark\">\n"
                   "<title>{}</title>\n<style>{}</style>\n</head>\n",
                   html_escaped(html_content_security_policy()), page_title(run, summary), html_stylesheet());
}

}  // namespace

std::string render_html_report(const RunResult& run) {
    const auto summary = summarize(run);
    std::string html;
    auto out = std::back_inserter(html);
    render_head(out, run, summary);
    fmt::format_to(out, "<body>\n");
    render_header(out, run, summary);
    fmt::format_to(out, "<main>\n");
    render_filters(out, run, summary);
    render_scenarios(out, run);
    render_traceability(out, run);
    fmt::format_to(out, "</main>\n<footer>Written by smtpspec {}. Self-contained: it loads nothing from anywhere "
                        "else.</footer>\n<script>{}</script>\n</body>\n</html>\n",
                   text_html(run.version), html_script());
    return html;
}

void write_html_report(const RunResult& run, const std::filesystem::path& path) {
    write_file_atomically(path, render_html_report(run));
}

}  // namespace smtpspec::reports
