#include "baseline/baseline_file.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/bounded_file.hpp"

namespace smtpspec {

namespace {

using json = nlohmann::json;

constexpr std::size_t max_baseline_file_size = 16 * 1024 * 1024;

bool is_calendar_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (text[i] < '0' || text[i] > '9') return false;
    const auto number = [&](std::size_t at, std::size_t length) {
        int n = 0;
        for (std::size_t i = at; i < at + length; ++i) n = n * 10 + (text[i] - '0');
        return n;
    };
    const std::chrono::year_month_day date{std::chrono::year(number(0, 4)),
                                           std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                           std::chrono::day(static_cast<unsigned>(number(8, 2)))};
    return date.ok();
}

class BaselineReader {
public:
    explicit BaselineReader(std::string file) : file_(std::move(file)) {}

    std::variant<Baseline, std::vector<LoadIssue>> read(const json& document) {
        Baseline baseline;
        baseline.file = file_;
        if (!document.is_object()) {
            issue("", fmt::format("a baseline is a JSON object, found {}", document.type_name()));
            return issues_;
        }
        unknown_members(document, "", {"smtpspec_baseline", "description", "waivers"});
        const auto version = document.find("smtpspec_baseline");
        if (version == document.end())
            issue("", fmt::format("missing member \"smtpspec_baseline\" (the format version, {})", baseline_format_version));
        else if (!version->is_number_integer() || version->get<std::int64_t>() != baseline_format_version)
            issue("/smtpspec_baseline", fmt::format("format version must be {}", baseline_format_version));
        if (const auto it = document.find("description"); it != document.end()) {
            if (it->is_string()) baseline.description = it->get<std::string>();
            else issue("/description", fmt::format("expected a string, found {}", it->type_name()));
        }
        const auto waivers = document.find("waivers");
        if (waivers == document.end()) issue("", "missing member \"waivers\" (an array of accepted deviations)");
        else if (!waivers->is_array()) issue("/waivers", fmt::format("expected an array, found {}", waivers->type_name()));
        else
            for (std::size_t i = 0; i < waivers->size(); ++i)
                if (auto entry = read_entry((*waivers)[i], fmt::format("/waivers/{}", i))) baseline.entries.push_back(*entry);
        if (!issues_.empty()) return issues_;
        return baseline;
    }

    void issue(std::string pointer, std::string message) {
        issues_.push_back(LoadIssue{file_, std::move(pointer), std::move(message)});
    }

private:
    void unknown_members(const json& object, const std::string& pointer, std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : object.items())
            if (std::find(known.begin(), known.end(), key) == known.end())
                issue(pointer, fmt::format("unknown member \"{}\" (known: {})", key, fmt::join(known, ", ")));
    }

    std::optional<BaselineEntry> read_entry(const json& node, const std::string& pointer) {
        if (!node.is_object()) {
            issue(pointer, fmt::format("a waiver is an object, found {}", node.type_name()));
            return std::nullopt;
        }
        const auto before = issues_.size();
        unknown_members(node, pointer, {"id", "step", "verdict", "reason", "expires"});
        BaselineEntry entry;
        entry.id = required_text(node, pointer, "id", "the scenario id");
        entry.reason = required_text(node, pointer, "reason", "why the deviation is accepted");
        if (const auto it = node.find("step"); it != node.end()) {
            if (!it->is_number_integer() || it->get<std::int64_t>() < 1)
                issue(pointer + "/step", "expected a step number from 1, as the console shows it");
            else
                entry.step = static_cast<std::size_t>(it->get<std::int64_t>() - 1);
        }
        if (const auto it = node.find("verdict"); it != node.end()) {
            const auto verdict = it->is_string() ? parse_verdict(it->get<std::string>()) : std::nullopt;
            if (!verdict || !fails_scenario(*verdict, true))
                issue(pointer + "/verdict", "expected a failing verdict: unexpected, violation, malformed, timeout, "
                                            "disconnected, or under --strict non_strict, nonstandard, deprecated");
            else
                entry.verdict = verdict;
        }
        if (const auto it = node.find("expires"); it != node.end()) {
            if (!it->is_string() || !is_calendar_date(it->get<std::string>()))
                issue(pointer + "/expires", "expected a date YYYY-MM-DD (the last day the waiver holds)");
            else
                entry.expires = it->get<std::string>();
        }
        if (issues_.size() != before) return std::nullopt;
        const auto key = std::make_tuple(entry.id, entry.step, entry.verdict);
        if (const auto [it, inserted] = seen_.emplace(key, pointer); !inserted) {
            issue(pointer, fmt::format("the same waiver as {}", it->second));
            return std::nullopt;
        }
        return entry;
    }

    std::string required_text(const json& node, const std::string& pointer, std::string_view key, std::string_view what) {
        const auto it = node.find(key);
        if (it == node.end()) issue(pointer, fmt::format("missing member \"{}\" ({})", key, what));
        else if (!it->is_string() || it->get<std::string>().empty())
            issue(fmt::format("{}/{}", pointer, key), fmt::format("expected a non-empty string ({})", what));
        else return it->get<std::string>();
        return "";
    }

    std::string file_;
    std::vector<LoadIssue> issues_;
    std::map<std::tuple<std::string, std::optional<std::size_t>, std::optional<Verdict>>, std::string> seen_;
};

}  // namespace

std::variant<Baseline, std::vector<LoadIssue>> parse_baseline(std::string_view json_text, const std::string& file) {
    BaselineReader reader(file);
    json document;
    try {
        document = json::parse(json_text);
    } catch (const json::parse_error& e) {
        return std::vector<LoadIssue>{LoadIssue{file, "", describe_json_parse_error(e.what(), e.byte)}};
    } catch (const json::out_of_range& e) {
        return std::vector<LoadIssue>{LoadIssue{file, "", describe_json_number_overflow(e.what())}};
    }
    return reader.read(document);
}

std::variant<Baseline, std::vector<LoadIssue>> load_baseline(const std::filesystem::path& path) {
    auto text = read_bounded_file(path, max_baseline_file_size, "baseline");
    if (auto* problem = std::get_if<FileProblem>(&text))
        return std::vector<LoadIssue>{LoadIssue{path.string(), "", std::move(problem->message)}};
    return parse_baseline(std::get<std::string>(text), path.string());
}

std::string render_baseline(const Baseline& baseline) {
    nlohmann::ordered_json document = nlohmann::ordered_json::object();
    document["smtpspec_baseline"] = baseline_format_version;
    if (!baseline.description.empty()) document["description"] = baseline.description;
    auto waivers = nlohmann::ordered_json::array();
    for (const auto& entry : baseline.entries) {
        nlohmann::ordered_json waiver = nlohmann::ordered_json::object();
        waiver["id"] = entry.id;
        if (entry.step) waiver["step"] = *entry.step + 1;
        if (entry.verdict) waiver["verdict"] = to_string(*entry.verdict);
        waiver["reason"] = entry.reason;
        if (!entry.expires.empty()) waiver["expires"] = entry.expires;
        waivers.push_back(std::move(waiver));
    }
    document["waivers"] = std::move(waivers);
    // A server's reply quoted in a reason may hold octets that are not UTF-8: replaced, not fatal.
    return document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace smtpspec
