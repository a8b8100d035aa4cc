// Table-driven tests of the incremental reply parser. Every vector is fed whole, split in two at
// every offset, and one octet at a time; all three must give the same outcome.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/reply_parser.hpp"

using namespace std::string_literals;

namespace smtpspec {

// gtest prints these on a mismatch; found by argument-dependent lookup.
void PrintTo(const Finding& f, std::ostream* os) {
    *os << to_string(f.kind) << "@" << f.line << " (" << f.detail << ")";
}
void PrintTo(const Reply& r, std::ostream* os) {
    *os << "Reply{code=" << r.code << ", enhanced=" << (r.enhanced ? r.enhanced->text() : "none")
        << ", lines=" << r.lines.size() << ", raw=" << testing::PrintToString(r.raw) << ", findings=[";
    for (const auto& f : r.findings) PrintTo(f, os), *os << " ";
    *os << "]}";
}
void PrintTo(ParseError e, std::ostream* os) { *os << to_string(e); }
void PrintTo(ParseStatus s, std::ostream* os) {
    *os << (s == ParseStatus::need_more ? "need_more" : s == ParseStatus::complete ? "complete" : "malformed");
}

namespace {

using FindingAt = std::pair<FindingKind, std::size_t>;

std::vector<FindingAt> kinds_and_lines(const Reply& reply) {
    std::vector<FindingAt> out;
    for (const auto& f : reply.findings) out.emplace_back(f.kind, f.line);
    return out;
}

// What a whole run of the parser produced: the replies taken, then where it stopped.
struct Outcome {
    std::vector<Reply> replies;
    ParseStatus status = ParseStatus::need_more;
    ParseError error = ParseError::none;
    std::string pending;
    friend bool operator==(const Outcome&, const Outcome&) = default;
};

void PrintTo(const Outcome& o, std::ostream* os) {
    *os << "Outcome{replies=[";
    for (const auto& r : o.replies) PrintTo(r, os), *os << " ";
    *os << "], status=";
    PrintTo(o.status, os);
    *os << ", error=" << to_string(o.error) << ", pending=" << testing::PrintToString(o.pending) << "}";
}

// Feeds the chunks in order the way a session would: takes each complete reply and feeds the
// rest of the chunk again; at the end signals end of input. Checks on the way that every
// consumed octet, and only those, lands in pending_raw().
Outcome run(const std::vector<std::string_view>& chunks, ParserLimits limits = {}) {
    ReplyParser parser(limits);
    Outcome out;
    for (std::string_view chunk : chunks) {
        bool first_feed = true;
        while ((first_feed || !chunk.empty()) && parser.status() == ParseStatus::need_more) {
            first_feed = false;
            const std::string before(parser.pending_raw());
            const FeedResult result = parser.feed(chunk);
            EXPECT_LE(result.consumed, chunk.size());
            EXPECT_EQ(result.status, parser.status());
            EXPECT_EQ(parser.pending_raw(), before + std::string(chunk.substr(0, result.consumed)));
            chunk.remove_prefix(result.consumed);
            if (result.status == ParseStatus::complete) {
                out.replies.push_back(parser.take_reply());
            } else if (result.status == ParseStatus::need_more) {
                EXPECT_TRUE(chunk.empty()) << "need_more with input left over";
                break;
            }
        }
        if (parser.status() == ParseStatus::malformed) break;
    }
    if (parser.end_of_input() == ParseStatus::complete) out.replies.push_back(parser.take_reply());
    out.status = parser.status();
    out.error = parser.error();
    out.pending = std::string(parser.pending_raw());
    return out;
}

// Runs the input whole, split at every offset and octet by octet; expects one outcome from all.
Outcome run_every_way(std::string_view input, ParserLimits limits = {}) {
    const Outcome whole = run({input}, limits);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        EXPECT_EQ(run({input.substr(0, cut), input.substr(cut)}, limits), whole) << "split at " << cut;
    }
    std::vector<std::string_view> octets;
    for (std::size_t i = 0; i < input.size(); ++i) octets.push_back(input.substr(i, 1));
    EXPECT_EQ(run(octets, limits), whole) << "one octet at a time";
    return whole;
}

// ---------------------------------------------------------------------------------------------
// Valid replies

struct ValidCase {
    std::string name;
    std::string input;
    int code;
    std::vector<std::string> lines;
    std::optional<EnhancedCode> enhanced;
    std::vector<FindingAt> findings;
    ParserLimits limits{};
};

void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.name; }

std::string text_line(std::size_t octets_with_crlf) {
    return "250 " + std::string(octets_with_crlf - 6, 'x') + "\r\n";
}

const std::vector<ValidCase> valid_cases = {
    {"single_line", "250 OK\r\n", 250, {"OK"}, std::nullopt, {}},
    {"multiline_ehlo",
     "250-mail.example.com Hello\r\n250-SIZE 1000000\r\n250-PIPELINING\r\n250 HELP\r\n",
     250, {"mail.example.com Hello", "SIZE 1000000", "PIPELINING", "HELP"}, std::nullopt, {}},
    {"bare_code", "250\r\n", 250, {""}, std::nullopt, {{FindingKind::missing_space, 0}}},
    {"bare_code_ends_multiline", "250-a\r\n250\r\n", 250, {"a", ""}, std::nullopt,
     {{FindingKind::missing_space, 1}}},
    {"code_with_space_and_no_text", "250 \r\n", 250, {""}, std::nullopt, {}},
    {"trailing_space_kept", "250 ok \r\n", 250, {"ok "}, std::nullopt, {}},
    {"continuation_with_empty_text", "250-\r\n250 done\r\n", 250, {"", "done"}, std::nullopt, {}},
    {"tabs_in_text", "250 a\tb\t\r\n", 250, {"a\tb\t"}, std::nullopt, {}},
    {"lowest_and_highest_codes_2", "200 x\r\n", 200, {"x"}, std::nullopt, {}},
    {"lowest_and_highest_codes_5", "559 x\r\n", 559, {"x"}, std::nullopt, {}},
    {"intermediate_354", "354 End data with <CR><LF>.<CR><LF>\r\n", 354,
     {"End data with <CR><LF>.<CR><LF>"}, std::nullopt, {}},
    {"bare_lf", "250 ok\n", 250, {"ok"}, std::nullopt, {{FindingKind::bare_lf, 0}}},
    {"bare_lf_on_continuation", "250-a\n250 b\r\n", 250, {"a", "b"}, std::nullopt,
     {{FindingKind::bare_lf, 0}}},
    {"bare_cr_on_continuation", "250-a\r250 b\r\n", 250, {"a", "b"}, std::nullopt,
     {{FindingKind::bare_cr, 0}}},
    {"bare_cr_at_end_of_input", "250 ok\r", 250, {"ok"}, std::nullopt, {{FindingKind::bare_cr, 0}}},
    {"nul_in_text", "250 abcd\0efg\r\n"s, 250, {"abcd\0efg"s}, std::nullopt,
     {{FindingKind::invalid_text_octet, 0}}},
    {"eight_bit_text", "250 caf\xC3\xA9\r\n", 250, {"caf\xC3\xA9"}, std::nullopt,
     {{FindingKind::invalid_text_octet, 0}}},
    {"del_in_text", "250 a\x7F\r\n", 250, {"a\x7F"}, std::nullopt, {{FindingKind::invalid_text_octet, 0}}},
    {"one_finding_for_many_bad_octets", "250-ok\r\n250 a\x01 b\x02\x1B\r\n", 250, {"ok", "a\x01 b\x02\x1B"},
     std::nullopt, {{FindingKind::invalid_text_octet, 1}}},
    {"line_of_512_octets", text_line(512), 250, {std::string(506, 'x')}, std::nullopt, {}},
    {"line_of_513_octets", text_line(513), 250, {std::string(507, 'x')}, std::nullopt,
     {{FindingKind::line_over_512, 0}}},
    {"bare_lf_line_of_512_octets", "250 " + std::string(507, 'x') + "\n", 250, {std::string(507, 'x')},
     std::nullopt, {{FindingKind::bare_lf, 0}}},
    {"long_second_line", "250-a\r\n" + text_line(600), 250, {"a", std::string(594, 'x')}, std::nullopt,
     {{FindingKind::line_over_512, 1}}},
    {"findings_combine", "250-a\0\n250\r"s, 250, {"a\0"s, ""}, std::nullopt,
     {{FindingKind::bare_lf, 0}, {FindingKind::invalid_text_octet, 0},
      {FindingKind::bare_cr, 1}, {FindingKind::missing_space, 1}}},
    {"enhanced_code", "550 5.1.1 No such user\r\n", 550, {"5.1.1 No such user"}, EnhancedCode{5, 1, 1}, {}},
    {"enhanced_code_alone", "250 2.0.0\r\n", 250, {"2.0.0"}, EnhancedCode{2, 0, 0}, {}},
    {"enhanced_code_from_first_line", "250-2.1.0 a\r\n250 2.1.5 b\r\n", 250, {"2.1.0 a", "2.1.5 b"},
     EnhancedCode{2, 1, 0}, {}},
    {"enhanced_code_only_on_later_line", "250-a\r\n250 2.1.5 b\r\n", 250, {"a", "2.1.5 b"}, std::nullopt, {}},
    {"leading_zero_is_no_enhanced_code", "550 5.05.1 x\r\n", 550, {"5.05.1 x"}, std::nullopt, {}},
    {"line_exactly_at_cap", "250 abcd\r\n", 250, {"abcd"}, std::nullopt, {}, ParserLimits{8, 1024, 16}},
    {"reply_exactly_at_octet_cap", "250-aa\r\n250 bb\r\n", 250, {"aa", "bb"}, std::nullopt, {},
     ParserLimits{64, 16, 16}},
    {"reply_exactly_at_line_cap", "250-a\r\n250 b\r\n", 250, {"a", "b"}, std::nullopt, {},
     ParserLimits{64, 1024, 2}},
};

class ValidReply : public testing::TestWithParam<ValidCase> {};

TEST_P(ValidReply, IsReadTheSameHoweverSplit) {
    const ValidCase& c = GetParam();
    const Outcome outcome = run_every_way(c.input, c.limits);
    EXPECT_EQ(outcome.status, ParseStatus::need_more);
    EXPECT_EQ(outcome.error, ParseError::none);
    EXPECT_EQ(outcome.pending, "");
    ASSERT_EQ(outcome.replies.size(), 1u);
    const Reply& reply = outcome.replies.front();
    EXPECT_EQ(reply.code, c.code);
    EXPECT_EQ(reply.lines, c.lines);
    EXPECT_EQ(reply.enhanced, c.enhanced);
    EXPECT_EQ(kinds_and_lines(reply), c.findings);
    EXPECT_EQ(reply.raw, c.input);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidReply, testing::ValuesIn(valid_cases),
                         [](const testing::TestParamInfo<ValidCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Malformed replies

struct InvalidCase {
    std::string name;
    std::string input;
    ParseError error;
    std::string pending;  // what was read when the error became certain
    ParserLimits limits{};
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

const std::vector<InvalidCase> invalid_cases = {
    {"empty_line", "\r\n", ParseError::bad_code, "\r\n"},
    {"lone_lf", "\n", ParseError::bad_code, "\n"},
    {"two_digit_code", "25\r\n", ParseError::bad_code, "25\r\n"},
    {"two_digit_code_then_bare_cr", "25\r", ParseError::bad_code, "25\r"},
    {"letters", "abc def\r\n", ParseError::bad_code, "abc "},
    {"http_reply", "HTTP/1.1 400 Bad Request\r\n", ParseError::bad_code, "HTTP"},
    {"letter_in_code", "2x0 ok\r\n", ParseError::bad_code, "2x0 "},
    {"four_digit_code", "2500 ok\r\n", ParseError::bad_code, "2500"},
    {"leading_space", " 250 ok\r\n", ParseError::bad_code, " 250"},
    {"nul_in_code", "25\0 ok\r\n"s, ParseError::bad_code, "25\0 "s},
    {"first_digit_1", "150 ok\r\n", ParseError::bad_first_digit, "150 "},
    {"first_digit_6", "650 ok\r\n", ParseError::bad_first_digit, "650 "},
    {"first_digit_0_bare", "050\r\n", ParseError::bad_first_digit, "050\r\n"},
    {"second_digit_6", "260 ok\r\n", ParseError::bad_second_digit, "260 "},
    {"second_digit_9_bare", "590\n", ParseError::bad_second_digit, "590\n"},
    {"no_separator", "250text\r\n", ParseError::missing_separator, "250t"},
    {"tab_as_separator", "250\tok\r\n", ParseError::missing_separator, "250\t"},
    {"underscore_as_separator", "250_ok\r\n", ParseError::missing_separator, "250_"},
    {"different_second_code", "250-a\r\n251 b\r\n", ParseError::inconsistent_codes, "250-a\r\n251 "},
    {"different_class_in_middle", "250-a\r\n550-b\r\n250 c\r\n", ParseError::inconsistent_codes,
     "250-a\r\n550-"},
    {"different_bare_code", "250-a\r\n251\r\n", ParseError::inconsistent_codes, "250-a\r\n251\r\n"},
    {"bad_code_on_second_line", "250-a\r\n25x b\r\n", ParseError::bad_code, "250-a\r\n25x "},
    {"empty_second_line", "250-a\r\n\r\n", ParseError::bad_code, "250-a\r\n\r\n"},
    {"line_over_cap", "250 abcdefgh\r\n", ParseError::line_too_long, "250 abcd", ParserLimits{8, 1024, 16}},
    {"line_cap_inside_code", "250 x\r\n", ParseError::line_too_long, "25", ParserLimits{2, 1024, 16}},
    {"reply_over_octet_cap", "250-aaaa\r\n250 bbbb\r\n", ParseError::reply_too_long, "250-aaaa\r\n250 bb",
     ParserLimits{64, 16, 16}},
    {"reply_cap_reached_before_lf", "250-aa\r\n250 bb\r\n", ParseError::reply_too_long, "250-aa\r\n250 bb\r",
     ParserLimits{64, 15, 16}},
    {"reply_cap_reached_in_code", "250-aa\r\n250 bb\r\n", ParseError::reply_too_long, "250-aa\r\n25",
     ParserLimits{64, 10, 16}},
    {"reply_over_line_count_cap", "250-a\r\n250-b\r\n250 c\r\n", ParseError::reply_too_long,
     "250-a\r\n250-b\r\n", ParserLimits{64, 1024, 2}},
};

class InvalidReply : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidReply, IsRejectedTheSameHoweverSplit) {
    const InvalidCase& c = GetParam();
    const Outcome outcome = run_every_way(c.input, c.limits);
    EXPECT_TRUE(outcome.replies.empty());
    EXPECT_EQ(outcome.status, ParseStatus::malformed);
    EXPECT_EQ(outcome.error, c.error);
    EXPECT_EQ(outcome.pending, c.pending);
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidReply, testing::ValuesIn(invalid_cases),
                         [](const testing::TestParamInfo<InvalidCase>& param_info) { return param_info.param.name; });

// ---------------------------------------------------------------------------------------------
// Several replies in one stream

TEST(ReplyParserStream, TakesPipelinedRepliesOneByOne) {
    const std::string input = "250-a\r\n250 b\r\n354 go ahead\r\n550 5.1.1 unknown\n221 bye\r\n";
    const Outcome outcome = run_every_way(input);
    EXPECT_EQ(outcome.status, ParseStatus::need_more);
    ASSERT_EQ(outcome.replies.size(), 4u);
    EXPECT_EQ(outcome.replies[0].code, 250);
    EXPECT_EQ(outcome.replies[0].lines, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(outcome.replies[0].raw, "250-a\r\n250 b\r\n");
    EXPECT_EQ(outcome.replies[1].code, 354);
    EXPECT_EQ(outcome.replies[1].raw, "354 go ahead\r\n");
    EXPECT_EQ(outcome.replies[2].code, 550);
    EXPECT_EQ(outcome.replies[2].enhanced, (EnhancedCode{5, 1, 1}));
    EXPECT_EQ(kinds_and_lines(outcome.replies[2]), (std::vector<FindingAt>{{FindingKind::bare_lf, 0}}));
    EXPECT_EQ(outcome.replies[3].code, 221);
    EXPECT_TRUE(outcome.replies[3].findings.empty());
}

TEST(ReplyParserStream, FeedStopsAtTheEndOfOneReply) {
    ReplyParser parser;
    const std::string_view input = "250 one\r\n250 two\r\n";
    const FeedResult first = parser.feed(input);
    EXPECT_EQ(first.status, ParseStatus::complete);
    EXPECT_EQ(first.consumed, 9u);
    EXPECT_EQ(parser.take_reply().lines, std::vector<std::string>{"one"});
    const FeedResult second = parser.feed(input.substr(first.consumed));
    EXPECT_EQ(second.status, ParseStatus::complete);
    EXPECT_EQ(second.consumed, 9u);
    EXPECT_EQ(parser.take_reply().lines, std::vector<std::string>{"two"});
}

TEST(ReplyParserStream, BareCrEndsAReplyBeforeTheNextOne) {
    const Outcome outcome = run_every_way("250 a\r354 b\r\n");
    ASSERT_EQ(outcome.replies.size(), 2u);
    EXPECT_EQ(outcome.replies[0].raw, "250 a\r");
    EXPECT_TRUE(outcome.replies[0].has(FindingKind::bare_cr));
    EXPECT_EQ(outcome.replies[1].raw, "354 b\r\n");
    EXPECT_FALSE(outcome.replies[1].has(FindingKind::bare_cr));
}

TEST(ReplyParserStream, CrCrLfIsABareCrThenAnEmptyLine) {
    const Outcome outcome = run_every_way("250 ok\r\r\n");
    ASSERT_EQ(outcome.replies.size(), 1u);
    EXPECT_TRUE(outcome.replies[0].has(FindingKind::bare_cr));
    EXPECT_EQ(outcome.status, ParseStatus::malformed);
    EXPECT_EQ(outcome.error, ParseError::bad_code);
    EXPECT_EQ(outcome.pending, "\r\n");
}

TEST(ReplyParserStream, ReplyAfterAMalformedOneNeedsReset) {
    ReplyParser parser;
    EXPECT_EQ(parser.feed("999 no\r\n").status, ParseStatus::malformed);
    const FeedResult stuck = parser.feed("250 ok\r\n");
    EXPECT_EQ(stuck.status, ParseStatus::malformed);
    EXPECT_EQ(stuck.consumed, 0u);
    EXPECT_EQ(parser.error(), ParseError::bad_first_digit);
    EXPECT_EQ(parser.pending_raw(), "999 ");

    parser.reset();
    EXPECT_EQ(parser.status(), ParseStatus::need_more);
    EXPECT_EQ(parser.error(), ParseError::none);
    EXPECT_EQ(parser.pending_raw(), "");
    EXPECT_EQ(parser.feed("250 ok\r\n").status, ParseStatus::complete);
    EXPECT_EQ(parser.take_reply().code, 250);
}

TEST(ReplyParserStream, FeedingACompleteParserConsumesNothing) {
    ReplyParser parser;
    ASSERT_EQ(parser.feed("250 a\r\n").status, ParseStatus::complete);
    const FeedResult again = parser.feed("250 b\r\n");
    EXPECT_EQ(again.status, ParseStatus::complete);
    EXPECT_EQ(again.consumed, 0u);
    EXPECT_EQ(parser.take_reply().lines, std::vector<std::string>{"a"});
    EXPECT_EQ(parser.status(), ParseStatus::need_more);
}

TEST(ReplyParserStream, TakeReplyBeforeCompleteChangesNothing) {
    ReplyParser parser;
    parser.feed("250-a\r\n250 b");
    EXPECT_EQ(parser.take_reply(), Reply{});
    EXPECT_EQ(parser.pending_raw(), "250-a\r\n250 b");
    EXPECT_EQ(parser.pending_lines(), 1u);
    EXPECT_EQ(parser.feed("\r\n").status, ParseStatus::complete);
    EXPECT_EQ(parser.take_reply().lines, (std::vector<std::string>{"a", "b"}));
}

TEST(ReplyParserStream, EndOfInputLeavesAnUnfinishedLineUnfinished) {
    ReplyParser parser;
    parser.feed("250 ok");
    EXPECT_EQ(parser.end_of_input(), ParseStatus::need_more);
    EXPECT_EQ(parser.feed("\r\n").status, ParseStatus::complete);
}

TEST(ReplyParserStream, TrailingCrWaitsForTheNextOctet) {
    ReplyParser parser;
    const FeedResult result = parser.feed("250 ok\r");
    EXPECT_EQ(result.status, ParseStatus::need_more);
    EXPECT_EQ(result.consumed, 7u);
    EXPECT_EQ(parser.feed("").status, ParseStatus::need_more);
    EXPECT_EQ(parser.end_of_input(), ParseStatus::complete);
    const Reply reply = parser.take_reply();
    EXPECT_EQ(reply.raw, "250 ok\r");
    EXPECT_EQ(kinds_and_lines(reply), (std::vector<FindingAt>{{FindingKind::bare_cr, 0}}));
}

// Streams stitched from good and broken pieces, under small caps, must come out the same
// however they are split: the fast whole-line path and the octet-by-octet path agree.
TEST(ReplyParserStream, RandomStreamsGiveOneOutcomeHoweverSplit) {
    const std::vector<std::string> pieces = {
        "250-", "250 ", "250", "550 ", "251-", "5.1.1 ", "ok", "\t", "\r\n", "\n", "\r", "\0"s,
        "\xC3", "2x0 ", "text of some length", "-", " ", "354 go\r\n", "250 ok\r\n", "250-a\r\n",
    };
    std::uint32_t state = 12345;
    auto next_random = [&state] {
        state = state * 1664525u + 1013904223u;  // fixed LCG: the same streams on every run
        return state >> 8;
    };
    int completed = 0;
    int malformed = 0;
    for (int round = 0; round < 300; ++round) {
        std::string input;
        const std::uint32_t count = 2 + next_random() % 12;
        for (std::uint32_t i = 0; i < count; ++i) input += pieces[next_random() % pieces.size()];
        const ParserLimits limits{8 + next_random() % 40, 16 + next_random() % 80, 1 + next_random() % 6};
        const Outcome outcome = run_every_way(input, limits);
        completed += static_cast<int>(outcome.replies.size());
        malformed += outcome.status == ParseStatus::malformed ? 1 : 0;
        std::string replayed;
        for (const Reply& r : outcome.replies) replayed += r.raw;
        EXPECT_TRUE(std::string_view(input).starts_with(replayed + outcome.pending)) << testing::PrintToString(input);
    }
    // The pieces are chosen so that both outcomes occur often; a parser that accepted or
    // rejected everything would fail here.
    EXPECT_GT(completed, 50);
    EXPECT_GT(malformed, 50);
}

// ---------------------------------------------------------------------------------------------
// Caps: a server that never stops must not make the parser hang or grow

TEST(ReplyParserCaps, TenMegabyteLineFedInChunksStaysWithinTheCap) {
    const ParserLimits limits{1024, 4096, 64};
    ReplyParser parser(limits);
    const std::string chunk(64 * 1024, 'x');
    parser.feed("250 ");
    std::size_t fed = 4;
    while (fed < 10 * 1024 * 1024 && parser.status() == ParseStatus::need_more) {
        fed += parser.feed(chunk).consumed;
        EXPECT_LE(parser.pending_raw().size(), limits.max_line);
    }
    EXPECT_EQ(parser.status(), ParseStatus::malformed);
    EXPECT_EQ(parser.error(), ParseError::line_too_long);
    EXPECT_EQ(parser.pending_raw().size(), limits.max_line);
    EXPECT_EQ(fed, limits.max_line);
}

TEST(ReplyParserCaps, TenMegabyteLineFedWholeConsumesOnlyTheCap) {
    ReplyParser parser(ParserLimits{1024, 4096, 64});
    const std::string input = "250 " + std::string(10 * 1024 * 1024, 'x') + "\r\n";
    const FeedResult result = parser.feed(input);
    EXPECT_EQ(result.status, ParseStatus::malformed);
    EXPECT_EQ(parser.error(), ParseError::line_too_long);
    EXPECT_EQ(result.consumed, 1024u);
    EXPECT_EQ(parser.pending_raw().size(), 1024u);
}

TEST(ReplyParserCaps, EndlessContinuationLinesStopAtTheReplyCap) {
    const ParserLimits limits{1024, 8192, 100000};
    ReplyParser parser(limits);
    const std::string line = "250-" + std::string(60, 'y') + "\r\n";
    int feeds = 0;
    while (parser.status() == ParseStatus::need_more && feeds < 100000) {
        parser.feed(line);
        ++feeds;
        EXPECT_LE(parser.pending_raw().size(), limits.max_reply);
    }
    EXPECT_EQ(parser.status(), ParseStatus::malformed);
    EXPECT_EQ(parser.error(), ParseError::reply_too_long);
    EXPECT_EQ(parser.pending_raw().size(), limits.max_reply);
}

TEST(ReplyParserCaps, EndlessShortLinesStopAtTheLineCountCap) {
    ReplyParser parser;  // default caps: max_lines ends this long before max_reply
    int feeds = 0;
    while (parser.status() == ParseStatus::need_more && feeds < 100000) {
        parser.feed("250-\r\n");
        ++feeds;
    }
    EXPECT_EQ(parser.error(), ParseError::reply_too_long);
    EXPECT_EQ(parser.pending_lines(), ParserLimits{}.max_lines);
    EXPECT_EQ(feeds, static_cast<int>(ParserLimits{}.max_lines));
}

TEST(ReplyParserCaps, EndlessNulOctetsAreRejectedAtOnce) {
    ReplyParser parser;
    const std::string garbage(1024 * 1024, '\0');
    const FeedResult result = parser.feed(garbage);
    EXPECT_EQ(result.status, ParseStatus::malformed);
    EXPECT_EQ(parser.error(), ParseError::bad_code);
    EXPECT_EQ(result.consumed, 4u);
}

TEST(ReplyParserCaps, DefaultCapsReadALongButFiniteReply) {
    const std::string input = "250-" + std::string(5000, 'a') + "\r\n250 " + std::string(20000, 'b') + "\r\n";
    ReplyParser parser;
    ASSERT_EQ(parser.feed(input).status, ParseStatus::complete);
    const Reply reply = parser.take_reply();
    EXPECT_EQ(reply.lines[1].size(), 20000u);
    ASSERT_EQ(reply.findings.size(), 2u);
    EXPECT_EQ(reply.findings[0], (Finding{FindingKind::line_over_512, 0, "line is 5006 octets"}));
    EXPECT_EQ(reply.findings[1], (Finding{FindingKind::line_over_512, 1, "line is 20006 octets"}));
}

TEST(ReplyParserCaps, ShortReplyAfterALongOneCarriesNoSlack) {
    ReplyParser parser;
    std::string long_reply;
    for (int i = 0; i < 2000; ++i) long_reply += "250-" + std::string(40, 'k') + "\r\n";
    long_reply += "250 end\r\n";
    ASSERT_EQ(parser.feed(long_reply).status, ParseStatus::complete);
    EXPECT_EQ(parser.take_reply().lines.size(), 2001u);

    ASSERT_EQ(parser.feed("250-" + std::string(100, 's') + "\r\n250 ok\r\n").status, ParseStatus::complete);
    const Reply short_reply = parser.take_reply();
    EXPECT_LE(short_reply.raw.capacity(), 2 * short_reply.raw.size());
    EXPECT_LE(short_reply.lines.capacity(), 2 * short_reply.lines.size());
}

TEST(ReplyParserCaps, DefaultsSitWellAboveThe512OctetRule) {
    const ParserLimits limits;
    EXPECT_GE(limits.max_line, 8u * 512);
    EXPECT_GE(limits.max_reply, limits.max_line);
    EXPECT_GT(limits.max_lines, 100u);
}

// ---------------------------------------------------------------------------------------------
// Finding details

TEST(ReplyParserFindings, InvalidOctetDetailNamesTheFirstOctetAndItsColumn) {
    ReplyParser parser;
    ASSERT_EQ(parser.feed("250 abcd\0ef\x01\r\n"s).status, ParseStatus::complete);
    const Reply reply = parser.take_reply();
    ASSERT_EQ(reply.findings.size(), 1u);
    EXPECT_EQ(reply.findings[0], (Finding{FindingKind::invalid_text_octet, 0, "0x00 at column 9"}));
}

TEST(ReplyParserFindings, EightBitOctetDetailIsHex) {
    ReplyParser parser;
    ASSERT_EQ(parser.feed("250-ok\r\n250 \xFF\r\n").status, ParseStatus::complete);
    const Reply reply = parser.take_reply();
    ASSERT_EQ(reply.findings.size(), 1u);
    EXPECT_EQ(reply.findings[0], (Finding{FindingKind::invalid_text_octet, 1, "0xFF at column 5"}));
}

TEST(ReplyParserFindings, InvalidOctetsAreCountedPerLine) {
    const Outcome outcome = run_every_way("250-\x01\r\n250-ok\r\n250 \x02\r\n");
    ASSERT_EQ(outcome.replies.size(), 1u);
    EXPECT_EQ(kinds_and_lines(outcome.replies[0]),
              (std::vector<FindingAt>{{FindingKind::invalid_text_octet, 0}, {FindingKind::invalid_text_octet, 2}}));
}

TEST(ReplyParserFindings, LongLineDetailCountsTheTerminator) {
    ReplyParser parser;
    ASSERT_EQ(parser.feed(text_line(733)).status, ParseStatus::complete);
    const Reply reply = parser.take_reply();
    ASSERT_EQ(reply.findings.size(), 1u);
    EXPECT_EQ(reply.findings[0].detail, "line is 733 octets");
}

TEST(ReplyParserFindings, EveryFindingHasADetail) {
    const Outcome outcome = run_every_way("250-a\0\n250-"s + std::string(600, 'z') + "\r250\r\n");
    ASSERT_EQ(outcome.replies.size(), 1u);
    ASSERT_EQ(outcome.replies[0].findings.size(), 5u);
    for (const Finding& f : outcome.replies[0].findings) EXPECT_FALSE(f.detail.empty()) << to_string(f.kind);
}

// ---------------------------------------------------------------------------------------------
// Names, sentences and rules of the enumerations

const std::vector<FindingKind> all_finding_kinds = {
    FindingKind::line_over_512,          FindingKind::bare_lf,          FindingKind::bare_cr,
    FindingKind::invalid_text_octet,     FindingKind::missing_space,    FindingKind::enhanced_class_mismatch,
    FindingKind::enhanced_missing,       FindingKind::enhanced_inconsistent,
};

const std::vector<ParseError> all_errors = {
    ParseError::none,           ParseError::bad_code,          ParseError::bad_first_digit,
    ParseError::bad_second_digit, ParseError::missing_separator, ParseError::inconsistent_codes,
    ParseError::line_too_long,  ParseError::reply_too_long,
};

TEST(ReplyNames, FindingKindsHaveDistinctNamesSentencesAndRules) {
    std::set<std::string_view> names;
    std::set<std::string_view> sentences;
    for (FindingKind kind : all_finding_kinds) {
        names.insert(to_string(kind));
        sentences.insert(describe(kind));
        EXPECT_TRUE(rfc_section_of(kind).starts_with("RFC ")) << to_string(kind);
    }
    EXPECT_EQ(names.size(), all_finding_kinds.size());
    EXPECT_EQ(sentences.size(), all_finding_kinds.size());
    EXPECT_EQ(to_string(FindingKind::bare_cr), "bare_cr");
    EXPECT_EQ(to_string(FindingKind::invalid_text_octet), "invalid_text_octet");
}

TEST(ReplyNames, FindingKindsPointAtTheirRules) {
    EXPECT_EQ(rfc_section_of(FindingKind::line_over_512), "RFC 5321 §4.5.3.1.5");
    EXPECT_EQ(rfc_section_of(FindingKind::bare_lf), "RFC 5321 §2.3.8");
    EXPECT_EQ(rfc_section_of(FindingKind::bare_cr), "RFC 5321 §2.3.8");
    EXPECT_EQ(rfc_section_of(FindingKind::invalid_text_octet), "RFC 5321 §4.2");
    EXPECT_EQ(rfc_section_of(FindingKind::missing_space), "RFC 5321 §4.2");
    EXPECT_EQ(rfc_section_of(FindingKind::enhanced_missing), "RFC 2034 §3");
    EXPECT_EQ(rfc_section_of(FindingKind::enhanced_class_mismatch), "RFC 2034 §4");
    EXPECT_EQ(rfc_section_of(FindingKind::enhanced_inconsistent), "RFC 2034 §4");
}

TEST(ReplyNames, OnlyMissingSpaceIsAShould) {
    for (FindingKind kind : all_finding_kinds) {
        const RequirementLevel expected =
            kind == FindingKind::missing_space ? RequirementLevel::should : RequirementLevel::must;
        EXPECT_EQ(level_of(kind), expected) << to_string(kind);
    }
}

TEST(ReplyNames, ParseErrorsHaveDistinctNamesAndSentences) {
    std::set<std::string_view> names;
    std::set<std::string_view> sentences;
    for (ParseError error : all_errors) {
        names.insert(to_string(error));
        sentences.insert(describe(error));
        EXPECT_EQ(level_of(error), RequirementLevel::must);
        if (error != ParseError::none) {
            EXPECT_TRUE(rfc_section_of(error).starts_with("RFC 5321 §")) << to_string(error);
        }
    }
    EXPECT_EQ(names.size(), all_errors.size());
    EXPECT_EQ(sentences.size(), all_errors.size());
    EXPECT_EQ(to_string(ParseError::missing_separator), "missing_separator");
    EXPECT_EQ(rfc_section_of(ParseError::inconsistent_codes), "RFC 5321 §4.2.1");
    EXPECT_EQ(rfc_section_of(ParseError::none), "");
}

TEST(ReplyValue, HasLooksForTheKind) {
    Reply reply;
    reply.findings.push_back({FindingKind::bare_lf, 2, "x"});
    EXPECT_TRUE(reply.has(FindingKind::bare_lf));
    EXPECT_FALSE(reply.has(FindingKind::bare_cr));
    EXPECT_FALSE(Reply{}.has(FindingKind::bare_lf));
}

TEST(ReplyValue, EnhancedCodeText) {
    EXPECT_EQ((EnhancedCode{2, 1, 5}).text(), "2.1.5");
    EXPECT_EQ((EnhancedCode{5, 7, 27}).text(), "5.7.27");
    EXPECT_EQ((EnhancedCode{4, 999, 100}).text(), "4.999.100");
}

}  // namespace
}  // namespace smtpspec
