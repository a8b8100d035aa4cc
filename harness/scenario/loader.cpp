#include "scenario/loader.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/content_checks.hpp"
#include "core/registry.hpp"
#include "scenario/scenario_files.hpp"
#include "scenario/variables.hpp"

namespace smtpspec {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string LoadIssue::text() const {
    if (pointer.empty()) return fmt::format("{}: {}", file, message);
    return fmt::format("{}: {}: {}", file, pointer, message);
}

namespace {

// ---------------------------------------------------------------------------------------------
// JSON pointers (RFC 6901)

std::string child(const std::string& pointer, std::string_view key) {
    std::string out = pointer + '/';
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string child(const std::string& pointer, std::size_t index) {
    return pointer + '/' + std::to_string(index);
}

// ---------------------------------------------------------------------------------------------
// Small text helpers

std::string_view describe_type(const json& value) {
    switch (value.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::object: return "an object";
        case json::value_t::array: return "an array";
        case json::value_t::number_float: return "a fractional number";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "an integer";
        default: return "an unsupported value";
    }
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Optimal string alignment distance, case-insensitive: a transposed pair ("sned") counts
// as one edit, so the usual typos find their field.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

template <typename Names>
std::optional<std::string> closest(std::string_view name, const Names& candidates) {
    const std::size_t allowed = name.size() <= 3 ? 1 : 2;
    std::optional<std::string> best;
    std::size_t best_distance = allowed + 1;
    for (const auto& candidate : candidates) {
        const std::size_t distance = edit_distance(name, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = std::string(candidate);
        }
    }
    return best;
}

std::string with_suggestion(std::string message, const std::optional<std::string>& suggestion) {
    if (suggestion) message += fmt::format(" (did you mean '{}'?)", *suggestion);
    return message;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_number_without_leading_zero(std::string_view s) {
    return !s.empty() && s.front() != '0' && std::all_of(s.begin(), s.end(), is_digit);
}

// "4", "4.1.1.3": digits separated by single dots.
bool is_dotted_number(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '.') {
            if (s[i - 1] == '.') return false;
        } else if (!is_digit(s[i])) {
            return false;
        }
    }
    return true;
}

// "F", "F.6": an appendix letter, optionally followed by dotted numbers.
bool is_appendix_number(std::string_view s) {
    if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
    if (s.size() == 1) return true;
    return s[1] == '.' && is_dotted_number(s.substr(2));
}

bool is_section_in_id(std::string_view s) { return is_dotted_number(s) || is_appendix_number(s); }

bool is_section_in_ref(std::string_view s) {
    constexpr std::string_view appendix = "App. ";
    if (s.starts_with(appendix)) return is_appendix_number(s.substr(appendix.size()));
    return is_dotted_number(s);
}

bool is_document_name(std::string_view s) {
    if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

// "<doc>/<section>/<n>", e.g. "rfc5321/4.1.1.3/2" or "rfc5321/F.6/1".
bool is_scenario_id(std::string_view id) {
    const std::size_t first = id.find('/');
    const std::size_t last = id.rfind('/');
    if (first == std::string_view::npos || first == last) return false;
    return is_document_name(id.substr(0, first)) && is_section_in_id(id.substr(first + 1, last - first - 1)) &&
           is_number_without_leading_zero(id.substr(last + 1));
}

bool is_rfc_name(std::string_view s) {
    constexpr std::string_view prefix = "RFC ";
    return s.starts_with(prefix) && is_number_without_leading_zero(s.substr(prefix.size()));
}

// Lower-case words joined by single hyphens: "sequence", "dot-stuffing".
bool is_tag(std::string_view s) {
    if (s.empty() || s.front() == '-' || s.back() == '-' || s.find("--") != std::string_view::npos) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

// RFC 5321 §4.1.1.1 ehlo-keyword, written in upper case as servers conventionally do.
bool is_ehlo_keyword(std::string_view s) {
    if (s.empty() || s.front() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-'; });
}

// "KEYWORD" or "KEYWORD PARAM": an EHLO keyword, optionally with one of its parameters
// (e.g. "AUTH PLAIN"); the parameter is printable US-ASCII (ehlo-param, RFC 5321 §4.1.1.1).
bool is_ehlo_requirement(std::string_view s) {
    const auto space = s.find(' ');
    if (space == std::string_view::npos) return is_ehlo_keyword(s);
    const auto param = s.substr(space + 1);
    return is_ehlo_keyword(s.substr(0, space)) && !param.empty() &&
           std::all_of(param.begin(), param.end(), [](char c) { return c >= 33 && c <= 126; });
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (line.ends_with('\r')) line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string_view first_line(std::string_view text) {
    return text.substr(0, text.find_first_of("\r\n"));
}

// ---------------------------------------------------------------------------------------------
// What the parser callback sees that the parsed document no longer shows:
// - duplicate keys: nlohmann keeps the last of two equal keys silently, which would drop half
//   of a step without a word;
// - nesting depth: a document of 100,000 '[' would make the parser build (and this class
//   track) 100,000 open containers, each with its pointer; the limit stops it at once.

struct NestedTooDeep {
    std::string pointer;   // of the first container beyond the limit
};

class ParseCallback {
public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start: open(true); break;
            case json::parse_event_t::array_start: open(false); break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end: stack_.pop_back(); break;
            case json::parse_event_t::key: on_key(parsed.get<std::string>()); break;
            case json::parse_event_t::value:
                if (!stack_.empty() && !stack_.back().is_object) ++stack_.back().next_index;
                break;
        }
        return true;
    }

    // (pointer of the object, key)
    std::vector<std::pair<std::string, std::string>> duplicates;

private:
    struct Frame {
        bool is_object = false;
        std::string pointer;
        std::string key;              // the member being read, for objects
        std::size_t next_index = 0;   // the element being read, for arrays
        std::set<std::string> keys;
    };

    void open(bool is_object) {
        std::string pointer;
        if (!stack_.empty()) {
            Frame& parent = stack_.back();
            pointer = parent.is_object ? child(parent.pointer, parent.key) : child(parent.pointer, parent.next_index++);
        }
        if (stack_.size() == max_scenario_nesting_depth) throw NestedTooDeep{std::move(pointer)};
        stack_.push_back(Frame{is_object, std::move(pointer), {}, 0, {}});
    }

    void on_key(std::string key) {
        Frame& frame = stack_.back();
        if (!frame.keys.insert(key).second) {
            duplicates.emplace_back(frame.pointer, key);
            forget_duplicates_under(child(frame.pointer, key));
        }
        frame.key = std::move(key);
    }

    // The earlier value of a duplicate key is dropped from the document, so duplicates found
    // inside it would point at the value that replaces it; the key's own report covers them.
    void forget_duplicates_under(const std::string& dropped) {
        std::erase_if(duplicates, [&](const auto& duplicate) {
            const std::string& pointer = duplicate.first;
            return pointer.starts_with(dropped) && (pointer.size() == dropped.size() || pointer[dropped.size()] == '/');
        });
    }

    std::vector<Frame> stack_;
};

// "at line 3, column 7: syntax error ..." from nlohmann's message, which already counts lines.
// ---------------------------------------------------------------------------------------------
// The checker: walks one document, records every issue, builds the scenarios that have none.

struct Field {
    std::string_view name;
    bool required = false;
};

constexpr Field document_fields[] = {{"$schema"}, {"description", true}, {"scenarios", true}};
constexpr Field scenario_fields[] = {{"id", true},  {"title", true},    {"requirement", true},
                                     {"rfc", true}, {"tags"},           {"requires"},
                                     {"requires_absent"}, {"profiles"}, {"timeout_ms"}, {"steps", true}};
constexpr Field rfc_fields[] = {{"doc", true}, {"section", true}, {"level", true}};
constexpr Field step_fields[] = {{"send"},    {"raw"},     {"data"},       {"tls"},      {"expect"},
                                 {"command"}, {"replies"}, {"timeout_ms"}, {"delay_ms"}, {"repeat"},
                                 {"checks"}};
constexpr Field expectation_fields[] = {{"pass"},   {"non_strict"}, {"rfc"},           {"why"},
                                        {"checks"}, {"advertises"}, {"not_advertises"}};

// A step repeated more often than this is a mistake, not a test (100 RCPTs is the largest
// count the RFC names, §4.5.3.1.8).
constexpr int max_step_repeat = 10'000;
constexpr Field reply_fields[] = {{"command"}, {"expect"}};

constexpr int max_timeout_ms = 600'000;

class FileChecker {
public:
    FileChecker(std::string file, const Registry& registry, std::vector<LoadIssue>& issues)
        : file_(std::move(file)), registry_(registry), issues_(issues) {}

    std::vector<Scenario> document(const json& doc) {
        std::vector<Scenario> scenarios;
        if (!fields(doc, "", document_fields)) return scenarios;
        if (doc.contains("$schema")) string_at(doc["$schema"], "/$schema", false);
        if (doc.contains("description")) string_at(doc["description"], "/description", true);
        if (!doc.contains("scenarios")) return scenarios;
        const json& list = doc["scenarios"];
        if (!array_at(list, "/scenarios", "no scenarios: a scenario file holds at least one")) return scenarios;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (auto s = scenario(list[i], child("/scenarios", i))) scenarios.push_back(std::move(*s));
        }
        return scenarios;
    }

private:
    void issue(std::string pointer, std::string message) {
        issues_.push_back(LoadIssue{file_, std::move(pointer), std::move(message)});
    }

    void wrong_type(const json& value, const std::string& pointer, std::string_view expected) {
        issue(pointer, fmt::format("expected {}, found {}", expected, describe_type(value)));
    }

    // The object's type, unknown fields (with the closest known name) and missing required
    // fields. False when `value` is not an object at all.
    template <std::size_t N>
    bool fields(const json& value, const std::string& pointer, const Field (&known)[N]) {
        if (!value.is_object()) {
            wrong_type(value, pointer, "an object");
            return false;
        }
        std::vector<std::string_view> names;
        for (const Field& f : known) names.push_back(f.name);
        for (const auto& [key, unused] : value.items()) {
            if (std::find(names.begin(), names.end(), key) == names.end()) {
                issue(pointer, with_suggestion(fmt::format("unknown field '{}'", key), closest(key, names)));
            }
        }
        for (const Field& f : known) {
            if (f.required && !value.contains(f.name)) issue(pointer, fmt::format("missing required field '{}'", f.name));
        }
        return true;
    }

    std::optional<std::string> string_at(const json& value, const std::string& pointer, bool non_empty) {
        if (!value.is_string()) {
            wrong_type(value, pointer, "a string");
            return std::nullopt;
        }
        std::string text = value.get<std::string>();
        if (non_empty && text.empty()) {
            issue(pointer, "must not be empty");
            return std::nullopt;
        }
        return text;
    }

    std::optional<int> integer_at(const json& value, const std::string& pointer, int min, int max) {
        if (!value.is_number_integer()) {
            wrong_type(value, pointer, "an integer");
            return std::nullopt;
        }
        // Parsed non-negative numbers are unsigned; comparing them as such keeps a value beyond
        // long long from wrapping into range. (The limits used here are never negative.)
        using Unsigned = unsigned long long;
        const bool in_range =
            value.is_number_unsigned()
                ? value.get<Unsigned>() >= static_cast<Unsigned>(min) && value.get<Unsigned>() <= static_cast<Unsigned>(max)
                : value.get<long long>() >= min && value.get<long long>() <= max;
        if (!in_range) {
            issue(pointer, fmt::format("{} is out of range {}..{}", value.dump(), min, max));
            return std::nullopt;
        }
        return value.get<int>();
    }

    bool array_at(const json& value, const std::string& pointer, std::string_view empty_message) {
        if (!value.is_array()) {
            wrong_type(value, pointer, "an array");
            return false;
        }
        if (value.empty()) {
            issue(pointer, std::string(empty_message));
            return false;
        }
        return true;
    }

    // An array of distinct non-empty strings, each passing `valid` (else `rule` is reported).
    template <typename Valid>
    std::optional<std::vector<std::string>> string_list(const json& value, const std::string& pointer,
                                                        Valid valid, std::string_view rule) {
        if (!array_at(value, pointer, "must not be empty; leave the field out instead")) return std::nullopt;
        std::vector<std::string> items;
        bool ok = true;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string at = child(pointer, i);
            auto text = string_at(value[i], at, true);
            if (!text) {
                ok = false;
            } else if (!valid(*text)) {
                issue(at, fmt::format("'{}': {}", *text, rule));
                ok = false;
            } else if (std::find(items.begin(), items.end(), *text) != items.end()) {
                issue(at, fmt::format("'{}' is listed twice", *text));
                ok = false;
            } else {
                items.push_back(std::move(*text));
            }
        }
        if (!ok) return std::nullopt;
        return items;
    }

    std::optional<RfcRef> rfc_ref(const json& value, const std::string& pointer) {
        if (!fields(value, pointer, rfc_fields)) return std::nullopt;
        RfcRef ref;
        bool ok = value.contains("doc") && value.contains("section") && value.contains("level");
        if (value.contains("doc")) {
            const std::string at = child(pointer, "doc");
            if (auto doc = string_at(value["doc"], at, true)) {
                if (is_rfc_name(*doc)) {
                    ref.doc = *doc;
                } else {
                    issue(at, fmt::format("'{}': a document is named like \"RFC 5321\"", *doc));
                    ok = false;
                }
            } else {
                ok = false;
            }
        }
        if (value.contains("section")) {
            const std::string at = child(pointer, "section");
            if (auto section = string_at(value["section"], at, true)) {
                if (is_section_in_ref(*section)) {
                    ref.section = *section;
                } else {
                    issue(at, fmt::format("'{}': a section is like \"4.1.1.3\" or \"App. F.6\" (no '§')", *section));
                    ok = false;
                }
            } else {
                ok = false;
            }
        }
        if (value.contains("level")) {
            const std::string at = child(pointer, "level");
            auto text = string_at(value["level"], at, true);
            auto level = text ? parse_level(*text) : std::nullopt;
            if (level) {
                ref.level = *level;
            } else {
                if (text) {
                    issue(at, fmt::format("'{}': level is MUST, SHOULD or MAY (a MUST NOT rule is a MUST, "
                                          "a SHOULD NOT rule a SHOULD)", *text));
                }
                ok = false;
            }
        }
        if (!ok) return std::nullopt;
        return ref;
    }

    std::optional<std::vector<RfcRef>> rfc_refs(const json& value, const std::string& pointer) {
        if (!array_at(value, pointer, "at least one RFC reference is required")) return std::nullopt;
        std::vector<RfcRef> refs;
        bool ok = true;
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (auto ref = rfc_ref(value[i], child(pointer, i))) refs.push_back(std::move(*ref));
            else ok = false;
        }
        if (!ok) return std::nullopt;
        return refs;
    }

    std::optional<std::vector<Profile>> profiles(const json& value, const std::string& pointer) {
        // Round-trip through to_string so that only the canonical spelling is accepted, as in
        // the schema.
        auto is_profile = [](const std::string& text) {
            auto p = parse_profile(text);
            return p && to_string(*p) == text;
        };
        auto names = string_list(value, pointer, is_profile, "a profile is rfc821, rfc2821 or rfc5321");
        if (!names) return std::nullopt;
        std::vector<Profile> result;
        for (const std::string& name : *names) result.push_back(*parse_profile(name));
        return result;
    }

    std::optional<Scenario> scenario(const json& value, const std::string& pointer) {
        const std::size_t issues_before = issues_.size();
        if (!fields(value, pointer, scenario_fields)) return std::nullopt;
        Scenario s;
        s.file = file_;
        s.pointer = pointer;
        if (value.contains("id")) s.id = scenario_id(value["id"], child(pointer, "id"));
        if (value.contains("title")) s.title = string_at(value["title"], child(pointer, "title"), true).value_or("");
        if (value.contains("requirement")) {
            s.requirement = string_at(value["requirement"], child(pointer, "requirement"), true).value_or("");
        }
        if (value.contains("rfc")) s.rfc = rfc_refs(value["rfc"], child(pointer, "rfc")).value_or(std::vector<RfcRef>{});
        selection(value, pointer, s);
        if (value.contains("timeout_ms")) {
            s.timeout_ms = integer_at(value["timeout_ms"], child(pointer, "timeout_ms"), 1, max_timeout_ms);
        }
        if (value.contains("steps")) s.steps = steps(value["steps"], child(pointer, "steps"));
        // Past the file's expansion limit a scenario's steps were not expanded (the limit was
        // reported once, at the step that crossed it): it is incomplete, not empty.
        if (issues_.size() != issues_before || file_expansion_exceeded_) return std::nullopt;
        return s;
    }

    std::string scenario_id(const json& value, const std::string& pointer) {
        auto id = string_at(value, pointer, true);
        if (!id) return "";
        if (!is_scenario_id(*id)) {
            issue(pointer, fmt::format("'{}': an id is \"<doc>/<section>/<n>\", e.g. \"rfc5321/4.1.1.3/2\"", *id));
            return "";
        }
        note_id(*id, pointer);
        return *id;
    }

    // The fields that decide where a scenario applies: tags, required extensions, profiles.
    void selection(const json& value, const std::string& pointer, Scenario& s) {
        if (value.contains("tags")) {
            s.tags = string_list(value["tags"], child(pointer, "tags"), is_tag, "a tag is lower-case words joined by '-'")
                         .value_or(std::vector<std::string>{});
        }
        if (value.contains("requires")) {
            s.requires_extensions = string_list(value["requires"], child(pointer, "requires"), is_ehlo_requirement,
                                                "an EHLO keyword in upper case (letters, digits, '-'), optionally "
                                                "with one parameter: \"AUTH PLAIN\"")
                                        .value_or(std::vector<std::string>{});
        }
        if (value.contains("requires_absent")) {
            s.requires_absent = string_list(value["requires_absent"], child(pointer, "requires_absent"),
                                            is_ehlo_keyword, "an EHLO keyword in upper case (letters, digits, '-')")
                                    .value_or(std::vector<std::string>{});
            for (const auto& keyword : s.requires_absent)
                if (std::find(s.requires_extensions.begin(), s.requires_extensions.end(), keyword) !=
                    s.requires_extensions.end())
                    issue(child(pointer, "requires_absent"),
                          fmt::format("'{}' is both required and required absent: the scenario could never run", keyword));
        }
        if (value.contains("profiles")) {
            s.profiles = profiles(value["profiles"], child(pointer, "profiles")).value_or(std::vector<Profile>{});
        }
    }

    void note_id(const std::string& id, const std::string& pointer) {
        const auto [it, inserted] = ids_.emplace(id, pointer);
        if (!inserted) issue(pointer, fmt::format("duplicate id '{}' (first used at {})", id, it->second));
    }

    std::vector<Step> steps(const json& value, const std::string& pointer) {
        std::vector<Step> result;
        if (!array_at(value, pointer, "no steps: a scenario needs at least one step")) return result;
        for (std::size_t i = 0; i < value.size(); ++i) {
            auto s = step(value[i], child(pointer, i));
            if (!s) continue;
            const auto times = static_cast<std::size_t>(repeat_count(value[i], child(pointer, i)));
            if (!within_expansion_limits(*s, times, result.size(), child(pointer, i))) break;
            for (std::size_t k = 1; k < times; ++k) result.push_back(*s);
            result.push_back(std::move(*s));
        }
        return result;
    }

    // Counts a step's copies against the scenario's and the file's limits before they are made;
    // false (with one issue per scenario, and one per file) when they would exceed one.
    bool within_expansion_limits(const Step& s, std::size_t times, std::size_t scenario_steps,
                                 const std::string& pointer) {
        if (file_expansion_exceeded_) return false;
        if (scenario_steps + times > max_steps_per_scenario) {
            issue(pointer, fmt::format("the scenario's steps, repeats counted, exceed {} (a scenario is one SMTP "
                                       "session: split it)", max_steps_per_scenario));
            return false;
        }
        expanded_steps_ += times;
        expanded_octets_ += times * (s.payload.size() + s.pointer.size());
        if (expanded_steps_ > max_steps_per_file) {
            file_expansion_exceeded_ = true;
            issue(pointer, fmt::format("the file's steps, repeats counted, exceed {} (split the file)", max_steps_per_file));
            return false;
        }
        if (expanded_octets_ > max_step_octets_per_file) {
            file_expansion_exceeded_ = true;
            issue(pointer, fmt::format("the file's step payloads, repeats counted, exceed {} MiB (split the file, or "
                                       "send large content with {{repeat:N:TEXT}} in one step)",
                                       max_step_octets_per_file >> 20));
            return false;
        }
        return true;
    }

    // "repeat": N sends the step N times, e.g. 100 RCPT commands (RFC 5321 §4.5.3.1.8).
    int repeat_count(const json& step_value, const std::string& pointer) {
        if (!step_value.is_object() || !step_value.contains("repeat")) return 1;
        return integer_at(step_value["repeat"], child(pointer, "repeat"), 1, max_step_repeat).value_or(1);
    }

    // ------------------------------------------------------------------------------------
    // Steps

    struct Action {
        StepAction kind = StepAction::none;
        std::string_view field;   // "send", "raw", "data" or empty
        std::string payload;
    };

    // Problems are reported and the first action found is still returned, so that the rest of
    // the step is checked too.
    Action action(const json& value, const std::string& pointer) {
        std::vector<std::string_view> present;
        for (std::string_view name : {"send", "raw", "data", "tls"}) {
            if (value.contains(name)) present.push_back(name);
        }
        if (present.size() > 1) {
            issue(pointer, fmt::format("a step has one action, found '{}' and '{}'", present[0], present[1]));
        }
        if (present.empty()) return Action{};
        const std::string_view field = present.front();
        if (field == "tls") {
            if (value["tls"] != true)
                issue(child(pointer, "tls"), "\"tls\": true starts TLS (after STARTTLS's 220); no other value");
            return Action{StepAction::tls, field, {}};
        }
        const std::string at = child(pointer, field);
        const StepAction kind = field == "send" ? StepAction::send : field == "raw" ? StepAction::raw : StepAction::data;
        auto payload = string_at(value[std::string(field)], at, field != "data");
        if (!payload) return Action{kind, field, {}};
        if (field == "send" && payload->find_first_of("\r\n") != std::string::npos) {
            issue(at, "a 'send' line must not contain CR or LF (CRLF is appended); use 'raw' for other line ends");
        } else if (auto error = check_template(*payload)) {
            issue(at, fmt::format("{} (at offset {})", error->message, error->offset));
        }
        return Action{kind, field, std::move(*payload)};
    }

    // The registry's name for an explicit "command", or nullopt (reported) if unknown.
    std::optional<std::string> known_command(const json& value, const std::string& pointer) {
        auto name = string_at(value, pointer, true);
        if (!name) return std::nullopt;
        if (const CommandInfo* info = registry_.command(*name)) return info->name;
        std::vector<std::string> names;
        for (const auto& [known, unused] : registry_.commands()) names.push_back(known);
        issue(pointer, with_suggestion(fmt::format("unknown command '{}'", *name), closest(*name, names)));
        return std::nullopt;
    }

    std::optional<std::vector<CodePattern>> patterns(const json& value, const std::string& pointer) {
        if (!array_at(value, pointer, "must not be empty; leave the field out to accept the command's legal replies")) {
            return std::nullopt;
        }
        std::vector<CodePattern> result;
        bool ok = true;
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string at = child(pointer, i);
            auto text = string_at(value[i], at, true);
            auto pattern = text ? CodePattern::parse(*text) : std::nullopt;
            if (!pattern) {
                if (text) {
                    issue(at, fmt::format("bad code pattern '{}': use a reply code (\"250\"), a class (\"5xx\", "
                                          "\"55x\"), \"close\" or \"timeout\"", *text));
                }
                ok = false;
            } else if (std::find(result.begin(), result.end(), *pattern) != result.end()) {
                issue(at, fmt::format("code pattern '{}' is listed twice", *text));
                ok = false;
            } else {
                result.push_back(std::move(*pattern));
            }
        }
        if (!ok) return std::nullopt;
        return result;
    }

    std::vector<std::string> content_checks(const json& value, const std::string& pointer) {
        return string_list(value, pointer, is_content_check, "a content check: \"ehlo-syntax\" or \"greeting-syntax\"")
            .value_or(std::vector<std::string>{});
    }

    // Fills pass, non_strict, rfc and why of `out` from an expectation object.
    bool expectation(const json& value, const std::string& pointer, ReplyExpectation& out) {
        const std::size_t issues_before = issues_.size();
        if (!fields(value, pointer, expectation_fields)) return false;
        if (value.contains("pass")) out.pass = patterns(value["pass"], child(pointer, "pass")).value_or(std::vector<CodePattern>{});
        if (value.contains("non_strict")) {
            const std::string at = child(pointer, "non_strict");
            out.non_strict = patterns(value["non_strict"], at).value_or(std::vector<CodePattern>{});
            for (const CodePattern& p : out.non_strict) {
                if (std::find(out.pass.begin(), out.pass.end(), p) != out.pass.end()) {
                    issue(at, fmt::format("'{}' is in both 'pass' and 'non_strict'", p.text()));
                }
            }
        }
        if (value.contains("rfc")) out.rfc = rfc_ref(value["rfc"], child(pointer, "rfc"));
        if (value.contains("why")) out.why = string_at(value["why"], child(pointer, "why"), true).value_or("");
        if (value.contains("checks")) out.checks = content_checks(value["checks"], child(pointer, "checks"));
        for (std::string_view field : {"advertises", "not_advertises"}) {
            if (!value.contains(field)) continue;
            auto keywords = string_list(value[std::string(field)], child(pointer, field), is_ehlo_requirement,
                                        "an EHLO keyword in upper case (letters, digits, '-'), optionally with one "
                                        "parameter: \"AUTH PLAIN\"")
                                .value_or(std::vector<std::string>{});
            (field == "advertises" ? out.advertises : out.not_advertises) = std::move(keywords);
        }
        return issues_.size() == issues_before;
    }

    std::optional<Step> step(const json& value, const std::string& pointer) {
        const std::size_t issues_before = issues_.size();
        if (!fields(value, pointer, step_fields)) return std::nullopt;
        Step result;
        result.pointer = pointer;
        if (value.contains("timeout_ms")) {
            result.timeout_ms = integer_at(value["timeout_ms"], child(pointer, "timeout_ms"), 1, max_timeout_ms);
        }
        if (value.contains("delay_ms")) {
            result.delay_ms = integer_at(value["delay_ms"], child(pointer, "delay_ms"), 0, max_timeout_ms);
        }
        std::optional<std::string> command;
        if (value.contains("command")) {
            command = known_command(value["command"], child(pointer, "command"));
            if (!command) command = std::string(unknown_command);   // reported; keep checking the rest
        }
        const Action act = action(value, pointer);
        result.payload = act.payload;
        if (act.kind == StepAction::none) silent_step(value, pointer, result);
        else if (act.kind == StepAction::tls) tls_step(value, pointer, result);
        else acting_step(value, pointer, act, command, result);
        if (issues_.size() != issues_before) return std::nullopt;
        return result;
    }

    // A step that sends nothing: it reads the greeting or waits for the server to close.
    void silent_step(const json& value, const std::string& pointer, Step& out) {
        const json* expect = value.contains("expect") ? &value["expect"] : nullptr;
        const bool greeting = expect && *expect == "greeting";
        const bool close = expect && *expect == "close";
        if (!greeting && !close) {
            issue(pointer, "a step without 'send', 'raw', 'data' or 'tls' must have \"expect\": \"greeting\" or \"close\"");
            return;
        }
        if (value.contains("command")) {
            issue(pointer, "'command' needs 'send', 'raw' or 'data' (the greeting is judged as \"<greeting>\", "
                           "a close by no command)");
        }
        if (value.contains("replies")) issue(pointer, "'replies' needs 'raw'");
        ReplyExpectation reply;
        if (greeting) {
            out.action = StepAction::greeting;
            reply.command = std::string(greeting_command);
            // The greeting's expectation is the word "greeting", so its content checks sit beside it.
            if (value.contains("checks")) reply.checks = content_checks(value["checks"], child(pointer, "checks"));
        } else {
            if (value.contains("checks"))
                issue(child(pointer, "checks"), "'checks' beside 'expect' is for the greeting; a close has no content");
            out.action = StepAction::none;
            reply.pass = {*CodePattern::parse("close")};
        }
        out.replies.push_back(std::move(reply));
    }

    // The TLS handshake is the whole step: there is no reply to judge, only whether it worked.
    void tls_step(const json& value, const std::string& pointer, Step& out) {
        for (std::string_view field : {"expect", "command", "replies"})
            if (value.contains(field))
                issue(child(pointer, field), fmt::format("'{}' has no effect on a \"tls\" step: it reads no reply; "
                                                         "send EHLO in the next step", field));
        out.action = StepAction::tls;
    }

    std::string default_command(const Action& act) const {
        if (act.kind == StepAction::data) return std::string(data_end_command);
        return command_of_line(registry_, first_line(act.payload));
    }

    void acting_step(const json& value, const std::string& pointer, const Action& act,
                     const std::optional<std::string>& command, Step& out) {
        out.action = act.kind;
        if (value.contains("checks"))
            issue(child(pointer, "checks"), "after a command, 'checks' goes inside 'expect': {\"expect\": {\"checks\": [...]}}");
        if (value.contains("replies")) {
            replies(value, pointer, act, command, out);
            return;
        }
        ReplyExpectation reply;
        reply.command = command.value_or(default_command(act));
        if (!value.contains("expect")) {
            out.replies.push_back(std::move(reply));
            return;
        }
        const json& expect = value["expect"];
        const std::string at = child(pointer, "expect");
        if (expect.is_string()) {
            const std::string word = expect.get<std::string>();
            if (word == "none") {
                if (command) issue(child(pointer, "command"), "'command' has no effect: \"expect\": \"none\" reads no reply");
            } else if (word == "greeting" || word == "close") {
                issue(at, fmt::format("\"{}\" is for a step that sends nothing; after sending, write {{\"pass\": "
                                      "[\"close\"]}} to demand a close", word));
            } else {
                issue(at, with_suggestion(fmt::format("'{}': expect is an object or one of \"greeting\", \"close\", "
                                                      "\"none\"", word),
                                          closest(word, std::vector<std::string>{"greeting", "close", "none"})));
            }
            return;
        }
        if (!expect.is_object()) {
            wrong_type(expect, at, "an object or one of \"greeting\", \"close\", \"none\"");
            return;
        }
        if (expectation(expect, at, reply)) out.replies.push_back(std::move(reply));
    }

    // Several replies to one raw write (pipelining). An entry without a command is judged by
    // the verb of the raw text's line in the same position.
    void replies(const json& value, const std::string& pointer, const Action& act,
                 const std::optional<std::string>& command, Step& out) {
        const std::string at = child(pointer, "replies");
        if (act.kind != StepAction::raw) {
            issue(at, "'replies' is for a 'raw' write carrying several commands; use 'expect'");
            return;
        }
        if (value.contains("expect")) issue(pointer, "use either 'expect' or 'replies', not both");
        if (command) issue(child(pointer, "command"), "with 'replies', name each reply's command inside its entry");
        const json& list = value["replies"];
        if (!array_at(list, at, "must not be empty")) return;
        const std::vector<std::string_view> lines = lines_of(act.payload);
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string entry_at = child(at, i);
            const json& entry = list[i];
            if (!fields(entry, entry_at, reply_fields)) continue;
            ReplyExpectation reply;
            if (entry.contains("command")) {
                reply.command = known_command(entry["command"], child(entry_at, "command")).value_or("");
            } else if (i < lines.size()) {
                reply.command = command_of_line(registry_, lines[i]);
            } else {
                issue(entry_at, fmt::format("no 'command', and the raw text has no line {} to take it from", i + 1));
            }
            if (entry.contains("expect")) {
                const json& expect = entry["expect"];
                if (!expect.is_object()) {
                    wrong_type(expect, child(entry_at, "expect"), "an object ({\"pass\": [...], ...})");
                    continue;
                }
                if (!expectation(expect, child(entry_at, "expect"), reply)) continue;
            }
            out.replies.push_back(std::move(reply));
        }
    }

    std::string file_;
    const Registry& registry_;
    std::vector<LoadIssue>& issues_;
    std::map<std::string, std::string> ids_;   // id -> pointer of its first use in this file
    std::size_t expanded_steps_ = 0;             // steps in the file with their repeats
    std::size_t expanded_octets_ = 0;            // what those steps' payloads and pointers take
    bool file_expansion_exceeded_ = false;
};

void report_duplicates_across_files(LoadResult& result) {
    std::map<std::string, const Scenario*> first;
    std::vector<LoadIssue> issues;
    std::vector<Scenario> unique;
    for (Scenario& s : result.scenarios) {
        const auto [it, inserted] = first.emplace(s.id, &s);
        if (inserted) continue;
        issues.push_back(LoadIssue{s.file, child(s.pointer, "id"),
                                   fmt::format("duplicate id '{}' (also in {} at {})", s.id, it->second->file,
                                               child(it->second->pointer, "id"))});
    }
    if (issues.empty()) return;
    result.issues.insert(result.issues.end(), issues.begin(), issues.end());
    // Keep the first of each id so callers never see two scenarios under one name.
    std::set<std::string> kept;
    for (Scenario& s : result.scenarios) {
        if (kept.insert(s.id).second) unique.push_back(std::move(s));
    }
    result.scenarios = std::move(unique);
}

}  // namespace

LoadResult parse_scenario_file(std::string_view json_text, const std::string& file, const Registry& registry) {
    LoadResult result;
    if (json_text.size() > max_scenario_file_size) {
        result.issues.push_back(LoadIssue{file, "", describe_oversized_scenario_file(json_text.size())});
        return result;
    }
    if (json_text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        result.issues.push_back(LoadIssue{file, "", "the file is empty: a scenario file is a JSON object with "
                                                    "\"description\" and \"scenarios\""});
        return result;
    }
    ParseCallback callback;
    json doc;
    try {
        doc = json::parse(json_text, std::ref(callback));
    } catch (const json::parse_error& e) {
        result.issues.push_back(LoadIssue{file, "", describe_json_parse_error(e.what(), e.byte)});
        return result;
    } catch (const NestedTooDeep& e) {
        result.issues.push_back(LoadIssue{file, e.pointer, fmt::format("nested deeper than {} levels (a scenario needs "
                                                                       "about 10)", max_scenario_nesting_depth)});
        return result;
    } catch (const json::out_of_range& e) {
        result.issues.push_back(LoadIssue{file, "", describe_json_number_overflow(e.what())});
        return result;
    }
    for (const auto& [pointer, key] : callback.duplicates) {
        result.issues.push_back(LoadIssue{file, pointer, fmt::format("duplicate field '{}'", key)});
    }
    result.scenarios = FileChecker(file, registry, result.issues).document(doc);
    return result;
}

std::string describe_json_number_overflow(std::string_view what) {
    const std::size_t tag_end = what.find("] ");
    return fmt::format("invalid JSON: {}", what.substr(tag_end == what.npos ? 0 : tag_end + 2));
}

std::string describe_json_parse_error(std::string_view what, std::size_t byte) {
    const std::size_t at = what.find("parse error at ");
    if (at != std::string::npos) return "invalid JSON " + std::string(what.substr(at + std::string_view("parse error ").size()));
    return fmt::format("invalid JSON at byte {}: {}", byte, what);
}

LoadResult load_scenarios(const std::vector<fs::path>& paths, const Registry& registry) {
    LoadResult result;
    for (const fs::path& file : find_scenario_files(paths, result.issues)) {
        auto text = read_scenario_file(file, result.issues);
        if (!text) continue;
        LoadResult one = parse_scenario_file(*text, file.generic_string(), registry);
        std::move(one.scenarios.begin(), one.scenarios.end(), std::back_inserter(result.scenarios));
        std::move(one.issues.begin(), one.issues.end(), std::back_inserter(result.issues));
    }
    report_duplicates_across_files(result);
    return result;
}

}  // namespace smtpspec
