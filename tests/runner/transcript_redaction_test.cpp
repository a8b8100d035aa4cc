#include "runner/transcript_redaction.hpp"

#include <gtest/gtest.h>

namespace smtpspec {
namespace {

Variables with_password(const std::string& password) {
    Variables vars = Variables::defaults();
    vars.set("user", "alice");
    vars.set("password", password);
    return vars;
}

std::vector<std::string> texts(const std::vector<TranscriptEntry>& transcript) {
    std::vector<std::string> out;
    for (const auto& entry : transcript) out.push_back(entry.data);
    return out;
}

TEST(RedactAcrossEntries, ASecretSplitAcrossTwoReadsIsCutFromBoth) {
    std::vector<TranscriptEntry> transcript = {
        {10, 'S', "535 bad password 'S3cr"},
        {10, 'C', "NOOP\r\n"},   // the client's stream is another
        {110, 'S', "3t-42' for alice\r\n"},
    };
    redact_across_entries(transcript, with_password("S3cr3t-42"));
    EXPECT_EQ(texts(transcript), (std::vector<std::string>{"535 bad password '***", "NOOP\r\n", "' for alice\r\n"}));
    EXPECT_EQ(transcript[2].t_ms, 110) << "times stay";
}

TEST(RedactAcrossEntries, AnEntryWhollyInsideASecretIsEmptied) {
    std::vector<TranscriptEntry> transcript = {{0, 'E', "pw=S3"}, {1, 'E', "cr3t"}, {2, 'E', "-42!\n"}};
    redact_across_entries(transcript, with_password("S3cr3t-42"));
    EXPECT_EQ(texts(transcript), (std::vector<std::string>{"pw=***", "", "!\n"}));
}

TEST(RedactAcrossEntries, EveryDerivedSecretIsFoundAndWholeOnesToo) {
    const Variables vars = with_password("S3cr3t-42");
    const std::string login = vars.values.at("auth_login_password");   // base64 of the password
    std::vector<TranscriptEntry> transcript = {
        {0, 'S', "334 " + login.substr(0, 5)}, {1, 'S', login.substr(5) + "\r\n"}, {2, 'S', "echo S3cr3t-42\r\n"}};
    redact_across_entries(transcript, vars);
    EXPECT_EQ(texts(transcript), (std::vector<std::string>{"334 ***", "\r\n", "echo ***\r\n"}));
}

TEST(RedactAcrossEntries, LeavesEventsAndOtherDirectionsAndTextWithoutSecretsAlone) {
    std::vector<TranscriptEntry> transcript = {
        {0, 'S', "S3cr"}, {1, '*', "3t-42"}, {2, 'E', "3t-42"}, {3, 'S', "250 OK\r\n"}};
    const auto before = texts(transcript);
    redact_across_entries(transcript, with_password("S3cr3t-42"));
    EXPECT_EQ(texts(transcript), before);
}

}  // namespace
}  // namespace smtpspec
