#include <gtest/gtest.h>

#include "core/capabilities.hpp"

namespace smtpspec {
namespace {

Reply ehlo_reply(int code, std::vector<std::string> lines) {
    Reply r;
    r.code = code;
    r.lines = std::move(lines);
    return r;
}

TEST(Capabilities, ReadsDomainKeywordsAndParameters) {
    const auto caps = Capabilities::from_ehlo(
        ehlo_reply(250, {"mx.example.org Hello client", "pipelining", "SIZE 10240000", "AUTH PLAIN LOGIN", "8BITMIME"}));
    EXPECT_EQ(caps.domain, "mx.example.org");
    EXPECT_TRUE(caps.has("PIPELINING"));
    EXPECT_TRUE(caps.has("Pipelining"));
    EXPECT_TRUE(caps.has("8bitmime"));
    EXPECT_FALSE(caps.has("STARTTLS"));
    EXPECT_EQ(caps.keywords.at("SIZE"), (std::vector<std::string>{"10240000"}));
    EXPECT_EQ(caps.keywords.at("AUTH"), (std::vector<std::string>{"PLAIN", "LOGIN"}));
    EXPECT_EQ(caps.keyword_set(), (std::set<std::string>{"8BITMIME", "AUTH", "PIPELINING", "SIZE"}));
}

TEST(Capabilities, RunsOfSpacesSeparateWordsAndALaterLineReplacesAnEarlierKeyword) {
    const auto caps = Capabilities::from_ehlo(
        ehlo_reply(250, {"  mx.example.org   hi ", "auth  plain   LOGIN ", " ", "SIZE 1", "size 2", "x-ÄÖ é"}));
    EXPECT_EQ(caps.domain, "mx.example.org");
    EXPECT_EQ(caps.keywords.at("AUTH"), (std::vector<std::string>{"plain", "LOGIN"}));
    EXPECT_EQ(caps.keywords.at("SIZE"), (std::vector<std::string>{"2"}));
    // Upper-casing is ASCII only: octets beyond it are kept as they are.
    EXPECT_TRUE(caps.keywords.contains("X-ÄÖ"));
    EXPECT_EQ(caps.keywords.size(), 3u);
}

TEST(Capabilities, TheFirstLineIsNotAKeyword) {
    // A single-line EHLO reply advertises nothing, whatever its greeting text says.
    const auto caps = Capabilities::from_ehlo(ehlo_reply(250, {"mx.example.org PIPELINING"}));
    EXPECT_EQ(caps.domain, "mx.example.org");
    EXPECT_TRUE(caps.keywords.empty());
}

TEST(Capabilities, ARefusedEhloAdvertisesNothing) {
    EXPECT_TRUE(Capabilities::from_ehlo(ehlo_reply(502, {"mx", "PIPELINING"})).keywords.empty());
    EXPECT_TRUE(Capabilities::from_ehlo(ehlo_reply(250, {})).keywords.empty());
}

}  // namespace
}  // namespace smtpspec
