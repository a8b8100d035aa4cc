#include "scenario/variables.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace smtpspec {
namespace {

TEST(VariablesDefaults, HoldTheDocumentedValues) {
    const Variables vars = Variables::defaults();
    EXPECT_EQ(vars.values.at("helo"), "smtpspec.example");
    EXPECT_EQ(vars.values.at("from"), "smtpspec@example.com");
    EXPECT_EQ(vars.values.at("rcpt"), "postmaster@example.com");
    EXPECT_EQ(vars.values.at("user"), "smtpspec");
    EXPECT_EQ(vars.values.at("password"), "smtpspec-secret");
}

TEST(VariablesDefaults, DeriveTheAuthEncodings) {
    const Variables vars = Variables::defaults();
    // base64("\0smtpspec\0smtpspec-secret"), base64("smtpspec"), base64("smtpspec-secret")
    EXPECT_EQ(vars.values.at("auth_plain"), "AHNtdHBzcGVjAHNtdHBzcGVjLXNlY3JldA==");
    EXPECT_EQ(vars.values.at("auth_login_user"), "c210cHNwZWM=");
    EXPECT_EQ(vars.values.at("auth_login_password"), "c210cHNwZWMtc2VjcmV0");
}

TEST(VariablesDefaults, MarkPasswordAndAuthValuesSecret) {
    const std::set<std::string> expected{"password", "auth_plain", "auth_login_user", "auth_login_password"};
    EXPECT_EQ(Variables::defaults().secrets, expected);
}

TEST(VariablesSet, RecomputesDerivedValuesAfterCredentialsChange) {
    Variables vars = Variables::defaults();
    vars.set("user", "a");
    vars.set("password", "bc");
    EXPECT_EQ(vars.values.at("auth_plain"), "AGEAYmM=");   // base64("\0a\0bc")
    EXPECT_EQ(vars.values.at("auth_login_user"), "YQ==");
    EXPECT_EQ(vars.values.at("auth_login_password"), "YmM=");
}

TEST(VariablesSet, LeavesDerivedValuesAloneForOtherNames) {
    Variables vars = Variables::defaults();
    const std::string before = vars.values.at("auth_plain");
    vars.set("rcpt", "postmaster@mx.example.net");
    EXPECT_EQ(vars.values.at("rcpt"), "postmaster@mx.example.net");
    EXPECT_EQ(vars.values.at("auth_plain"), before);
}

TEST(KnownVariableNames, AreTheDefaults) {
    const std::set<std::string> expected{"helo", "from", "rcpt", "user", "password",
                                         "auth_plain", "auth_login_user", "auth_login_password"};
    EXPECT_EQ(known_variable_names(), expected);
}

struct ExpandCase {
    const char* name;
    const char* text;
    const char* expanded;
};

class Expand : public testing::TestWithParam<ExpandCase> {};

TEST_P(Expand, SubstitutesValues) {
    Variables vars = Variables::defaults();
    vars.set("helo", "client.example");
    ASSERT_FALSE(check_template(GetParam().text).has_value());
    EXPECT_EQ(expand(GetParam().text, vars), GetParam().expanded);
}

INSTANTIATE_TEST_SUITE_P(
    Templates, Expand,
    testing::Values(ExpandCase{"plain", "NOOP", "NOOP"},
                    ExpandCase{"empty", "", ""},
                    ExpandCase{"one_variable", "EHLO {helo}", "EHLO client.example"},
                    ExpandCase{"two_variables", "{from} {rcpt}", "smtpspec@example.com postmaster@example.com"},
                    ExpandCase{"adjacent", "{helo}{helo}", "client.exampleclient.example"},
                    ExpandCase{"literal_braces", "{{helo}} {{ }}", "{helo} { }"},
                    ExpandCase{"brace_then_variable", "{{{helo}}}", "{client.example}"},
                    ExpandCase{"repeat", "{repeat:3:ab}", "ababab"},
                    ExpandCase{"repeat_zero", "x{repeat:0:ab}y", "xy"},
                    ExpandCase{"repeat_with_colon", "{repeat:2:a:b}", "a:ba:b"},
                    ExpandCase{"repeat_with_variable", "{repeat:2:RCPT TO:<{rcpt}>\r\n}",
                               "RCPT TO:<postmaster@example.com>\r\nRCPT TO:<postmaster@example.com>\r\n"},
                    ExpandCase{"repeat_with_literal_brace", "{repeat:2:{{x}}}", "{x}{x}"},
                    ExpandCase{"nested_repeat", "{repeat:2:[{repeat:3:.}]}", "[...][...]"},
                    ExpandCase{"crlf_kept", "NOOP\r\n", "NOOP\r\n"}),
    [](const testing::TestParamInfo<ExpandCase>& param_info) { return param_info.param.name; });

TEST(ExpandRepeat, ReachesTheMaximumCount) {
    const std::string out = expand("{repeat:1000000:x}", Variables::defaults());
    EXPECT_EQ(out.size(), 1'000'000u);
    EXPECT_EQ(out.find_first_not_of('x'), std::string::npos);
}

TEST(ExpandMissingValue, Throws) {
    Variables vars = Variables::defaults();
    vars.values.erase("rcpt");
    EXPECT_THROW(expand("RCPT TO:<{rcpt}>", vars), std::out_of_range);
}

struct TemplateErrorCase {
    const char* name;
    const char* text;
    std::size_t offset;
    const char* message;   // a substring of the message
};

class BadTemplate : public testing::TestWithParam<TemplateErrorCase> {};

TEST_P(BadTemplate, IsReportedWithOffsetAndReason) {
    const auto error = check_template(GetParam().text);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->offset, GetParam().offset);
    EXPECT_NE(error->message.find(GetParam().message), std::string::npos) << error->message;
}

INSTANTIATE_TEST_SUITE_P(
    Templates, BadTemplate,
    testing::Values(TemplateErrorCase{"undefined", "RCPT TO:<{rcpt2}>", 9, "undefined variable 'rcpt2'"},
                    TemplateErrorCase{"undefined_in_repeat", "{repeat:2:{nope}}", 10, "undefined variable 'nope'"},
                    TemplateErrorCase{"unclosed", "EHLO {helo", 5, "unbalanced '{'"},
                    TemplateErrorCase{"lone_close", "a } b", 2, "unbalanced '}'"},
                    TemplateErrorCase{"empty_name", "x{}", 1, "does not start a variable name"},
                    TemplateErrorCase{"space_in_name", "{ helo }", 0, "does not start a variable name"},
                    TemplateErrorCase{"json_like", "{\"a\": 1}", 0, "does not start a variable name"},
                    TemplateErrorCase{"unknown_function", "{upper:x}", 0, "unknown function 'upper'"},
                    TemplateErrorCase{"repeat_without_count", "{repeat::x}", 8, "expected a repeat count"},
                    TemplateErrorCase{"repeat_without_text", "{repeat:3}", 9, "expected ':' after the repeat count"},
                    TemplateErrorCase{"repeat_unterminated", "{repeat:3:abc", 0, "unterminated"},
                    TemplateErrorCase{"repeat_too_many", "{repeat:1000001:x}", 8, "exceeds 1000000"},
                    TemplateErrorCase{"nested_repeat_too_many", "{repeat:1000:{repeat:1001:x}}", 13,
                                      "multiply to more than 1000000"}),
    [](const testing::TestParamInfo<TemplateErrorCase>& param_info) { return param_info.param.name; });

TEST(CheckTemplate, AcceptsEveryKnownName) {
    for (const std::string& name : known_variable_names()) {
        EXPECT_FALSE(check_template("{" + name + "}").has_value()) << name;
    }
}

TEST(ExpandBadTemplate, Throws) {
    EXPECT_THROW(expand("{helo", Variables::defaults()), std::invalid_argument);
}

TEST(Redact, ReplacesEverySecretValue) {
    const Variables vars = Variables::defaults();
    const std::string transcript = "C: AUTH PLAIN " + vars.values.at("auth_plain") + "\r\n" + "C: " +
                                   vars.values.at("auth_login_password") + "\r\nC: pass smtpspec-secret twice smtpspec-secret\r\n";
    EXPECT_EQ(redact(transcript, vars), "C: AUTH PLAIN ***\r\nC: ***\r\nC: pass *** twice ***\r\n");
}

TEST(Redact, KeepsNonSecretValues) {
    const Variables vars = Variables::defaults();
    EXPECT_EQ(redact("EHLO smtpspec.example user smtpspec", vars), "EHLO smtpspec.example user smtpspec");
}

TEST(Redact, ReplacesTheLongerOfOverlappingSecretsWhole) {
    Variables vars;
    vars.values = {{"short", "abc"}, {"long", "abcdef"}};
    vars.secrets = {"short", "long"};
    EXPECT_EQ(redact("xabcdefy abc", vars), "x***y ***");
}

TEST(Redact, IgnoresEmptySecrets) {
    Variables vars = Variables::defaults();
    vars.set("password", "");
    EXPECT_EQ(redact("NOOP", vars), "NOOP");
}

}  // namespace
}  // namespace smtpspec
