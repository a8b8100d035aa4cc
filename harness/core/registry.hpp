#pragma once
// The per-command reply-code table (RFC 5321 §4.3.2 and the extension RFCs), loaded from data.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/profile.hpp"

namespace smtpspec {

enum class CodeStatus { standard, extension, nonstandard, vendor, registry_only };
std::string_view to_string(CodeStatus);

struct CodeInfo {
    int code = 0;
    std::string meaning;
    std::vector<std::string> defined_in;   // e.g. "RFC 5321 §4.2.2"
    CodeStatus status = CodeStatus::standard;
    std::string extension_rfc;             // for status extension: "RFC 4954"
    std::optional<int> stands_in_for;      // 200 stands in for 250 (RFC 876)
    std::string note;
};

// One legal reply of one command in one profile.
struct LegalReply {
    int code = 0;
    char kind = 'S';          // RFC 821 §4.3 letters: S success, I intermediate, F failure, E error
    std::string note;         // e.g. "only for an old server without EHLO support"
    std::string source;       // where this code comes from when not from the rule's source
                              // (RCPT 556: "RFC 7504 §4, §5.1"); empty otherwise
};

struct CommandRule {
    std::vector<LegalReply> replies;
    std::string source;       // e.g. "RFC 5321 §4.3.2"
    std::string note;
    bool any_command_codes = true;  // whether the codes every command may get apply (not to the greeting)

    const LegalReply* reply(int code) const;   // in the rule's own list, or null
};

struct CommandInfo {
    std::string name;         // verb in upper case, or a pseudo-command: "<greeting>", "<data-end>"
    std::string title;        // "Connection greeting", "Recipient"
    std::string defined_in;   // "RFC 5321 §4.1.1.3"
    std::optional<std::string> extension;   // EHLO keyword that announces it, e.g. "AUTH"
    bool deprecated = false;
    std::string deprecation;  // why, with the RFC section
    std::string note;         // what holds in every profile, e.g. where a seed disagrees
    std::map<Profile, CommandRule> rules;   // every profile has a rule

    const CommandRule* rule(Profile profile) const;   // null only in a registry not from parse()
};

// Codes that any command may get, per profile (RFC 5321 §4.3.2: 421, 500, 501).
struct AnyCommandCode {
    int code = 0;
    std::string source;
    bool applies_to_pseudo = false;   // 421 also answers the greeting and the end of data,
                                      // whose rules opt out of the other any-command codes
};

// Codes that any command may get in some state of the session: 530 while AUTH or STARTTLS
// is required (RFC 4954 §6, RFC 3207 §4); 503 after a 554 greeting (RFC 5321 §3.1); 521
// after a 521 greeting (RFC 7504 §3). Like the any-command codes they answer commands only,
// never a rule that opts out of those (the greeting, the end of data).
struct ConditionalCode {
    int code = 0;
    std::string when_advertised;          // EHLO keyword that must have been advertised, or ""
    std::optional<int> after_greeting;    // greeting code that must have been seen, or none
    std::set<std::string> except;         // commands it does not apply to
    std::set<Profile> profiles;           // profiles it applies in
    std::string source;
    std::string note;
};

// What the session has seen so far that changes which codes are legal.
struct LegalityContext {
    std::set<std::string> advertised;     // EHLO keywords, upper case
    std::optional<int> greeting_code;
};

// Whether an any-command code answers a rule: every command's, and the greeting's and end
// of data's only when it applies to pseudo-commands.
bool applies(const AnyCommandCode& any, const CommandRule& rule);

// Whether `conditional` can answer `command` in `profile` in some state of the session,
// whatever the session has seen so far.
bool may_apply(const ConditionalCode& conditional, const CommandInfo& command, Profile profile);
// Whether it is in force for `command` now that the session has seen `context`.
bool applies(const ConditionalCode& conditional, const CommandInfo& command, Profile profile,
             const LegalityContext& context);

// The codes legal for one command in one state of a session, with their texts for reports.
struct LegalCodes {
    std::set<int> codes;
    std::vector<std::string> texts;   // "250", "421", … in the order of `codes`
};

struct RegistryError : std::runtime_error {
    using std::runtime_error::runtime_error;  // message names the origin and the JSON pointer
};

class Registry {
public:
    // Parses the registry data file. Throws RegistryError naming `origin` and the JSON
    // pointer of every problem found.
    static Registry parse(std::string_view json_text, std::string_view origin);
    // The registry compiled into the binary from harness/data/registry.json.
    static const Registry& builtin();

    const CommandInfo* command(std::string_view name) const;   // case-insensitive
    // The entry that judges replies to `name`: its own, else "<unknown>" (null if the
    // registry has no "<unknown>" entry either).
    const CommandInfo* judging(std::string_view name) const;
    const CodeInfo* code(int code) const;
    const std::map<std::string, CommandInfo>& commands() const { return commands_; }
    const std::map<int, CodeInfo>& codes() const { return codes_; }
    const std::vector<AnyCommandCode>& any_command_codes(Profile p) const;
    const std::vector<ConditionalCode>& conditional_codes() const { return conditional_; }

    // Every code `command` may legally return in `profile`: its own list, the codes any
    // command may get (unless the rule opts out), and the conditional codes in force.
    // An unknown command name is judged as "<unknown>".
    std::set<int> legal_codes(std::string_view command, Profile profile,
                              const LegalityContext& context = {}) const;
    // Where the legality of `code` for `command` comes from ("RFC 5321 §4.3.2"), or nullopt
    // when it is not legal.
    std::optional<std::string> legal_source(std::string_view command, Profile profile, int code,
                                            const LegalityContext& context = {}) const;
    // legal_codes with its texts, computed once per command, profile and set of conditional
    // codes in force, then kept: every judged reply needs it, and building the set per reply
    // was most of what judging cost under load. Thread-safe; the reference stays valid for
    // the registry's lifetime.
    const LegalCodes& legal(std::string_view command, Profile profile, const LegalityContext& context = {}) const;

private:
    // A copy or a moved-to registry starts with an empty cache: its keys point into the
    // registry they were computed for.
    struct LegalCache {
        LegalCache() = default;
        LegalCache(const LegalCache&) {}
        LegalCache& operator=(const LegalCache&) { return *this; }
        std::mutex mutex;
        // Which conditional codes are in force: a bit each, in `first` for the first 64 (all of
        // the builtin registry's), in `more` only for a registry with more.
        using InForce = std::pair<std::uint64_t, std::vector<std::uint64_t>>;
        std::map<std::tuple<const CommandInfo*, Profile, InForce>, LegalCodes> entries;
    };

    std::map<std::string, CommandInfo> commands_;
    std::map<int, CodeInfo> codes_;
    std::map<Profile, std::vector<AnyCommandCode>> any_;
    std::vector<ConditionalCode> conditional_;
    mutable LegalCache legal_cache_;
};

// Pseudo-command names used where a reply answers no command line.
inline constexpr std::string_view greeting_command = "<greeting>";
inline constexpr std::string_view data_end_command = "<data-end>";
inline constexpr std::string_view unknown_command = "<unknown>";

// The command whose table judges a command line: its verb if the registry knows it,
// else "<unknown>".
std::string command_of_line(const Registry&, std::string_view line);

}  // namespace smtpspec
