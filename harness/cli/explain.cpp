// `smtpspec explain SUBJECT`: what the reply-code registry says about a command or a code.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/registry.hpp"

namespace smtpspec::cli {
namespace {

// What a cell of the command table shows for a code that is legal in a profile only through
// a rule other than the command's own list.
constexpr std::string_view any_command_mark = "any";
constexpr std::string_view conditional_mark = "if";
constexpr std::string_view not_legal_mark = "-";

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const auto& part : parts) {
        if (!text.empty()) text += separator;
        text += part;
    }
    return text;
}

std::string joined(const std::set<std::string>& parts, std::string_view separator) {
    return joined(std::vector<std::string>(parts.begin(), parts.end()), separator);
}

bool is_code_subject(std::string_view subject) {
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    return subject.size() == 3 && std::all_of(subject.begin(), subject.end(), is_digit);
}

int parse_code_subject(std::string_view subject) {
    return (subject[0] - '0') * 100 + (subject[1] - '0') * 10 + (subject[2] - '0');
}

std::string status_text(const CodeInfo& code) {
    std::string text(to_string(code.status));
    if (!code.extension_rfc.empty()) text += fmt::format(" ({})", code.extension_rfc);
    return text;
}

std::string meaning_of(const Registry& registry, int code) {
    const CodeInfo* info = registry.code(code);
    return info == nullptr ? std::string() : info->meaning;
}

// "once AUTH is advertised", "after a 554 greeting"
std::string condition_text(const ConditionalCode& conditional) {
    std::vector<std::string> parts;
    if (!conditional.when_advertised.empty())
        parts.push_back(fmt::format("once {} is advertised", conditional.when_advertised));
    if (conditional.after_greeting) parts.push_back(fmt::format("after a {} greeting", *conditional.after_greeting));
    return joined(parts, " and ");
}

std::string except_text(const ConditionalCode& conditional) {
    if (conditional.except.empty()) return "every command";
    return fmt::format("every command except {}", joined(conditional.except, ", "));
}

// --- a command -------------------------------------------------------------------------------

// Every code that is legal for the command in one of the profiles, in some session state.
std::set<int> codes_in_table(const Registry& registry, const CommandInfo& command, std::span<const Profile> profiles) {
    std::set<int> codes;
    for (Profile profile : profiles) {
        const CommandRule* rule = command.rule(profile);
        if (rule == nullptr) continue;
        for (const LegalReply& reply : rule->replies) codes.insert(reply.code);
        for (const AnyCommandCode& any : registry.any_command_codes(profile))
            if (applies(any, *rule)) codes.insert(any.code);
        for (const ConditionalCode& conditional : registry.conditional_codes())
            if (may_apply(conditional, command, profile)) codes.insert(conditional.code);
    }
    return codes;
}

std::string cell(const Registry& registry, const CommandInfo& command, Profile profile, int code) {
    const CommandRule* rule = command.rule(profile);
    if (rule == nullptr) return std::string(not_legal_mark);
    if (const LegalReply* reply = rule->reply(code)) return std::string(1, reply->kind);
    for (const AnyCommandCode& any : registry.any_command_codes(profile))
        if (any.code == code && applies(any, *rule)) return std::string(any_command_mark);
    for (const ConditionalCode& conditional : registry.conditional_codes())
        if (conditional.code == code && may_apply(conditional, command, profile)) return std::string(conditional_mark);
    return std::string(not_legal_mark);
}

void print_command_header(const CommandInfo& command, std::ostream& out) {
    out << fmt::format("{}: {}\n", command.name, command.title);
    out << fmt::format("Defined in: {}\n", command.defined_in);
    if (command.extension) out << fmt::format("EHLO keyword: {}\n", *command.extension);
    if (command.deprecated) out << fmt::format("Deprecated: {}\n", command.deprecation);
    if (!command.note.empty()) out << fmt::format("Note: {}\n", command.note);
}

void print_code_table(const Registry& registry, const CommandInfo& command, std::span<const Profile> profiles,
                      std::ostream& out) {
    out << "\nLegal replies\n  code";
    for (Profile profile : profiles) out << fmt::format("  {:<8}", to_string(profile));
    out << "  meaning\n";
    for (int code : codes_in_table(registry, command, profiles)) {
        out << fmt::format("  {:<4}", code);
        for (Profile profile : profiles) out << fmt::format("  {:<8}", cell(registry, command, profile, code));
        out << fmt::format("  {}\n", meaning_of(registry, code));
    }
    out << fmt::format("  (S success, I intermediate, F failure, E error: the command's own list; {}: any command "
                       "may get it; {}: only in the session state named below; {}: not legal)\n",
                       any_command_mark, conditional_mark, not_legal_mark);
}

void print_reply_notes(const CommandRule& rule, std::ostream& out) {
    for (const LegalReply& reply : rule.replies) {
        if (reply.note.empty() && reply.source.empty()) continue;
        const std::string source = reply.source.empty() ? "" : fmt::format(" ({})", reply.source);
        const std::string note = reply.note.empty() ? "" : fmt::format(": {}", reply.note);
        out << fmt::format("  {} {}{}{}\n", reply.code, reply.kind, source, note);
    }
}

void print_any_command_codes(const Registry& registry, const CommandRule& rule, Profile profile, std::ostream& out) {
    std::vector<std::string> codes;
    for (const AnyCommandCode& any : registry.any_command_codes(profile))
        if (applies(any, rule)) codes.push_back(fmt::format("{} ({})", any.code, any.source));
    if (!codes.empty()) out << fmt::format("  any command: {}\n", joined(codes, ", "));
}

void print_conditional_codes(const Registry& registry, const CommandInfo& command, Profile profile, std::ostream& out) {
    for (const ConditionalCode& conditional : registry.conditional_codes()) {
        if (!may_apply(conditional, command, profile)) continue;
        out << fmt::format("  {} {}, to {} ({})\n", conditional.code, condition_text(conditional),
                           except_text(conditional), conditional.source);
    }
}

void print_profile_rule(const Registry& registry, const CommandInfo& command, Profile profile, std::ostream& out) {
    const CommandRule* rule = command.rule(profile);
    if (rule == nullptr) return;
    out << fmt::format("\n{}: own list from {}\n", to_string(profile), rule->source);
    if (!rule->note.empty()) out << fmt::format("  note: {}\n", rule->note);
    print_reply_notes(*rule, out);
    print_any_command_codes(registry, *rule, profile, out);
    print_conditional_codes(registry, command, profile, out);
}

void explain_command(const Registry& registry, const CommandInfo& command, std::span<const Profile> profiles,
                     std::ostream& out) {
    print_command_header(command, out);
    print_code_table(registry, command, profiles, out);
    for (Profile profile : profiles) print_profile_rule(registry, command, profile, out);
}

// --- a code ----------------------------------------------------------------------------------

void print_code_header(const CodeInfo& code, std::ostream& out) {
    out << fmt::format("{}: {}\n", code.code, code.meaning);
    out << fmt::format("Defined in: {}\n", code.defined_in.empty() ? "no RFC" : joined(code.defined_in, "; "));
    out << fmt::format("Status: {}\n", status_text(code));
    if (code.stands_in_for)
        out << fmt::format("Stands in for: {} (nonstandard where {} is legal, a violation elsewhere)\n",
                           *code.stands_in_for, *code.stands_in_for);
    if (!code.note.empty()) out << fmt::format("Note: {}\n", code.note);
}

// "MAIL (E)" for every command whose own list in `profile` has the code.
std::vector<std::string> commands_listing(const Registry& registry, int code, Profile profile) {
    std::vector<std::string> commands;
    for (const auto& [name, command] : registry.commands()) {
        const CommandRule* rule = command.rule(profile);
        if (rule == nullptr) continue;
        if (const LegalReply* reply = rule->reply(code)) commands.push_back(fmt::format("{} ({})", name, reply->kind));
    }
    return commands;
}

// The pseudo-commands whose rules opt out of the any-command codes (the greeting, end of data).
std::vector<std::string> commands_opting_out(const Registry& registry, Profile profile) {
    std::vector<std::string> names;
    for (const auto& [name, command] : registry.commands()) {
        const CommandRule* rule = command.rule(profile);
        if (rule != nullptr && !rule->any_command_codes) names.push_back(name);
    }
    return names;
}

std::vector<std::string> any_command_answers(const Registry& registry, int code, Profile profile) {
    std::vector<std::string> answers;
    for (const AnyCommandCode& any : registry.any_command_codes(profile)) {
        if (any.code != code) continue;
        const std::vector<std::string> pseudo = commands_opting_out(registry, profile);
        if (any.applies_to_pseudo && !pseudo.empty())
            answers.push_back(fmt::format("any command, and {} ({})", joined(pseudo, ", "), any.source));
        else
            answers.push_back(fmt::format("any command ({})", any.source));
    }
    return answers;
}

std::vector<std::string> conditional_answers(const Registry& registry, int code, Profile profile) {
    std::vector<std::string> answers;
    for (const ConditionalCode& conditional : registry.conditional_codes()) {
        if (conditional.code != code || !conditional.profiles.contains(profile)) continue;
        answers.push_back(fmt::format("{}: {} ({})", condition_text(conditional), except_text(conditional),
                                      conditional.source));
    }
    return answers;
}

void print_commands_returning(const Registry& registry, int code, std::span<const Profile> profiles,
                              std::ostream& out) {
    out << "\nCommands that may return it\n";
    for (Profile profile : profiles) {
        std::vector<std::string> answers = commands_listing(registry, code, profile);
        for (auto& answer : any_command_answers(registry, code, profile)) answers.push_back(std::move(answer));
        for (auto& answer : conditional_answers(registry, code, profile)) answers.push_back(std::move(answer));
        const std::string label = fmt::format("{}:", to_string(profile));
        out << fmt::format("  {:<9}{}\n", label, answers.empty() ? "none" : joined(answers, "; "));
    }
}

void explain_code(const Registry& registry, const CodeInfo& code, std::span<const Profile> profiles,
                  std::ostream& out) {
    print_code_header(code, out);
    print_commands_returning(registry, code.code, profiles, out);
}

// --- the subcommand --------------------------------------------------------------------------

std::string known_commands(const Registry& registry) {
    std::vector<std::string> names;
    for (const auto& [name, command] : registry.commands()) names.push_back(name);
    return joined(names, ", ");
}

std::optional<std::vector<Profile>> chosen_profiles(const std::string& name, std::ostream& err) {
    if (name.empty()) return std::vector<Profile>(all_profiles.begin(), all_profiles.end());
    if (const auto profile = parse_profile(name)) return std::vector<Profile>{*profile};
    err << fmt::format("smtpspec explain: unknown profile \"{}\" (rfc821, rfc2821 or rfc5321)\n", name);
    return std::nullopt;
}

}  // namespace

void setup_explain(CLI::App& app, ExplainOptions& options) {
    CLI::App* explain = app.add_subcommand(
        "explain", "Show what the reply-code registry says about a command or a reply code, per profile");
    explain->add_option("subject", options.subject,
                        "A command (NOOP, MAIL, '<greeting>', '<data-end>', '<unknown>') or a reply code (552)")
        ->required();
    explain->add_option("--profile", options.profile,
                        "Only this profile: rfc821, rfc2821 or rfc5321 (default: all three side by side)");
}

int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err) {
    const auto profiles = chosen_profiles(options.profile, err);
    if (!profiles) return exit_code::usage;
    const Registry& registry = Registry::builtin();
    if (is_code_subject(options.subject)) {
        const CodeInfo* code = registry.code(parse_code_subject(options.subject));
        if (code == nullptr) {
            err << fmt::format("smtpspec explain: the registry has no reply code {}\n", options.subject);
            return exit_code::usage;
        }
        explain_code(registry, *code, *profiles, out);
        return exit_code::ok;
    }
    const CommandInfo* command = registry.command(options.subject);
    if (command == nullptr) {
        err << fmt::format("smtpspec explain: \"{}\" is neither a reply code nor a command the registry knows ({})\n",
                           options.subject, known_commands(registry));
        return exit_code::usage;
    }
    explain_command(registry, *command, *profiles, out);
    return exit_code::ok;
}

}  // namespace smtpspec::cli
