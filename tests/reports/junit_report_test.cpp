// The JUnit report: golden output, the mapping of outcomes to JUnit elements and counts, the
// transcript excerpt, and well-formed XML whatever octets the server sends.
// Goldens: see reports/golden/golden.hpp (SMTPSPEC_UPDATE_GOLDEN=1 regenerates them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <unistd.h>

#include "reports/atomic_write.hpp"
#include "reports/golden/golden.hpp"
#include "reports/junit_report.hpp"
#include "reports/sample_run.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"
#include "support/occurrences.hpp"

namespace smtpspec::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using smtpspec::testing::matches_golden;
using smtpspec::testing::occurrences;
using smtpspec::testing::sample_run;

// ---- a small XML 1.0 well-formedness check ---------------------------------------------------
// Enough for what the reporter writes (declaration, elements, attributes, text, references); it
// rejects anything else, so a writer change that needs more must extend it deliberately.

class WellFormedness {
public:
    explicit WellFormedness(std::string_view xml) : xml_(xml) {}

    // Empty when well-formed, else what is wrong and where.
    std::string problem() {
        if (!is_valid_utf8(xml_)) return "not UTF-8";
        if (auto bad = forbidden_character()) return *bad;
        if (!consume("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")) return at("no XML declaration");
        while (pos_ < xml_.size() && problem_.empty()) step();
        if (!problem_.empty()) return problem_;
        if (!open_.empty()) return "unclosed <" + open_.back() + ">";
        if (roots_ != 1) return "expected one root element, got " + std::to_string(roots_);
        return "";
    }

private:
    std::optional<std::string> forbidden_character() const {
        for (std::size_t i = 0; i < xml_.size(); ++i) {
            const auto octet = static_cast<unsigned char>(xml_[i]);
            if (octet < 0x20 && octet != '\t' && octet != '\n' && octet != '\r')
                return "control octet " + std::to_string(octet) + " at " + std::to_string(i);
            if (xml_.substr(i, 3) == "\xEF\xBF\xBE" || xml_.substr(i, 3) == "\xEF\xBF\xBF")
                return "U+FFFE or U+FFFF at " + std::to_string(i);
        }
        return std::nullopt;
    }

    std::string at(std::string_view what) const {
        return std::string(what) + " at offset " + std::to_string(pos_) + ": " +
               escape_octets(xml_.substr(pos_, 40));
    }

    bool consume(std::string_view text) {
        if (xml_.substr(pos_, text.size()) != text) return false;
        pos_ += text.size();
        return true;
    }

    void fail(std::string_view what) {
        if (problem_.empty()) problem_ = at(what);
        pos_ = xml_.size();
    }

    static bool is_name_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' || c == ':';
    }

    std::string name() {
        const auto start = pos_;
        while (pos_ < xml_.size() && is_name_char(xml_[pos_])) ++pos_;
        return std::string(xml_.substr(start, pos_ - start));
    }

    void reference() {
        static const std::vector<std::string_view> entities = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
        for (auto entity : entities)
            if (consume(entity)) return;
        if (!consume("&#")) return fail("bare &");
        const bool hex = consume("x");
        const auto start = pos_;
        while (pos_ < xml_.size() && std::isxdigit(static_cast<unsigned char>(xml_[pos_])) != 0) ++pos_;
        const auto digits = std::string(xml_.substr(start, pos_ - start));
        if (digits.empty() || !consume(";")) return fail("bad character reference");
        const auto value = std::stoul(digits, nullptr, hex ? 16 : 10);
        const bool allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) ||
                             (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
        if (!allowed) fail("character reference to a character XML forbids");
    }

    void attribute_value() {
        if (!consume("\"")) return fail("attribute value not in double quotes");
        while (pos_ < xml_.size() && xml_[pos_] != '"') {
            if (xml_[pos_] == '<') return fail("< in an attribute value");
            if (xml_[pos_] == '&') {
                reference();
                continue;
            }
            ++pos_;
        }
        if (!consume("\"")) fail("unterminated attribute value");
    }

    void start_tag() {
        const auto tag = name();
        if (tag.empty()) return fail("element without a name");
        std::vector<std::string> seen;
        while (problem_.empty()) {
            const bool spaced = consume(" ");
            if (consume("/>")) return element_done(tag, false);
            if (consume(">")) return element_done(tag, true);
            const auto attribute = name();
            if (!spaced || attribute.empty() || !consume("=")) return fail("bad attribute");
            if (std::find(seen.begin(), seen.end(), attribute) != seen.end()) return fail("duplicate attribute");
            seen.push_back(attribute);
            attribute_value();
        }
    }

    void element_done(const std::string& tag, bool open) {
        if (open_.empty()) ++roots_;
        if (open) open_.push_back(tag);
    }

    void end_tag() {
        const auto tag = name();
        if (!consume(">")) return fail("bad end tag");
        if (open_.empty() || open_.back() != tag) return fail("end tag </" + tag + "> does not match");
        open_.pop_back();
    }

    void step() {
        if (consume("</")) return end_tag();
        if (consume("<")) return start_tag();
        if (xml_[pos_] == '&') return reference();
        if (consume("]]>")) return fail("]]> in text");
        const bool whitespace = std::isspace(static_cast<unsigned char>(xml_[pos_])) != 0;
        if (open_.empty() && !whitespace) return fail("text outside the root element");
        ++pos_;
    }

    std::string_view xml_;
    std::size_t pos_ = 0;
    std::vector<std::string> open_;
    int roots_ = 0;
    std::string problem_;
};

std::string well_formedness_problem(std::string_view xml) { return WellFormedness(xml).problem(); }

// A real XML parser, Expat through Python, as a second opinion on the hand-written check.
std::optional<std::string> python_parse_problem(const std::string& xml) {
    if (access("/usr/bin/python3", X_OK) != 0) return std::nullopt;
    const auto path = std::filesystem::temp_directory_path() / ("junit_report_test_" + std::to_string(getpid()) + ".xml");
    std::ofstream(path, std::ios::binary) << xml;
    const auto command = "/usr/bin/python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '" +
                         path.string() + "' 2>&1";
    std::string output;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[512];
        while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
        const int status = pclose(pipe);
        std::filesystem::remove(path);
        return status == 0 ? std::string() : "expat: " + output;
    }
    std::filesystem::remove(path);
    return "cannot run /usr/bin/python3";
}

// ---- helpers ---------------------------------------------------------------------------------

std::string lines_with(std::string_view xml, std::string_view needle) {
    std::string out;
    for (auto line : split_lines(xml))
        if (line.find(needle) != std::string_view::npos) out += line;
    return out;
}

RunResult run_of(std::vector<ScenarioResult> scenarios) {
    auto run = sample_run();
    run.scenarios = std::move(scenarios);
    return run;
}

// A failed scenario in which `octets` reach every place server or author text can reach.
ScenarioResult scenario_holding(const std::string& octets) {
    namespace sample = smtpspec::testing::sample;
    auto s = sample::rcpt_unexpected();
    s.id = "rfc5321/" + octets + "/1";
    s.title = "title " + octets;
    s.requirement = "requirement " + octets;
    auto& step = s.steps[2];
    step.sent = "RCPT TO:<" + octets + ">\r\n";
    step.reply->raw = "250 " + octets + "\r\n";
    step.reply->lines = {octets};
    step.judgement.expected = {octets};
    step.judgement.non_strict = {octets};
    step.judgement.actual = "250 " + octets;
    step.judgement.rfc = "RFC " + octets;
    step.judgement.detail = "detail " + octets;
    step.transcript_begin = 3;
    step.transcript_end = 6;
    s.transcript[3].data = step.sent;
    s.transcript[4].data = step.reply->raw;
    s.transcript.push_back({13, '*', "event " + octets});
    s.transcript.push_back({13, 'E', "stderr " + octets});
    step.transcript_end = s.transcript.size();
    return s;
}

// The same octets in a warned, an errored and a skipped scenario, and in the run's settings.
RunResult run_holding(const std::string& octets) {
    namespace sample = smtpspec::testing::sample;
    auto warned = sample::rset_warned();
    warned.steps[2].judgement.detail = octets;
    warned.steps[2].judgement.actual = octets;
    auto error = sample::pipelining_error();
    error.harness_error = "harness " + octets;
    error.transcript.back().data = octets;
    auto unimplemented = sample::bdat_unimplemented();
    unimplemented.steps[2].judgement.detail = octets;
    auto skipped = sample::auth_skipped();
    skipped.steps[0].judgement.detail = octets;
    auto run = run_of({scenario_holding(octets), warned, error, unimplemented, skipped});
    run.target = "spawn: \"" + octets + "\"";
    run.version = octets;
    return run;
}

// ---- golden ----------------------------------------------------------------------------------

TEST(JunitReport, MatchesGolden) {
    EXPECT_TRUE(matches_golden("sample_run.junit.xml", render_junit_report(sample_run())));
}

TEST(JunitReport, SampleRunIsWellFormed) {
    const auto xml = render_junit_report(sample_run());
    EXPECT_EQ(well_formedness_problem(xml), "");
    if (const auto problem = python_parse_problem(xml)) {
        EXPECT_EQ(*problem, "");
    }
}

// The <testcase> element of scenario `id`, up to its end tag.
std::string testcase_of(const std::string& xml, std::string_view id) {
    const auto at = xml.find(fmt::format("name=\"{}", id));
    return at == std::string::npos ? std::string() : xml.substr(at, xml.find("</testcase>", at) - at);
}

TEST(JunitReport, WithBaselineMatchesGolden) {
    EXPECT_TRUE(matches_golden("sample_run_baseline.junit.xml",
                               render_junit_report(smtpspec::testing::sample_run_with_baseline())));
}

TEST(JunitReport, ShardedRunHasAShardPropertyInEverySuite) {
    const auto xml = render_junit_report(smtpspec::testing::sample_shard_run());
    EXPECT_EQ(well_formedness_problem(xml), "");
    ASSERT_GT(occurrences(xml, "<testsuite "), 1u);
    EXPECT_EQ(occurrences(xml, "<property name=\"smtpspec.shard\" value=\"2/4\"/>"), occurrences(xml, "<testsuite "));
    EXPECT_EQ(render_junit_report(sample_run()).find("smtpspec.shard"), std::string::npos);
}

TEST(JunitReport, WaivedScenarioPassesWithTheReasonInSystemOut) {
    const auto xml = render_junit_report(smtpspec::testing::sample_run_with_baseline());
    EXPECT_EQ(well_formedness_problem(xml), "");
    const auto testcase = testcase_of(xml, "rfc5321/3.3/1");
    ASSERT_FALSE(testcase.empty());
    EXPECT_EQ(testcase.find("<failure"), std::string::npos) << testcase;
    EXPECT_NE(testcase.find("WAIVED by the baseline"), std::string::npos) << testcase;
    EXPECT_NE(testcase.find("The server accepts RCPT without MAIL &lt;by design&gt;"), std::string::npos) << testcase;
}

TEST(JunitReport, ExpiredWaiverIsAFailureThatSaysSo) {
    const auto xml = render_junit_report(smtpspec::testing::sample_run_with_baseline());
    const auto testcase = testcase_of(xml, "rfc5321/4.1.1.4/2");
    EXPECT_NE(testcase.find("<failure"), std::string::npos) << testcase;
    EXPECT_NE(testcase.find("waiver expired: step 6, timeout"), std::string::npos) << testcase;
}

TEST(JunitReport, FailureNamesAFailureTheBaselineDoesNotAccept) {
    // The NUL scenario's violation (step 2) is waived; its malformed reply (step 3) is not.
    const auto xml = render_junit_report(smtpspec::testing::sample_run_with_baseline());
    const auto testcase = testcase_of(xml, "rfc5321/4.1.1/4");
    EXPECT_NE(testcase.find("type=\"malformed\""), std::string::npos) << testcase;
}

// ---- counts ----------------------------------------------------------------------------------

TEST(JunitReport, RootCountsMatchTheSummary) {
    const auto run = sample_run();
    const auto summary = summarize(run);
    const auto xml = render_junit_report(run);
    const auto expected_root = fmt::format(
        "<testsuites name=\"smtpspec\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"10.123\">",
        summary.scenarios, summary.count(Outcome::failed), summary.count(Outcome::error),
        summary.count(Outcome::skipped) + summary.count(Outcome::unimplemented));
    EXPECT_THAT(xml, HasSubstr(expected_root));
    EXPECT_EQ(occurrences(xml, "<testcase "), summary.scenarios);
    EXPECT_EQ(occurrences(xml, "<failure "), summary.count(Outcome::failed));
    EXPECT_EQ(occurrences(xml, "<error "), summary.count(Outcome::error));
    EXPECT_EQ(occurrences(xml, "<skipped "),
              summary.count(Outcome::skipped) + summary.count(Outcome::unimplemented));
}

TEST(JunitReport, SuiteTimeIsTheSumOfItsScenarios) {
    namespace sample = smtpspec::testing::sample;
    auto first = sample::noop_passed();      // 4 ms
    auto second = sample::noop_passed();
    second.id = "rfc5321/4.1.1.9/2";
    second.duration_ms = 10'042;
    const auto xml = render_junit_report(run_of({first, second}));
    EXPECT_THAT(xml, HasSubstr("<testsuite name=\"rfc5321/4.1.1.9\" tests=\"2\" failures=\"0\" errors=\"0\" "
                               "skipped=\"0\" time=\"10.046\">"));
    EXPECT_THAT(xml, HasSubstr("time=\"0.004\"/>"));
    EXPECT_THAT(xml, HasSubstr("time=\"10.042\"/>"));
}

// ---- grouping --------------------------------------------------------------------------------

TEST(JunitReport, GroupsScenariosBySectionInFirstRunOrder) {
    namespace sample = smtpspec::testing::sample;
    auto noop_again = sample::noop_passed();
    noop_again.id = "rfc5321/4.1.1.9/2";
    const auto xml = render_junit_report(run_of({sample::noop_passed(), sample::rcpt_unexpected(), noop_again}));
    EXPECT_EQ(occurrences(xml, "<testsuite "), 2u);
    const auto noop_suite = xml.find("<testsuite name=\"rfc5321/4.1.1.9\" tests=\"2\" failures=\"0\"");
    const auto rcpt_suite = xml.find("<testsuite name=\"rfc5321/3.3\" tests=\"1\" failures=\"1\"");
    ASSERT_NE(noop_suite, std::string::npos);
    ASSERT_NE(rcpt_suite, std::string::npos);
    EXPECT_LT(noop_suite, rcpt_suite);
    const auto second_noop = xml.find("name=\"rfc5321/4.1.1.9/2: NOOP is answered with 250\"");
    EXPECT_LT(second_noop, rcpt_suite);
}

TEST(JunitReport, ClassnameIsTheDottedSection) {
    const auto xml = render_junit_report(sample_run());
    EXPECT_THAT(xml, HasSubstr("<testcase name=\"rfc5321/3.3/1: RCPT before MAIL is a bad sequence\" "
                               "classname=\"rfc5321.3.3\" time=\"0.012\">"));
    EXPECT_THAT(xml, HasSubstr("classname=\"rfc5321.F.6\""));
    EXPECT_THAT(xml, HasSubstr("<testsuite name=\"rfc5321/4.1.1\" "));
    EXPECT_THAT(xml, HasSubstr("<testsuite name=\"rfc5321/4.1.1.4\" "));
}

TEST(JunitReport, AnIdWithoutSectionIsItsOwnGroup) {
    auto scenario = smtpspec::testing::sample::noop_passed();
    scenario.id = "adhoc";
    const auto xml = render_junit_report(run_of({scenario}));
    EXPECT_THAT(xml, HasSubstr("<testsuite name=\"adhoc\" "));
    EXPECT_THAT(xml, HasSubstr("classname=\"adhoc\""));
}

// ---- outcomes --------------------------------------------------------------------------------

TEST(JunitReport, FailureNamesTheFirstOffendingStep) {
    const auto xml = render_junit_report(run_of({smtpspec::testing::sample::rcpt_unexpected()}));
    EXPECT_THAT(xml, HasSubstr("<failure message=\"Expected: 503 / Actual: 250 2.1.5 (unexpected, RFC 5321 §3.3)\" "
                               "type=\"unexpected\">"));
    EXPECT_THAT(xml, HasSubstr("RFC 5321 §3.3 (MUST): A server answers RCPT without a preceding MAIL with 503.\n"));
    EXPECT_THAT(xml, HasSubstr("step 3  send  RCPT TO:&lt;bob@example.org&gt;&lt;CR&gt;&lt;LF&gt;\n"));
    EXPECT_THAT(xml, HasSubstr("  tolerated  5xx\n"));
    EXPECT_THAT(xml, Not(HasSubstr("<error")));
}

TEST(JunitReport, FailureTextListsEveryOffendingStep) {
    const auto xml = render_junit_report(run_of({smtpspec::testing::sample::nul_violation()}));
    EXPECT_THAT(xml, HasSubstr("message=\"Expected: 500, 501 / Actual: 500 5.5.2 (violation, RFC 5321 §2.3.8)\""));
    EXPECT_THAT(xml, HasSubstr("step 2  raw  NOOP&lt;NUL&gt;&lt;CR&gt;&lt;LF&gt;\n"));
    EXPECT_THAT(xml, HasSubstr("step 3  send  NOOP&lt;CR&gt;&lt;LF&gt;\n  verdict    malformed\n"));
    EXPECT_THAT(xml, Not(HasSubstr("step 4")));   // skipped steps are not offending
}

TEST(JunitReport, StrictFailureFromWarningsNamesTheWarning) {
    auto scenario = smtpspec::testing::sample::rset_warned();
    scenario.outcome = Outcome::failed;
    auto run = run_of({scenario});
    run.strict = true;
    const auto xml = render_junit_report(run);
    EXPECT_THAT(xml, HasSubstr("<failure message=\"Expected: 250 / Actual: 200 (nonstandard, RFC 876; RFC 5321 "
                               "§4.3.2)\" type=\"nonstandard\">"));
}

TEST(JunitReport, TranscriptExcerptIsTheStepsRange) {
    auto scenario = smtpspec::testing::sample::rcpt_unexpected();
    scenario.steps[2].transcript_begin = 3;
    scenario.steps[2].transcript_end = 5;
    scenario.transcript[4].data = "250-2.1.5 first\r\n250 2.1.5 \x1B\xFF ok\r\n";
    const auto xml = render_junit_report(run_of({scenario}));
    EXPECT_THAT(xml, HasSubstr("  transcript\n"
                               "    C  RCPT TO:&lt;bob@example.org&gt;&lt;CR&gt;&lt;LF&gt;\n"
                               "    S  250-2.1.5 first&lt;CR&gt;&lt;LF&gt;\n"
                               "    S  250 2.1.5 &lt;1B&gt;&lt;FF&gt; ok&lt;CR&gt;&lt;LF&gt;\n"
                               "</failure>"));
    EXPECT_THAT(xml, Not(HasSubstr("EHLO client.example")));   // outside the range
    EXPECT_THAT(xml, Not(HasSubstr("QUIT&lt;CR&gt;")));
}

TEST(JunitReport, TranscriptRangeBeyondTheTranscriptIsCut) {
    auto scenario = smtpspec::testing::sample::rcpt_unexpected();
    scenario.steps[2].transcript_begin = 6;
    scenario.steps[2].transcript_end = 99;
    const auto xml = render_junit_report(run_of({scenario}));
    EXPECT_THAT(xml, HasSubstr("  transcript\n    S  221 2.0.0 Bye&lt;CR&gt;&lt;LF&gt;\n    *  end of stream\n"));
}

TEST(JunitReport, ErrorOnlyForHarnessErrors) {
    const auto xml = render_junit_report(sample_run());
    EXPECT_EQ(occurrences(xml, "<error "), 1u);
    const auto error = lines_with(xml, "<error ");
    EXPECT_THAT(error, HasSubstr("<error message=\"transport: read failed: Bad file descriptor\" "
                                 "type=\"harness_error\">harness error: transport: read failed: Bad file descriptor"));
    EXPECT_THAT(xml, HasSubstr("    *  transport error: read: Bad file descriptor\n</error>"));
}

TEST(JunitReport, ErrorShowsTheTranscriptTail) {
    auto scenario = smtpspec::testing::sample::pipelining_error();
    for (int i = 0; i < 10; ++i) scenario.transcript.push_back({8, 'C', "NOOP " + std::to_string(i) + "\r\n"});
    const auto xml = render_junit_report(run_of({scenario}));
    EXPECT_THAT(xml, HasSubstr("transcript (last 8 of 16 entries)\n    C  NOOP 2&lt;CR&gt;&lt;LF&gt;\n"));
    EXPECT_THAT(xml, Not(HasSubstr("NOOP 1&lt;")));
}

TEST(JunitReport, SkippedAndUnimplementedGiveTheirReason) {
    const auto xml = render_junit_report(sample_run());
    EXPECT_THAT(xml, HasSubstr("<skipped message=\"unimplemented: the server does not advertise CHUNKING\"/>"));
    EXPECT_THAT(xml, HasSubstr("<skipped message=\"deselected: needs --user and --password\"/>"));
}

TEST(JunitReport, WarningsPassWithDetailsInSystemOut) {
    const auto xml = render_junit_report(run_of({smtpspec::testing::sample::send_deprecated()}));
    EXPECT_THAT(xml, Not(HasSubstr("<failure")));
    EXPECT_THAT(xml, HasSubstr("failures=\"0\" errors=\"0\" skipped=\"0\""));
    EXPECT_THAT(xml, HasSubstr("<system-out>RFC 5321 App. F.6 (SHOULD): SEND is obsolete"));
    EXPECT_THAT(xml, HasSubstr("  verdict    deprecated\n"));
    EXPECT_THAT(xml, HasSubstr("  detail     the server implements the obsolete command SEND (250 reply)"));
}

TEST(JunitReport, PassedScenarioIsAnEmptyTestcase) {
    const auto xml = render_junit_report(run_of({smtpspec::testing::sample::noop_passed()}));
    EXPECT_THAT(xml, HasSubstr("<testcase name=\"rfc5321/4.1.1.9/1: NOOP is answered with 250\" "
                               "classname=\"rfc5321.4.1.1.9\" time=\"0.004\"/>"));
    EXPECT_THAT(xml, Not(HasSubstr("<system-out>")));
}

TEST(JunitReport, EmptyRunIsWellFormed) {
    const auto xml = render_junit_report(run_of({}));
    EXPECT_THAT(xml, HasSubstr("tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\""));
    EXPECT_EQ(well_formedness_problem(xml), "");
}

// ---- any octets give well-formed XML ---------------------------------------------------------

TEST(JunitReport, EveryOctetGivesWellFormedXml) {
    std::string all_octets;
    for (int octet = 0; octet < 256; ++octet) {
        const std::string octets(1, static_cast<char>(octet));
        const auto xml = render_junit_report(run_holding(octets + "x" + octets));
        EXPECT_EQ(well_formedness_problem(xml), "") << "octet " << octet;
        all_octets += octets;
    }
    const auto xml = render_junit_report(run_holding(all_octets));
    EXPECT_EQ(well_formedness_problem(xml), "");
    if (const auto problem = python_parse_problem(xml)) {
        EXPECT_EQ(*problem, "");
    }
}

TEST(JunitReport, InvalidUtf8AndForbiddenCharactersGiveWellFormedXml) {
    const std::vector<std::string> nasty = {
        "\xC0\xAF",            // overlong "/"
        "\xE0\x80\xAF",        // overlong, three octets
        "\xED\xA0\x80",        // a lone high surrogate
        "\xED\xBF\xBF",        // a lone low surrogate
        "\xE2\x82",            // truncated
        "\xF4\x90\x80\x80",    // above U+10FFFF
        "\xF8\x88\x80\x80\x80",   // five octets
        "\xEF\xBF\xBE",        // U+FFFE
        "\xEF\xBF\xBF",        // U+FFFF
        "\xC2\x85",            // NEL, a C1 control
        "]]>", "\"'<>&", "&#0;", "&amp", "<!-- x -->", "<![CDATA[", "\r\n\t",
    };
    std::string all;
    for (const auto& octets : nasty) {
        const auto xml = render_junit_report(run_holding(octets));
        EXPECT_EQ(well_formedness_problem(xml), "") << escape_octets(octets);
        all += octets;
    }
    const auto xml = render_junit_report(run_holding(all));
    if (const auto problem = python_parse_problem(xml)) {
        EXPECT_EQ(*problem, "");
    }
}

// The checks above are only worth something if they reject what is broken.
TEST(WellFormednessCheck, RejectsBrokenXml) {
    const std::string declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    EXPECT_EQ(well_formedness_problem(declaration + "<a b=\"1\"><c/>text &amp; &#10;</a>\n"), "");
    const std::vector<std::string> broken = {
        "<a>",   "<a></b>",       "<a/><b/>",     "<a>&</a>",       "<a>&#0;</a>",   "<a>]]></a>",
        "<a b=\"<\"/>", "<a b='1'/>", "<a b=\"1\" b=\"2\"/>", std::string("<a>\x01</a>"), "<a>\xFF</a>",
        "<a>\xEF\xBF\xBE</a>", "text<a/>",
    };
    for (const auto& body : broken) {
        EXPECT_NE(well_formedness_problem(declaration + body), "") << escape_octets(body);
        const auto problem = python_parse_problem(declaration + body);
        if (problem && body != "<a b='1'/>") {   // single quotes are XML, only not what the writer uses
            EXPECT_NE(*problem, "") << escape_octets(body);
        }
    }
}

TEST(XmlText, EscapesMarkupAndReplacesForbiddenCharacters) {
    EXPECT_EQ(xml_text("a<b>&c ]]> \"q\""), "a&lt;b&gt;&amp;c ]]&gt; \"q\"");
    EXPECT_EQ(xml_text("tab\there\nline\rcr"), "tab\there\nline&#13;cr");
    EXPECT_EQ(xml_text(std::string("nul\0esc\x1B", 8)), "nul\xEF\xBF\xBD" "esc\xEF\xBF\xBD");
    EXPECT_EQ(xml_text("\xEF\xBF\xBE\xEF\xBF\xBF"), "\xEF\xBF\xBD\xEF\xBF\xBD");   // U+FFFE, U+FFFF
    EXPECT_EQ(xml_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");   // a surrogate: 3 bad octets
    EXPECT_EQ(xml_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(xml_text("\xFF"), "\xEF\xBF\xBD");
}

TEST(XmlText, KeepsValidText) {
    EXPECT_EQ(xml_text("RFC 5321 §3.3 Grüße \xF0\x9F\x93\xAE \xEF\xBF\xBD"),
              "RFC 5321 §3.3 Grüße \xF0\x9F\x93\xAE \xEF\xBF\xBD");
}

TEST(XmlAttribute, EscapesQuotesAndLineEnds) {
    EXPECT_EQ(xml_attribute("say \"hi\" it's\na\tb\rc <&>"),
              "say &quot;hi&quot; it's&#10;a&#9;b&#13;c &lt;&amp;&gt;");
    EXPECT_EQ(xml_attribute("\x01"), "\xEF\xBF\xBD");
}

// ---- writing ---------------------------------------------------------------------------------

TEST(JunitReport, WritesTheRenderedReport) {
    const auto dir = std::filesystem::temp_directory_path() / ("junit_write_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / "report.xml";
    write_junit_report(sample_run(), path);
    std::ifstream file(path, std::ios::binary);
    const std::string written{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    EXPECT_EQ(written, render_junit_report(sample_run()));
    std::filesystem::remove_all(dir);
}

TEST(JunitReport, WriteFailureNamesThePath) {
    const auto path = std::filesystem::path("/nonexistent-smtpspec-dir/report.xml");
    try {
        write_junit_report(sample_run(), path);
        FAIL() << "no WriteError";
    } catch (const WriteError& e) {
        EXPECT_THAT(e.what(), HasSubstr("/nonexistent-smtpspec-dir/report.xml"));
    }
}

}  // namespace
}  // namespace smtpspec::reports
