// Several runs side by side: the matrix, as text, HTML and JSON.
#include "reports/compare_report.hpp"

#include "reports/console_report.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "reports/text_escape.hpp"
#include "reports/waiver_text.hpp"

namespace smtpspec::reports {

namespace {

// ---- building the matrix -------------------------------------------------------------------

Verdict worst_verdict(const ScenarioResult& scenario) {
    Verdict worst = Verdict::pass;
    for (const auto& step : scenario.steps) worst = worse(worst, step.judgement.verdict);
    return worst;
}

// The run's target, unless another report has the same one: then the label tells them apart.
std::vector<ComparedTarget> compared_targets(const std::vector<LabelledRun>& runs) {
    std::map<std::string, std::size_t> uses;
    for (const auto& [label, run] : runs) ++uses[run.target];
    std::vector<ComparedTarget> targets;
    for (const auto& [label, run] : runs) {
        const std::string name = uses[run.target] > 1 ? fmt::format("{} ({})", run.target, label) : run.target;
        targets.push_back({label, name, run, summarize(run)});
    }
    return targets;
}

std::vector<ComparisonRow> comparison_rows(const std::vector<ComparedTarget>& targets) {
    std::vector<ComparisonRow> rows;
    std::map<std::string, std::size_t> row_of_id;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        const auto& scenarios = targets[t].run.scenarios;
        for (std::size_t s = 0; s < scenarios.size(); ++s) {
            const auto& scenario = scenarios[s];
            auto [found, inserted] = row_of_id.emplace(scenario.id, rows.size());
            if (inserted) rows.push_back({scenario.id, scenario.title, std::vector<ComparisonCell>(targets.size())});
            rows[found->second].cells[t] = ComparisonCell{true, scenario.outcome, worst_verdict(scenario), s};
        }
    }
    return rows;
}

// ---- text ----------------------------------------------------------------------------------

constexpr std::size_t cell_width = 8;   // the longest label, UNIMPL, and two spaces

std::string outcome_heading(Outcome outcome) { return std::string(to_string(outcome)); }

std::string text_legend(const Comparison& comparison) {
    std::string out = "targets:\n";
    for (std::size_t t = 0; t < comparison.targets.size(); ++t)
        out += fmt::format("  [{}] {}\n", t + 1, escape_text(comparison.targets[t].name));
    return out;
}

std::string text_line(std::string_view first, std::size_t first_width, const std::vector<std::string>& cells) {
    std::string line = fmt::format("{:<{}}", first, first_width);
    for (const auto& cell : cells) line += fmt::format("  {:<{}}", cell, cell_width - 2);
    while (line.ends_with(' ')) line.pop_back();
    return line + '\n';
}

// ---- HTML ----------------------------------------------------------------------------------

// Built from positions, never from ids, so that no report string reaches an attribute.
std::string anchor(std::size_t target, std::size_t scenario) { return fmt::format("t{}-s{}", target + 1, scenario); }

constexpr std::string_view stylesheet = R"(
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
table{border-collapse:collapse;margin-bottom:1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.cell a{color:inherit;text-decoration:none;display:block}
.passed{background:#d8f0d8}.warned{background:#f8efc0}.failed{background:#f6cccc}
.unimplemented{background:#ecd6f0}.skipped{background:#e6e6e6}.error{background:#e3b3e8}.waived{background:#d6e4f6}
.absent{color:#888}
small{color:#555}
code{font-family:ui-monospace,monospace;white-space:pre-wrap}
section{margin-bottom:1.5em}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1b1b1b}th,td{border-color:#555}
.passed{background:#1f4d1f}.warned{background:#5a4d10}.failed{background:#652222}
.unimplemented{background:#4e2a55}.skipped{background:#3a3a3a}.error{background:#5e1f66}.waived{background:#1f3a5e}
small{color:#aaa}}
)";

std::string html_cell(const ComparisonCell& cell, std::size_t target) {
    if (!cell.present) return "<td class=\"absent\">-</td>";
    const auto outcome = to_string(cell.outcome);
    return fmt::format("<td class=\"cell {}\"><a href=\"#{}\">{}<br><small>{}</small></a></td>", outcome,
                       anchor(target, cell.scenario), short_label(cell), to_string(cell.worst));
}

std::string html_matrix(const Comparison& comparison) {
    std::string out = "<table class=\"matrix\">\n<thead><tr><th>scenario</th>";
    for (const auto& target : comparison.targets) out += "<th>" + text_html(target.name) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : comparison.rows) {
        out += fmt::format("<tr><th><code>{}</code><br><small>{}</small></th>", text_html(row.id), text_html(row.title));
        for (std::size_t t = 0; t < row.cells.size(); ++t) out += html_cell(row.cells[t], t);
        out += "</tr>\n";
    }
    out += "</tbody>\n<tfoot>\n";
    for (const Outcome outcome : all_outcomes) {
        out += fmt::format("<tr class=\"summary\"><th>{}</th>", outcome_heading(outcome));
        for (const auto& target : comparison.targets) out += fmt::format("<td>{}</td>", target.summary.count(outcome));
        out += "</tr>\n";
    }
    return out + "</tfoot>\n</table>\n";
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string html_step_row(const StepResult& step) {
    const Judgement& j = step.judgement;
    return fmt::format("<tr><td>{}.{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td><code>{}</code></td>"
                       "<td><code>{}</code></td><td>{}</td></tr>\n",
                       step.step + 1, step.reply_index + 1, text_html(j.command),
                       step.waived ? "waived" : is_failure(j.verdict) ? "failed" : "",
                       fmt::format("{}{}", to_string(j.verdict), step.waived ? " (waived)" : ""), text_html(joined(j.expected)), text_html(j.actual), text_html(j.detail));
}

std::string html_scenario_details(const ScenarioResult& scenario, const ComparedTarget& target, std::size_t t,
                                  std::size_t s) {
    std::string out = fmt::format("<section id=\"{}\"><h3><code>{}</code> on {}</h3>\n<p class=\"{}\">{}</p>\n",
                                  anchor(t, s), text_html(scenario.id), text_html(target.name),
                                  to_string(scenario.outcome), to_string(scenario.outcome));
    if (!scenario.harness_error.empty())
        out += "<p>harness error: <code>" + text_html(scenario.harness_error) + "</code></p>\n";
    for (const auto& waiver : scenario.waivers)
        out += fmt::format("<p>{}: {}</p>\n", waiver_state_words(waiver.state), text_html(describe_waiver(waiver)));
    out += "<table><tr><th>step</th><th>command</th><th>verdict</th><th>expected</th><th>actual</th><th>detail</th></tr>\n";
    for (const auto& step : scenario.steps) out += html_step_row(step);
    return out + "</table></section>\n";
}

std::string html_details(const Comparison& comparison) {
    std::string out;
    for (std::size_t t = 0; t < comparison.targets.size(); ++t) {
        const auto& target = comparison.targets[t];
        out += fmt::format("<h2>{}</h2>\n<p><small>{} · profile {}{} · started {}</small></p>\n", text_html(target.name),
                           text_html(target.label), text_html(target.run.profile), target.run.strict ? " (strict)" : "",
                           text_html(target.run.started));
        for (std::size_t s = 0; s < target.run.scenarios.size(); ++s)
            out += html_scenario_details(target.run.scenarios[s], target, t, s);
    }
    return out;
}

// ---- JSON ----------------------------------------------------------------------------------

std::string utf8(std::string_view text) { return replace_invalid_utf8(text); }

nlohmann::ordered_json json_counts(const Summary& summary) {
    nlohmann::ordered_json counts = nlohmann::ordered_json::object();
    for (const Outcome outcome : all_outcomes) counts[std::string(to_string(outcome))] = summary.count(outcome);
    return counts;
}

nlohmann::ordered_json json_cell(const ComparisonCell& cell) {
    if (!cell.present) return nullptr;
    return {{"outcome", to_string(cell.outcome)}, {"worst_verdict", to_string(cell.worst)}};
}

}  // namespace

Comparison compare_runs(const std::vector<LabelledRun>& runs) {
    Comparison comparison;
    comparison.targets = compared_targets(runs);
    comparison.rows = comparison_rows(comparison.targets);
    return comparison;
}

std::string_view short_label(const ComparisonCell& cell) {
    if (!cell.present) return "-";
    return outcome_label(cell.outcome);
}

std::string render_compare_text(const Comparison& comparison) {
    std::vector<std::string> ids;
    std::size_t id_width = std::string_view("scenario").size();
    for (const auto& row : comparison.rows) {
        ids.push_back(escape_text(row.id));
        id_width = std::max(id_width, ids.back().size());
    }
    std::vector<std::string> headings;
    for (std::size_t t = 0; t < comparison.targets.size(); ++t) headings.push_back(fmt::format("[{}]", t + 1));

    std::string out = text_legend(comparison) + '\n' + text_line("scenario", id_width, headings);
    for (std::size_t r = 0; r < comparison.rows.size(); ++r) {
        std::vector<std::string> labels;
        for (const auto& cell : comparison.rows[r].cells) labels.emplace_back(short_label(cell));
        out += text_line(ids[r], id_width, labels);
    }
    out += '\n';
    for (const Outcome outcome : all_outcomes) {
        std::vector<std::string> counts;
        for (const auto& target : comparison.targets) counts.push_back(std::to_string(target.summary.count(outcome)));
        out += text_line(outcome_heading(outcome), id_width, counts);
    }
    return out;
}

std::string render_compare_html(const Comparison& comparison) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>smtpspec comparison</title>\n<style>";
    out += stylesheet;
    out += "</style>\n</head>\n<body>\n<h1>smtpspec comparison</h1>\n";
    out += html_matrix(comparison);
    out += html_details(comparison);
    return out + "</body>\n</html>\n";
}

nlohmann::ordered_json compare_json(const Comparison& comparison) {
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    for (const auto& target : comparison.targets)
        targets.push_back({{"name", utf8(target.name)}, {"label", utf8(target.label)}, {"summary", json_counts(target.summary)}});
    nlohmann::ordered_json scenarios = nlohmann::ordered_json::array();
    for (const auto& row : comparison.rows) {
        nlohmann::ordered_json cells = nlohmann::ordered_json::array();
        for (const auto& cell : row.cells) cells.push_back(json_cell(cell));
        scenarios.push_back({{"id", utf8(row.id)}, {"title", utf8(row.title)}, {"cells", cells}});
    }
    return {{"tool", "smtpspec"}, {"targets", targets}, {"scenarios", scenarios}};
}

}  // namespace smtpspec::reports
