// `smtpspec explain`, twice: through run_explain with string streams, and through the real
// binary.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/registry.hpp"
#include "support/run_command.hpp"

namespace smtpspec::cli {
namespace {

// The subjects of the seeds: seed A's per-command table and command index (its unnamed block
// is MAIL, "connect" the greeting, "received data" the end of data), and every code of the
// three seed lists.
const std::vector<std::string> seed_commands{
    "<greeting>", "HELO", "EHLO", "MAIL", "RCPT", "DATA", "<data-end>", "RSET", "SEND", "SOML", "SAML",
    "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "TURN", "ATRN", "AUTH", "BDAT", "ETRN", "STARTTLS", "<unknown>"};

const std::vector<int> seed_a_codes{200, 211, 214, 220, 221, 250, 251, 354, 421, 450, 451, 452, 500,
                                    501, 502, 503, 504, 521, 530, 535, 550, 551, 552, 553, 554};
const std::vector<int> seed_b_codes{200, 211, 214, 220, 221, 250, 251, 354, 421, 450, 451, 452,
                                    500, 501, 502, 503, 504, 521, 530, 550, 551, 552, 553, 554};
const std::vector<int> seed_c_codes{211, 214, 220, 221, 235, 250, 251, 252, 421, 422, 431, 432, 450,
                                    451, 452, 454, 455, 500, 501, 502, 503, 504, 521, 523, 530, 534,
                                    535, 538, 541, 550, 551, 552, 553, 554, 555, 556};

std::set<int> seed_codes() {
    std::set<int> codes;
    for (const auto* list : {&seed_a_codes, &seed_b_codes, &seed_c_codes}) codes.insert(list->begin(), list->end());
    return codes;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Every code the command may get in some session state, in any profile.
std::set<int> codes_in_any_state(const Registry& registry, const std::string& command) {
    const std::vector<LegalityContext> states{
        {{"AUTH", "STARTTLS"}, 220}, {{}, 554}, {{}, 521}};
    std::set<int> codes;
    for (Profile profile : all_profiles) {
        for (const LegalityContext& state : states) {
            const std::set<int> legal = registry.legal_codes(command, profile, state);
            codes.insert(legal.begin(), legal.end());
        }
    }
    return codes;
}

// "MAIL (E)" for every command whose own list has `code` in some profile.
std::vector<std::string> listing_commands(const Registry& registry, int code) {
    std::vector<std::string> listed;
    for (const auto& [name, command] : registry.commands()) {
        for (const auto& [profile, rule] : command.rules) {
            if (const LegalReply* reply = rule.reply(code)) listed.push_back(name + " (" + reply->kind + ")");
        }
    }
    return listed;
}

void expect_command_explained(const std::string& output, const std::string& command) {
    const Registry& registry = Registry::builtin();
    EXPECT_TRUE(mentions(output, registry.command(command)->name + ": ")) << command;
    for (int code : codes_in_any_state(registry, command))
        EXPECT_TRUE(mentions(output, std::to_string(code))) << command << " does not mention " << code;
    for (Profile profile : all_profiles)
        EXPECT_TRUE(mentions(output, std::string(to_string(profile)))) << command;
}

void expect_code_explained(const std::string& output, int code) {
    const Registry& registry = Registry::builtin();
    EXPECT_TRUE(mentions(output, std::to_string(code) + ": " + registry.code(code)->meaning)) << code;
    EXPECT_TRUE(mentions(output, "Status: " + std::string(to_string(registry.code(code)->status)))) << code;
    for (const std::string& listed : listing_commands(registry, code))
        EXPECT_TRUE(mentions(output, listed)) << code << " does not mention " << listed;
}

// --- run_explain -----------------------------------------------------------------------------

struct Answer {
    int exit_code = -1;
    std::string out;
    std::string err;
};

Answer explain(const std::string& subject, const std::string& profile = "") {
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_explain(ExplainOptions{subject, profile}, out, err);
    return {code, out.str(), err.str()};
}

TEST(RunExplain, ExplainsEverySeedCommand) {
    for (const std::string& command : seed_commands) {
        const Answer answer = explain(command);
        ASSERT_EQ(answer.exit_code, exit_code::ok) << command << ": " << answer.err;
        EXPECT_TRUE(answer.err.empty()) << command;
        expect_command_explained(answer.out, command);
    }
}

TEST(RunExplain, ExplainsEverySeedCode) {
    for (int code : seed_codes()) {
        const Answer answer = explain(std::to_string(code));
        ASSERT_EQ(answer.exit_code, exit_code::ok) << code << ": " << answer.err;
        EXPECT_TRUE(answer.err.empty()) << code;
        expect_code_explained(answer.out, code);
    }
}

TEST(RunExplain, ShowsDeprecationExtensionAndNotes) {
    EXPECT_TRUE(mentions(explain("TURN").out, "Deprecated: "));
    EXPECT_TRUE(mentions(explain("TURN").out, "App. F.1"));
    EXPECT_TRUE(mentions(explain("SOML").out, "App. F.6"));
    EXPECT_TRUE(mentions(explain("BDAT").out, "EHLO keyword: CHUNKING"));
    EXPECT_TRUE(mentions(explain("RCPT").out, "556 E (RFC 7504 §4, §5.1)"));
    EXPECT_TRUE(mentions(explain("MAIL").out, "530 once AUTH is advertised"));
    EXPECT_TRUE(mentions(explain("NOOP").out, "503 after a 554 greeting"));
    EXPECT_FALSE(mentions(explain("<data-end>").out, "530"));
    EXPECT_TRUE(mentions(explain("200").out, "Stands in for: 250"));
    EXPECT_TRUE(mentions(explain("200").out, "none"));
    EXPECT_TRUE(mentions(explain("454").out, "extension (RFC 3207, RFC 4954)"));
    EXPECT_TRUE(mentions(explain("431").out, "Defined in: no RFC"));
}

TEST(RunExplain, ShowsOneProfileWhenAsked) {
    const Answer answer = explain("DATA", "rfc821");
    ASSERT_EQ(answer.exit_code, exit_code::ok);
    EXPECT_TRUE(mentions(answer.out, "rfc821"));
    EXPECT_FALSE(mentions(answer.out, "rfc2821"));
    EXPECT_FALSE(mentions(answer.out, "rfc5321"));
    EXPECT_TRUE(mentions(explain("552", "RFC5321").out, "rfc5321:"));
}

TEST(RunExplain, IgnoresTheCaseOfACommand) {
    const Answer answer = explain("noop");
    ASSERT_EQ(answer.exit_code, exit_code::ok);
    EXPECT_TRUE(mentions(answer.out, "NOOP: No operation"));
}

TEST(RunExplain, RefusesAnUnknownSubjectOrProfile) {
    for (const char* subject : {"FROB", "599", "12", "", "<nothing>"}) {
        const Answer answer = explain(subject);
        EXPECT_EQ(answer.exit_code, exit_code::usage) << subject;
        EXPECT_TRUE(answer.out.empty()) << subject;
        EXPECT_TRUE(mentions(answer.err, "smtpspec explain: ")) << subject;
    }
    const Answer bad_profile = explain("NOOP", "rfc822");
    EXPECT_EQ(bad_profile.exit_code, exit_code::usage);
    EXPECT_TRUE(mentions(bad_profile.err, "rfc822"));
}

// --- the binary ------------------------------------------------------------------------------

// Runs the smtpspec binary with `arguments`, each quoted for the shell.
Answer run_binary(const std::vector<std::string>& arguments) {
    std::string quoted;
    for (const auto& argument : arguments) quoted += " '" + argument + "'";
    const auto result = testing::run_command(testing::smtpspec_command(quoted));
    return {result.exit_code, result.out, result.err};
}

TEST(ExplainBinary, ExplainsEverySeedCommand) {
    for (const std::string& command : seed_commands) {
        const Answer answer = run_binary({"explain", command});
        ASSERT_EQ(answer.exit_code, exit_code::ok) << command << ": " << answer.err;
        expect_command_explained(answer.out, command);
    }
}

TEST(ExplainBinary, ExplainsEverySeedCode) {
    for (int code : seed_codes()) {
        const Answer answer = run_binary({"explain", std::to_string(code)});
        ASSERT_EQ(answer.exit_code, exit_code::ok) << code << ": " << answer.err;
        expect_code_explained(answer.out, code);
    }
}

TEST(ExplainBinary, TakesAProfile) {
    const Answer answer = run_binary({"explain", "--profile", "rfc2821", "<greeting>"});
    ASSERT_EQ(answer.exit_code, exit_code::ok) << answer.err;
    EXPECT_TRUE(mentions(answer.out, "rfc2821: own list from RFC 2821 §4.3.2"));
    EXPECT_FALSE(mentions(answer.out, "rfc5321"));
}

TEST(ExplainBinary, ExitsWithUsageForAnUnknownSubject) {
    for (const char* subject : {"FROB", "599"}) {
        const Answer answer = run_binary({"explain", subject});
        EXPECT_EQ(answer.exit_code, exit_code::usage) << subject;
        EXPECT_FALSE(answer.err.empty()) << subject;
    }
}

}  // namespace
}  // namespace smtpspec::cli
