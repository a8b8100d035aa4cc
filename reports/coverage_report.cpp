// The traceability matrix: building it, and its text, JSON and HTML forms.
#include "reports/coverage_report.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "reports/text_escape.hpp"
#include "scenario/natural_order.hpp"

namespace smtpspec::reports {

namespace {

// ---- building the matrix -------------------------------------------------------------------

// natural_less treats "4.1.01" and "4.1.1" alike; the plain comparison breaks such ties so
// that the order is total and the output never depends on the input's order.
bool natural_then_plain(const std::string& a, const std::string& b) {
    if (natural_less(a, b)) return true;
    if (natural_less(b, a)) return false;
    return a < b;
}

// The enumerations list the strongest first (primary, MUST), so "stronger" is "smaller".
template <typename Enum>
Enum stronger(Enum a, Enum b) {
    return static_cast<int>(a) <= static_cast<int>(b) ? a : b;
}

using SectionKey = std::pair<std::string, std::string>;   // document, section

// Every section one scenario names, each once, with the strongest role and level it names it with.
std::map<SectionKey, SectionEntry> references_of(const CoveredScenario& scenario, std::size_t index) {
    std::map<SectionKey, SectionEntry> refs;
    const auto add = [&](const RfcRef& ref, ReferenceRole role) {
        const auto [found, inserted] = refs.try_emplace({ref.doc, ref.section}, SectionEntry{index, role, ref.level});
        if (inserted) return;
        found->second.role = stronger(found->second.role, role);
        found->second.level = stronger(found->second.level, ref.level);
    };
    for (std::size_t i = 0; i < scenario.rfc.size(); ++i)
        add(scenario.rfc[i], i == 0 ? ReferenceRole::primary : ReferenceRole::secondary);
    for (const RfcRef& ref : scenario.step_rfc) add(ref, ReferenceRole::step);
    return refs;
}

CoveredSection covered_section(std::string section, std::vector<SectionEntry> entries,
                               const std::vector<CoveredScenario>& scenarios) {
    std::sort(entries.begin(), entries.end(), [&](const SectionEntry& a, const SectionEntry& b) {
        const auto& left = scenarios[a.scenario].id;
        const auto& right = scenarios[b.scenario].id;
        return left != right ? natural_then_plain(left, right) : a.scenario < b.scenario;
    });
    RequirementLevel level = RequirementLevel::may;
    for (const auto& entry : entries) level = stronger(level, entry.level);
    return CoveredSection{std::move(section), level, std::move(entries)};
}

std::size_t distinct_scenarios(const std::vector<CoveredSection>& sections) {
    std::set<std::size_t> scenarios;
    for (const auto& section : sections)
        for (const auto& entry : section.entries) scenarios.insert(entry.scenario);
    return scenarios.size();
}

std::vector<CoveredDocument> covered_documents(const std::vector<CoveredScenario>& scenarios) {
    std::map<std::string, std::map<std::string, std::vector<SectionEntry>>> grouped;
    for (std::size_t i = 0; i < scenarios.size(); ++i)
        for (auto& [key, entry] : references_of(scenarios[i], i)) grouped[key.first][key.second].push_back(entry);
    std::vector<CoveredDocument> documents;
    for (auto& [doc, sections] : grouped) {
        CoveredDocument document{doc, {}, 0};
        for (auto& [section, entries] : sections)
            document.sections.push_back(covered_section(section, std::move(entries), scenarios));
        std::sort(document.sections.begin(), document.sections.end(),
                  [](const CoveredSection& a, const CoveredSection& b) { return natural_then_plain(a.section, b.section); });
        document.scenarios = distinct_scenarios(document.sections);
        documents.push_back(std::move(document));
    }
    std::sort(documents.begin(), documents.end(),
              [](const CoveredDocument& a, const CoveredDocument& b) { return natural_then_plain(a.doc, b.doc); });
    return documents;
}

// ---- words ---------------------------------------------------------------------------------

std::string counted(std::size_t count, std::string_view noun) {
    return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

std::string level_counts(const CoverageMatrix& matrix) {
    std::string out;
    for (const auto level : all_levels)
        out += fmt::format("{}{} {}", out.empty() ? "" : ", ", matrix.scenarios_at(level), to_string(level));
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// ---- text ----------------------------------------------------------------------------------

constexpr std::size_t level_width = 6;   // SHOULD
constexpr std::size_t role_width = 9;    // secondary

// Display width in characters, not octets: "§" and titles are UTF-8.
std::size_t width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string padded(std::string text, std::size_t to) {
    const auto used = width(text);
    if (used < to) text.append(to - used, ' ');
    return text;
}

std::size_t id_width(const CoverageMatrix& matrix) {
    std::size_t widest = 0;
    for (const auto& scenario : matrix.scenarios) widest = std::max(widest, width(escape_text(scenario.id)));
    return widest;
}

std::size_t section_width(const CoveredDocument& document) {
    std::size_t widest = 0;
    for (const auto& section : document.sections)
        widest = std::max(widest, width(escape_text(section_label(section.section))));
    return widest;
}

std::string text_entry(const CoverageMatrix& matrix, const SectionEntry& entry, std::size_t ids) {
    const auto& scenario = matrix.scenarios[entry.scenario];
    return fmt::format("      {}  {}  {}  {}\n", padded(escape_text(scenario.id), ids),
                       padded(std::string(to_string(scenario.level)), level_width),
                       padded(std::string(to_string(entry.role)), role_width), escape_text(scenario.title));
}

std::string text_document(const CoverageMatrix& matrix, const CoveredDocument& document, std::size_t ids) {
    std::string out = fmt::format("{}: {} in {}\n", escape_text(document.doc), counted(document.scenarios, "scenario"),
                                  counted(document.sections.size(), "section"));
    const auto sections = section_width(document);
    for (const auto& section : document.sections) {
        out += fmt::format("  {}  {}  {}\n", padded(escape_text(section_label(section.section)), sections),
                           padded(std::string(to_string(section.level)), level_width),
                           counted(section.entries.size(), "scenario"));
        for (const auto& entry : section.entries) out += text_entry(matrix, entry, ids);
    }
    return out;
}

std::string text_counts(const CoverageMatrix& matrix) {
    std::string out = fmt::format("{} for profile {}: {}\n", counted(matrix.scenarios.size(), "scenario"),
                                  escape_text(matrix.profile), level_counts(matrix));
    out += fmt::format("{} in {}\n", counted(matrix.section_count(), "section"),
                       counted(matrix.documents.size(), "document"));
    std::size_t docs = 0;
    for (const auto& document : matrix.documents) docs = std::max(docs, width(escape_text(document.doc)));
    for (const auto& document : matrix.documents)
        out += fmt::format("  {}  {} in {}\n", padded(escape_text(document.doc), docs),
                           counted(document.scenarios, "scenario"), counted(document.sections.size(), "section"));
    return out;
}

// ---- JSON ----------------------------------------------------------------------------------

// JSON text must be UTF-8; scenario files are, but the function must not trust its input.
std::string utf8(std::string_view text) { return replace_invalid_utf8(text); }

nlohmann::ordered_json json_strings(const std::vector<std::string>& items) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& item : items) out.push_back(utf8(item));
    return out;
}

nlohmann::ordered_json json_entry(const CoverageMatrix& matrix, const SectionEntry& entry) {
    const auto& scenario = matrix.scenarios[entry.scenario];
    return {{"id", utf8(scenario.id)},
            {"title", utf8(scenario.title)},
            {"level", to_string(scenario.level)},
            {"role", to_string(entry.role)},
            {"reference_level", to_string(entry.level)},
            {"tags", json_strings(scenario.tags)}};
}

nlohmann::ordered_json json_section(const CoverageMatrix& matrix, const CoveredSection& section) {
    auto scenarios = nlohmann::ordered_json::array();
    for (const auto& entry : section.entries) scenarios.push_back(json_entry(matrix, entry));
    return {{"section", utf8(section.section)},
            {"level", to_string(section.level)},
            {"scenario_count", section.entries.size()},
            {"scenarios", std::move(scenarios)}};
}

nlohmann::ordered_json json_document(const CoverageMatrix& matrix, const CoveredDocument& document) {
    auto sections = nlohmann::ordered_json::array();
    for (const auto& section : document.sections) sections.push_back(json_section(matrix, section));
    return {{"doc", utf8(document.doc)},
            {"scenario_count", document.scenarios},
            {"section_count", document.sections.size()},
            {"sections", std::move(sections)}};
}

nlohmann::ordered_json json_summary(const CoverageMatrix& matrix) {
    nlohmann::ordered_json levels = nlohmann::ordered_json::object();
    for (const auto level : all_levels) levels[std::string(to_string(level))] = matrix.scenarios_at(level);
    return {{"scenarios", matrix.scenarios.size()},
            {"levels", std::move(levels)},
            {"documents", matrix.documents.size()},
            {"sections", matrix.section_count()}};
}

// ---- HTML ----------------------------------------------------------------------------------

// No "//" and no url(): nothing in the page may point outside it.
constexpr std::string_view stylesheet = R"(
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}
ul.scenarios{margin:0;padding:0;list-style:none}
ul.scenarios li{margin:.1em 0}
.l-must{color:#b3261e}.l-should{color:#8a5a00}.l-may{color:#1a5fb4}
.role{color:#555;font-size:.85em}
small,footer{color:#555}
code{font-family:ui-monospace,monospace}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#1b1b1b}th,td{border-color:#555}
.l-must{color:#ff8a80}.l-should{color:#f0c05a}.l-may{color:#8ab4f8}.role,small,footer{color:#aaa}}
)";

// Nothing may be loaded and no script may run; the page has none.
constexpr std::string_view content_security_policy =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// Built from positions, never from document names, so that no scenario text reaches an attribute.
std::string document_anchor(std::size_t index) { return fmt::format("doc-{}", index + 1); }

std::string level_html(RequirementLevel level) {
    return fmt::format("<span class=\"l-{}\">{}</span>", lower(to_string(level)), to_string(level));
}

std::string html_counts(const CoverageMatrix& matrix) {
    std::string out = "<table class=\"counts\">\n<thead><tr><th>level</th><th>scenarios</th></tr></thead>\n<tbody>\n";
    for (const auto level : all_levels)
        out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>\n", level_html(level), matrix.scenarios_at(level));
    out += "</tbody>\n</table>\n<table class=\"counts\">\n"
           "<thead><tr><th>document</th><th>scenarios</th><th>sections</th></tr></thead>\n<tbody>\n";
    for (std::size_t d = 0; d < matrix.documents.size(); ++d) {
        const auto& document = matrix.documents[d];
        out += fmt::format("<tr><td><a href=\"#{}\">{}</a></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                           document_anchor(d), text_html(document.doc), document.scenarios, document.sections.size());
    }
    return out + "</tbody>\n</table>\n";
}

std::string html_entry(const CoverageMatrix& matrix, const SectionEntry& entry) {
    const auto& scenario = matrix.scenarios[entry.scenario];
    return fmt::format("<li><code>{}</code> {} {} <span class=\"role\">{}</span></li>\n", text_html(scenario.id),
                       text_html(scenario.title), level_html(scenario.level), to_string(entry.role));
}

std::string html_section(const CoverageMatrix& matrix, const CoveredSection& section) {
    std::string out = fmt::format("<tr><th>{}</th><td>{}</td><td class=\"n\">{}</td><td><ul class=\"scenarios\">\n",
                                  text_html(section_label(section.section)), level_html(section.level),
                                  section.entries.size());
    for (const auto& entry : section.entries) out += html_entry(matrix, entry);
    return out + "</ul></td></tr>\n";
}

std::string html_document(const CoverageMatrix& matrix, std::size_t index) {
    const auto& document = matrix.documents[index];
    std::string out = fmt::format(
        "<section id=\"{}\">\n<h2>{} <small>{} in {}</small></h2>\n<table class=\"matrix\">\n"
        "<thead><tr><th>section</th><th>level</th><th>scenarios</th><th>which</th></tr></thead>\n<tbody>\n",
        document_anchor(index), text_html(document.doc), counted(document.scenarios, "scenario"),
        counted(document.sections.size(), "section"));
    for (const auto& section : document.sections) out += html_section(matrix, section);
    return out + "</tbody>\n</table>\n</section>\n";
}

std::string html_head(const CoverageMatrix& matrix) {
    return fmt::format("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta name=\"color-scheme\" content=\"light dark\">\n"
                       "<title>smtpspec coverage: {}, {}</title>\n<style>{}</style>\n</head>\n",
                       html_escaped(content_security_policy), counted(matrix.scenarios.size(), "scenario"),
                       counted(matrix.section_count(), "section"), stylesheet);
}

}  // namespace

std::string_view to_string(ReferenceRole role) {
    switch (role) {
        case ReferenceRole::primary: return "primary";
        case ReferenceRole::secondary: return "secondary";
        case ReferenceRole::step: return "step";
    }
    return "primary";
}

std::size_t CoverageMatrix::section_count() const {
    std::size_t count = 0;
    for (const auto& document : documents) count += document.sections.size();
    return count;
}

std::size_t CoverageMatrix::scenarios_at(RequirementLevel level) const {
    return static_cast<std::size_t>(
        std::count_if(scenarios.begin(), scenarios.end(), [&](const CoveredScenario& s) { return s.level == level; }));
}

CoverageMatrix build_coverage(std::vector<CoveredScenario> scenarios, std::string profile) {
    CoverageMatrix matrix{std::move(profile), std::move(scenarios), {}};
    matrix.documents = covered_documents(matrix.scenarios);
    return matrix;
}

std::vector<CoveredScenario> covered_scenarios(const RunResult& run) {
    std::vector<CoveredScenario> covered;
    for (const auto& scenario : run.scenarios)
        covered.push_back({scenario.id, scenario.title, scenario.level, scenario.rfc, {}, scenario.tags});
    return covered;
}

std::string section_label(std::string_view section) {
    const bool numbered = !section.empty() && std::isdigit(static_cast<unsigned char>(section.front())) != 0;
    return fmt::format("{}{}", numbered ? "§" : "", section);
}

std::string render_coverage_text(const CoverageMatrix& matrix) {
    std::string out;
    const auto ids = id_width(matrix);
    for (const auto& document : matrix.documents) out += text_document(matrix, document, ids) + '\n';
    return out + text_counts(matrix);
}

nlohmann::ordered_json coverage_json(const CoverageMatrix& matrix) {
    auto documents = nlohmann::ordered_json::array();
    for (const auto& document : matrix.documents) documents.push_back(json_document(matrix, document));
    return {{"tool", "smtpspec"},
            {"report", "coverage"},
            {"format_version", coverage_format_version},
            {"profile", utf8(matrix.profile)},
            {"summary", json_summary(matrix)},
            {"documents", std::move(documents)}};
}

std::string render_coverage_json(const CoverageMatrix& matrix) { return coverage_json(matrix).dump(2) + '\n'; }

std::string render_coverage_html(const CoverageMatrix& matrix) {
    std::string out = html_head(matrix);
    out += fmt::format("<body>\n<h1>smtpspec coverage</h1>\n<p>{} for profile {}: {}; {} in {}.</p>\n",
                       counted(matrix.scenarios.size(), "scenario"), text_html(matrix.profile), level_counts(matrix),
                       counted(matrix.section_count(), "section"), counted(matrix.documents.size(), "document"));
    out += html_counts(matrix);
    for (std::size_t d = 0; d < matrix.documents.size(); ++d) out += html_document(matrix, d);
    return out + "<footer>Written by smtpspec. Self-contained: it loads nothing from anywhere else.</footer>\n"
                 "</body>\n</html>\n";
}

}  // namespace smtpspec::reports
