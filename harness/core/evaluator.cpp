#include "core/evaluator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/content_checks.hpp"
#include "core/enhanced_code.hpp"

namespace smtpspec {

namespace {

std::vector<std::string> pattern_texts(const std::vector<CodePattern>& patterns) {
    std::vector<std::string> out;
    for (const auto& p : patterns) out.push_back(p.text());
    return out;
}

bool contains_kind(const std::vector<CodePattern>& patterns, CodePattern::Kind kind) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return p.kind() == kind; });
}

// An exact code is the scenario author's explicit decision. A class pattern ("5xx") admits
// only codes the command may legally return: "5xx" must not bless an undefined 599.
bool pattern_admits(const std::vector<CodePattern>& patterns, int code, const std::set<int>& legal) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const CodePattern& p) {
        return p.matches(code) && (p.is_exact() || legal.contains(code));
    });
}

ReplyContext context_of(const std::string& command) {
    if (command == greeting_command) return ReplyContext::greeting;
    if (command == "HELO" || command == "EHLO") return ReplyContext::helo_ehlo;
    return ReplyContext::other;
}

std::string describe_command(const std::string& command) {
    return command.empty() ? std::string("this point (no reply is due)") : command;
}

// Why a code that is not legal for the command is not: what the registry knows of it.
std::string illegal_code_detail(const Registry& registry, int code, const std::string& command, Profile profile) {
    const auto* info = registry.code(code);
    std::string what;
    if (info == nullptr) {
        what = fmt::format("{} is not a reply code any RFC defines", code);
    } else {
        switch (info->status) {
            case CodeStatus::vendor:
                what = fmt::format("{} is vendor-specific ({}); no RFC defines it", code, info->meaning);
                break;
            case CodeStatus::registry_only:
                what = fmt::format("{} appears only in the enhanced-status-code registry, with no meaning of its own", code);
                break;
            case CodeStatus::nonstandard:
                what = fmt::format("{} is nonstandard ({})", code, info->meaning);
                break;
            default:
                what = fmt::format("{} ({}) is not a legal reply to {} in {}", code, info->meaning,
                                   describe_command(command), to_string(profile));
        }
    }
    return what;
}

struct Partial {
    Verdict verdict;
    std::string rfc;
    std::string detail;
};

Partial judge_code(const ReplyExpectation& exp, const Reply& reply, const SessionFacts& facts,
                   const Registry& registry, const std::set<int>& legal, const RfcRef* scenario_rfc) {
    const int code = reply.code;
    const auto* command = exp.command.empty() ? nullptr : registry.command(exp.command);
    const auto rule_source = [&]() -> std::string {
        if (command == nullptr) return "RFC 5321 §4.2";
        const auto it = command->rules.find(facts.profile);
        return it == command->rules.end() ? std::string() : it->second.source;
    };
    // Formatted only when a verdict cites it: most replies pass on the command's own rule.
    const auto narrowed_rfc = [&]() -> std::string {
        return exp.rfc ? exp.rfc->text() : scenario_rfc != nullptr ? scenario_rfc->text() : rule_source();
    };

    if (command != nullptr && command->deprecated && code / 100 == 2) {
        return {Verdict::deprecated, "RFC 5321 App. F",
                fmt::format("the server implements the obsolete command {} ({} reply): {}", command->name, code,
                            command->deprecation)};
    }
    const auto passes = [&](int c) { return exp.narrowed() ? pattern_admits(exp.pass, c, legal) : legal.contains(c); };
    if (const auto* info = registry.code(code);
        info != nullptr && info->stands_in_for && passes(*info->stands_in_for)) {
        return {Verdict::nonstandard, fmt::format("RFC 876; {}", rule_source()),
                fmt::format("{} stands in for {}: a nonstandard success reply", code, *info->stands_in_for)};
    }
    if (passes(code)) {
        return {Verdict::pass, exp.narrowed() ? narrowed_rfc() : registry.legal_source(exp.command, facts.profile, code, facts.legality).value_or(rule_source()), ""};
    }
    if (pattern_admits(exp.non_strict, code, legal)) {
        return {Verdict::non_strict, narrowed_rfc(), fmt::format("{} is accepted with a warning here", code)};
    }
    if (legal.contains(code)) {
        return {Verdict::unexpected, narrowed_rfc(),
                fmt::format("{} is a legal reply to {}, but this rule demands {}", code, exp.command,
                            fmt::join(pattern_texts(exp.pass), " or "))};
    }
    if (exp.command.empty()) {
        return {Verdict::violation, "RFC 5321 §4.2",
                fmt::format("a {} reply arrived where none is due; every command gets exactly one reply", code)};
    }
    return {Verdict::violation, rule_source(), illegal_code_detail(registry, code, exp.command, facts.profile)};
}

// What the step demands of the reply's content, once its code passed: a MUST about the reply
// broken, so a violation.
std::optional<Partial> judge_content(const ReplyExpectation& exp, const Reply& reply, const RfcRef* scenario_rfc) {
    const auto cited = [&](const std::string& own) {
        if (!own.empty()) return own;
        return exp.rfc ? exp.rfc->text() : scenario_rfc != nullptr ? scenario_rfc->text() : std::string();
    };
    for (const auto& name : exp.checks)
        if (auto found = run_content_check(name, reply))
            return Partial{Verdict::violation, cited(found->rfc), found->detail};
    if (auto found = check_advertised(reply, exp.advertises, exp.not_advertises))
        return Partial{Verdict::violation, cited(found->rfc), found->detail};
    return std::nullopt;
}

// Findings in a readable reply: MUST-level ones are violations, SHOULD-level ones warnings.
Partial judge_findings(const std::vector<Finding>& findings) {
    Partial worst{Verdict::pass, "", ""};
    for (const auto& finding : findings) {
        const Verdict v = level_of(finding.kind) == RequirementLevel::must ? Verdict::violation : Verdict::non_strict;
        const auto text = finding.detail.empty()
                              ? fmt::format("line {}: {}", finding.line + 1, to_string(finding.kind))
                              : fmt::format("line {}: {} ({})", finding.line + 1, to_string(finding.kind), finding.detail);
        worst.detail += worst.detail.empty() ? text : "; " + text;
        if (severity(v) > severity(worst.verdict)) {
            worst.verdict = v;
            worst.rfc = std::string(rfc_section_of(finding.kind));
        }
    }
    return worst;
}

Judgement judge_reply(const ReplyExpectation& exp, const Reply& reply, const SessionFacts& facts,
                      const Registry& registry, const RfcRef* scenario_rfc, const std::set<int>& legal, Judgement j) {
    if (!exp.narrowed()) j.expected = j.legal;
    j.actual = std::to_string(reply.code);
    if (reply.enhanced) j.actual += " " + reply.enhanced->text();

    auto enhanced = check_enhanced_codes(reply, context_of(exp.command),
                                         facts.legality.advertised.contains("ENHANCEDSTATUSCODES"));
    // The parser's findings, then the enhanced-code ones; copied only when there are both.
    std::vector<Finding> both;
    if (!enhanced.empty() && !reply.findings.empty()) {
        both = reply.findings;
        both.insert(both.end(), enhanced.begin(), enhanced.end());
    }
    const std::vector<Finding>& findings = enhanced.empty() ? reply.findings : both.empty() ? enhanced : both;

    auto by_code = judge_code(exp, reply, facts, registry, legal, scenario_rfc);
    if (by_code.verdict == Verdict::pass || by_code.verdict == Verdict::non_strict)
        if (auto content = judge_content(exp, reply, scenario_rfc)) by_code = std::move(*content);
    const auto by_findings = judge_findings(findings);
    const bool findings_decide = severity(by_findings.verdict) > severity(by_code.verdict);
    j.verdict = findings_decide ? by_findings.verdict : by_code.verdict;
    j.rfc = findings_decide ? by_findings.rfc : by_code.rfc;
    j.detail = by_code.detail;
    if (!by_findings.detail.empty()) j.detail += (j.detail.empty() ? "" : "; ") + by_findings.detail;
    return j;
}

// A timeout or a close: the step's patterns decide whether the event was the point.
Judgement judge_event(const ReplyExpectation& exp, CodePattern::Kind kind, Verdict otherwise,
                      std::string actual, const RfcRef* scenario_rfc, Judgement j) {
    j.actual = std::move(actual);
    if (!exp.narrowed()) j.expected = j.legal;
    const auto cited = exp.rfc ? exp.rfc->text() : scenario_rfc != nullptr ? scenario_rfc->text() : "";
    if (contains_kind(exp.pass, kind)) {
        j.verdict = Verdict::pass;
        j.rfc = cited;
    } else if (contains_kind(exp.non_strict, kind)) {
        j.verdict = Verdict::non_strict;
        j.rfc = cited;
        j.detail = fmt::format("{} is accepted with a warning here", j.actual);
    } else {
        j.verdict = otherwise;
        j.rfc = otherwise == Verdict::disconnected ? "RFC 5321 §3.8" : cited;
        j.detail = otherwise == Verdict::disconnected
                       ? "the server closed the connection without 421 or QUIT"
                       : "the server did not complete a reply within the step's timeout";
    }
    return j;
}

}  // namespace

Judgement judge(const ReplyExpectation& exp, const Observation& observation, const SessionFacts& facts,
                const Registry& registry, const RfcRef* scenario_rfc) {
    Judgement j;
    j.command = exp.command;
    j.expected = pattern_texts(exp.pass);
    j.non_strict = pattern_texts(exp.non_strict);
    static const LegalCodes none;
    const LegalCodes& legal_codes = exp.command.empty() ? none : registry.legal(exp.command, facts.profile, facts.legality);
    const std::set<int>& legal = legal_codes.codes;
    j.legal = legal_codes.texts;

    if (const auto* reply = std::get_if<Reply>(&observation))
        return judge_reply(exp, *reply, facts, registry, scenario_rfc, legal, std::move(j));
    if (const auto* timed_out = std::get_if<TimedOut>(&observation))
        return judge_event(exp, CodePattern::Kind::timeout, Verdict::timeout,
                           fmt::format("no reply within {} ms", timed_out->after_ms), scenario_rfc, std::move(j));
    if (const auto* closed = std::get_if<Closed>(&observation))
        return judge_event(exp, CodePattern::Kind::close, Verdict::disconnected,
                           closed->detail.empty() ? "connection closed" : "connection closed: " + closed->detail,
                           scenario_rfc, std::move(j));
    const auto& unreadable = std::get<Unreadable>(observation);
    if (!exp.narrowed()) j.expected = j.legal;
    j.verdict = Verdict::malformed;
    j.actual = fmt::format("malformed reply ({})", to_string(unreadable.error));
    j.rfc = "RFC 5321 §4.2";
    j.detail = std::string(describe(unreadable.error));
    return j;
}

Judgement judge_unimplemented(const std::vector<std::string>& missing_extensions) {
    Judgement j;
    j.verdict = Verdict::unimplemented;
    j.actual = "not advertised in EHLO";
    j.detail = fmt::format("the server does not advertise {}", fmt::join(missing_extensions, ", "));
    j.rfc = "RFC 5321 §4.1.1.1";
    return j;
}

Judgement judge_skipped(std::string reason) {
    Judgement j;
    j.verdict = Verdict::skipped;
    j.detail = std::move(reason);
    return j;
}

}  // namespace smtpspec
