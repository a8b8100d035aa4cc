// The personalities of the reference server: its names and what each one does.
#include <algorithm>
#include <array>

#include "server/smtp_engine.hpp"

namespace smtpspec {
namespace {

constexpr std::array<PersonalityInfo, 8> personality_table{{
    {Personality::reference, "reference", "every extension the scenarios test, conformant to the RFCs (the default)"},
    {Personality::minimal, "minimal", "a conformant RFC 5321 server with no extensions: EHLO lists nothing"},
    {Personality::legacy_200, "legacy-200", "known-bad: answers NOOP and RSET with 200 instead of 250 (RFC 876)"},
    {Personality::deprecated, "deprecated", "known-bad: implements the obsolete SEND, SOML, SAML and TURN with 250"},
    {Personality::smuggling, "smuggling",
     "known-bad: <LF>.<LF>, <CR>.<CR> and the like end DATA, so smuggled commands run (CVE-2023-51764)"},
    {Personality::bare_lf, "bare-lf", "known-bad: a bare LF ends a command line (RFC 5321 section 2.3.8)"},
    {Personality::no_enhanced, "no-enhanced",
     "known-bad: advertises ENHANCEDSTATUSCODES but sends replies without enhanced codes"},
    {Personality::starttls_leak, "starttls-leak",
     "known-bad: answers plaintext commands pipelined after STARTTLS inside TLS (CVE-2011-0411)"},
}};

}  // namespace

std::span<const PersonalityInfo> personalities() { return personality_table; }

std::optional<Personality> parse_personality(std::string_view name) {
    const auto found = std::find_if(personality_table.begin(), personality_table.end(),
                                    [name](const PersonalityInfo& info) { return info.name == name; });
    if (found == personality_table.end()) return std::nullopt;
    return found->personality;
}

std::string_view personality_name(Personality personality) {
    const auto found = std::find_if(personality_table.begin(), personality_table.end(),
                                    [personality](const PersonalityInfo& info) { return info.personality == personality; });
    return found == personality_table.end() ? std::string_view() : found->name;
}

}  // namespace smtpspec
