#include "reports/json_report.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "core/base64.hpp"
#include "core/enhanced_code.hpp"
#include "reports/atomic_write.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"

namespace smtpspec::reports {

namespace {

using OutJson = nlohmann::ordered_json;
using InJson = nlohmann::json;

// ---- writing ---------------------------------------------------------------------------------

std::string base64_key(std::string_view key) { return fmt::format("{}_base64", key); }

// The representation of octets in a JSON string: the octets themselves when they are valid
// UTF-8; otherwise a readable copy with U+FFFD in place of the bad octets, plus the exact
// octets in a "<key>_base64" sibling.
void put_text(OutJson& object, std::string_view key, std::string_view octets) {
    if (is_valid_utf8(octets)) {
        object[std::string(key)] = octets;
        return;
    }
    object[std::string(key)] = replace_invalid_utf8(octets);
    object[base64_key(key)] = base64_encode(octets);
}

// For arrays the sibling holds every element, so that element i of both arrays is the same item.
void put_texts(OutJson& object, std::string_view key, const std::vector<std::string>& items) {
    OutJson readable = OutJson::array();
    for (const auto& item : items) readable.push_back(replace_invalid_utf8(item));
    object[std::string(key)] = std::move(readable);
    if (std::all_of(items.begin(), items.end(), [](const auto& item) { return is_valid_utf8(item); })) return;
    OutJson exact = OutJson::array();
    for (const auto& item : items) exact.push_back(base64_encode(item));
    object[base64_key(key)] = std::move(exact);
}

OutJson rfc_ref_json(const RfcRef& ref) {
    OutJson json = OutJson::object();
    put_text(json, "doc", ref.doc);
    put_text(json, "section", ref.section);
    json["level"] = to_string(ref.level);
    return json;
}

OutJson finding_json(const Finding& finding) {
    OutJson json = OutJson::object();
    json["kind"] = to_string(finding.kind);
    json["line"] = finding.line;
    put_text(json, "detail", finding.detail);
    json["level"] = to_string(level_of(finding.kind));
    json["rfc"] = rfc_section_of(finding.kind);
    return json;
}

OutJson reply_json(const Reply& reply) {
    OutJson json = OutJson::object();
    json["code"] = reply.code;
    json["enhanced"] = reply.enhanced ? OutJson(reply.enhanced->text()) : OutJson(nullptr);
    put_texts(json, "lines", reply.lines);
    put_text(json, "raw", reply.raw);
    return json;
}

OutJson step_json(const StepResult& step) {
    const auto& judgement = step.judgement;
    OutJson json = OutJson::object();
    json["step"] = step.step;
    json["reply_index"] = step.reply_index;
    json["transcript_begin"] = step.transcript_begin;
    json["transcript_end"] = step.transcript_end;
    put_text(json, "action", step.action);
    put_text(json, "send", step.sent);
    put_text(json, "command", judgement.command);
    json["reply"] = step.reply ? reply_json(*step.reply) : OutJson(nullptr);
    OutJson findings = OutJson::array();
    if (step.reply)
        for (const auto& finding : step.reply->findings) findings.push_back(finding_json(finding));
    json["findings"] = std::move(findings);
    json["verdict"] = to_string(judgement.verdict);
    put_texts(json, "legal", judgement.legal);
    put_texts(json, "expected", judgement.expected);
    put_texts(json, "non_strict", judgement.non_strict);
    put_text(json, "actual", judgement.actual);
    put_text(json, "rfc", judgement.rfc);
    put_text(json, "detail", judgement.detail);
    json["waived"] = step.waived;
    return json;
}

OutJson waiver_json(const Waiver& waiver) {
    OutJson json = OutJson::object();
    json["step"] = waiver.step ? OutJson(*waiver.step) : OutJson(nullptr);
    json["verdict"] = waiver.verdict ? OutJson(to_string(*waiver.verdict)) : OutJson(nullptr);
    put_text(json, "reason", waiver.reason);
    json["expires"] = waiver.expires.empty() ? OutJson(nullptr) : OutJson(waiver.expires);
    json["state"] = to_string(waiver.state);
    return json;
}

OutJson baseline_json(const std::optional<BaselineUse>& baseline) {
    if (!baseline) return nullptr;
    OutJson json = OutJson::object();
    put_text(json, "file", baseline->file);
    json["entries"] = baseline->entries;
    put_texts(json, "not_run", baseline->not_run);
    return json;
}

OutJson shard_json(const Shard& shard) {
    OutJson json = OutJson::object();
    json["index"] = shard.index;
    json["count"] = shard.count;
    return json;
}

OutJson transcript_json(const TranscriptEntry& entry) {
    OutJson json = OutJson::object();
    json["t_ms"] = entry.t_ms;
    put_text(json, "dir", std::string(1, entry.direction));
    put_text(json, "data", entry.data);
    return json;
}

OutJson summary_json(const Summary& summary) {
    OutJson json = OutJson::object();
    json["scenarios"] = summary.scenarios;
    json["passed"] = summary.count(Outcome::passed);
    json["failed"] = summary.count(Outcome::failed);
    json["waived"] = summary.count(Outcome::waived);
    json["warned"] = summary.count(Outcome::warned);
    json["skipped"] = summary.count(Outcome::skipped);
    json["unimplemented"] = summary.count(Outcome::unimplemented);
    json["errors"] = summary.count(Outcome::error);
    json["waivers_unneeded"] = summary.waivers_unneeded;
    json["waivers_expired"] = summary.waivers_expired;
    OutJson verdicts = OutJson::object();
    for (Verdict verdict : all_verdicts) verdicts[std::string(to_string(verdict))] = summary.count(verdict);
    json["verdicts"] = std::move(verdicts);
    return json;
}

// ---- reading ---------------------------------------------------------------------------------

[[noreturn]] void reject(const std::string& pointer, std::string_view problem) {
    throw JsonReportError(fmt::format("{}: {}", pointer.empty() ? "(document)" : pointer, problem));
}

std::string_view type_name(const InJson& node) { return node.type_name(); }

// reply.hpp names finding kinds but has no parser; this list follows FindingKind.
constexpr std::array all_finding_kinds = {
    FindingKind::line_over_512,           FindingKind::bare_lf,          FindingKind::bare_cr,
    FindingKind::invalid_text_octet,      FindingKind::missing_space,    FindingKind::enhanced_class_mismatch,
    FindingKind::enhanced_missing,        FindingKind::enhanced_inconsistent,
};

std::optional<FindingKind> parse_finding_kind(std::string_view name) {
    for (FindingKind kind : all_finding_kinds)
        if (to_string(kind) == name) return kind;
    return std::nullopt;
}

// One JSON object being read, with its JSON pointer so that every error says where it is.
class ObjectReader {
public:
    ObjectReader(const InJson& node, std::string pointer) : node_(node), pointer_(std::move(pointer)) {
        if (!node_.is_object()) reject(pointer_, fmt::format("expected an object, found {}", type_name(node_)));
    }

    std::string pointer_to(std::string_view key) const { return fmt::format("{}/{}", pointer_, key); }

    const InJson& at(std::string_view key) const {
        const auto it = node_.find(key);
        if (it == node_.end()) reject(pointer_, fmt::format("missing member \"{}\"", key));
        return *it;
    }

    bool is_null(std::string_view key) const { return at(key).is_null(); }
    // Members added after format 1 was first written are optional for the reader.
    bool has(std::string_view key) const { return node_.contains(key); }

    std::string text(std::string_view key) const {
        if (node_.contains(base64_key(key))) return decoded(node_.at(base64_key(key)), pointer_to(base64_key(key)));
        return string_at(at(key), pointer_to(key));
    }

    std::vector<std::string> texts(std::string_view key) const {
        const auto readable = strings(key);
        if (!node_.contains(base64_key(key))) return readable;
        const auto& exact = node_.at(base64_key(key));
        const auto exact_pointer = pointer_to(base64_key(key));
        if (!exact.is_array() || exact.size() != readable.size())
            reject(exact_pointer, fmt::format("expected an array of {} base64 strings", readable.size()));
        std::vector<std::string> out;
        for (std::size_t i = 0; i < exact.size(); ++i)
            out.push_back(decoded(exact[i], fmt::format("{}/{}", exact_pointer, i)));
        return out;
    }

    std::int64_t integer(std::string_view key) const {
        const auto& value = at(key);
        if (!value.is_number_integer() ||
            (value.is_number_unsigned() &&
             value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
            reject(pointer_to(key), fmt::format("expected a 64-bit integer, found {}", type_name(value)));
        return value.get<std::int64_t>();
    }

    std::int64_t integer_in(std::string_view key, std::int64_t low, std::int64_t high) const {
        const auto value = integer(key);
        if (value < low || value > high)
            reject(pointer_to(key), fmt::format("{} is outside {}-{}", value, low, high));
        return value;
    }

    std::size_t index(std::string_view key) const {
        return static_cast<std::size_t>(integer_in(key, 0, std::numeric_limits<std::int64_t>::max()));
    }

    bool boolean(std::string_view key) const {
        const auto& value = at(key);
        if (!value.is_boolean()) reject(pointer_to(key), fmt::format("expected a boolean, found {}", type_name(value)));
        return value.get<bool>();
    }

    // An enumeration member: `parse` turns the name into the value, `what` names it in errors.
    template <typename Parse>
    auto named(std::string_view key, Parse parse, std::string_view what) const {
        const auto name = string_at(at(key), pointer_to(key));
        const auto value = parse(name);
        if (!value) reject(pointer_to(key), fmt::format("unknown {} \"{}\"", what, name));
        return *value;
    }

    // Reads each element of an array member with `read(element, pointer)`.
    template <typename Read>
    auto array_of(std::string_view key, Read read) const {
        const auto& array = at(key);
        const auto pointer = pointer_to(key);
        if (!array.is_array()) reject(pointer, fmt::format("expected an array, found {}", type_name(array)));
        std::vector<decltype(read(array, pointer))> out;
        for (std::size_t i = 0; i < array.size(); ++i) out.push_back(read(array[i], fmt::format("{}/{}", pointer, i)));
        return out;
    }

private:
    static std::string string_at(const InJson& value, const std::string& pointer) {
        if (!value.is_string()) reject(pointer, fmt::format("expected a string, found {}", type_name(value)));
        return value.get<std::string>();
    }

    static std::string decoded(const InJson& value, const std::string& pointer) {
        auto octets = base64_decode(string_at(value, pointer));
        if (!octets) reject(pointer, "not valid base64");
        return std::move(*octets);
    }

    std::vector<std::string> strings(std::string_view key) const {
        return array_of(key, [](const InJson& element, const std::string& pointer) {
            return string_at(element, pointer);
        });
    }

    const InJson& node_;
    std::string pointer_;
};

RfcRef read_rfc_ref(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    return RfcRef{object.text("doc"), object.text("section"), object.named("level", parse_level, "requirement level")};
}

Finding read_finding(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    return Finding{object.named("kind", parse_finding_kind, "finding kind"), object.index("line"),
                   object.text("detail")};
}

std::optional<EnhancedCode> read_enhanced(const ObjectReader& object) {
    if (object.is_null("enhanced")) return std::nullopt;
    const auto text = object.text("enhanced");
    auto code = parse_enhanced_code(text);
    if (!code || code->text() != text)
        reject(object.pointer_to("enhanced"), fmt::format("\"{}\" is not class.subject.detail", text));
    return code;
}

Reply read_reply(const ObjectReader& object, std::vector<Finding> findings) {
    Reply reply;
    reply.code = static_cast<int>(object.integer_in("code", 0, 999));
    reply.enhanced = read_enhanced(object);
    reply.lines = object.texts("lines");
    reply.raw = object.text("raw");
    reply.findings = std::move(findings);
    return reply;
}

Judgement read_judgement(const ObjectReader& object) {
    Judgement judgement;
    judgement.verdict = object.named("verdict", parse_verdict, "verdict");
    judgement.command = object.text("command");
    judgement.legal = object.texts("legal");
    judgement.expected = object.texts("expected");
    judgement.non_strict = object.texts("non_strict");
    judgement.actual = object.text("actual");
    judgement.rfc = object.text("rfc");
    judgement.detail = object.text("detail");
    return judgement;
}

StepResult read_step(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    StepResult step;
    step.step = object.index("step");
    step.reply_index = object.index("reply_index");
    step.transcript_begin = object.index("transcript_begin");
    step.transcript_end = object.index("transcript_end");
    step.action = object.text("action");
    step.sent = object.text("send");
    auto findings = object.array_of("findings", read_finding);
    if (!object.is_null("reply")) {
        step.reply = read_reply(ObjectReader(object.at("reply"), object.pointer_to("reply")), std::move(findings));
    } else if (!findings.empty()) {
        reject(object.pointer_to("findings"), "findings without a reply");
    }
    step.judgement = read_judgement(object);
    step.waived = object.has("waived") && object.boolean("waived");
    return step;
}

std::optional<char> parse_direction(std::string_view name) {
    if (name == "C" || name == "S" || name == "E" || name == "*") return name.front();
    return std::nullopt;
}

TranscriptEntry read_transcript_entry(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    return TranscriptEntry{object.integer("t_ms"), object.named("dir", parse_direction, "direction"),
                           object.text("data")};
}

std::optional<std::size_t> optional_index(const ObjectReader& object, std::string_view key) {
    if (object.is_null(key)) return std::nullopt;
    return object.index(key);
}

Waiver read_waiver(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    Waiver waiver;
    waiver.step = optional_index(object, "step");
    if (!object.is_null("verdict")) waiver.verdict = object.named("verdict", parse_verdict, "verdict");
    waiver.reason = object.text("reason");
    waiver.expires = object.is_null("expires") ? std::string() : object.text("expires");
    waiver.state = object.named("state", parse_waiver_state, "waiver state");
    return waiver;
}

std::optional<BaselineUse> read_baseline(const ObjectReader& document) {
    if (!document.has("baseline") || document.is_null("baseline")) return std::nullopt;
    const ObjectReader object(document.at("baseline"), document.pointer_to("baseline"));
    return BaselineUse{object.text("file"), object.index("entries"), object.texts("not_run")};
}

// Absent from a run that was not sharded, and from every report written before --shard existed.
std::optional<Shard> read_shard(const ObjectReader& document) {
    if (!document.has("shard")) return std::nullopt;
    const ObjectReader object(document.at("shard"), document.pointer_to("shard"));
    const auto count = object.integer_in("count", 1, static_cast<std::int64_t>(max_shard_count));
    const auto index = object.integer_in("index", 1, count);
    return Shard{static_cast<std::size_t>(index), static_cast<std::size_t>(count)};
}

ScenarioResult read_scenario(const InJson& node, const std::string& pointer) {
    const ObjectReader object(node, pointer);
    ScenarioResult scenario;
    scenario.id = object.text("id");
    scenario.title = object.text("title");
    scenario.requirement = object.text("requirement");
    scenario.file = object.text("file");
    scenario.rfc = object.array_of("rfc", read_rfc_ref);
    scenario.level = object.named("level", parse_level, "requirement level");
    scenario.tags = object.texts("tags");
    scenario.outcome = object.named("outcome", parse_outcome, "outcome");
    scenario.duration_ms = object.integer("duration_ms");
    scenario.harness_error = object.is_null("harness_error") ? std::string() : object.text("harness_error");
    if (object.has("waivers")) scenario.waivers = object.array_of("waivers", read_waiver);
    scenario.steps = object.array_of("steps", read_step);
    scenario.transcript = object.array_of("transcript", read_transcript_entry);
    return scenario;
}

void check_format(const ObjectReader& document) {
    if (document.text("tool") != "smtpspec") reject(document.pointer_to("tool"), "not an smtpspec report");
    const auto version = document.integer("format_version");
    if (version != json_format_version)
        reject(document.pointer_to("format_version"),
               fmt::format("format version {} is not the one this smtpspec reads ({})", version, json_format_version));
}

}  // namespace

nlohmann::ordered_json scenario_json(const ScenarioResult& scenario) {
    OutJson json = OutJson::object();
    put_text(json, "id", scenario.id);
    put_text(json, "title", scenario.title);
    put_text(json, "requirement", scenario.requirement);
    put_text(json, "file", scenario.file);
    OutJson rfc = OutJson::array();
    for (const auto& ref : scenario.rfc) rfc.push_back(rfc_ref_json(ref));
    json["rfc"] = std::move(rfc);
    json["level"] = to_string(scenario.level);
    put_texts(json, "tags", scenario.tags);
    json["outcome"] = to_string(scenario.outcome);
    json["duration_ms"] = scenario.duration_ms;
    if (scenario.harness_error.empty())
        json["harness_error"] = nullptr;
    else
        put_text(json, "harness_error", scenario.harness_error);
    OutJson waivers = OutJson::array();
    for (const auto& waiver : scenario.waivers) waivers.push_back(waiver_json(waiver));
    json["waivers"] = std::move(waivers);
    OutJson steps = OutJson::array();
    for (const auto& step : scenario.steps) steps.push_back(step_json(step));
    json["steps"] = std::move(steps);
    OutJson transcript = OutJson::array();
    for (const auto& entry : scenario.transcript) transcript.push_back(transcript_json(entry));
    json["transcript"] = std::move(transcript);
    return json;
}

nlohmann::ordered_json json_report(const RunResult& run) {
    OutJson json = OutJson::object();
    json["tool"] = "smtpspec";
    json["format_version"] = json_format_version;
    put_text(json, "version", run.version);
    put_text(json, "target", run.target);
    put_text(json, "profile", run.profile);
    json["strict"] = run.strict;
    put_text(json, "started", run.started);
    json["duration_ms"] = run.duration_ms;
    json["incomplete"] = run.incomplete;
    if (run.shard) json["shard"] = shard_json(*run.shard);
    json["baseline"] = baseline_json(run.baseline);
    json["summary"] = summary_json(summarize(run));
    OutJson scenarios = OutJson::array();
    for (const auto& scenario : run.scenarios) scenarios.push_back(scenario_json(scenario));
    json["scenarios"] = std::move(scenarios);
    return json;
}

std::string render_json_report(const RunResult& run) {
    // Strict: put_text guarantees valid UTF-8, so a throw here is a bug to see, not to mask.
    return json_report(run).dump(2, ' ', false, OutJson::error_handler_t::strict) + "\n";
}

void write_json_report(const RunResult& run, const std::filesystem::path& path) {
    write_file_atomically(path, render_json_report(run));
}

RunResult parse_json_report(const nlohmann::json& document) {
    const ObjectReader object(document, "");
    check_format(object);
    RunResult run;
    run.version = object.text("version");
    run.target = object.text("target");
    run.profile = object.text("profile");
    run.strict = object.boolean("strict");
    run.started = object.text("started");
    run.duration_ms = object.integer("duration_ms");
    run.incomplete = object.boolean("incomplete");
    run.shard = read_shard(object);
    run.baseline = read_baseline(object);
    run.scenarios = object.array_of("scenarios", read_scenario);
    return run;
}

}  // namespace smtpspec::reports
