// The registry against tables transcribed by hand from RFC 821 §4.3, RFC 2821 §4.3.2, RFC 5321
// §4.3.2 (+ RFC 7504 §5.1), the extension RFCs and the seed per-command table (see
// /work/shared/reference/command-replies.md). The tables here are written independently of
// harness/data/registry.json, so a slip in either shows up as a difference.
#include "core/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace smtpspec {
namespace {

using Codes = std::set<int>;

Codes operator+(Codes a, const Codes& b) {
    a.insert(b.begin(), b.end());
    return a;
}

// The codes any command may get (RFC 821 §4.3: 421; RFC 2821/5321 §4.3.2: 421, 500, 501).
const Codes any_821{421};
const Codes any_2821{421, 500, 501};
const Codes any_5321{421, 500, 501};

struct LegalSetRow {
    const char* command;
    Profile profile;
    Codes codes;   // exactly the legal set, any-command codes included where they apply
};

std::string row_name(const LegalSetRow& row) {
    return std::string(row.command) + " in " + std::string(to_string(row.profile));
}

// Deprecated commands follow RFC 821's model in every profile (RFC 5321 App. F.1, F.6).
const Codes send_821{250, 552, 451, 452, 500, 501, 502, 421};
const Codes turn_821{250, 502, 500, 503};
// Extension commands have one list in every profile: their RFC's, plus 500/501/502 for a
// server that does not offer the extension (RFC 5321 §4.2.4).
const Codes starttls{220, 454, 501, 500, 502};
const Codes auth{334, 235, 432, 454, 500, 501, 503, 504, 534, 535, 538, 502};
const Codes bdat{250, 503, 552, 554, 451, 452, 450, 550, 501, 500, 502};
const Codes etrn{250, 251, 252, 253, 458, 459, 500, 501, 502};
const Codes atrn{250, 450, 451, 453, 530, 501, 500, 502};

const std::vector<LegalSetRow> legal_set_rows{
    // RFC 821 §4.3 (EHLO: RFC 1869 §4.2)
    {"<greeting>", Profile::rfc821, {220, 421}},
    {"HELO", Profile::rfc821, Codes{250, 500, 501, 504, 421} + any_821},
    {"EHLO", Profile::rfc821, Codes{250, 550, 500, 501, 502, 504, 421} + any_821},
    {"MAIL", Profile::rfc821, Codes{250, 552, 451, 452, 500, 501, 421} + any_821},
    {"RCPT", Profile::rfc821, Codes{250, 251, 550, 551, 552, 553, 450, 451, 452, 500, 501, 503, 421} + any_821},
    {"DATA", Profile::rfc821, Codes{354, 451, 554, 500, 501, 503, 421} + any_821},
    {"<data-end>", Profile::rfc821, Codes{250, 552, 554, 451, 452} + any_821},
    {"RSET", Profile::rfc821, Codes{250, 500, 501, 504, 421} + any_821},
    {"SEND", Profile::rfc821, send_821 + any_821},
    {"SOML", Profile::rfc821, send_821 + any_821},
    {"SAML", Profile::rfc821, send_821 + any_821},
    {"VRFY", Profile::rfc821, Codes{250, 251, 550, 551, 553, 500, 501, 502, 504, 421} + any_821},
    {"EXPN", Profile::rfc821, Codes{250, 550, 500, 501, 502, 504, 421} + any_821},
    {"HELP", Profile::rfc821, Codes{211, 214, 500, 501, 502, 504, 421} + any_821},
    {"NOOP", Profile::rfc821, Codes{250, 500, 421} + any_821},
    {"QUIT", Profile::rfc821, Codes{221, 500} + any_821},
    {"TURN", Profile::rfc821, turn_821 + any_821},
    {"STARTTLS", Profile::rfc821, starttls + any_821},
    {"AUTH", Profile::rfc821, auth + any_821},
    {"BDAT", Profile::rfc821, bdat + any_821},
    {"ETRN", Profile::rfc821, etrn + any_821},
    {"ATRN", Profile::rfc821, atrn + any_821},
    {"<unknown>", Profile::rfc821, Codes{500, 502} + any_821},

    // RFC 2821 §4.3.2 (EHLO 502: §4.1.4)
    {"<greeting>", Profile::rfc2821, {220, 554, 421}},
    {"HELO", Profile::rfc2821, Codes{250, 504, 550} + any_2821},
    {"EHLO", Profile::rfc2821, Codes{250, 504, 550, 502} + any_2821},
    {"MAIL", Profile::rfc2821, Codes{250, 552, 451, 452, 550, 553, 503} + any_2821},
    {"RCPT", Profile::rfc2821, Codes{250, 251, 550, 551, 552, 553, 450, 451, 452, 503} + any_2821},
    {"DATA", Profile::rfc2821, Codes{354, 451, 554, 503} + any_2821},
    {"<data-end>", Profile::rfc2821, {250, 552, 554, 451, 452, 421}},
    {"RSET", Profile::rfc2821, Codes{250} + any_2821},
    {"SEND", Profile::rfc2821, send_821 + any_2821},
    {"SOML", Profile::rfc2821, send_821 + any_2821},
    {"SAML", Profile::rfc2821, send_821 + any_2821},
    {"VRFY", Profile::rfc2821, Codes{250, 251, 252, 550, 551, 553, 502, 504} + any_2821},
    {"EXPN", Profile::rfc2821, Codes{250, 252, 550, 500, 502, 504} + any_2821},
    {"HELP", Profile::rfc2821, Codes{211, 214, 502, 504} + any_2821},
    {"NOOP", Profile::rfc2821, Codes{250} + any_2821},
    {"QUIT", Profile::rfc2821, Codes{221} + any_2821},
    {"TURN", Profile::rfc2821, turn_821 + any_2821},
    {"STARTTLS", Profile::rfc2821, starttls + any_2821},
    {"AUTH", Profile::rfc2821, auth + any_2821},
    {"BDAT", Profile::rfc2821, bdat + any_2821},
    {"ETRN", Profile::rfc2821, etrn + any_2821},
    {"ATRN", Profile::rfc2821, atrn + any_2821},
    {"<unknown>", Profile::rfc2821, Codes{500, 502} + any_2821},

    // RFC 5321 §4.3.2 + RFC 7504 §5.1
    {"<greeting>", Profile::rfc5321, {220, 521, 554, 421}},
    {"HELO", Profile::rfc5321, Codes{250, 504, 550, 502} + any_5321},
    {"EHLO", Profile::rfc5321, Codes{250, 504, 550, 502} + any_5321},
    {"MAIL", Profile::rfc5321, Codes{250, 552, 451, 452, 550, 553, 503, 455, 555} + any_5321},
    {"RCPT", Profile::rfc5321, Codes{250, 251, 550, 551, 552, 553, 450, 451, 452, 503, 455, 555, 556} + any_5321},
    {"DATA", Profile::rfc5321, Codes{354, 503, 554} + any_5321},
    {"<data-end>", Profile::rfc5321, {250, 552, 554, 451, 452, 450, 550, 421}},
    {"RSET", Profile::rfc5321, Codes{250} + any_5321},
    {"SEND", Profile::rfc5321, send_821 + any_5321},
    {"SOML", Profile::rfc5321, send_821 + any_5321},
    {"SAML", Profile::rfc5321, send_821 + any_5321},
    {"VRFY", Profile::rfc5321, Codes{250, 251, 252, 550, 551, 553, 502, 504} + any_5321},
    {"EXPN", Profile::rfc5321, Codes{250, 252, 550, 500, 502, 504} + any_5321},
    {"HELP", Profile::rfc5321, Codes{211, 214, 502, 504} + any_5321},
    {"NOOP", Profile::rfc5321, Codes{250} + any_5321},
    {"QUIT", Profile::rfc5321, Codes{221} + any_5321},
    {"TURN", Profile::rfc5321, turn_821 + any_5321},
    {"STARTTLS", Profile::rfc5321, starttls + any_5321},
    {"AUTH", Profile::rfc5321, auth + any_5321},
    {"BDAT", Profile::rfc5321, bdat + any_5321},
    {"ETRN", Profile::rfc5321, etrn + any_5321},
    {"ATRN", Profile::rfc5321, atrn + any_5321},
    {"<unknown>", Profile::rfc5321, Codes{500, 502} + any_5321},
};

TEST(RegistryLegalSet, EveryCommandInEveryProfileMatchesTheRfcTables) {
    const Registry& registry = Registry::builtin();
    for (const LegalSetRow& row : legal_set_rows) {
        EXPECT_EQ(registry.legal_codes(row.command, row.profile), row.codes) << row_name(row);
    }
}

TEST(RegistryLegalSet, TheTableCoversEveryCommandOfTheRegistry) {
    const Registry& registry = Registry::builtin();
    for (const auto& [name, info] : registry.commands()) {
        for (Profile profile : all_profiles) {
            const bool covered = std::any_of(legal_set_rows.begin(), legal_set_rows.end(), [&](const LegalSetRow& row) {
                return row.command == name && row.profile == profile;
            });
            EXPECT_TRUE(covered) << name << " in " << to_string(profile) << " has no row in this test";
        }
    }
}

// Seed A's per-command table, one row per (command, code) it lists. The seed copies RFC 821
// §4.3, so every row is legal in rfc821 except where the seed is wrong (next table).
struct SeedRow {
    const char* command;
    int code;
};

const std::vector<SeedRow> seed_rows_legal_in_rfc821{
    {"<greeting>", 220}, {"<greeting>", 421},
    {"HELO", 250}, {"HELO", 500}, {"HELO", 501}, {"HELO", 504}, {"HELO", 421},
    {"EHLO", 250}, {"EHLO", 550}, {"EHLO", 500}, {"EHLO", 501}, {"EHLO", 504}, {"EHLO", 421},
    {"MAIL", 250}, {"MAIL", 552}, {"MAIL", 451}, {"MAIL", 452}, {"MAIL", 500}, {"MAIL", 501}, {"MAIL", 421},
    {"RCPT", 250}, {"RCPT", 251}, {"RCPT", 550}, {"RCPT", 551}, {"RCPT", 552}, {"RCPT", 553}, {"RCPT", 450},
    {"RCPT", 451}, {"RCPT", 452}, {"RCPT", 500}, {"RCPT", 501}, {"RCPT", 503}, {"RCPT", 421},
    {"DATA", 354}, {"DATA", 451}, {"DATA", 554}, {"DATA", 500}, {"DATA", 501}, {"DATA", 503}, {"DATA", 421},
    {"<data-end>", 250}, {"<data-end>", 552}, {"<data-end>", 554}, {"<data-end>", 451}, {"<data-end>", 452},
    {"RSET", 250}, {"RSET", 500}, {"RSET", 501}, {"RSET", 504}, {"RSET", 421},
    {"SEND", 250}, {"SEND", 552}, {"SEND", 451}, {"SEND", 452}, {"SEND", 500}, {"SEND", 501}, {"SEND", 502}, {"SEND", 421},
    {"SOML", 250}, {"SOML", 552}, {"SOML", 451}, {"SOML", 452}, {"SOML", 500}, {"SOML", 501}, {"SOML", 502}, {"SOML", 421},
    {"SAML", 250}, {"SAML", 552}, {"SAML", 451}, {"SAML", 452}, {"SAML", 500}, {"SAML", 501}, {"SAML", 502}, {"SAML", 421},
    {"VRFY", 250}, {"VRFY", 251}, {"VRFY", 550}, {"VRFY", 551}, {"VRFY", 553}, {"VRFY", 500}, {"VRFY", 501},
    {"VRFY", 502}, {"VRFY", 504}, {"VRFY", 421},
    {"EXPN", 250}, {"EXPN", 550}, {"EXPN", 500}, {"EXPN", 501}, {"EXPN", 502}, {"EXPN", 504}, {"EXPN", 421},
    {"HELP", 211}, {"HELP", 214}, {"HELP", 500}, {"HELP", 501}, {"HELP", 502}, {"HELP", 504}, {"HELP", 421},
    {"NOOP", 250}, {"NOOP", 500}, {"NOOP", 421},
    {"QUIT", 221}, {"QUIT", 500},
    {"TURN", 250}, {"TURN", 502}, {"TURN", 500}, {"TURN", 503},
};

// Seed rows the RFCs overrule: 200 is RFC 876's bug report, 521 is RFC 1846's experiment.
const std::vector<SeedRow> seed_rows_illegal_in_every_profile_without_context{
    {"RSET", 200}, {"NOOP", 200}, {"HELO", 521}, {"RCPT", 521},
};

TEST(RegistrySeed, EverySeedRowIsLegalInRfc821) {
    const Registry& registry = Registry::builtin();
    for (const SeedRow& row : seed_rows_legal_in_rfc821) {
        EXPECT_TRUE(registry.legal_codes(row.command, Profile::rfc821).contains(row.code))
            << row.command << " " << row.code;
        EXPECT_TRUE(registry.legal_source(row.command, Profile::rfc821, row.code).has_value())
            << row.command << " " << row.code;
    }
}

TEST(RegistrySeed, SeedRowsTheRfcsOverruleAreNotLegal) {
    const Registry& registry = Registry::builtin();
    for (const SeedRow& row : seed_rows_illegal_in_every_profile_without_context) {
        for (Profile profile : all_profiles) {
            EXPECT_FALSE(registry.legal_codes(row.command, profile).contains(row.code))
                << row.command << " " << row.code << " in " << to_string(profile);
        }
    }
}

TEST(RegistrySeed, EveryCommandOfTheSeedTableAndIndexIsKnown) {
    const Registry& registry = Registry::builtin();
    for (const char* name : {"<greeting>", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "<data-end>", "RSET", "SEND",
                             "SOML", "SAML", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "TURN", "ATRN", "AUTH",
                             "BDAT", "ETRN", "STARTTLS", "<unknown>"}) {
        const CommandInfo* info = registry.command(name);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(info->name, name);
        EXPECT_FALSE(info->title.empty()) << name;
        EXPECT_FALSE(info->defined_in.empty()) << name;
        EXPECT_EQ(info->rules.size(), all_profiles.size()) << name;
    }
}

TEST(RegistryLegalSet, TwoHundredIsLegalForNoCommand) {
    const Registry& registry = Registry::builtin();
    const LegalityContext everything{{"AUTH", "STARTTLS"}, 554};
    for (const auto& [name, info] : registry.commands()) {
        for (Profile profile : all_profiles)
            EXPECT_FALSE(registry.legal_codes(name, profile, everything).contains(200)) << name;
    }
}

TEST(RegistryLegalSet, ReplyLettersFollowTheRfcLists) {
    const Registry& registry = Registry::builtin();
    const auto kind_of = [&](const char* command, Profile profile, int code) {
        for (const LegalReply& reply : registry.command(command)->rules.at(profile).replies)
            if (reply.code == code) return reply.kind;
        return '?';
    };
    EXPECT_EQ(kind_of("DATA", Profile::rfc5321, 354), 'I');
    EXPECT_EQ(kind_of("AUTH", Profile::rfc5321, 334), 'I');
    EXPECT_EQ(kind_of("MAIL", Profile::rfc821, 552), 'F');
    EXPECT_EQ(kind_of("MAIL", Profile::rfc5321, 552), 'E');   // RFC 5321 merges F into E
    EXPECT_EQ(kind_of("<greeting>", Profile::rfc821, 421), 'F');
    EXPECT_EQ(kind_of("RCPT", Profile::rfc821, 251), 'S');
    EXPECT_EQ(kind_of("TURN", Profile::rfc5321, 502), 'F');
}

// --- where legality comes from --------------------------------------------------------------

struct SourceRow {
    const char* command;
    Profile profile;
    int code;
    const char* source;
};

const std::vector<SourceRow> source_rows{
    {"MAIL", Profile::rfc5321, 503, "RFC 5321 §4.3.2"},
    {"MAIL", Profile::rfc5321, 555, "RFC 5321 §4.1.1.11"},
    {"RCPT", Profile::rfc5321, 556, "RFC 7504 §4, §5.1"},
    {"<greeting>", Profile::rfc5321, 521, "RFC 7504 §3, §5.1"},
    {"<greeting>", Profile::rfc5321, 421, "RFC 5321 §4.3.2, §3.8"},
    {"MAIL", Profile::rfc2821, 500, "RFC 2821 §4.3.2"},
    {"NOOP", Profile::rfc821, 421, "RFC 821 §4.3"},
    {"EHLO", Profile::rfc821, 550, "RFC 1869 §4.2"},
    {"EHLO", Profile::rfc2821, 502, "RFC 2821 §4.1.4"},
    {"SEND", Profile::rfc5321, 552, "RFC 821 §4.3 (RFC 5321 App. F.6)"},
    {"TURN", Profile::rfc2821, 250, "RFC 821 §4.3 (RFC 2821 App. F.1)"},
    {"STARTTLS", Profile::rfc5321, 454, "RFC 3207 §4"},
    {"STARTTLS", Profile::rfc5321, 502, "RFC 5321 §4.2.4"},
    {"ETRN", Profile::rfc821, 459, "RFC 1985 §5.1"},
    {"XYZZY", Profile::rfc5321, 500, "RFC 5321 §4.2.4"},
};

TEST(RegistrySource, NamesTheSectionEachLegalCodeComesFrom) {
    const Registry& registry = Registry::builtin();
    for (const SourceRow& row : source_rows) {
        EXPECT_EQ(registry.legal_source(row.command, row.profile, row.code), std::optional<std::string>(row.source))
            << row.command << " " << row.code << " in " << to_string(row.profile);
    }
}

TEST(RegistrySource, IsEmptyForACodeThatIsNotLegal) {
    const Registry& registry = Registry::builtin();
    EXPECT_EQ(registry.legal_source("NOOP", Profile::rfc5321, 552), std::nullopt);
    EXPECT_EQ(registry.legal_source("<data-end>", Profile::rfc5321, 500), std::nullopt);
    EXPECT_EQ(registry.legal_source("QUIT", Profile::rfc5321, 503, {{}, 554}), std::nullopt);
}

// --- conditional codes ---------------------------------------------------------------------

struct ConditionalRow {
    const char* command;
    Profile profile;
    LegalityContext context;
    int code;
    bool legal;
    const char* source;   // when legal only through the condition
};

const LegalityContext auth_advertised{{"AUTH"}, 220};
const LegalityContext starttls_advertised{{"STARTTLS"}, 220};
const LegalityContext greeting_554{{}, 554};
const LegalityContext greeting_521{{}, 521};

const std::vector<ConditionalRow> conditional_rows{
    // RFC 4954 §6: every command but AUTH, EHLO, HELO, NOOP, RSET, QUIT, in every profile
    {"MAIL", Profile::rfc5321, auth_advertised, 530, true, "RFC 4954 §6"},
    {"RCPT", Profile::rfc2821, auth_advertised, 530, true, "RFC 4954 §6"},
    {"VRFY", Profile::rfc821, auth_advertised, 530, true, "RFC 4954 §6"},
    {"XYZZY", Profile::rfc5321, auth_advertised, 530, true, "RFC 4954 §6"},
    {"STARTTLS", Profile::rfc5321, auth_advertised, 530, true, "RFC 4954 §6"},
    {"AUTH", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"EHLO", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"HELO", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"NOOP", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"RSET", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"QUIT", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"MAIL", Profile::rfc5321, {}, 530, false, ""},
    // RFC 3207 §4: every command but NOOP, EHLO, STARTTLS, QUIT
    {"MAIL", Profile::rfc5321, starttls_advertised, 530, true, "RFC 3207 §4"},
    {"HELO", Profile::rfc5321, starttls_advertised, 530, true, "RFC 3207 §4"},
    {"RSET", Profile::rfc821, starttls_advertised, 530, true, "RFC 3207 §4"},
    {"AUTH", Profile::rfc5321, starttls_advertised, 530, true, "RFC 3207 §4"},
    {"NOOP", Profile::rfc5321, starttls_advertised, 530, false, ""},
    {"EHLO", Profile::rfc5321, starttls_advertised, 530, false, ""},
    {"STARTTLS", Profile::rfc5321, starttls_advertised, 530, false, ""},
    {"QUIT", Profile::rfc5321, starttls_advertised, 530, false, ""},
    // RFC 5321 §3.1 (and RFC 2821 §3.1): 503 to all but QUIT after a 554 greeting
    {"NOOP", Profile::rfc5321, greeting_554, 503, true, "RFC 5321 §3.1; RFC 2821 §3.1"},
    {"EHLO", Profile::rfc2821, greeting_554, 503, true, "RFC 5321 §3.1; RFC 2821 §3.1"},
    {"QUIT", Profile::rfc5321, greeting_554, 503, false, ""},
    {"NOOP", Profile::rfc821, greeting_554, 503, false, ""},
    {"NOOP", Profile::rfc5321, greeting_521, 503, false, ""},
    // RFC 7504 §3: 521 to all but QUIT after a 521 greeting, rfc5321 only
    {"HELO", Profile::rfc5321, greeting_521, 521, true, "RFC 7504 §3"},
    {"RCPT", Profile::rfc5321, greeting_521, 521, true, "RFC 7504 §3"},
    {"QUIT", Profile::rfc5321, greeting_521, 521, false, ""},
    {"HELO", Profile::rfc2821, greeting_521, 521, false, ""},
    {"HELO", Profile::rfc821, greeting_521, 521, false, ""},
    {"HELO", Profile::rfc5321, greeting_554, 521, false, ""},
    // never the greeting or the end of data
    {"<data-end>", Profile::rfc5321, auth_advertised, 530, false, ""},
    {"<data-end>", Profile::rfc5321, greeting_554, 503, false, ""},
    {"<greeting>", Profile::rfc5321, greeting_521, 503, false, ""},
};

// legal() is legal_codes() kept: the same codes in every state, with their texts in order,
// one entry per state, and a copy of the registry answers alike from its own cache.
TEST(RegistryConditional, TheKeptLegalSetsAreTheComputedOnesInEveryState) {
    const Registry& registry = Registry::builtin();
    const Registry copy = registry;
    for (const ConditionalRow& row : conditional_rows) {
        for (const Registry* r : {&registry, &copy}) {
            const std::string name = std::string(row.command) + " in " + std::string(to_string(row.profile));
            const LegalCodes& kept = r->legal(row.command, row.profile, row.context);
            EXPECT_EQ(kept.codes, r->legal_codes(row.command, row.profile, row.context)) << name;
            std::vector<std::string> texts;
            for (int code : kept.codes) texts.push_back(std::to_string(code));
            EXPECT_EQ(kept.texts, texts) << name;
            EXPECT_EQ(&kept, &r->legal(row.command, row.profile, row.context)) << name << ": computed again";
        }
    }
    // Two states that put different codes in force are two entries.
    const LegalityContext plain;
    EXPECT_NE(registry.legal("MAIL", Profile::rfc5321, plain).codes,
              registry.legal("MAIL", Profile::rfc5321, auth_advertised).codes);
    // An unknown verb is judged by "<unknown>", as legal_codes judges it.
    EXPECT_EQ(registry.legal("XYZZY", Profile::rfc5321).codes, registry.legal_codes("XYZZY", Profile::rfc5321));
}

TEST(RegistryConditional, CodesInForceFollowTheSessionState) {
    const Registry& registry = Registry::builtin();
    for (const ConditionalRow& row : conditional_rows) {
        const std::string name = std::string(row.command) + " " + std::to_string(row.code) + " in " +
                                 std::string(to_string(row.profile));
        EXPECT_EQ(registry.legal_codes(row.command, row.profile, row.context).contains(row.code), row.legal) << name;
        const auto source = registry.legal_source(row.command, row.profile, row.code, row.context);
        const auto expected = row.legal ? std::optional<std::string>(row.source) : std::nullopt;
        EXPECT_EQ(source, expected) << name;
    }
}

TEST(RegistryConditional, TheRegistryHoldsTheFourRules) {
    const auto& conditional = Registry::builtin().conditional_codes();
    ASSERT_EQ(conditional.size(), 4u);
    const std::set<Profile> every(all_profiles.begin(), all_profiles.end());
    EXPECT_EQ(conditional[0].code, 530);
    EXPECT_EQ(conditional[0].when_advertised, "AUTH");
    EXPECT_EQ(conditional[0].except, (std::set<std::string>{"AUTH", "EHLO", "HELO", "NOOP", "RSET", "QUIT"}));
    EXPECT_EQ(conditional[0].profiles, every);
    EXPECT_EQ(conditional[1].when_advertised, "STARTTLS");
    EXPECT_EQ(conditional[1].except, (std::set<std::string>{"NOOP", "EHLO", "STARTTLS", "QUIT"}));
    EXPECT_EQ(conditional[2].after_greeting, 554);
    EXPECT_EQ(conditional[2].profiles, (std::set<Profile>{Profile::rfc2821, Profile::rfc5321}));
    EXPECT_EQ(conditional[3].after_greeting, 521);
    EXPECT_EQ(conditional[3].profiles, std::set<Profile>{Profile::rfc5321});
    EXPECT_NE(conditional[3].note.find("RFC 1846"), std::string::npos);
}

TEST(RegistryAnyCommand, FourTwentyOneAlsoAnswersTheGreetingAndTheEndOfData) {
    const Registry& registry = Registry::builtin();
    for (Profile profile : all_profiles) {
        for (const AnyCommandCode& any : registry.any_command_codes(profile))
            EXPECT_EQ(any.applies_to_pseudo, any.code == 421) << any.code << " in " << to_string(profile);
    }
    EXPECT_EQ(registry.any_command_codes(Profile::rfc821).size(), 1u);
    EXPECT_EQ(registry.any_command_codes(Profile::rfc5321).size(), 3u);
}

// --- commands: extension keyword and deprecation ---------------------------------------------

TEST(RegistryCommands, ExtensionCommandsNameTheirEhloKeyword) {
    const Registry& registry = Registry::builtin();
    const std::vector<std::pair<const char*, const char*>> keywords{
        {"AUTH", "AUTH"}, {"STARTTLS", "STARTTLS"}, {"BDAT", "CHUNKING"}, {"ETRN", "ETRN"}, {"ATRN", "ATRN"}};
    for (const auto& [command, keyword] : keywords)
        EXPECT_EQ(registry.command(command)->extension, std::optional<std::string>(keyword)) << command;
    for (const char* base : {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "QUIT", "TURN", "<greeting>"})
        EXPECT_EQ(registry.command(base)->extension, std::nullopt) << base;
}

TEST(RegistryCommands, SendSomlSamlAndTurnAreDeprecatedWithTheirReason) {
    const Registry& registry = Registry::builtin();
    const std::vector<std::pair<const char*, const char*>> deprecated{
        {"SEND", "App. F.6"}, {"SOML", "App. F.6"}, {"SAML", "App. F.6"}, {"TURN", "App. F.1"}};
    for (const auto& [command, section] : deprecated) {
        const CommandInfo* info = registry.command(command);
        EXPECT_TRUE(info->deprecated) << command;
        EXPECT_NE(info->deprecation.find(section), std::string::npos) << command;
    }
    for (const auto& [name, info] : registry.commands()) {
        const bool listed = std::any_of(deprecated.begin(), deprecated.end(),
                                        [&](const auto& entry) { return name == entry.first; });
        EXPECT_EQ(info.deprecated, listed) << name;
    }
}

TEST(RegistryCommands, LookupIgnoresCase) {
    const Registry& registry = Registry::builtin();
    for (const char* spelling : {"noop", "Noop", "NOOP", "nOoP"}) {
        ASSERT_NE(registry.command(spelling), nullptr) << spelling;
        EXPECT_EQ(registry.command(spelling)->name, "NOOP");
    }
    EXPECT_EQ(registry.command("<GREETING>")->name, "<greeting>");
    EXPECT_EQ(registry.command("XYZZY"), nullptr);
    EXPECT_EQ(registry.judging("XYZZY")->name, "<unknown>");
    EXPECT_EQ(registry.legal_codes("xyzzy", Profile::rfc5321), registry.legal_codes("<unknown>", Profile::rfc5321));
    EXPECT_EQ(registry.legal_codes("mail", Profile::rfc5321), registry.legal_codes("MAIL", Profile::rfc5321));
}

// --- codes ---------------------------------------------------------------------------------

struct CodeStatusRow {
    int code;
    CodeStatus status;
    const char* extension_rfc;   // for extension codes: a substring of extension_rfc
};

// Every code of the three seeds and of reply-codes.md.
const std::vector<CodeStatusRow> code_status_rows{
    {200, CodeStatus::nonstandard, ""},   {211, CodeStatus::standard, ""},     {214, CodeStatus::standard, ""},
    {220, CodeStatus::standard, ""},      {221, CodeStatus::standard, ""},     {235, CodeStatus::extension, "RFC 4954"},
    {250, CodeStatus::standard, ""},      {251, CodeStatus::standard, ""},     {252, CodeStatus::standard, ""},
    {253, CodeStatus::extension, "RFC 1985"}, {334, CodeStatus::extension, "RFC 4954"},
    {354, CodeStatus::standard, ""},      {421, CodeStatus::standard, ""},     {422, CodeStatus::vendor, ""},
    {430, CodeStatus::registry_only, ""}, {431, CodeStatus::vendor, ""},       {432, CodeStatus::extension, "RFC 4954"},
    {450, CodeStatus::standard, ""},      {451, CodeStatus::standard, ""},     {452, CodeStatus::standard, ""},
    {453, CodeStatus::extension, "RFC 2645"}, {454, CodeStatus::extension, "RFC 3207"},
    {455, CodeStatus::standard, ""},      {458, CodeStatus::extension, "RFC 1985"},
    {459, CodeStatus::extension, "RFC 1985"}, {500, CodeStatus::standard, ""}, {501, CodeStatus::standard, ""},
    {502, CodeStatus::standard, ""},      {503, CodeStatus::standard, ""},     {504, CodeStatus::standard, ""},
    {521, CodeStatus::standard, ""},      {523, CodeStatus::registry_only, ""}, {524, CodeStatus::registry_only, ""},
    {525, CodeStatus::registry_only, ""}, {530, CodeStatus::extension, "RFC 4954"},
    {533, CodeStatus::registry_only, ""}, {534, CodeStatus::extension, "RFC 4954"},
    {535, CodeStatus::extension, "RFC 4954"}, {538, CodeStatus::extension, "RFC 4954"},
    {541, CodeStatus::vendor, ""},        {550, CodeStatus::standard, ""},     {551, CodeStatus::standard, ""},
    {552, CodeStatus::standard, ""},      {553, CodeStatus::standard, ""},     {554, CodeStatus::standard, ""},
    {555, CodeStatus::standard, ""},      {556, CodeStatus::standard, ""},
};

TEST(RegistryCodes, EverySeedCodeHasItsStatus) {
    const Registry& registry = Registry::builtin();
    for (const CodeStatusRow& row : code_status_rows) {
        const CodeInfo* info = registry.code(row.code);
        ASSERT_NE(info, nullptr) << row.code;
        EXPECT_EQ(info->code, row.code);
        EXPECT_EQ(info->status, row.status) << row.code;
        EXPECT_FALSE(info->meaning.empty()) << row.code;
        if (row.status == CodeStatus::extension) {
            EXPECT_NE(info->extension_rfc.find(row.extension_rfc), std::string::npos) << row.code;
        }
    }
    EXPECT_EQ(registry.codes().size(), code_status_rows.size());
}

TEST(RegistryCodes, TwoHundredStandsInForTwoHundredFifty) {
    const Registry& registry = Registry::builtin();
    EXPECT_EQ(registry.code(200)->stands_in_for, 250);
    EXPECT_NE(registry.code(200)->note.find("RFC 876"), std::string::npos);
    for (const auto& [code, info] : registry.codes()) {
        if (code != 200) {
            EXPECT_EQ(info.stands_in_for, std::nullopt) << code;
        }
    }
}

TEST(RegistryCodes, SeedDisagreementsAreNoted) {
    const Registry& registry = Registry::builtin();
    EXPECT_NE(registry.code(530)->note.find("Sendmail"), std::string::npos);
    EXPECT_NE(registry.code(432)->note.find("folklore"), std::string::npos);
    EXPECT_NE(registry.code(422)->note.find("folklore"), std::string::npos);
    EXPECT_NE(registry.code(521)->note.find("RFC 1846"), std::string::npos);
    EXPECT_NE(registry.code(550)->note.find("mislabel"), std::string::npos);
}

TEST(RegistryCodes, StatusNamesRoundTrip) {
    EXPECT_EQ(to_string(CodeStatus::standard), "standard");
    EXPECT_EQ(to_string(CodeStatus::extension), "extension");
    EXPECT_EQ(to_string(CodeStatus::nonstandard), "nonstandard");
    EXPECT_EQ(to_string(CodeStatus::vendor), "vendor");
    EXPECT_EQ(to_string(CodeStatus::registry_only), "registry_only");
}

// --- profiles --------------------------------------------------------------------------------

TEST(Profile, NamesRoundTripAndIgnoreCase) {
    for (Profile profile : all_profiles) EXPECT_EQ(parse_profile(to_string(profile)), profile);
    EXPECT_EQ(parse_profile("RFC5321"), Profile::rfc5321);
    EXPECT_EQ(parse_profile("rfc5322"), std::nullopt);
    EXPECT_EQ(parse_profile(""), std::nullopt);
    EXPECT_EQ(parse_profile("rfc53211"), std::nullopt);
}

// --- command_of_line -------------------------------------------------------------------------

struct LineRow {
    const char* line;
    const char* command;
};

const std::vector<LineRow> line_rows{
    {"mail FROM:<a@b>", "MAIL"},
    {"MAIL FROM:<a@b>\r\n", "MAIL"},
    {"RCPT TO:<postmaster>", "RCPT"},
    {"NOOP", "NOOP"},
    {"noop\r\n", "NOOP"},
    {"QUIT\n", "QUIT"},
    {"ehlo client.example", "EHLO"},
    {"StartTLS", "STARTTLS"},
    {"BDAT 100 LAST", "BDAT"},
    {"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", "AUTH"},
    {"XYZZY plugh", "<unknown>"},
    {"MAILFROM:<a@b>", "<unknown>"},
    {" MAIL FROM:<a@b>", "<unknown>"},
    {"", "<unknown>"},
    {"\r\n", "<unknown>"},
    {"<greeting>", "<unknown>"},
    {"<data-end>", "<unknown>"},
};

TEST(CommandOfLine, JudgesALineByItsVerb) {
    const Registry& registry = Registry::builtin();
    for (const LineRow& row : line_rows) EXPECT_EQ(command_of_line(registry, row.line), row.command) << row.line;
}

// --- Registry::builtin and Registry::parse ---------------------------------------------------

TEST(RegistryBuiltin, IsParsedOnce) {
    EXPECT_EQ(&Registry::builtin(), &Registry::builtin());
}

// The smallest valid document; each error case below breaks one thing in it.
constexpr const char* minimal_document = R"({
  "codes": {
    "250": {"meaning": "ok", "defined_in": ["RFC 5321 §4.2.2"], "status": "standard"},
    "421": {"meaning": "closing", "defined_in": ["RFC 5321 §4.2.2"], "status": "standard"}
  },
  "any_command": {
    "rfc821": [{"code": 421, "source": "RFC 821 §4.3", "applies_to_pseudo": true}],
    "rfc2821": [],
    "rfc5321": []
  },
  "conditional": [],
  "commands": {
    "NOOP": {"title": "No operation", "defined_in": "RFC 5321 §4.1.1.9",
             "rules": {"*": {"source": "RFC 5321 §4.3.2", "S": [250]}}}
  }
})";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("test fixture does not contain: " + from);
    return text.replace(at, from.size(), to);
}

TEST(RegistryParse, AcceptsTheMinimalDocument) {
    const Registry registry = Registry::parse(minimal_document, "minimal.json");
    EXPECT_EQ(registry.legal_codes("NOOP", Profile::rfc821), (Codes{250, 421}));
    EXPECT_EQ(registry.legal_codes("NOOP", Profile::rfc5321), Codes{250});
    EXPECT_EQ(registry.legal_codes("XYZZY", Profile::rfc5321), Codes{});   // no "<unknown>" entry
}

struct BadDocument {
    const char* name;
    std::string text;
    std::vector<std::string> pointers;   // each must appear in the message
};

std::vector<BadDocument> bad_documents() {
    const std::string doc = minimal_document;
    const std::string noop_rule = R"("*": {"source": "RFC 5321 §4.3.2", "S": [250]})";
    return {
        {"unknown top-level field", replaced(doc, R"("conditional": [],)", R"("conditional": [], "colour": 1,)"),
         {"/colour"}},
        {"unknown code field", replaced(doc, R"("meaning": "ok",)", R"("meaning": "ok", "colour": "red",)"),
         {"/codes/250/colour"}},
        {"meaning of the wrong type", replaced(doc, R"("meaning": "ok")", R"("meaning": 7)"), {"/codes/250/meaning"}},
        {"missing meaning", replaced(doc, R"("meaning": "ok", )", ""), {"/codes/250/meaning"}},
        {"unknown status", replaced(doc, R"("status": "standard"},
    "421")", R"("status": "official"},
    "421")"), {"/codes/250/status"}},
        {"code key that is no reply code", replaced(doc, R"("250": {)", R"("25x": {)"), {"/codes/25x"}},
        {"code in a rule without an entry", replaced(doc, R"("S": [250])", R"("S": [250, 252])"),
         {"/commands/NOOP/rules/*/S/1"}},
        {"code in a rule that is not a reply code", replaced(doc, R"("S": [250])", R"("S": [650])"),
         {"/commands/NOOP/rules/*/S/0"}},
        {"code of the wrong type", replaced(doc, R"("S": [250])", R"("S": ["250"])"),
         {"/commands/NOOP/rules/*/S/0"}},
        {"unknown reply letter", replaced(doc, R"("S": [250])", R"("S": [250], "X": [250])"),
         {"/commands/NOOP/rules/*/X"}},
        {"unknown profile name", replaced(doc, noop_rule, R"("rfc821": {"source": "a", "S": [250]},
             "rfc2821": {"source": "b", "S": [250]}, "rfc5321": {"source": "c", "S": [250]},
             "rfc9999": {"source": "d", "S": [250]})"),
         {"/commands/NOOP/rules/rfc9999"}},
        {"command missing a profile", replaced(doc, noop_rule, R"("rfc821": {"source": "a", "S": [250]},
             "rfc5321": {"source": "c", "S": [250]})"),
         {"/commands/NOOP/rules", "rfc2821"}},
        {"every-profile rule combined with a named one",
         replaced(doc, noop_rule, noop_rule + R"(, "rfc821": {"source": "a", "S": [250]})"),
         {"/commands/NOOP/rules"}},
        {"rule without replies", replaced(doc, R"("S": [250])", R"("note": "none")"), {"/commands/NOOP/rules/*"}},
        {"lower-case command name", replaced(doc, R"("NOOP": {)", R"("noop": {)"), {"/commands/noop"}},
        {"any_command missing a profile", replaced(doc, R"("rfc2821": [],)", ""), {"/any_command", "rfc2821"}},
        {"any_command code without an entry", replaced(doc, R"("rfc5321": [])", R"("rfc5321": [{"code": 500, "source": "x"}])"),
         {"/any_command/rfc5321/0/code"}},
        {"conditional code naming an unknown command",
         replaced(doc, R"("conditional": [])", R"("conditional": [{"code": 421, "when_advertised": "AUTH",
             "except": ["NOOP", "FROB"], "profiles": ["*"], "source": "x"}])"),
         {"/conditional/0/except/1"}},
        {"conditional code with an unknown profile",
         replaced(doc, R"("conditional": [])", R"("conditional": [{"code": 421, "after_greeting": 421,
             "profiles": ["rfc1"], "source": "x"}])"),
         {"/conditional/0/profiles/0"}},
        {"conditional code without a condition",
         replaced(doc, R"("conditional": [])", R"("conditional": [{"code": 421, "profiles": ["*"], "source": "x"}])"),
         {"/conditional/0"}},
        {"stands_in_for a code without an entry",
         replaced(doc, R"("meaning": "ok",)", R"("meaning": "ok", "stands_in_for": 252,)"),
         {"/codes/250/stands_in_for"}},
        {"extension code without its RFC", replaced(doc, R"("status": "standard"},
    "421")", R"("status": "extension"},
    "421")"), {"/codes/250/extension_rfc"}},
        {"several problems at once",
         replaced(replaced(doc, R"("meaning": "ok")", R"("meaning": false)"), R"("S": [250])", R"("S": [250, 599])"),
         {"/codes/250/meaning", "/commands/NOOP/rules/*/S/1"}},
        {"not an object", "[1, 2]", {"(document root)"}},
    };
}

TEST(RegistryParse, NamesTheOriginAndThePointerOfEveryProblem) {
    for (const BadDocument& bad : bad_documents()) {
        try {
            (void)Registry::parse(bad.text, "bad.json");
            ADD_FAILURE() << bad.name << ": accepted";
        } catch (const RegistryError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("bad.json: "), std::string::npos) << bad.name << ": " << message;
            for (const std::string& pointer : bad.pointers)
                EXPECT_NE(message.find(pointer), std::string::npos) << bad.name << ": " << message;
        }
    }
}

// The RegistryError that parsing `text` as "bad.json" raises; a test failure if it is accepted.
// Any other exception fails the test too: parse() promises RegistryError only.
std::string parse_error_of(const std::string& text) {
    try {
        (void)Registry::parse(text, "bad.json");
    } catch (const RegistryError& error) {
        return error.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return "";
}

// Found with the registry fuzz corpus (tests/fuzz): a code beyond long long was reported as the
// negative number it wraps to, which appears nowhere in the file.
TEST(RegistryParse, NamesACodeBeyondLongLongAsWritten) {
    const std::string message =
        parse_error_of(replaced(minimal_document, R"("S": [250])", R"("S": [250, 18446744073709551615])"));
    EXPECT_NE(message.find("/commands/NOOP/rules/*/S/1: 18446744073709551615 is not a reply code"), std::string::npos)
        << message;
}

// Found by the registry fuzz target (tests/fuzz): nlohmann reports a number beyond a double as
// out_of_range, not as a parse_error, and that escaped parse() as another kind of exception.
TEST(RegistryParse, ReportsANumberBeyondADoubleAsInvalidJson) {
    const std::string message = parse_error_of(replaced(minimal_document, R"("S": [250])", R"("S": [250, 1e400])"));
    EXPECT_EQ(message.rfind("bad.json: (document root): not valid JSON: ", 0), 0u) << message;
    EXPECT_NE(message.find("1e400"), std::string::npos) << message;
}

TEST(RegistryParse, ReportsInvalidJsonWithTheOrigin) {
    try {
        (void)Registry::parse("{\"codes\": ", "broken.json");
        ADD_FAILURE() << "accepted";
    } catch (const RegistryError& error) {
        const std::string message = error.what();
        EXPECT_EQ(message.rfind("broken.json: ", 0), 0u) << message;
        EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace smtpspec
