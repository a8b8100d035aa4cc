// Enhanced status codes: the RFC 3463 §2 syntax and the RFC 2034 §3-§4 rules.
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/enhanced_code.hpp"
#include "core/reply_parser.hpp"

namespace smtpspec {

void PrintTo(const EnhancedCode& c, std::ostream* os) { *os << c.text(); }
void PrintTo(const Finding& f, std::ostream* os) {
    *os << to_string(f.kind) << "@" << f.line << " (" << f.detail << ")";
}

namespace {

// ---------------------------------------------------------------------------------------------
// parse_enhanced_code

struct ParseCase {
    std::string name;
    std::string text;
    std::optional<EnhancedCode> expected;
};

void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

const std::vector<ParseCase> parse_cases = {
    {"success", "2.0.0", EnhancedCode{2, 0, 0}},
    {"followed_by_text", "5.1.1 User unknown", EnhancedCode{5, 1, 1}},
    {"followed_by_space_only", "4.7.0 ", EnhancedCode{4, 7, 0}},
    {"followed_by_two_spaces", "4.4.1  later", EnhancedCode{4, 4, 1}},
    {"three_digit_subject_and_detail", "5.999.100 x", EnhancedCode{5, 999, 100}},
    {"two_digit_detail", "5.7.27 null MX", EnhancedCode{5, 7, 27}},
    {"detail_ten", "5.1.10", EnhancedCode{5, 1, 10}},
    {"empty", "", std::nullopt},
    {"plain_text", "OK", std::nullopt},
    {"class_3", "3.0.0 x", std::nullopt},
    {"class_1", "1.0.0 x", std::nullopt},
    {"class_6", "6.0.0 x", std::nullopt},
    {"class_0", "0.1.1 x", std::nullopt},
    {"two_digit_class", "25.1.1 x", std::nullopt},
    {"leading_zero_subject", "5.05.1 x", std::nullopt},
    {"leading_zero_detail", "5.1.01 x", std::nullopt},
    {"double_zero_subject", "5.00.0 x", std::nullopt},
    {"four_digit_detail", "5.1.1000 x", std::nullopt},
    {"four_digit_subject", "5.1000.1 x", std::nullopt},
    {"empty_subject", "5..1 x", std::nullopt},
    {"empty_detail", "5.1. x", std::nullopt},
    {"missing_detail", "5.1", std::nullopt},
    {"missing_dot", "5 1 1", std::nullopt},
    {"dashes", "5-1-1 x", std::nullopt},
    {"letter_in_subject", "5.a.1 x", std::nullopt},
    {"letter_after_detail", "5.1.1x", std::nullopt},
    {"dot_after_detail", "5.1.1. x", std::nullopt},
    {"tab_after_detail", "5.1.1\tx", std::nullopt},
    {"leading_space", " 5.1.1 x", std::nullopt},
};

class ParseEnhancedCode : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseEnhancedCode, FollowsRfc3463Syntax) {
    EXPECT_EQ(parse_enhanced_code(GetParam().text), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseEnhancedCode, testing::ValuesIn(parse_cases),
                         [](const testing::TestParamInfo<ParseCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// check_enhanced_codes

using FindingAt = std::pair<FindingKind, std::size_t>;

Reply make_reply(int code, std::vector<std::string> lines) {
    Reply reply;
    reply.code = code;
    reply.lines = std::move(lines);
    if (!reply.lines.empty()) reply.enhanced = parse_enhanced_code(reply.lines.front());
    return reply;
}

std::vector<FindingAt> kinds_and_lines(const std::vector<Finding>& findings) {
    std::vector<FindingAt> out;
    for (const auto& f : findings) out.emplace_back(f.kind, f.line);
    return out;
}

struct CheckCase {
    std::string name;
    Reply reply;
    ReplyContext context;
    bool advertised;
    std::vector<FindingAt> expected;
};

void PrintTo(const CheckCase& c, std::ostream* os) { *os << c.name; }

const std::vector<CheckCase> check_cases = {
    // Exemptions (RFC 2034 §3(4), §4): nothing is reported, however wrong the codes are.
    {"greeting_exempt", make_reply(220, {"mx.example.com ESMTP"}), ReplyContext::greeting, true, {}},
    {"greeting_exempt_even_when_wrong", make_reply(220, {"5.0.0 mx", "2.0.0 ready"}), ReplyContext::greeting,
     true, {}},
    {"ehlo_reply_exempt", make_reply(250, {"mx.example.com", "ENHANCEDSTATUSCODES"}), ReplyContext::helo_ehlo,
     true, {}},
    {"ehlo_failure_exempt", make_reply(550, {"4.0.0 no"}), ReplyContext::helo_ehlo, true, {}},
    {"data_354_exempt", make_reply(354, {"Start mail input"}), ReplyContext::other, true, {}},
    {"auth_334_exempt", make_reply(334, {""}), ReplyContext::other, true, {}},
    {"3xx_exempt_even_when_wrong", make_reply(354, {"2.0.0 go"}), ReplyContext::other, true, {}},
    // Present and right.
    {"matching_code", make_reply(250, {"2.1.0 Sender OK"}), ReplyContext::other, true, {}},
    {"matching_temporary", make_reply(451, {"4.3.0 try later"}), ReplyContext::other, true, {}},
    {"consistent_multiline", make_reply(550, {"5.1.1 no such user", "5.1.1 really"}), ReplyContext::other,
     true, {}},
    // enhanced_missing: only when advertised, one per line.
    {"missing_when_advertised", make_reply(250, {"OK"}), ReplyContext::other, true,
     {{FindingKind::enhanced_missing, 0}}},
    {"missing_not_advertised", make_reply(250, {"OK"}), ReplyContext::other, false, {}},
    {"missing_on_second_line", make_reply(250, {"2.0.0 a", "b"}), ReplyContext::other, true,
     {{FindingKind::enhanced_missing, 1}}},
    {"missing_on_every_line", make_reply(550, {"a", "b", "c"}), ReplyContext::other, true,
     {{FindingKind::enhanced_missing, 0}, {FindingKind::enhanced_missing, 1}, {FindingKind::enhanced_missing, 2}}},
    {"malformed_code_counts_as_missing", make_reply(550, {"5.01.1 x"}), ReplyContext::other, true,
     {{FindingKind::enhanced_missing, 0}}},
    {"partial_presence_not_advertised", make_reply(250, {"2.0.0 a", "b"}), ReplyContext::other, false, {}},
    // enhanced_class_mismatch: whenever a code is present.
    {"class_mismatch", make_reply(250, {"5.0.0 odd"}), ReplyContext::other, true,
     {{FindingKind::enhanced_class_mismatch, 0}}},
    {"class_mismatch_not_advertised", make_reply(550, {"2.1.1 odd"}), ReplyContext::other, false,
     {{FindingKind::enhanced_class_mismatch, 0}}},
    {"class_mismatch_temporary_vs_permanent", make_reply(450, {"5.2.1 busy"}), ReplyContext::other, true,
     {{FindingKind::enhanced_class_mismatch, 0}}},
    // enhanced_inconsistent: lines that begin with different codes.
    {"inconsistent_detail", make_reply(550, {"5.1.1 a", "5.1.2 b"}), ReplyContext::other, true,
     {{FindingKind::enhanced_inconsistent, 1}}},
    {"inconsistent_against_first_code", make_reply(550, {"5.1.1 a", "5.1.1 b", "5.7.1 c"}),
     ReplyContext::other, false, {{FindingKind::enhanced_inconsistent, 2}}},
    {"inconsistent_and_mismatched", make_reply(250, {"2.0.0 a", "4.0.0 b"}), ReplyContext::other, true,
     {{FindingKind::enhanced_class_mismatch, 1}, {FindingKind::enhanced_inconsistent, 1}}},
    {"inconsistent_after_missing_line", make_reply(250, {"a", "2.0.0 b", "2.1.0 c"}), ReplyContext::other, true,
     {{FindingKind::enhanced_missing, 0}, {FindingKind::enhanced_inconsistent, 2}}},
};

class CheckEnhancedCodes : public testing::TestWithParam<CheckCase> {};

TEST_P(CheckEnhancedCodes, FollowsRfc2034) {
    const CheckCase& c = GetParam();
    EXPECT_EQ(kinds_and_lines(check_enhanced_codes(c.reply, c.context, c.advertised)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, CheckEnhancedCodes, testing::ValuesIn(check_cases),
                         [](const testing::TestParamInfo<CheckCase>& param_info) { return param_info.param.name; });

TEST(CheckEnhancedCodesDetail, NamesTheCodesInvolved) {
    const auto mismatch = check_enhanced_codes(make_reply(250, {"5.0.0 x"}), ReplyContext::other, true);
    ASSERT_EQ(mismatch.size(), 1u);
    EXPECT_EQ(mismatch[0].detail, "5.0.0 in a 250 reply");

    const auto inconsistent =
        check_enhanced_codes(make_reply(550, {"5.1.1 a", "5.1.2 b"}), ReplyContext::other, true);
    ASSERT_EQ(inconsistent.size(), 1u);
    EXPECT_EQ(inconsistent[0].detail, "5.1.2 differs from 5.1.1 on line 0");

    const auto missing = check_enhanced_codes(make_reply(250, {"OK"}), ReplyContext::other, true);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_FALSE(missing[0].detail.empty());
}

TEST(CheckEnhancedCodesDetail, FindingsAreMustLevel) {
    const auto findings =
        check_enhanced_codes(make_reply(250, {"a", "5.0.0 b", "5.1.0 c"}), ReplyContext::other, true);
    ASSERT_EQ(findings.size(), 4u);
    for (const Finding& f : findings) EXPECT_EQ(level_of(f.kind), RequirementLevel::must) << to_string(f.kind);
}

// The parser's reply feeds the check directly: lines hold the text after "NNN-"/"NNN ".
TEST(CheckEnhancedCodesDetail, WorksOnAParsedReply) {
    ReplyParser parser;
    ASSERT_EQ(parser.feed("550-5.1.1 The email account that you tried to reach\r\n"
                          "550 5.1.1 does not exist.\r\n")
                  .status,
              ParseStatus::complete);
    const Reply good = parser.take_reply();
    EXPECT_EQ(good.enhanced, (EnhancedCode{5, 1, 1}));
    EXPECT_TRUE(check_enhanced_codes(good, ReplyContext::other, true).empty());

    ASSERT_EQ(parser.feed("250-2.0.0 a\r\n250 b\r\n").status, ParseStatus::complete);
    EXPECT_EQ(kinds_and_lines(check_enhanced_codes(parser.take_reply(), ReplyContext::other, true)),
              (std::vector<FindingAt>{{FindingKind::enhanced_missing, 1}}));
}

}  // namespace
}  // namespace smtpspec
