// The verdict engine, one row per rule: every verdict is reached, and each row says why.
#include <gtest/gtest.h>

#include "core/enhanced_code.hpp"
#include "core/evaluator.hpp"

namespace smtpspec {
namespace {

Reply reply(int code, std::vector<std::string> lines = {"ok"}, std::vector<Finding> findings = {}) {
    Reply r;
    r.code = code;
    r.lines = std::move(lines);
    r.findings = std::move(findings);
    return r;
}

std::vector<CodePattern> patterns(std::initializer_list<const char*> texts) {
    std::vector<CodePattern> out;
    for (const char* t : texts) out.push_back(*CodePattern::parse(t));
    return out;
}

struct Row {
    const char* name;
    ReplyExpectation expectation;
    Observation observation;
    SessionFacts facts;
    Verdict verdict;
    const char* rfc_contains;      // "" when the RFC cited does not matter for the row
    const char* detail_contains;   // "" likewise
};

ReplyExpectation on(std::string command, std::vector<CodePattern> pass = {}, std::vector<CodePattern> non_strict = {}) {
    ReplyExpectation e;
    e.command = std::move(command);
    e.pass = std::move(pass);
    e.non_strict = std::move(non_strict);
    return e;
}

ReplyExpectation with_rfc(ReplyExpectation e, std::string doc, std::string section) {
    e.rfc = RfcRef{std::move(doc), std::move(section), RequirementLevel::must};
    return e;
}

SessionFacts facts(Profile p = Profile::rfc5321, std::set<std::string> advertised = {}, std::optional<int> greeting = 220) {
    SessionFacts f;
    f.profile = p;
    f.legality.advertised = std::move(advertised);
    f.legality.greeting_code = greeting;
    return f;
}

Finding finding(FindingKind kind) { return Finding{kind, 0, ""}; }

Reply with_enhanced(int code, std::string text) {
    Reply r = reply(code, {text});
    r.enhanced = parse_enhanced_code(text);
    return r;
}

const std::vector<Row>& rows() {
    static const std::vector<Row> table = {
        {"legal reply passes on the command's table", on("NOOP"), reply(250), facts(), Verdict::pass, "RFC 5321 §4.3.2", ""},
        {"200 in place of 250 to NOOP is nonstandard", on("NOOP"), reply(200), facts(), Verdict::nonstandard, "RFC 876", "stands in for 250"},
        {"200 in place of 250 to RSET is nonstandard", on("RSET"), reply(200), facts(), Verdict::nonstandard, "RFC 876", ""},
        {"200 where 250 would not pass is a violation", on("RCPT", patterns({"503"})), reply(200), facts(), Verdict::violation, "", "nonstandard"},
        {"SEND answered 250 is deprecated", on("SEND"), reply(250), facts(), Verdict::deprecated, "App. F", "obsolete"},
        {"SOML answered 250 is deprecated", on("SOML"), reply(250), facts(), Verdict::deprecated, "", ""},
        {"SAML answered 250 is deprecated", on("SAML"), reply(250), facts(), Verdict::deprecated, "", ""},
        {"TURN answered 250 is deprecated", on("TURN"), reply(250), facts(), Verdict::deprecated, "App. F", ""},
        {"SEND refused with 502 passes", on("SEND"), reply(502), facts(), Verdict::pass, "", ""},
        {"MAIL answered 251 is a violation", on("MAIL"), reply(251), facts(), Verdict::violation, "RFC 5321 §4.3.2", "not a legal reply to MAIL"},
        {"QUIT answered 250 is a violation", on("QUIT"), reply(250), facts(), Verdict::violation, "", "QUIT"},
        {"RCPT before MAIL accepted is unexpected", with_rfc(on("RCPT", patterns({"503"})), "RFC 5321", "3.3"), reply(250), facts(), Verdict::unexpected, "RFC 5321 §3.3", "demands 503"},
        {"RCPT before MAIL refused with 503 passes", with_rfc(on("RCPT", patterns({"503"})), "RFC 5321", "3.3"), reply(503), facts(), Verdict::pass, "RFC 5321 §3.3", ""},
        {"a non-strict code passes with a warning", on("VRFY", patterns({"250", "251", "252"}), patterns({"502"})), reply(502), facts(), Verdict::non_strict, "", "warning"},
        {"a class pattern admits a legal code", on("RCPT", patterns({"5xx"})), reply(550), facts(), Verdict::pass, "", ""},
        {"a class pattern does not bless an undefined code", on("RCPT", patterns({"5xx"})), reply(599), facts(), Verdict::violation, "", "not a reply code any RFC defines"},
        {"an exact pattern is the author's decision", on("AUTH", patterns({"535"})), reply(535), facts(), Verdict::pass, "", ""},
        {"a vendor code is a violation", on("MAIL"), reply(431), facts(), Verdict::violation, "", "vendor"},
        {"a profile's list decides: DATA 451 in rfc2821", on("DATA"), reply(451), facts(Profile::rfc2821), Verdict::pass, "", ""},
        {"a profile's list decides: DATA 451 in rfc5321", on("DATA"), reply(451), facts(Profile::rfc5321), Verdict::violation, "", ""},
        {"554 greeting is legal in rfc5321", on("<greeting>"), reply(554), facts(), Verdict::pass, "", ""},
        {"554 greeting is not in rfc821", on("<greeting>"), reply(554), facts(Profile::rfc821), Verdict::violation, "", ""},
        {"503 after a 554 greeting is legal for NOOP", on("NOOP"), reply(503), facts(Profile::rfc5321, {}, 554), Verdict::pass, "§3.1", ""},
        {"503 to NOOP after a 220 greeting is a violation", on("NOOP"), reply(503), facts(), Verdict::violation, "", ""},
        {"530 to MAIL is legal when AUTH is advertised", on("MAIL"), reply(530), facts(Profile::rfc5321, {"AUTH"}), Verdict::pass, "RFC 4954", ""},
        {"530 to MAIL without AUTH or STARTTLS is a violation", on("MAIL"), reply(530), facts(), Verdict::violation, "", ""},
        {"a reply where none is due is a violation", on("", patterns({"close"})), reply(250), facts(), Verdict::violation, "RFC 5321 §4.2", "none is due"},
        {"a bare-LF line end is a violation", on("NOOP"), reply(250, {"ok"}, {finding(FindingKind::bare_lf)}), facts(), Verdict::violation, "§2.3.8", "bare_lf"},
        {"a missing space after a bare code is a warning", on("NOOP"), reply(250, {""}, {finding(FindingKind::missing_space)}), facts(), Verdict::non_strict, "§4.2", "missing_space"},
        {"a finding does not hide a worse code verdict", on("QUIT"), reply(250, {""}, {finding(FindingKind::missing_space)}), facts(), Verdict::violation, "§4.3.2", "missing_space"},
        {"advertised enhanced codes missing is a violation", on("NOOP"), reply(250, {"ok"}), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::violation, "RFC 2034", ""},
        {"advertised enhanced codes present passes", on("NOOP"), with_enhanced(250, "2.0.0 ok"), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::pass, "", ""},
        {"enhanced class must match the reply", on("RCPT", patterns({"5xx"})), with_enhanced(550, "2.1.5 ok"), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::violation, "RFC 2034", ""},
        {"the greeting is exempt from enhanced codes", on("<greeting>"), reply(220, {"mx.example ESMTP"}), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::pass, "", ""},
        {"3xx replies are exempt from enhanced codes", on("DATA"), reply(354, {"go ahead"}), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::pass, "", ""},
        {"EHLO replies are exempt from enhanced codes", on("EHLO"), reply(250, {"mx.example", "PIPELINING"}), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Verdict::pass, "", ""},
        {"an unreadable reply is malformed", on("NOOP"), Unreadable{ParseError::inconsistent_codes, "250-a\r\n251 b\r\n"}, facts(), Verdict::malformed, "RFC 5321 §4.2", ""},
        {"no reply in time is a timeout", on("NOOP"), TimedOut{2000}, facts(), Verdict::timeout, "", "timeout"},
        {"a timeout can be the point of the step", on("<data-end>", patterns({"timeout"})), TimedOut{2000}, facts(), Verdict::pass, "", ""},
        {"a close mid-session is a disconnection", on("NOOP"), Closed{"end of stream"}, facts(), Verdict::disconnected, "§3.8", ""},
        {"a close can be the point of the step", on("", patterns({"close"})), Closed{"end of stream"}, facts(), Verdict::pass, "", ""},
        {"a close accepted with a warning", on("MAIL", patterns({"503"}), patterns({"close"})), Closed{"end of stream"}, facts(), Verdict::non_strict, "", ""},
    };
    return table;
}

class EvaluatorTable : public ::testing::TestWithParam<std::size_t> {};

TEST_P(EvaluatorTable, GivesTheVerdictTheRuleDemands) {
    const Row& row = rows()[GetParam()];
    const RfcRef scenario_rfc{"RFC 5321", "9.9", RequirementLevel::must};
    const Judgement j = judge(row.expectation, row.observation, row.facts, Registry::builtin(), &scenario_rfc);
    EXPECT_EQ(to_string(j.verdict), to_string(row.verdict)) << row.name << "\n  detail: " << j.detail << "\n  rfc: " << j.rfc;
    EXPECT_NE(j.rfc.find(row.rfc_contains), std::string::npos) << row.name << ": rfc was '" << j.rfc << "'";
    EXPECT_NE(j.detail.find(row.detail_contains), std::string::npos) << row.name << ": detail was '" << j.detail << "'";
    EXPECT_EQ(j.command, row.expectation.command);
    EXPECT_FALSE(j.actual.empty()) << row.name;
}

INSTANTIATE_TEST_SUITE_P(Rules, EvaluatorTable, ::testing::Range<std::size_t>(0, rows().size()));

TEST(Evaluator, ReportsTheLegalSetAndWhatWasExpected) {
    const Judgement j = judge(on("QUIT"), reply(250), facts(), Registry::builtin(), nullptr);
    EXPECT_EQ(j.legal, (std::vector<std::string>{"221", "421", "500", "501"}));
    EXPECT_EQ(j.expected, j.legal);
    EXPECT_EQ(j.actual, "250");
}

TEST(Evaluator, NarrowedExpectationListsItsPatterns) {
    const Judgement j = judge(on("RCPT", patterns({"503"}), patterns({"5xx"})), reply(503), facts(), Registry::builtin(), nullptr);
    EXPECT_EQ(j.expected, (std::vector<std::string>{"503"}));
    EXPECT_EQ(j.non_strict, (std::vector<std::string>{"5xx"}));
}

// The parser's findings and the enhanced-code ones are judged together: both show in the
// detail, and the worst decides.
TEST(Evaluator, ParserAndEnhancedCodeFindingsAreJudgedTogether) {
    const Reply both = reply(250, {"ok"}, {Finding{FindingKind::bare_lf, 0, ""}});
    const Judgement j = judge(on("NOOP"), both, facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Registry::builtin(), nullptr);
    EXPECT_EQ(j.verdict, Verdict::violation);
    EXPECT_NE(j.detail.find(std::string(to_string(FindingKind::bare_lf))), std::string::npos) << j.detail;
    EXPECT_NE(j.detail.find(std::string(to_string(FindingKind::enhanced_missing))), std::string::npos) << j.detail;
    // Each alone is still judged.
    const Judgement parser_only = judge(on("NOOP"), both, facts(), Registry::builtin(), nullptr);
    EXPECT_NE(parser_only.detail.find(std::string(to_string(FindingKind::bare_lf))), std::string::npos);
    EXPECT_EQ(parser_only.detail.find(std::string(to_string(FindingKind::enhanced_missing))), std::string::npos);
    const Judgement enhanced_only =
        judge(on("NOOP"), reply(250), facts(Profile::rfc5321, {"ENHANCEDSTATUSCODES"}), Registry::builtin(), nullptr);
    EXPECT_NE(enhanced_only.detail.find(std::string(to_string(FindingKind::enhanced_missing))), std::string::npos);
}

TEST(Evaluator, TheEnhancedCodeReadsClassSubjectDetail) {
    EXPECT_EQ((EnhancedCode{5, 7, 1}.text()), "5.7.1");
    EXPECT_EQ((EnhancedCode{2, 0, 0}.text()), "2.0.0");
    EXPECT_EQ((EnhancedCode{4, 123, 999}.text()), "4.123.999");
}

TEST(Evaluator, ActualShowsTheEnhancedCode) {
    const Judgement j = judge(on("NOOP"), with_enhanced(250, "2.0.0 ok"), facts(), Registry::builtin(), nullptr);
    EXPECT_EQ(j.actual, "250 2.0.0");
}

TEST(Evaluator, NarrowedStepWithoutItsOwnRfcCitesTheScenario) {
    const RfcRef scenario_rfc{"RFC 5321", "4.1.1.5", RequirementLevel::must};
    const Judgement j = judge(on("RSET", patterns({"250"})), reply(250), facts(), Registry::builtin(), &scenario_rfc);
    EXPECT_EQ(j.rfc, "RFC 5321 §4.1.1.5");
}

TEST(Evaluator, UnimplementedAndSkippedAreNotJudgedAgainstReplies) {
    EXPECT_EQ(judge_unimplemented({"CHUNKING"}).verdict, Verdict::unimplemented);
    EXPECT_NE(judge_unimplemented({"CHUNKING"}).detail.find("CHUNKING"), std::string::npos);
    EXPECT_EQ(judge_skipped("after a timeout").verdict, Verdict::skipped);
}

}  // namespace
}  // namespace smtpspec
