#include "core/expectation.hpp"

#include <gtest/gtest.h>

namespace smtpspec {
namespace {

struct PatternCase {
    const char* text;
    CodePattern::Kind kind;
};

class ValidPattern : public testing::TestWithParam<PatternCase> {};

TEST_P(ValidPattern, ParsesWithItsKindAndKeepsItsText) {
    const auto pattern = CodePattern::parse(GetParam().text);
    ASSERT_TRUE(pattern.has_value());
    EXPECT_EQ(pattern->kind(), GetParam().kind);
    EXPECT_EQ(pattern->text(), GetParam().text);
    EXPECT_EQ(pattern->is_exact(), GetParam().kind == CodePattern::Kind::code);
}

INSTANTIATE_TEST_SUITE_P(Patterns, ValidPattern,
                         testing::Values(PatternCase{"250", CodePattern::Kind::code},
                                         PatternCase{"200", CodePattern::Kind::code},
                                         PatternCase{"559", CodePattern::Kind::code},
                                         PatternCase{"5xx", CodePattern::Kind::code_class},
                                         PatternCase{"2xx", CodePattern::Kind::code_class},
                                         PatternCase{"55x", CodePattern::Kind::code_class},
                                         PatternCase{"close", CodePattern::Kind::close},
                                         PatternCase{"timeout", CodePattern::Kind::timeout}));

class InvalidPattern : public testing::TestWithParam<const char*> {};

TEST_P(InvalidPattern, IsRefused) { EXPECT_FALSE(CodePattern::parse(GetParam()).has_value()); }

INSTANTIATE_TEST_SUITE_P(Patterns, InvalidPattern,
                         testing::Values("", "25", "2500", "abc", "150",   // first digit outside 2-5
                                         "260",                             // second digit outside 0-5
                                         "6xx", "5x0", "x50", "5XX",        // classes are written lower case
                                         "Close", "closed", " 250", "250 "));

struct MatchCase {
    const char* pattern;
    int code;
    bool matches;
};

class PatternMatch : public testing::TestWithParam<MatchCase> {};

TEST_P(PatternMatch, MatchesCodesOfItsClass) {
    const auto pattern = CodePattern::parse(GetParam().pattern);
    ASSERT_TRUE(pattern.has_value());
    EXPECT_EQ(pattern->matches(GetParam().code), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(Patterns, PatternMatch,
                         testing::Values(MatchCase{"250", 250, true}, MatchCase{"250", 251, false},
                                         MatchCase{"5xx", 503, true}, MatchCase{"5xx", 554, true},
                                         MatchCase{"5xx", 421, false}, MatchCase{"55x", 554, true},
                                         MatchCase{"55x", 503, false}, MatchCase{"2xx", 252, true},
                                         MatchCase{"close", 221, false}, MatchCase{"timeout", 421, false}));

TEST(CodePatternExact, IsTheCodeItself) {
    const CodePattern pattern = CodePattern::exact(503);
    EXPECT_EQ(pattern.text(), "503");
    EXPECT_TRUE(pattern.is_exact());
    EXPECT_TRUE(pattern.matches(503));
    EXPECT_EQ(pattern, *CodePattern::parse("503"));
}

TEST(CodePatternEquality, ComparesCanonicalText) {
    EXPECT_EQ(*CodePattern::parse("5xx"), *CodePattern::parse("5xx"));
    EXPECT_FALSE(*CodePattern::parse("5xx") == *CodePattern::parse("55x"));
}

TEST(RfcRefText, PutsTheSectionSignBeforeNumberedSectionsOnly) {
    EXPECT_EQ((RfcRef{"RFC 5321", "4.1.1.3", RequirementLevel::must}.text()), "RFC 5321 §4.1.1.3");
    EXPECT_EQ((RfcRef{"RFC 5321", "App. F.6", RequirementLevel::may}.text()), "RFC 5321 App. F.6");
}

struct LevelCase {
    const char* text;
    RequirementLevel level;
};

class Level : public testing::TestWithParam<LevelCase> {};

TEST_P(Level, RoundTrips) {
    EXPECT_EQ(to_string(GetParam().level), GetParam().text);
    EXPECT_EQ(parse_level(GetParam().text), GetParam().level);
}

INSTANTIATE_TEST_SUITE_P(Levels, Level,
                         testing::Values(LevelCase{"MUST", RequirementLevel::must},
                                         LevelCase{"SHOULD", RequirementLevel::should},
                                         LevelCase{"MAY", RequirementLevel::may}));

TEST(ParseLevel, RefusesOtherSpellings) {
    for (const char* text : {"must", "MUST NOT", "SHOULD NOT", "REQUIRED", ""}) {
        EXPECT_FALSE(parse_level(text).has_value()) << text;
    }
}

TEST(ReplyExpectation, IsNarrowedOnlyWithPassCodes) {
    ReplyExpectation expectation;
    expectation.command = "RCPT";
    EXPECT_FALSE(expectation.narrowed());
    expectation.pass.push_back(CodePattern::exact(503));
    EXPECT_TRUE(expectation.narrowed());
}

}  // namespace
}  // namespace smtpspec
