// The reference server's protocol engine, byte for byte: input octets against exact reply lines.
#include "server/smtp_engine.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"

namespace smtpspec {
namespace {

using Lines = std::vector<std::string>;

// Splits replies into lines, checking what every reply line must be (RFC 5321 §4.2,
// §4.5.3.1.5): CRLF-terminated, at most 512 octets, a code followed by SP or "-".
Lines split_replies(const std::string& wire) {
    Lines lines;
    std::size_t start = 0;
    while (start < wire.size()) {
        const auto end = wire.find("\r\n", start);
        if (end == std::string::npos) {
            ADD_FAILURE() << "reply line not ended by CRLF: " << wire.substr(start);
            lines.push_back(wire.substr(start));
            break;
        }
        const std::string line = wire.substr(start, end - start);
        EXPECT_LE(line.size() + 2, 512u) << line;
        EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
        const bool coded = line.size() >= 4 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                           std::isdigit(static_cast<unsigned char>(line[1])) &&
                           std::isdigit(static_cast<unsigned char>(line[2])) && (line[3] == ' ' || line[3] == '-');
        EXPECT_TRUE(coded) << line;
        lines.push_back(line);
        start = end + 2;
    }
    return lines;
}

Lines replies_to(std::string_view input, const EngineConfig& config = {}) {
    SmtpEngine engine(config);
    std::string out;
    engine.feed(input, out);
    return split_replies(out);
}

Lines joined(std::initializer_list<Lines> parts) {
    Lines all;
    for (const Lines& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

std::string repeated(char c, std::size_t n) { return std::string(n, c); }

const std::string helo = "HELO client.example\r\n";
const std::string helo_ok = "250 smtpspec.localhost";
const std::string ehlo = "EHLO client.example\r\n";
const Lines ehlo_ok = {"250-smtpspec.localhost greets you",
                       "250-PIPELINING",
                       "250-SIZE 10485760",
                       "250-8BITMIME",
                       "250-SMTPUTF8",
                       "250-CHUNKING",
                       "250-BINARYMIME",
                       "250-DSN",
                       "250-ENHANCEDSTATUSCODES",
                       "250-AUTH PLAIN LOGIN",
                       "250-HELP",
                       "250 ETRN"};
const std::string mail = "MAIL FROM:<a@example.com>\r\n";
const std::string mail_ok = "250 2.1.0 Sender <a@example.com> OK";
const std::string rcpt = "RCPT TO:<b@example.com>\r\n";
const std::string rcpt_ok = "250 2.1.5 Recipient <b@example.com> OK";
const std::string data_ok = "354 End data with <CR><LF>.<CR><LF>";
const std::string queued = "250 2.0.0 Message accepted, queued as SMTPSPEC1";
const std::string need_mail = "503 5.5.1 Send MAIL first";
const std::string mail_syntax = "501 5.5.2 Syntax: MAIL FROM:<address> [parameters]";
const std::string bad_sender = "501 5.1.7 Sender address: bad syntax";
const std::string bad_recipient = "501 5.1.3 Recipient address: bad syntax";
const std::string not_implemented = "502 5.5.1 Command not implemented";
const std::string bare_line_break = "500 5.5.2 Bare CR or LF in command line: lines end with CRLF";
const std::string too_long = "500 5.5.6 Line too long (limit 512 octets)";

// A HELO session opening followed by MAIL FROM:<path> and its expected reply.
struct Case {
    std::string name;
    std::string input;
    Lines expected;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Case sender(std::string name, const std::string& path, const std::string& reply) {
    return {std::move(name), helo + "MAIL FROM:" + path + "\r\n", {helo_ok, reply}};
}

Case accepted_sender(std::string name, const std::string& path) {
    return sender(std::move(name), path, "250 2.1.0 Sender " + path.substr(0, path.find('>') + 1) + " OK");
}

Case recipient(std::string name, const std::string& line, const std::string& reply) {
    return {std::move(name), helo + mail + line + "\r\n", {helo_ok, mail_ok, reply}};
}

class EngineReplies : public ::testing::TestWithParam<Case> {};

TEST_P(EngineReplies, AreExactly) {
    EXPECT_EQ(replies_to(GetParam().input), GetParam().expected);
}

// --- HELO and EHLO (RFC 5321 §4.1.1.1, §4.1.4) ----------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Hello, EngineReplies,
    ::testing::Values(
        Case{"ehlo_lists_one_keyword_per_line", ehlo, ehlo_ok},
        Case{"helo_gets_a_single_line", helo, {helo_ok}},
        Case{"verbs_are_case_insensitive", "ehlo client.example\r\nHeLo client.example\r\n",
             joined({ehlo_ok, {helo_ok}})},
        Case{"ehlo_with_an_ipv4_literal", "EHLO [192.0.2.1]\r\n", ehlo_ok},
        Case{"ehlo_with_an_ipv6_literal", "EHLO [IPv6:2001:db8::1]\r\n", ehlo_ok},
        Case{"helo_with_an_address_literal", "HELO [192.0.2.1]\r\n", {helo_ok}},
        Case{"ehlo_without_argument", "EHLO\r\n", {"501 Syntax: EHLO <domain or address literal>"}},
        Case{"helo_without_argument", "HELO\r\n", {"501 Syntax: HELO <domain>"}},
        Case{"ehlo_with_underscore", "EHLO bad_name.example\r\n", {"501 Syntax: EHLO <domain or address literal>"}},
        Case{"ehlo_with_two_words", "EHLO a.example b.example\r\n", {"501 Syntax: EHLO <domain or address literal>"}},
        Case{"ehlo_with_255_octet_domain",
             "EHLO " + repeated('a', 63) + "." + repeated('b', 63) + "." + repeated('c', 63) + "." + repeated('d', 63) +
                 "\r\n",
             ehlo_ok},
        Case{"ehlo_with_256_octet_domain",
             "EHLO " + repeated('a', 63) + "." + repeated('b', 63) + "." + repeated('c', 63) + "." + repeated('d', 64) +
                 "\r\n",
             {"501 Syntax: EHLO <domain or address literal>"}},
        Case{"ehlo_resets_the_transaction", ehlo + mail + ehlo + rcpt,
             joined({ehlo_ok, {mail_ok}, ehlo_ok, {need_mail}})},
        Case{"helo_resets_the_transaction", helo + mail + helo + rcpt, {helo_ok, mail_ok, helo_ok, need_mail}},
        Case{"rejected_ehlo_keeps_the_transaction", helo + mail + "EHLO -bad\r\n" + rcpt,
             {helo_ok, mail_ok, "501 Syntax: EHLO <domain or address literal>", rcpt_ok}}),
    case_name);

// --- MAIL (RFC 5321 §4.1.1.2, §4.1.2, §4.5.3.1) ---------------------------------------------

const std::string local_64 = repeated('l', 64);
const std::string domain_189 = repeated('a', 63) + "." + repeated('b', 63) + "." + repeated('c', 61);

INSTANTIATE_TEST_SUITE_P(
    Mail, EngineReplies,
    ::testing::Values(
        accepted_sender("plain", "<a@example.com>"),
        accepted_sender("null_reverse_path", "<>"),
        accepted_sender("source_route", "<@relay.example,@hop.example:user@example.com>"),
        accepted_sender("ipv4_literal", "<user@[127.0.0.1]>"),
        accepted_sender("ipv6_literal", "<user@[IPv6:::1]>"),
        accepted_sender("ipv6_full", "<user@[IPv6:2001:db8:0:0:0:0:0:1]>"),
        accepted_sender("ipv6_with_ipv4_tail", "<user@[IPv6:::ffff:192.0.2.1]>"),
        accepted_sender("quoted_local_part", "<\"john q. doe\"@example.com>"),
        accepted_sender("quoted_pair", "<\"a\\\"b\"@example.com>"),
        accepted_sender("atext_specials", "<a.b+c!#$%&'*/=?^_`{|}~-@example.com>"),
        accepted_sender("local_part_of_64", "<" + local_64 + "@example.com>"),
        accepted_sender("path_of_256", "<" + local_64 + "@" + domain_189 + ">"),
        accepted_sender("size_parameter", "<a@example.com> SIZE=1000"),
        accepted_sender("size_at_the_maximum", "<a@example.com> SIZE=10485760"),
        accepted_sender("body_8bitmime", "<a@example.com> BODY=8BITMIME"),
        accepted_sender("parameters_any_case", "<a@example.com> body=7bit size=1"),
        accepted_sender("two_spaces_between_parameters", "<a@example.com> SIZE=1  BODY=7BIT"),
        Case{"lowercase_from", helo + "mail from:<a@example.com>\r\n", {helo_ok, mail_ok}},
        Case{"trailing_spaces", helo + "MAIL FROM:<a@example.com>  \t \r\n", {helo_ok, mail_ok}},
        Case{"before_helo", mail + helo + mail, {"503 5.5.1 Send HELO or EHLO first", helo_ok, mail_ok}},
        Case{"inside_a_transaction", helo + mail + mail + rcpt,
             {helo_ok, mail_ok, "503 5.5.1 Nested MAIL: a transaction is already open", rcpt_ok}},
        Case{"without_from", helo + "MAIL <a@example.com>\r\n", {helo_ok, mail_syntax}},
        sender("without_brackets", "a@example.com", mail_syntax),
        sender("space_after_colon", " <a@example.com>", mail_syntax),
        sender("unclosed_bracket", "<a@example.com", mail_syntax),
        sender("underscore_in_domain", "<a@bad_label.example>", bad_sender),
        sender("hyphen_ending_a_label", "<a@bad-.example>", bad_sender),
        sender("trailing_dot_in_domain", "<a@example.com.>", bad_sender),
        sender("two_dots_in_local_part", "<a..b@example.com>", bad_sender),
        sender("no_domain", "<a>", bad_sender),
        sender("empty_local_part", "<@example.com>", bad_sender),
        sender("space_inside", "<a b@example.com>", bad_sender),
        sender("ipv4_octet_over_255", "<a@[256.0.0.1]>", bad_sender),
        sender("ipv4_with_three_parts", "<a@[10.0.1]>", bad_sender),
        sender("ipv6_with_two_gaps", "<a@[IPv6:1::2::3]>", bad_sender),
        sender("ipv6_with_seven_groups", "<a@[IPv6:1:2:3:4:5:6:7]>", bad_sender),
        sender("ipv6_gap_with_seven_groups", "<a@[IPv6:1:2:3:4:5:6::7]>", bad_sender),
        sender("unregistered_literal_tag", "<a@[x-tag:anything]>", bad_sender),
        sender("bad_source_route", "<@relay_1.example:a@example.com>", bad_sender),
        sender("non_ascii_without_smtputf8", "<j\xc3\xb6rg@example.com>",
               "550 5.6.7 Sender address: non-ASCII characters need the SMTPUTF8 parameter"),
        sender("control_character", "<a\x01@example.com>", bad_sender),
        sender("local_part_of_65", "<" + local_64 + "l@example.com>",
               "501 5.1.7 Sender address: local-part too long (limit 64 octets)"),
        sender("domain_of_256", "<a@" + repeated('a', 63) + "." + repeated('b', 63) + "." + repeated('c', 63) + "." +
                                    repeated('d', 64) + ">",
               "501 5.1.7 Sender address: domain too long (limit 255 octets)"),
        sender("path_of_257", "<" + local_64 + "@" + domain_189 + "c>",
               "501 5.1.7 Sender address: path too long (limit 256 octets)"),
        sender("size_over_the_maximum", "<a@example.com> SIZE=10485761",
               "552 5.3.4 Message size exceeds fixed maximum message size (10485760 octets)"),
        sender("size_of_20_digits", "<a@example.com> SIZE=99999999999999999999",
               "552 5.3.4 Message size exceeds fixed maximum message size (10485760 octets)"),
        sender("size_of_21_digits", "<a@example.com> SIZE=100000000000000000000",
               "501 5.5.4 SIZE takes a number of octets"),
        sender("size_not_a_number", "<a@example.com> SIZE=big", "501 5.5.4 SIZE takes a number of octets"),
        sender("size_without_value", "<a@example.com> SIZE", "501 5.5.4 SIZE takes a number of octets"),
        sender("body_without_value", "<a@example.com> BODY", "501 5.5.4 BODY takes 7BIT, 8BITMIME or BINARYMIME"),
        sender("unknown_parameter", "<a@example.com> X-SMTPSPEC=1", "555 5.5.4 Parameter not recognized"),
        sender("parameter_twice", "<a@example.com> SIZE=1 size=2", "501 5.5.4 Parameter given twice"),
        sender("parameter_without_keyword", "<a@example.com> =1", "501 5.5.4 Malformed parameter"),
        sender("parameter_with_empty_value", "<a@example.com> SIZE=", "501 5.5.4 Malformed parameter"),
        sender("parameter_value_with_equals", "<a@example.com> X-A=b=c", "501 5.5.4 Malformed parameter"),
        sender("parameter_glued_to_path", "<a@example.com>SIZE=1",
               "501 5.5.2 Parameters must be separated from the path by a space"),
        Case{"failed_mail_opens_no_transaction", helo + "MAIL FROM:<a@bad_label>\r\n" + rcpt,
             {helo_ok, bad_sender, need_mail}}),
    case_name);

// --- RCPT (RFC 5321 §4.1.1.3, §3.3) ---------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    Rcpt, EngineReplies,
    ::testing::Values(
        recipient("plain", "RCPT TO:<b@example.com>", rcpt_ok),
        recipient("lowercase_to", "rcpt to:<b@example.com>", rcpt_ok),
        recipient("postmaster_without_domain", "RCPT TO:<Postmaster>", "250 2.1.5 Recipient <Postmaster> OK"),
        recipient("postmaster_any_case", "RCPT TO:<pOSTMASTER>", "250 2.1.5 Recipient <pOSTMASTER> OK"),
        recipient("postmaster_at_a_domain", "RCPT TO:<POSTMASTER@example.org>",
                  "250 2.1.5 Recipient <POSTMASTER@example.org> OK"),
        recipient("source_route", "RCPT TO:<@hop.example:b@example.com>",
                  "250 2.1.5 Recipient <@hop.example:b@example.com> OK"),
        recipient("address_literal", "RCPT TO:<b@[IPv6:::1]>", "250 2.1.5 Recipient <b@[IPv6:::1]> OK"),
        recipient("unknown_mailbox", "RCPT TO:<nosuchuser@example.com>",
                  "550 5.1.1 Mailbox <nosuchuser@example.com> does not exist"),
        recipient("unknown_mailbox_any_case", "RCPT TO:<NoSuchUser42@example.com>",
                  "550 5.1.1 Mailbox <NoSuchUser42@example.com> does not exist"),
        recipient("null_path", "RCPT TO:<>", bad_recipient),
        recipient("underscore_in_domain", "RCPT TO:<b@under_score.example>", bad_recipient),
        recipient("space_after_colon", "RCPT TO: <b@example.com>", "501 5.5.2 Syntax: RCPT TO:<address> [parameters]"),
        recipient("without_to", "RCPT <b@example.com>", "501 5.5.2 Syntax: RCPT TO:<address> [parameters]"),
        recipient("unknown_parameter", "RCPT TO:<b@example.com> X-SMTPSPEC", "555 5.5.4 Parameter not recognized"),
        recipient("too_long_local_part", "RCPT TO:<" + local_64 + "x@example.com>",
                  "501 5.1.3 Recipient address: local-part too long (limit 64 octets)"),
        Case{"before_mail", helo + rcpt, {helo_ok, need_mail}},
        Case{"before_helo", rcpt, {need_mail}},
        Case{"after_rset", helo + mail + "RSET\r\n" + rcpt, {helo_ok, mail_ok, "250 2.0.0 OK", need_mail}}),
    case_name);

// --- DATA and the message (RFC 5321 §4.1.1.4, §4.5.2, §3.3) ---------------------------------

const std::string open_transaction = helo + mail + rcpt;
const Lines transaction_ok = {helo_ok, mail_ok, rcpt_ok};

INSTANTIATE_TEST_SUITE_P(
    Data, EngineReplies,
    ::testing::Values(
        Case{"full_transaction", open_transaction + "DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\n",
             joined({transaction_ok, {data_ok, queued}})},
        Case{"empty_message", open_transaction + "DATA\r\n.\r\n", joined({transaction_ok, {data_ok, queued}})},
        Case{"dot_stuffed_lines", open_transaction + "DATA\r\n..\r\n.a\r\n...\r\nb.\r\n.\r\n",
             joined({transaction_ok, {data_ok, queued}})},
        Case{"commands_inside_the_message_are_content",
             open_transaction + "DATA\r\nQUIT\r\nRSET\r\nMAIL FROM:<x@example.com>\r\n.\r\nNOOP\r\n",
             joined({transaction_ok, {data_ok, queued, "250 2.0.0 OK"}})},
        Case{"the_message_ends_the_transaction", open_transaction + "DATA\r\n.\r\n" + rcpt,
             joined({transaction_ok, {data_ok, queued, need_mail}})},
        Case{"messages_get_their_own_ids", open_transaction + "DATA\r\n.\r\n" + mail + rcpt + "DATA\r\n.\r\n",
             joined({transaction_ok,
                     {data_ok, queued, mail_ok, rcpt_ok, data_ok, "250 2.0.0 Message accepted, queued as SMTPSPEC2"}})},
        Case{"without_mail", helo + "DATA\r\n", {helo_ok, need_mail}},
        Case{"without_recipient", helo + mail + "DATA\r\n", {helo_ok, mail_ok, "554 5.5.1 No valid recipients"}},
        Case{"with_every_recipient_rejected", helo + mail + "RCPT TO:<nosuchuser@example.com>\r\nDATA\r\n.\r\n",
             {helo_ok, mail_ok, "550 5.1.1 Mailbox <nosuchuser@example.com> does not exist",
              "554 5.5.1 No valid recipients", "500 5.5.2 Command not recognized"}},
        Case{"with_an_argument", open_transaction + "DATA now\r\n",
             joined({transaction_ok, {"501 5.5.4 Syntax: DATA (no parameters)"}})},
        Case{"one_good_recipient_is_enough", helo + mail + "RCPT TO:<nosuchuser@example.com>\r\n" + rcpt + "DATA\r\n",
             {helo_ok, mail_ok, "550 5.1.1 Mailbox <nosuchuser@example.com> does not exist", rcpt_ok, data_ok}}),
    case_name);

// Every end-of-data look-alike the SMTP smuggling scanners send (CVE-2023-51764/5/6), placed
// after a complete line and followed by a smuggled transaction: all of it must stay content,
// so the only replies after 354 are one 250 for the real end and the NOOP after it.
class Smuggling : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

std::string smuggling_name(const ::testing::TestParamInfo<std::pair<std::string, std::string>>& variant) {
    return variant.param.first;
}

TEST_P(Smuggling, LookAlikeIsContent) {
    const std::string smuggled = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nspoofed\r\n";
    const std::string input =
        open_transaction + "DATA\r\nSubject: x\r\n\r\nfirst\r\n" + GetParam().second + smuggled + ".\r\nNOOP\r\n";
    EXPECT_EQ(replies_to(input), joined({transaction_ok, {data_ok, queued, "250 2.0.0 OK"}}));
}

INSTANTIATE_TEST_SUITE_P(
    Variants, Smuggling,
    ::testing::Values(std::pair{"lf_dot_lf", "\n.\n"}, std::pair{"lf_dot_cr", "\n.\r"},
                      std::pair{"cr_dot_lf", "\r.\n"}, std::pair{"cr_dot_cr", "\r.\r"},
                      std::pair{"lf_dot_crlf", "\n.\r\n"}, std::pair{"cr_dot_crlf", "\r.\r\n"},
                      std::pair{"crlf_nul_dot_crlf", std::string("\r\n\0.\r\n", 6)},
                      std::pair{"crlf_dot_nul_crlf", std::string("\r\n.\0\r\n", 6)},
                      std::pair{"crlf_dot_lf", "\r\n.\n"}, std::pair{"crlf_dot_cr", "\r\n.\r"},
                      std::pair{"crlf_dot_cr_crlf", "\r\n.\r\r\n"}, std::pair{"cr_crlf_dot_cr_crlf", "\r\r\n.\r\r\n"},
                      std::pair{"dot_space_crlf", ". \r\n"}, std::pair{"crlf_space_dot_crlf", "\r\n .\r\n"}),
    smuggling_name);

// --- RSET, NOOP, QUIT, VRFY, EXPN, HELP and the rest ----------------------------------------

const Lines help_lines = {"214-2.0.0 smtpspec reference server (RFC 5321). Commands:",
                          "214-2.0.0 HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP AUTH ETRN",
                          "214 2.0.0 HELP <command> describes one"};
const std::string not_verified = "252 2.5.0 Not verified; mail to the address will be accepted and tried";

INSTANTIATE_TEST_SUITE_P(
    Other, EngineReplies,
    ::testing::Values(
        Case{"rset", helo + "RSET\r\n", {helo_ok, "250 2.0.0 OK"}},
        Case{"rset_before_helo", "RSET\r\n", {"250 2.0.0 OK"}},
        Case{"rset_with_an_argument", helo + "RSET smtpspec\r\n", {helo_ok, "501 5.5.4 Syntax: RSET (no parameters)"}},
        Case{"noop", "NOOP\r\n", {"250 2.0.0 OK"}},
        Case{"noop_ignores_its_argument", "NOOP smtpspec was here\r\n", {"250 2.0.0 OK"}},
        Case{"quit", helo + "QUIT\r\n", {helo_ok, "221 2.0.0 smtpspec.localhost closing connection"}},
        Case{"quit_with_trailing_blanks", "QUIT \t \r\n", {"221 2.0.0 smtpspec.localhost closing connection"}},
        Case{"quit_with_an_argument", "QUIT now\r\nNOOP\r\n",
             {"501 5.5.4 Syntax: QUIT (no parameters)", "250 2.0.0 OK"}},
        Case{"nothing_after_quit", "QUIT\r\nNOOP\r\n", {"221 2.0.0 smtpspec.localhost closing connection"}},
        Case{"vrfy", "VRFY postmaster@example.com\r\n", {not_verified}},
        Case{"expn_is_not_implemented", "EXPN staff\r\n", {not_implemented}},
        Case{"expn_even_with_smtputf8", "EXPN staff SMTPUTF8\r\n", {not_implemented}},
        Case{"vrfy_with_smtputf8", "VRFY j\xc3\xb6rg SMTPUTF8\r\n", {not_verified}},
        Case{"vrfy_without_argument", "VRFY\r\n", {"501 5.5.4 Syntax: VRFY <address>"}},
        Case{"vrfy_keeps_the_transaction", helo + mail + "VRFY x\r\n" + rcpt,
             {helo_ok, mail_ok, not_verified, rcpt_ok}},
        Case{"help", "HELP\r\n", help_lines},
        Case{"help_on_a_command", "HELP mail\r\n",
             {"214 2.0.0 MAIL FROM:<reverse-path> [SIZE=<octets>] [BODY=<type>] [SMTPUTF8] [RET=FULL|HDRS] "
              "[ENVID=<xtext>] [AUTH=<xtext>|<>]: start a transaction"}},
        Case{"help_on_rcpt", "HELP RCPT\r\n",
             {"214 2.0.0 RCPT TO:<forward-path> [NOTIFY=<conditions>] [ORCPT=<type>;<xtext>]: add a recipient"}},
        Case{"help_on_bdat", "HELP bdat\r\n",
             {"214 2.0.0 BDAT <size> [LAST]: send the next <size> octets of the message as they are"}},
        Case{"help_on_auth", "HELP AUTH\r\n",
             {"214 2.0.0 AUTH PLAIN|LOGIN [initial-response]: authenticate (RFC 4954)"}},
        Case{"help_on_starttls_when_not_offered", "HELP STARTTLS\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"help_on_expn", "HELP EXPN\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"help_on_an_unimplemented_command", "HELP TURN\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"help_on_nonsense", "HELP xyzzy\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"send", helo + "SEND FROM:<a@example.com>\r\n", {helo_ok, not_implemented}},
        Case{"soml", "SOML FROM:<a@example.com>\r\n", {not_implemented}},
        Case{"saml", "SAML FROM:<a@example.com>\r\n", {not_implemented}},
        Case{"turn", "TURN\r\n", {not_implemented}},
        // RFC 1985: no queue is held for anyone, so a valid request gets 251 "no messages waiting".
        Case{"etrn_before_helo", "ETRN example.com\r\n", {"503 5.5.1 Send HELO or EHLO first"}},
        Case{"etrn_for_a_node", helo + "ETRN example.com\r\n",
             {helo_ok, "251 2.0.0 OK, no messages waiting for node example.com"}},
        Case{"etrn_for_a_domain_and_subdomains", helo + "ETRN @example.com\r\n",
             {helo_ok, "251 2.0.0 OK, no messages waiting for node @example.com"}},
        Case{"etrn_for_a_named_queue", helo + "ETRN #queue\r\n",
             {helo_ok, "251 2.0.0 OK, no messages waiting for node #queue"}},
        Case{"etrn_without_a_node", helo + "ETRN\r\n", {helo_ok, "501 5.5.4 Syntax: ETRN [@|#]<node>"}},
        Case{"etrn_inside_a_transaction", helo + mail + "ETRN example.com\r\n",
             {helo_ok, mail_ok, "503 5.5.1 ETRN is not allowed inside a transaction"}},
        Case{"atrn", "ATRN example.com\r\n", {not_implemented}},
        Case{"starttls_without_tls", "STARTTLS\r\n", {not_implemented}},
        Case{"unknown_verb", "XYZZY\r\n", {"500 5.5.2 Command not recognized"}},
        Case{"verb_glued_to_text", "NOOPX\r\n", {"500 5.5.2 Command not recognized"}},
        Case{"empty_line", "\r\n", {"500 5.5.2 Empty command line"}},
        Case{"blank_line", "  \r\n", {"500 5.5.2 Empty command line"}}),
    case_name);

// --- command lines (RFC 5321 §2.3.8, §4.1.1, §4.5.3.1.4) ------------------------------------

const std::string noop_of_512 = "NOOP " + repeated('x', 505) + "\r\n";

INSTANTIATE_TEST_SUITE_P(
    CommandLines, EngineReplies,
    ::testing::Values(
        Case{"bare_lf_inside", "NOOP\nQUIT\r\nNOOP\r\n", {bare_line_break, "250 2.0.0 OK"}},
        Case{"bare_cr_inside", "NOOP\rQUIT\r\nNOOP\r\n", {bare_line_break, "250 2.0.0 OK"}},
        Case{"cr_cr_lf", "NOOP\r\r\n", {bare_line_break}},
        Case{"lf_alone", "\n\r\n", {bare_line_break}},
        Case{"line_of_512_octets", noop_of_512, {"250 2.0.0 OK"}},
        Case{"line_of_513_octets", "NOOP " + repeated('x', 506) + "\r\nNOOP\r\n", {too_long, "250 2.0.0 OK"}},
        Case{"long_unknown_line", repeated('x', 600) + "\r\n", {too_long}},
        Case{"mail_may_use_the_parameter_allowance", helo + "MAIL FROM:<a@example.com>" + repeated(' ', 500) + "\r\n",
             {helo_ok, mail_ok}},
        // 512 + SIZE 26 + BODY 16 + SMTPUTF8 10 + RET 8 + ENVID 100 + AUTH 500.
        Case{"mail_at_the_allowance", helo + "MAIL FROM:<a@example.com>" + repeated(' ', 1145) + "\r\n",
             {helo_ok, mail_ok}},
        Case{"mail_beyond_the_allowance", helo + "MAIL FROM:<a@example.com>" + repeated(' ', 1146) + "\r\n",
             {helo_ok, "500 5.5.6 Line too long (limit 1172 octets)"}},
        // 512 + NOTIFY 28 + ORCPT 500, over RFC 3461 §5's 1036.
        Case{"rcpt_beyond_the_allowance", helo + mail + "RCPT TO:<b@example.com>" + repeated(' ', 1016) + "\r\n",
             {helo_ok, mail_ok, "500 5.5.6 Line too long (limit 1040 octets)"}},
        Case{"auth_line_of_12288_octets", ehlo + "AUTH PLAIN " + repeated('A', 12288 - 13) + "\r\n",
             joined({ehlo_ok, {"501 5.5.2 Invalid base64 data"}})},
        Case{"auth_line_of_12289_octets", ehlo + "AUTH PLAIN " + repeated('A', 12288 - 12) + "\r\n",
             joined({ehlo_ok, {"500 5.5.6 Line too long (limit 12288 octets)"}})},
        Case{"pipelined_group", ehlo + mail + rcpt + "RCPT TO:<c@example.com>\r\nDATA\r\n",
             joined({ehlo_ok, {mail_ok, rcpt_ok, "250 2.1.5 Recipient <c@example.com> OK", data_ok}})},
        Case{"a_failed_command_loses_nothing", helo + "MAIL FROM:<a@bad_>\r\n" + rcpt + "NOOP\r\n" + mail,
             {helo_ok, bad_sender, need_mail, "250 2.0.0 OK", mail_ok}},
        Case{"incomplete_line_waits", "NOOP\r\nNOOP", {"250 2.0.0 OK"}}),
    case_name);

// --- MAIL and RCPT parameters (RFC 5321 §4.1.2, §4.1.1.11 and the extensions' RFCs) ---------

const std::string envid_100 = repeated('e', 100);
const std::string orcpt_500 = "rfc822;" + repeated('o', 493);

INSTANTIATE_TEST_SUITE_P(
    MailParameters, EngineReplies,
    ::testing::Values(
        accepted_sender("body_7bit", "<a@example.com> BODY=7BIT"),
        accepted_sender("body_binarymime", "<a@example.com> BODY=BINARYMIME"),
        accepted_sender("smtputf8", "<a@example.com> SMTPUTF8"),
        accepted_sender("ret_full", "<a@example.com> RET=FULL"),
        accepted_sender("ret_hdrs_any_case", "<a@example.com> ret=hdrs"),
        accepted_sender("envid", "<a@example.com> ENVID=QQ+2B7+20x"),
        accepted_sender("envid_of_100", "<a@example.com> ENVID=" + envid_100),
        accepted_sender("auth_null", "<a@example.com> AUTH=<>"),
        accepted_sender("auth_mailbox", "<a@example.com> AUTH=a+2Bb@example.com"),
        accepted_sender("every_parameter",
                        "<a@example.com> SIZE=10 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=x AUTH=<>"),
        sender("body_unknown", "<a@example.com> BODY=9BIT", "501 5.5.4 BODY takes 7BIT, 8BITMIME or BINARYMIME"),
        sender("body_twice", "<a@example.com> BODY=7BIT BODY=8BITMIME", "501 5.5.4 Parameter given twice"),
        sender("size_twice", "<a@example.com> SIZE=1 SIZE=1", "501 5.5.4 Parameter given twice"),
        sender("smtputf8_with_a_value", "<a@example.com> SMTPUTF8=yes", "501 5.5.4 SMTPUTF8 takes no value"),
        sender("ret_unknown", "<a@example.com> RET=ALL", "501 5.5.4 RET takes FULL or HDRS"),
        sender("ret_without_value", "<a@example.com> RET", "501 5.5.4 RET takes FULL or HDRS"),
        sender("ret_twice", "<a@example.com> RET=FULL RET=HDRS", "501 5.5.4 Parameter given twice"),
        sender("envid_of_101", "<a@example.com> ENVID=" + envid_100 + "e",
               "501 5.5.4 ENVID takes printable xtext of at most 100 characters"),
        sender("envid_lowercase_hex", "<a@example.com> ENVID=a+2b",
               "501 5.5.4 ENVID takes printable xtext of at most 100 characters"),
        sender("envid_plus_at_the_end", "<a@example.com> ENVID=a+2",
               "501 5.5.4 ENVID takes printable xtext of at most 100 characters"),
        sender("envid_encoding_a_control", "<a@example.com> ENVID=a+0A",
               "501 5.5.4 ENVID takes printable xtext of at most 100 characters"),
        sender("envid_twice", "<a@example.com> ENVID=a ENVID=b", "501 5.5.4 Parameter given twice"),
        sender("auth_lowercase_hex", "<a@example.com> AUTH=a+2bb",
               "501 5.5.4 AUTH takes an xtext-encoded mailbox or <>"),
        sender("auth_without_value", "<a@example.com> AUTH", "501 5.5.4 AUTH takes an xtext-encoded mailbox or <>"),
        sender("rcpt_parameter_on_mail", "<a@example.com> NOTIFY=NEVER", "555 5.5.4 Parameter not recognized"),
        sender("non_ascii_value_without_smtputf8", "<a@example.com> ENVID=\xc3\xb6",
               "501 5.5.4 Malformed parameter"),
        sender("non_ascii_envid_with_smtputf8", "<a@example.com> SMTPUTF8 ENVID=\xc3\xb6",
               "501 5.5.4 ENVID takes printable xtext of at most 100 characters"),
        sender("first_problem_is_answered", "<a@example.com> X-UNKNOWN SIZE=x", "555 5.5.4 Parameter not recognized")),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    RcptParameters, EngineReplies,
    ::testing::Values(
        recipient("notify_never", "RCPT TO:<b@example.com> NOTIFY=NEVER", rcpt_ok),
        recipient("notify_every_condition", "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE,DELAY", rcpt_ok),
        recipient("notify_any_case", "RCPT TO:<b@example.com> notify=delay,success", rcpt_ok),
        recipient("orcpt", "RCPT TO:<b@example.com> ORCPT=rfc822;b@example.com", rcpt_ok),
        recipient("orcpt_xtext", "RCPT TO:<b@example.com> ORCPT=rfc822;b+2Bc@example.com", rcpt_ok),
        recipient("orcpt_of_500", "RCPT TO:<b@example.com> ORCPT=" + orcpt_500, rcpt_ok),
        recipient("orcpt_utf8_xtext", "RCPT TO:<b@example.com> ORCPT=utf-8;j\\x{F6}rg@example.com", rcpt_ok),
        recipient("both_dsn_parameters", "RCPT TO:<b@example.com> NOTIFY=FAILURE ORCPT=rfc822;b@example.com",
                  rcpt_ok),
        recipient("notify_never_with_others", "RCPT TO:<b@example.com> NOTIFY=NEVER,SUCCESS",
                  "501 5.5.4 NOTIFY takes NEVER or a list of SUCCESS, FAILURE and DELAY"),
        recipient("notify_empty_element", "RCPT TO:<b@example.com> NOTIFY=SUCCESS,",
                  "501 5.5.4 NOTIFY takes NEVER or a list of SUCCESS, FAILURE and DELAY"),
        recipient("notify_unknown", "RCPT TO:<b@example.com> NOTIFY=ALWAYS",
                  "501 5.5.4 NOTIFY takes NEVER or a list of SUCCESS, FAILURE and DELAY"),
        recipient("notify_twice", "RCPT TO:<b@example.com> NOTIFY=NEVER NOTIFY=NEVER",
                  "501 5.5.4 Parameter given twice"),
        recipient("orcpt_without_type", "RCPT TO:<b@example.com> ORCPT=b@example.com",
                  "501 5.5.4 ORCPT takes <address type>;<xtext address> of at most 500 characters"),
        recipient("orcpt_without_address", "RCPT TO:<b@example.com> ORCPT=rfc822;",
                  "501 5.5.4 ORCPT takes <address type>;<xtext address> of at most 500 characters"),
        recipient("orcpt_type_not_an_atom", "RCPT TO:<b@example.com> ORCPT=rfc(822);b@example.com",
                  "501 5.5.4 ORCPT takes <address type>;<xtext address> of at most 500 characters"),
        recipient("orcpt_of_501", "RCPT TO:<b@example.com> ORCPT=" + orcpt_500 + "o",
                  "501 5.5.4 ORCPT takes <address type>;<xtext address> of at most 500 characters"),
        recipient("orcpt_bad_utf8_escape", "RCPT TO:<b@example.com> ORCPT=utf-8;j\\x{Z}rg@example.com",
                  "501 5.5.4 ORCPT takes <address type>;<xtext address> of at most 500 characters"),
        recipient("orcpt_unitext_without_smtputf8", "RCPT TO:<b@example.com> ORCPT=utf-8;j\xc3\xb6rg@example.com",
                  "501 5.5.4 Malformed parameter"),
        recipient("orcpt_twice", "RCPT TO:<b@example.com> ORCPT=rfc822;a@b ORCPT=rfc822;a@b",
                  "501 5.5.4 Parameter given twice"),
        recipient("mail_parameter_on_rcpt", "RCPT TO:<b@example.com> SIZE=10", "555 5.5.4 Parameter not recognized")),
    case_name);

// --- SMTPUTF8 (RFC 6531) --------------------------------------------------------------------

const std::string utf8_mail = "MAIL FROM:<j\xc3\xb6rg@example.com> SMTPUTF8\r\n";
const std::string utf8_mail_ok = "250 2.1.0 Sender OK";   // the reply does not echo UTF-8 (RFC 6531 §3.7.4)

INSTANTIATE_TEST_SUITE_P(
    Smtputf8, EngineReplies,
    ::testing::Values(
        Case{"utf8_sender_with_the_parameter", helo + utf8_mail, {helo_ok, utf8_mail_ok}},
        sender("u_label_domain", "<a@b\xc3\xbc" "cher.example> SMTPUTF8", utf8_mail_ok),
        sender("quoted_utf8_local_part", "<\"j\xc3\xb6rg x\"@example.com> SMTPUTF8", utf8_mail_ok),
        sender("four_octet_character", "<\xf0\x9f\x93\xa7@example.com> SMTPUTF8", utf8_mail_ok),
        sender("invalid_utf8", "<j\xffrg@example.com> SMTPUTF8", bad_sender),
        sender("overlong_utf8", "<j\xc0\xafrg@example.com> SMTPUTF8", bad_sender),
        sender("truncated_utf8", "<j\xc3@example.com> SMTPUTF8", bad_sender),
        sender("utf8_local_part_of_65_octets", "<" + repeated('l', 63) + "\xc3\xb6@example.com> SMTPUTF8",
               "501 5.1.7 Sender address: local-part too long (limit 64 octets)"),
        Case{"utf8_recipient_in_an_smtputf8_transaction", helo + utf8_mail + "RCPT TO:<m\xc3\xbcller@example.com>\r\n",
             {helo_ok, utf8_mail_ok, "250 2.1.5 Recipient OK"}},
        Case{"orcpt_unitext_in_an_smtputf8_transaction",
             helo + utf8_mail + "RCPT TO:<b@example.com> ORCPT=utf-8;j\xc3\xb6rg@example.com\r\n",
             {helo_ok, utf8_mail_ok, rcpt_ok}},
        recipient("utf8_recipient_without_smtputf8", "RCPT TO:<m\xc3\xbcller@example.com>",
                  "553 5.6.7 Recipient address: non-ASCII characters need SMTPUTF8 on MAIL"),
        Case{"unknown_utf8_mailbox", helo + utf8_mail + "RCPT TO:<nosuchuser\xc3\xb6@example.com>\r\n",
             {helo_ok, utf8_mail_ok, "550 5.1.1 Mailbox does not exist"}},
        Case{"the_next_transaction_needs_it_again", helo + utf8_mail + "RSET\r\n" + mail + "RCPT TO:<m\xc3\xbcller@x.example>\r\n",
             {helo_ok, utf8_mail_ok, "250 2.0.0 OK", mail_ok,
              "553 5.6.7 Recipient address: non-ASCII characters need SMTPUTF8 on MAIL"}},
        Case{"utf8_ehlo_domain_is_refused", "EHLO b\xc3\xbc" "cher.example\r\n",
             {"501 Syntax: EHLO <domain or address literal>"}}),
    case_name);

// --- AUTH (RFC 4954) -------------------------------------------------------------------------

const std::string plain_credentials = "AHNtdHBzcGVjAHNtdHBzcGVjLXNlY3JldA==";   // \0smtpspec\0smtpspec-secret
const std::string login_user = "c210cHNwZWM=\r\n";                          // smtpspec
const std::string login_password = "c210cHNwZWMtc2VjcmV0\r\n";              // smtpspec-secret
const std::string auth_plain = "AUTH PLAIN " + plain_credentials + "\r\n";
const std::string authenticated = "235 2.7.0 Authentication successful";
const std::string bad_credentials = "535 5.7.8 Authentication credentials invalid";
const std::string invalid_base64 = "501 5.5.2 Invalid base64 data";
const std::string cancelled = "501 5.0.0 Authentication cancelled";
const std::string empty_challenge = "334 ";
const std::string username_challenge = "334 VXNlcm5hbWU6";   // "Username:"
const std::string password_challenge = "334 UGFzc3dvcmQ6";   // "Password:"

// EHLO first, then the AUTH exchange and what follows it.
Case auth_case(std::string name, const std::string& input, const Lines& expected) {
    return {std::move(name), ehlo + input, joined({ehlo_ok, expected})};
}

INSTANTIATE_TEST_SUITE_P(
    Auth, EngineReplies,
    ::testing::Values(
        auth_case("plain_with_initial_response", auth_plain, {authenticated}),
        auth_case("mechanism_any_case", "auth plain " + plain_credentials + "\r\n", {authenticated}),
        auth_case("plain_after_an_empty_challenge", "AUTH PLAIN\r\n" + plain_credentials + "\r\n",
                  {empty_challenge, authenticated}),
        auth_case("plain_empty_initial_response", "AUTH PLAIN =\r\n", {bad_credentials}),
        auth_case("plain_empty_response", "AUTH PLAIN\r\n\r\n", {empty_challenge, bad_credentials}),
        auth_case("plain_wrong_password", "AUTH PLAIN AHNtdHBzcGVjAHdyb25n\r\n", {bad_credentials}),
        auth_case("plain_unknown_user", "AUTH PLAIN AG5vYm9keQBzbXRwc3BlYy1zZWNyZXQ=\r\n", {bad_credentials}),
        auth_case("plain_for_another_identity", "AUTH PLAIN b3RoZXIAc210cHNwZWMAc210cHNwZWMtc2VjcmV0\r\n",
                  {bad_credentials}),
        auth_case("plain_for_its_own_identity", "AUTH PLAIN c210cHNwZWMAc210cHNwZWMAc210cHNwZWMtc2VjcmV0\r\n",
                  {authenticated}),
        auth_case("plain_without_separators", "AUTH PLAIN bm8gbnVsIGhlcmU=\r\n", {bad_credentials}),
        auth_case("login", "AUTH LOGIN\r\n" + login_user + login_password,
                  {username_challenge, password_challenge, authenticated}),
        auth_case("login_with_the_user_as_initial_response", "AUTH LOGIN " + login_user + login_password,
                  {password_challenge, authenticated}),
        auth_case("login_wrong_password", "AUTH LOGIN\r\n" + login_user + "d3Jvbmc=\r\n",
                  {username_challenge, password_challenge, bad_credentials}),
        auth_case("cancel_at_the_first_challenge", "AUTH PLAIN\r\n*\r\nNOOP\r\n",
                  {empty_challenge, cancelled, "250 2.0.0 OK"}),
        auth_case("cancel_at_the_password", "AUTH LOGIN\r\n" + login_user + "*\r\n",
                  {username_challenge, password_challenge, cancelled}),
        auth_case("initial_response_outside_the_alphabet", "AUTH PLAIN AH!tdHBz\r\n", {invalid_base64}),
        auth_case("initial_response_with_a_misplaced_equals", "AUTH PLAIN AH=tdHBz\r\n", {invalid_base64}),
        auth_case("initial_response_with_three_equals", "AUTH PLAIN A===\r\n", {invalid_base64}),
        auth_case("initial_response_of_a_bad_length", "AUTH PLAIN AHNtd\r\n", {invalid_base64}),
        auth_case("star_as_initial_response", "AUTH PLAIN *\r\n", {invalid_base64}),
        auth_case("response_with_a_space", "AUTH PLAIN\r\nAHNt dHBz\r\n", {empty_challenge, invalid_base64}),
        auth_case("response_with_a_misplaced_equals", "AUTH LOGIN\r\nc2=0cHNwZWM=\r\n",
                  {username_challenge, invalid_base64}),
        auth_case("response_with_a_bare_lf", "AUTH PLAIN\r\nAHNt\nAAAA\r\n", {empty_challenge, invalid_base64}),
        auth_case("response_with_trailing_space", "AUTH PLAIN\r\n" + plain_credentials + " \r\n",
                  {empty_challenge, invalid_base64}),
        auth_case("response_line_too_long", "AUTH PLAIN\r\n" + repeated('A', 12287) + "\r\nNOOP\r\n",
                  {empty_challenge, "500 5.5.6 Authentication exchange line is too long", "250 2.0.0 OK"}),
        auth_case("a_response_is_never_a_command", "AUTH PLAIN\r\nQUIT\r\nNOOP\r\n",
                  {empty_challenge, bad_credentials, "250 2.0.0 OK"}),
        auth_case("unknown_mechanism", "AUTH CRAM-MD5\r\n", {"504 5.5.4 Unrecognized authentication mechanism"}),
        auth_case("unknown_mechanism_with_initial_response", "AUTH X-SMTPSPEC-NO-SUCH-MECHANISM AAAA\r\n",
                  {"504 5.5.4 Unrecognized authentication mechanism"}),
        auth_case("without_mechanism", "AUTH\r\n", {"501 5.5.2 Syntax: AUTH <mechanism> [initial-response]"}),
        auth_case("with_three_words", "AUTH PLAIN AAAA AAAA\r\n",
                  {"501 5.5.2 Syntax: AUTH <mechanism> [initial-response]"}),
        auth_case("after_success", auth_plain + auth_plain,
                  {authenticated, "503 5.5.1 Already authenticated"}),
        auth_case("inside_a_transaction", mail + auth_plain + rcpt,
                  {mail_ok, "503 5.5.1 AUTH is not allowed during a mail transaction", rcpt_ok}),
        auth_case("retry_after_a_failure", "AUTH PLAIN AHNtdHBzcGVjAHdyb25n\r\n" + auth_plain,
                  {bad_credentials, authenticated}),
        auth_case("survives_rset_and_ehlo", auth_plain + "RSET\r\n" + ehlo + auth_plain,
                  joined({{authenticated, "250 2.0.0 OK"}, ehlo_ok, {"503 5.5.1 Already authenticated"}})),
        auth_case("transaction_after_auth", auth_plain + mail + rcpt, {authenticated, mail_ok, rcpt_ok}),
        Case{"before_ehlo", auth_plain, {"503 5.5.1 Send EHLO first"}}),
    case_name);

TEST(EngineAuth, UsesTheConfiguredUsers) {
    EngineConfig config;
    config.users = {{"alice", "wonderland"}};
    // \0alice\0wonderland, then the default account, which this configuration does not have.
    EXPECT_EQ(replies_to(ehlo + "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n", config).back(), authenticated);
    EXPECT_EQ(replies_to(ehlo + auth_plain, config).back(), bad_credentials);
}

TEST(EngineAuth, AuthenticatedIsVisibleToTheTransport) {
    SmtpEngine engine;
    std::string out;
    engine.feed(ehlo, out);
    EXPECT_FALSE(engine.authenticated());
    engine.feed(auth_plain, out);
    EXPECT_TRUE(engine.authenticated());
}

// --- CHUNKING and BDAT (RFC 3030) ------------------------------------------------------------

std::string bdat(const std::string& chunk, bool last = false) {
    return "BDAT " + std::to_string(chunk.size()) + (last ? " LAST" : "") + "\r\n" + chunk;
}

std::string chunk_ok(std::size_t octets) { return "250 2.0.0 " + std::to_string(octets) + " octets received"; }

const std::string bdat_syntax = "501 5.5.4 Syntax: BDAT <size> [LAST]";
const std::string data_after_bdat = "503 5.5.1 DATA cannot follow BDAT in one transaction: send RSET";
// Octets that would do harm if they were taken for commands or for the end of DATA.
const std::string tricky_chunk = ".\r\nQUIT\r\nRSET\r\n..\r\n\n.\n\r.\r";

// A bad BDAT line is answered alone, and what follows is read as commands.
Case bad_bdat(std::string name, const std::string& line) {
    return {std::move(name), open_transaction + line + "\r\nNOOP\r\n",
            joined({transaction_ok, {bdat_syntax, "250 2.0.0 OK"}})};
}

INSTANTIATE_TEST_SUITE_P(
    Chunking, EngineReplies,
    ::testing::Values(
        Case{"one_last_chunk", open_transaction + bdat("hello", true), joined({transaction_ok, {queued}})},
        Case{"several_chunks", open_transaction + bdat("abc") + bdat("de") + bdat("f", true),
             joined({transaction_ok, {chunk_ok(3), chunk_ok(2), queued}})},
        Case{"bdat_0_last", open_transaction + "BDAT 0 LAST\r\n", joined({transaction_ok, {queued}})},
        Case{"bdat_0_then_last", open_transaction + "BDAT 0\r\n" + bdat("x", true),
             joined({transaction_ok, {chunk_ok(0), queued}})},
        Case{"verb_and_last_any_case", open_transaction + "bdat 1 last\r\nx", joined({transaction_ok, {queued}})},
        Case{"trailing_blanks", open_transaction + "BDAT 1 LAST \r\nx", joined({transaction_ok, {queued}})},
        Case{"octets_are_counted_not_scanned", open_transaction + bdat(tricky_chunk, true) + "NOOP\r\n",
             joined({transaction_ok, {queued, "250 2.0.0 OK"}})},
        Case{"binary_octets", open_transaction + bdat(std::string("\0\xff\r\x80", 4), true),
             joined({transaction_ok, {queued}})},
        Case{"before_mail_the_chunk_is_discarded", helo + bdat("QUIT\r\n") + "NOOP\r\n",
             {helo_ok, need_mail, "250 2.0.0 OK"}},
        Case{"without_recipient_the_chunk_is_discarded", helo + mail + bdat("QUIT\r\n", true) + rcpt,
             {helo_ok, mail_ok, "503 5.5.1 No valid recipients", rcpt_ok}},
        Case{"after_last", open_transaction + bdat("x", true) + bdat("NOOP") + "NOOP\r\n",
             joined({transaction_ok, {queued, need_mail, "250 2.0.0 OK"}})},
        Case{"data_after_bdat", open_transaction + bdat("x") + "DATA\r\nRSET\r\n" + mail + rcpt + "DATA\r\n.\r\n",
             joined({transaction_ok,
                     {chunk_ok(1), data_after_bdat, "250 2.0.0 OK", mail_ok, rcpt_ok, data_ok,
                      "250 2.0.0 Message accepted, queued as SMTPSPEC1"}})},
        Case{"rset_discards_the_chunks", open_transaction + bdat("ab") + "RSET\r\n" + rcpt,
             joined({transaction_ok, {chunk_ok(2), "250 2.0.0 OK", need_mail}})},
        Case{"data_then_bdat_in_the_next_transaction",
             open_transaction + "DATA\r\n.\r\n" + mail + rcpt + bdat("x", true),
             joined({transaction_ok,
                     {data_ok, queued, mail_ok, rcpt_ok, "250 2.0.0 Message accepted, queued as SMTPSPEC2"}})},
        Case{"binarymime_refuses_data", helo + "MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n" + rcpt + "DATA\r\n",
             {helo_ok, mail_ok, rcpt_ok, "503 5.5.1 BODY=BINARYMIME needs BDAT, not DATA: send RSET"}},
        Case{"binarymime_with_bdat",
             helo + "MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n" + rcpt + bdat(std::string("\0\xff", 2), true),
             {helo_ok, mail_ok, rcpt_ok, queued}},
        bad_bdat("without_size", "BDAT"),
        bad_bdat("size_not_a_number", "BDAT x"),
        bad_bdat("negative_size", "BDAT -1"),
        bad_bdat("size_beyond_64_bits", "BDAT 18446744073709551616"),
        bad_bdat("unknown_end_marker", "BDAT 4 FIRST"),
        bad_bdat("two_spaces", "BDAT 4  LAST"),
        bad_bdat("extra_word", "BDAT 4 LAST now")),
    case_name);

TEST(EngineChunking, ChunksOverTheMaximumGet552AfterTheirOctetsAreDiscarded) {
    EngineConfig config;
    config.max_message_size = 10;
    const std::string input = open_transaction + bdat("123456") + bdat("12345", true) + "NOOP\r\n" + rcpt + mail +
                              rcpt + bdat("1234567890", true) + mail + rcpt + bdat("12345678901") + bdat("QUIT\r\n") +
                              "NOOP\r\n";
    EXPECT_EQ(replies_to(input, config),
              joined({transaction_ok,
                      {chunk_ok(6), "552 5.3.4 Message exceeds fixed maximum message size (10 octets)", "250 2.0.0 OK",
                       need_mail, mail_ok, rcpt_ok, queued, mail_ok, rcpt_ok,
                       "552 5.3.4 Message exceeds fixed maximum message size (10 octets)", need_mail,
                       "250 2.0.0 OK"}}));
}

// --- STARTTLS (RFC 3207): the engine's side of the contract ---------------------------------

EngineConfig with_tls() {
    EngineConfig config;
    config.tls_available = true;
    return config;
}

TEST(EngineStarttls, IsOfferedLastWhenTheTransportCanStartTls) {
    const Lines lines = replies_to(ehlo, with_tls());
    EXPECT_EQ(lines.at(lines.size() - 2), "250-ETRN");
    EXPECT_EQ(lines.back(), "250 STARTTLS");
    EXPECT_EQ(replies_to("HELP STARTTLS\r\n", with_tls()), Lines({"214 2.0.0 STARTTLS: start TLS (RFC 3207)"}));
}

TEST(EngineStarttls, ConsumesNothingAfterThe220) {
    SmtpEngine engine(with_tls());
    std::string out;
    const std::string input = ehlo + "STARTTLS\r\nNOOP\r\n";
    EXPECT_TRUE(engine.feed(input, out));
    EXPECT_EQ(split_replies(out).back(), "220 2.0.0 Ready to start TLS");
    EXPECT_TRUE(engine.tls_requested());
    EXPECT_EQ(engine.consumed_by_last_feed(), input.size() - 6);   // "NOOP\r\n" is left to the transport
    out.clear();
    EXPECT_TRUE(engine.feed("NOOP\r\n", out));
    EXPECT_EQ(out, "");
    EXPECT_EQ(engine.consumed_by_last_feed(), 0u);
    EXPECT_FALSE(engine.keep_buffered_after_starttls());
}

TEST(EngineStarttls, TlsStartedForgetsTheSessionAndStopsOfferingIt) {
    SmtpEngine engine(with_tls());
    std::string out;
    engine.feed(ehlo + auth_plain + "STARTTLS\r\n", out);
    engine.tls_started();
    EXPECT_TRUE(engine.tls_active());
    EXPECT_FALSE(engine.authenticated());
    out.clear();
    engine.feed(mail + ehlo + "STARTTLS\r\n" + auth_plain, out);
    EXPECT_EQ(split_replies(out), joined({{"503 5.5.1 Send HELO or EHLO first"}, ehlo_ok,
                                          {"503 5.5.1 TLS is already active", authenticated}}));
}

TEST(EngineStarttls, WithAParameterIs501) {
    EXPECT_EQ(replies_to("STARTTLS now\r\n", with_tls()), Lines({"501 5.5.4 STARTTLS takes no parameters"}));
}

TEST(EngineStarttls, PlaintextAuthCanBeKeptForTls) {
    EngineConfig config = with_tls();
    config.plaintext_auth = false;
    SmtpEngine engine(config);
    std::string out;
    engine.feed(ehlo + auth_plain + "MAIL FROM:<a@example.com> AUTH=<>\r\nSTARTTLS\r\n", out);
    const Lines before = split_replies(out);
    EXPECT_EQ(std::count(before.begin(), before.end(), "250-AUTH PLAIN LOGIN"), 0);
    EXPECT_EQ(before.at(before.size() - 3),
              "538 5.7.11 Encryption required for requested authentication mechanism: send STARTTLS first");
    EXPECT_EQ(before.at(before.size() - 2), "555 5.5.4 Parameter not recognized");
    engine.tls_started();
    out.clear();
    engine.feed(ehlo + auth_plain, out);
    const Lines after = split_replies(out);
    EXPECT_EQ(std::count(after.begin(), after.end(), "250-AUTH PLAIN LOGIN"), 1);
    EXPECT_EQ(after.back(), authenticated);
}

TEST(EngineStarttls, QuitLeavesTheRestUnconsumed) {
    SmtpEngine engine;
    std::string out;
    EXPECT_FALSE(engine.feed("QUIT\r\nNOOP\r\n", out));
    EXPECT_EQ(engine.consumed_by_last_feed(), 6u);
}

// --- ENHANCEDSTATUSCODES (RFC 2034 §3, §4) ---------------------------------------------------

// Whether every line of `reply` starts its text with an enhanced code of the reply's class.
bool carries_enhanced_codes(const Lines& reply) {
    static const std::regex coded(R"(^([245])\d\d[ -]([245])\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2}) .*)");
    return std::all_of(reply.begin(), reply.end(), [](const std::string& line) {
        std::smatch match;
        return std::regex_match(line, match, coded) && match[1] == match[2];
    });
}

bool carries_no_enhanced_codes(const Lines& reply) {
    static const std::regex coded(R"(^\d\d\d[ -]\d\.\d{1,3}\.\d{1,3} .*)");
    return std::none_of(reply.begin(), reply.end(), [](const std::string& line) { return std::regex_match(line, coded); });
}

struct Exchange {
    std::string input;
    bool exempt = false;   // a HELO or EHLO reply (RFC 2034 §3)
};

// One of every kind of reply the engine sends, in one session.
const std::vector<Exchange> every_reply_kind = {
    {"NOOP\r\n"}, {"RSET\r\n"}, {"VRFY x\r\n"}, {"VRFY\r\n"}, {"EXPN x\r\n"}, {"ETRN x\r\n"}, {"ATRN\r\n"},
    {"TURN\r\n"}, {"SEND FROM:<a@example.com>\r\n"}, {"HELP\r\n"}, {"HELP MAIL\r\n"}, {"HELP nonsense\r\n"},
    {"XYZZY\r\n"}, {"\r\n"}, {"NOOP\nx\r\n"}, {repeated('x', 600) + "\r\n"}, {mail}, {auth_plain},
    {"HELO bad_name\r\n", true}, {"EHLO bad_name\r\n", true}, {helo, true}, {ehlo, true},
    {"MAIL <a@example.com>\r\n"}, {"MAIL FROM:<a@bad_>\r\n"}, {"MAIL FROM:<a@example.com> X-Y\r\n"},
    {"MAIL FROM:<a@example.com> SIZE=x\r\n"}, {"MAIL FROM:<a@example.com> SIZE=99999999999\r\n"},
    {"MAIL FROM:<j\xc3\xb6rg@example.com>\r\n"}, {"RCPT TO:<b@example.com>\r\n"}, {mail}, {mail},
    {"RCPT TO:<nosuchuser@example.com>\r\n"}, {"RCPT TO:<m\xc3\xbcller@example.com>\r\n"}, {"RCPT TO:<>\r\n"},
    {"AUTH PLAIN\r\n*\r\n"}, {rcpt}, {"RCPT TO:<c@example.com>\r\n"}, {"DATA x\r\n"},
    {"DATA\r\nSubject: x\r\n\r\n.\r\n"}, {"STARTTLS x\r\n"}, {mail}, {rcpt}, {bdat("ab")}, {"DATA\r\n"},
    {"RSET\r\n"}, {"BDAT x\r\n"}, {bdat("ab", true)}, {"AUTH\r\n"}, {"AUTH NOPE\r\n"}, {"AUTH PLAIN =\r\n"},
    {"AUTH PLAIN !!!!\r\n"}, {"AUTH LOGIN\r\n" + login_user + login_password}, {auth_plain},
    {"MAIL FROM:<a@example.com> BODY=BINARYMIME\r\n"}, {rcpt}, {"DATA\r\n"}, {"STARTTLS\r\n"},
};

TEST(EngineEnhancedCodes, EveryNonExemptReplyCarriesAClassMatchingCode) {
    EngineConfig config = with_tls();
    config.max_recipients = 1;
    SmtpEngine engine(config);
    for (const Exchange& exchange : every_reply_kind) {
        std::string out;
        engine.feed(exchange.input, out);
        Lines lines = split_replies(out);
        // 3xx replies (354, 334) are exempt too: only their own lines are skipped.
        std::erase_if(lines, [](const std::string& line) { return line.starts_with('3'); });
        const bool as_required = exchange.exempt ? carries_no_enhanced_codes(lines) : carries_enhanced_codes(lines);
        EXPECT_TRUE(as_required) << exchange.input << ::testing::PrintToString(lines);
    }
    EXPECT_TRUE(carries_enhanced_codes(split_replies(SmtpEngine().on_idle_timeout())));
    EXPECT_TRUE(carries_enhanced_codes(split_replies(SmtpEngine().on_shutdown())));
    EXPECT_TRUE(carries_no_enhanced_codes(split_replies(SmtpEngine().greeting())));
    EXPECT_TRUE(carries_enhanced_codes(replies_to("QUIT\r\n")));
    EngineConfig tls_only_auth = with_tls();
    tls_only_auth.plaintext_auth = false;
    EXPECT_TRUE(carries_enhanced_codes({replies_to(ehlo + auth_plain, tls_only_auth).back()}));   // 538
    SmtpEngine in_tls(with_tls());
    std::string out;
    in_tls.feed("STARTTLS\r\n", out);
    in_tls.tls_started();
    out.clear();
    in_tls.feed("STARTTLS\r\n", out);
    EXPECT_TRUE(carries_enhanced_codes(split_replies(out)));   // 503 inside TLS
}

// --- personalities ---------------------------------------------------------------------------

TEST(EnginePersonalities, EveryNameParsesBackToItsPersonality) {
    const std::vector<std::string_view> expected = {"reference", "minimal",   "legacy-200",  "deprecated",
                                                    "smuggling", "bare-lf",   "no-enhanced", "starttls-leak"};
    std::vector<std::string_view> names;
    for (const PersonalityInfo& info : personalities()) {
        names.push_back(info.name);
        EXPECT_EQ(parse_personality(info.name), info.personality);
        EXPECT_EQ(personality_name(info.personality), info.name);
        EXPECT_FALSE(info.description.empty());
        EXPECT_EQ(info.description.find('\n'), std::string_view::npos);
    }
    EXPECT_EQ(names, expected);
    EXPECT_EQ(parse_personality("nonsense"), std::nullopt);
    EXPECT_EQ(parse_personality(""), std::nullopt);
    EXPECT_EQ(EngineConfig().personality, Personality::reference);
}

struct PersonalityCase {
    std::string name;
    Personality personality;
    std::string input;
    Lines expected;
};

void PrintTo(const PersonalityCase& c, std::ostream* os) { *os << c.name; }

class PersonalityReplies : public ::testing::TestWithParam<PersonalityCase> {};

TEST_P(PersonalityReplies, AreExactly) {
    EngineConfig config = with_tls();
    config.personality = GetParam().personality;
    EXPECT_EQ(replies_to(GetParam().input, config), GetParam().expected);
}

std::string personality_case_name(const ::testing::TestParamInfo<PersonalityCase>& info) { return info.param.name; }

const std::string minimal_ok = "250 OK";

INSTANTIATE_TEST_SUITE_P(
    Minimal, PersonalityReplies,
    ::testing::Values(
        PersonalityCase{"ehlo_lists_nothing", Personality::minimal, ehlo, {"250 smtpspec.localhost greets you"}},
        PersonalityCase{"no_enhanced_codes", Personality::minimal, helo + mail + rcpt + "DATA\r\n.\r\nNOOP\r\n",
                        {helo_ok, "250 Sender <a@example.com> OK", "250 Recipient <b@example.com> OK", data_ok,
                         "250 Message accepted, queued as SMTPSPEC1", minimal_ok}},
        PersonalityCase{"help_is_not_offered", Personality::minimal, "HELP\r\nHELP MAIL\r\n",
                        {"502 Command not implemented", "502 Command not implemented"}},
        PersonalityCase{"bdat_is_502_and_its_octets_are_commands", Personality::minimal,
                        helo + mail + rcpt + "BDAT 6\r\nNOOP\r\n",
                        {helo_ok, "250 Sender <a@example.com> OK", "250 Recipient <b@example.com> OK",
                         "502 Command not implemented", minimal_ok}},
        PersonalityCase{"auth_is_502", Personality::minimal, ehlo + auth_plain,
                        {"250 smtpspec.localhost greets you", "502 Command not implemented"}},
        PersonalityCase{"starttls_is_502", Personality::minimal, "STARTTLS\r\n", {"502 Command not implemented"}},
        PersonalityCase{"expn_turn_etrn_are_502", Personality::minimal, "EXPN x\r\nTURN\r\nETRN x\r\n",
                        {"502 Command not implemented", "502 Command not implemented", "502 Command not implemented"}},
        PersonalityCase{"vrfy_is_252", Personality::minimal, "VRFY x\r\n",
                        {"252 Not verified; mail to the address will be accepted and tried"}},
        PersonalityCase{"size_parameter_is_555", Personality::minimal, helo + "MAIL FROM:<a@example.com> SIZE=10\r\n",
                        {helo_ok, "555 Parameter not recognized"}},
        PersonalityCase{"body_parameter_is_555", Personality::minimal,
                        helo + "MAIL FROM:<a@example.com> BODY=8BITMIME\r\n", {helo_ok, "555 Parameter not recognized"}},
        PersonalityCase{"auth_parameter_is_555", Personality::minimal, helo + "MAIL FROM:<a@example.com> AUTH=<>\r\n",
                        {helo_ok, "555 Parameter not recognized"}},
        PersonalityCase{"smtputf8_parameter_is_555", Personality::minimal,
                        helo + "MAIL FROM:<a@example.com> SMTPUTF8\r\n", {helo_ok, "555 Parameter not recognized"}},
        PersonalityCase{"dsn_parameter_is_555", Personality::minimal, helo + mail + "RCPT TO:<b@example.com> NOTIFY=NEVER\r\n",
                        {helo_ok, "250 Sender <a@example.com> OK", "555 Parameter not recognized"}},
        PersonalityCase{"non_ascii_sender_is_501", Personality::minimal, helo + "MAIL FROM:<j\xc3\xb6rg@example.com>\r\n",
                        {helo_ok, "501 Sender address: non-ASCII characters need SMTPUTF8, which is not offered"}},
        PersonalityCase{"non_ascii_recipient_is_501", Personality::minimal,
                        helo + mail + "RCPT TO:<m\xc3\xbcller@example.com>\r\n",
                        {helo_ok, "250 Sender <a@example.com> OK",
                         "501 Recipient address: non-ASCII characters need SMTPUTF8, which is not offered"}},
        PersonalityCase{"mail_line_limit_is_512", Personality::minimal,
                        helo + "MAIL FROM:<a@example.com>" + repeated(' ', 486) + "\r\n",
                        {helo_ok, "500 Line too long (limit 512 octets)"}},
        PersonalityCase{"sequence_errors_are_503", Personality::minimal, "MAIL FROM:<a@example.com>\r\n" + rcpt,
                        {"503 Send HELO or EHLO first", "503 Send MAIL first"}}),
    personality_case_name);

const Lines deprecated_ehlo = {"250-smtpspec.localhost greets you",
                               "250-PIPELINING",
                               "250-SIZE 10485760",
                               "250-8BITMIME",
                               "250-SMTPUTF8",
                               "250-CHUNKING",
                               "250-BINARYMIME",
                               "250-DSN",
                               "250-ENHANCEDSTATUSCODES",
                               "250-AUTH PLAIN LOGIN",
                               "250-HELP",
                               "250-ETRN",
                               "250-SEND",
                               "250-SOML",
                               "250-SAML",
                               "250-TURN",
                               "250 STARTTLS"};

INSTANTIATE_TEST_SUITE_P(
    KnownBad, PersonalityReplies,
    ::testing::Values(
        PersonalityCase{"legacy_200_noop_and_rset", Personality::legacy_200, helo + "NOOP\r\nRSET\r\n" + mail,
                        {helo_ok, "200 2.0.0 OK", "200 2.0.0 OK", mail_ok}},
        PersonalityCase{"deprecated_lists_the_obsolete_verbs", Personality::deprecated, ehlo, deprecated_ehlo},
        PersonalityCase{"deprecated_send_soml_saml_start_transactions", Personality::deprecated,
                        helo + "SEND FROM:<a@example.com>\r\n" + rcpt + "DATA\r\n.\r\nSOML FROM:<a@example.com>\r\n" +
                            "SAML FROM:<a@example.com>\r\nRSET\r\nSAML FROM:<a@example.com>\r\n",
                        {helo_ok, mail_ok, rcpt_ok, data_ok, queued, mail_ok,
                         "503 5.5.1 Nested MAIL: a transaction is already open", "250 2.0.0 OK", mail_ok}},
        PersonalityCase{"deprecated_turn", Personality::deprecated, helo + "TURN\r\n",
                        {helo_ok, "250 2.0.0 OK, but no mail is queued for you"}},
        PersonalityCase{"deprecated_help", Personality::deprecated, "HELP\r\nHELP turn\r\n",
                        {"214-2.0.0 smtpspec reference server (RFC 5321). Commands:",
                         "214-2.0.0 HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP AUTH STARTTLS SEND SOML "
                         "SAML TURN ETRN",
                         "214 2.0.0 HELP <command> describes one",
                         "214 2.0.0 TURN: swap the client and server roles (obsolete)"}},
        PersonalityCase{"reference_refuses_the_obsolete_verbs", Personality::reference,
                        helo + "SEND FROM:<a@example.com>\r\nTURN\r\n", {helo_ok, not_implemented, not_implemented}},
        PersonalityCase{"bare_lf_ends_command_lines", Personality::bare_lf, "NOOP\nHELO client.example\nQUIT\n",
                        {"250 2.0.0 OK", helo_ok, "221 2.0.0 smtpspec.localhost closing connection"}},
        PersonalityCase{"bare_lf_still_flags_a_bare_cr", Personality::bare_lf, "NOOP\rx\r\n", {bare_line_break}},
        PersonalityCase{"bare_lf_keeps_data_strict", Personality::bare_lf,
                        helo + mail + rcpt + "DATA\nx\n.\nNOOP\r\n.\r\nNOOP\n",
                        joined({transaction_ok, {data_ok, queued, "250 2.0.0 OK"}})},
        PersonalityCase{"no_enhanced_still_advertises_them", Personality::no_enhanced,
                        "EHLO client.example\r\nNOOP\r\n" + mail + "MAIL FROM:<a@bad_>\r\n",
                        {"250-smtpspec.localhost greets you", "250-PIPELINING", "250-SIZE 10485760", "250-8BITMIME",
                         "250-SMTPUTF8", "250-CHUNKING", "250-BINARYMIME", "250-DSN", "250-ENHANCEDSTATUSCODES",
                         "250-AUTH PLAIN LOGIN", "250-HELP", "250-ETRN", "250 STARTTLS", "250 OK",
                         "250 Sender <a@example.com> OK", "503 Nested MAIL: a transaction is already open"}},
        PersonalityCase{"smuggling_still_ends_at_crlf_dot_crlf", Personality::smuggling,
                        open_transaction + "DATA\r\n..x\r\n.\r\nNOOP\r\n",
                        joined({transaction_ok, {data_ok, queued, "250 2.0.0 OK"}})}),
    personality_case_name);

TEST(EnginePersonalities, OnlyStarttlsLeakKeepsPlaintextAfterStarttls) {
    for (const PersonalityInfo& info : personalities()) {
        EngineConfig config;
        config.personality = info.personality;
        EXPECT_EQ(SmtpEngine(config).keep_buffered_after_starttls(), info.personality == Personality::starttls_leak)
            << info.name;
    }
}

TEST(EnginePersonalities, StarttlsLeakBehavesLikeTheReferenceOtherwise) {
    EngineConfig config = with_tls();
    config.personality = Personality::starttls_leak;
    SmtpEngine engine(config);
    std::string out;
    engine.feed(ehlo + "STARTTLS\r\nNOOP\r\n", out);
    EXPECT_TRUE(engine.tls_requested());
    EXPECT_EQ(split_replies(out).back(), "220 2.0.0 Ready to start TLS");
    // The transport feeds what the engine left, after the handshake: it gets answered.
    const std::size_t left = ehlo.size() + 10;
    EXPECT_EQ(engine.consumed_by_last_feed(), left);
    engine.tls_started();
    out.clear();
    engine.feed("NOOP\r\n", out);
    EXPECT_EQ(out, "250 2.0.0 OK\r\n");
}

// Each SMTP-smuggling terminator the smuggling personality takes for the end of data, and
// the replies that shows: the smuggled transaction runs.
class SmugglingPersonality : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(SmugglingPersonality, EndsDataAndRunsTheSmuggledCommands) {
    EngineConfig config;
    config.personality = Personality::smuggling;
    const std::string smuggled = "MAIL FROM:<evil@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nspoofed\r\n";
    const std::string input =
        open_transaction + "DATA\r\nSubject: x\r\n\r\nfirst\r\n" + GetParam().second + smuggled + ".\r\nNOOP\r\n";
    Lines expected = joined({transaction_ok, {data_ok, queued}});
    // After <CR>.<CR> the rest of the fake terminator, CRLF, is an empty command line.
    if (GetParam().second.ends_with(".\r\r\n")) expected.push_back("500 5.5.2 Empty command line");
    for (const std::string& line : {std::string("250 2.1.0 Sender <evil@example.com> OK"), rcpt_ok, data_ok,
                                    std::string("250 2.0.0 Message accepted, queued as SMTPSPEC2"),
                                    std::string("250 2.0.0 OK")})
        expected.push_back(line);
    EXPECT_EQ(replies_to(input, config), expected);
}

INSTANTIATE_TEST_SUITE_P(
    Variants, SmugglingPersonality,
    ::testing::Values(std::pair{"lf_dot_lf", "\n.\n"}, std::pair{"lf_dot_cr", "\n.\r"},
                      std::pair{"cr_dot_lf", "\r.\n"}, std::pair{"cr_dot_cr", "\r.\r"},
                      std::pair{"lf_dot_crlf", "\n.\r\n"}, std::pair{"cr_dot_crlf", "\r.\r\n"},
                      std::pair{"crlf_dot_lf", "\r\n.\n"}, std::pair{"crlf_dot_cr", "\r\n.\r"},
                      std::pair{"crlf_dot_cr_crlf", "\r\n.\r\r\n"}, std::pair{"cr_crlf_dot_cr_crlf", "\r\r\n.\r\r\n"}),
    smuggling_name);

TEST(EnginePersonalities, SmugglingStillTakesNulLookAlikesForContent) {
    EngineConfig config;
    config.personality = Personality::smuggling;
    const std::string input = open_transaction + "DATA\r\nfirst\r\n" + std::string("\r\n\0.\r\n", 6) +
                              "MAIL FROM:<evil@example.com>\r\n.\r\nNOOP\r\n";
    EXPECT_EQ(replies_to(input, config), joined({transaction_ok, {data_ok, queued, "250 2.0.0 OK"}}));
}

// --- smtpspec serve --personality ------------------------------------------------------------

TEST(ServePersonality, TheOptionIsParsed) {
    CLI::App app;
    cli::ServeOptions options;
    cli::setup_serve(app, options);
    std::vector<std::string> reversed_argv{"minimal", "--personality", "serve"};   // CLI11's order
    app.parse(reversed_argv);
    EXPECT_EQ(options.personality, "minimal");
}

TEST(ServePersonality, AnUnknownOneIsAUsageErrorListingEveryOne) {
    cli::ServeOptions options;
    options.personality = "chaotic";
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::run_serve(options, out, err), exit_code::usage);
    EXPECT_NE(err.str().find("\"chaotic\""), std::string::npos) << err.str();
    for (const PersonalityInfo& info : personalities())
        EXPECT_NE(err.str().find(std::string(info.name)), std::string::npos) << info.name;
}

// --- limits that need a configuration -------------------------------------------------------

TEST(EngineLimits, MessageOverTheMaximumGets552AndEndsTheTransaction) {
    EngineConfig config;
    config.max_message_size = 10;
    // "12345678\r\n" is 10 octets; the stuffed dot of "..2345678" does not count.
    const std::string input = open_transaction + "DATA\r\n12345678\r\n.\r\n" + mail + rcpt +
                              "DATA\r\n..2345678\r\n.\r\n" + mail + rcpt + "DATA\r\n123456789\r\n.\r\n" + rcpt;
    EXPECT_EQ(replies_to(input, config),
              joined({transaction_ok,
                      {data_ok, queued, mail_ok, rcpt_ok, data_ok, "250 2.0.0 Message accepted, queued as SMTPSPEC2",
                       mail_ok, rcpt_ok, data_ok, "552 5.3.4 Message exceeds fixed maximum message size (10 octets)",
                       need_mail}}));
}

TEST(EngineLimits, SizeParameterOverTheMaximumGets552) {
    EngineConfig config;
    config.max_message_size = 10;
    EXPECT_EQ(replies_to(helo + "MAIL FROM:<a@example.com> SIZE=11\r\nMAIL FROM:<a@example.com> SIZE=10\r\n", config),
              Lines({helo_ok, "552 5.3.4 Message size exceeds fixed maximum message size (10 octets)", mail_ok}));
}

TEST(EngineLimits, SizeComparesWithoutOverflow) {
    EngineConfig config;
    config.max_message_size = UINT64_MAX;
    EXPECT_EQ(replies_to(helo + "MAIL FROM:<a@example.com> SIZE=18446744073709551615\r\nRSET\r\n" +
                             "MAIL FROM:<a@example.com> SIZE=18446744073709551616\r\n",
                         config),
              Lines({helo_ok, mail_ok, "250 2.0.0 OK",
                     "552 5.3.4 Message size exceeds fixed maximum message size (18446744073709551615 octets)"}));
}

TEST(EngineLimits, EhloAdvertisesTheConfiguredSize) {
    EngineConfig config;
    config.max_message_size = 1234;
    EXPECT_EQ(replies_to(ehlo, config).at(2), "250-SIZE 1234");
}

TEST(EngineLimits, RecipientsBeyondTheLimitGet452) {
    EngineConfig config;
    config.max_recipients = 2;
    const std::string input = helo + mail + rcpt + "RCPT TO:<nosuchuser@example.com>\r\n" + rcpt + rcpt + "DATA\r\n";
    EXPECT_EQ(replies_to(input, config),
              Lines({helo_ok, mail_ok, rcpt_ok, "550 5.1.1 Mailbox <nosuchuser@example.com> does not exist", rcpt_ok,
                     "452 4.5.3 Too many recipients (limit 2 per message)", data_ok}));
}

TEST(EngineLimits, LineBeyondTheBufferIsAnsweredOnceItsCrlfArrives) {
    EngineConfig config;
    config.max_line_buffer = 1024;
    SmtpEngine engine(config);
    std::string out;
    const std::string chunk = repeated('x', 4096);
    EXPECT_TRUE(engine.feed("NOOP ", out));
    for (int i = 0; i < 16; ++i) EXPECT_TRUE(engine.feed(chunk, out));
    EXPECT_EQ(out, "");
    EXPECT_TRUE(engine.feed("\r", out));
    EXPECT_TRUE(engine.feed("\nNOOP\r\n", out));
    EXPECT_EQ(split_replies(out), Lines({too_long, "250 2.0.0 OK"}));
}

TEST(EngineLimits, HostnameIsTheFirstWordOfGreetingTypeReplies) {
    EngineConfig config;
    config.hostname = "mx.example.net";
    SmtpEngine engine(config);
    std::string out;
    engine.feed(ehlo + "QUIT\r\n", out);
    EXPECT_EQ(engine.greeting(), "220 mx.example.net ESMTP smtpspec reference server\r\n");
    EXPECT_EQ(split_replies(out).front(), "250-mx.example.net greets you");
    EXPECT_EQ(split_replies(out).back(), "221 2.0.0 mx.example.net closing connection");
}

// --- the session -----------------------------------------------------------------------------

TEST(EngineSession, GreetsWith220AndItsName) {
    EXPECT_EQ(SmtpEngine().greeting(), "220 smtpspec.localhost ESMTP smtpspec reference server\r\n");
}

TEST(EngineSession, QuitClosesAndLaterInputIsIgnored) {
    SmtpEngine engine;
    std::string out;
    EXPECT_TRUE(engine.feed("NOOP\r\n", out));
    EXPECT_FALSE(engine.closed());
    EXPECT_FALSE(engine.feed("QUIT\r\nNOOP\r\n", out));
    EXPECT_TRUE(engine.closed());
    out.clear();
    EXPECT_FALSE(engine.feed("NOOP\r\n", out));
    EXPECT_EQ(out, "");
}

TEST(EngineSession, IdleTimeoutSends421AndCloses) {
    SmtpEngine engine;
    std::string out;
    engine.feed(open_transaction + "DATA\r\npartial", out);
    EXPECT_EQ(engine.on_idle_timeout(), "421 4.4.2 smtpspec.localhost idle for too long, closing connection\r\n");
    EXPECT_TRUE(engine.closed());
    EXPECT_FALSE(engine.feed("\r\n.\r\n", out));
}

TEST(EngineSession, ShutdownSends421AndCloses) {
    SmtpEngine engine;
    EXPECT_EQ(engine.on_shutdown(), "421 4.3.2 smtpspec.localhost server shutting down, closing connection\r\n");
    EXPECT_TRUE(engine.closed());
}

TEST(EngineSession, EveryKeywordIsAdvertisedAndWorks) {
    EXPECT_EQ(SmtpEngine().ehlo_keywords(), Lines({"PIPELINING", "SIZE 10485760", "8BITMIME", "SMTPUTF8", "CHUNKING",
                                                   "BINARYMIME", "DSN", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN",
                                                   "HELP", "ETRN"}));
}

// RFC 2920 §3.2: however the input is cut into reads, the replies are the same and in order.
const std::string whole_session =
    ehlo + "NOOP\r\n" + mail + "RCPT TO:<nosuchuser@example.com>\r\n" + rcpt + "DATA\r\n" +
    "Subject: split\r\n\r\n.leading dot\r\n..\r\nfake\n.\nend\r\n\r.\r\n" + std::string("\r\n\0.\r\n", 6) + ".\r\n" +
    "VRFY x\r\nNOOP\nbare\r\n" + "NOOP " + repeated('y', 600) + "\r\n" + "RSET now\r\nHELP\r\nQUIT\r\nNOOP\r\n";

std::string feed_in_pieces(const std::vector<std::string_view>& pieces) {
    SmtpEngine engine;
    std::string out;
    for (std::string_view piece : pieces) engine.feed(piece, out);
    return out;
}

TEST(EnginePipelining, WholeSessionInOneRead) {
    EXPECT_EQ(split_replies(feed_in_pieces({whole_session})),
              joined({ehlo_ok,
                      {"250 2.0.0 OK", mail_ok, "550 5.1.1 Mailbox <nosuchuser@example.com> does not exist", rcpt_ok,
                       data_ok, queued, not_verified, bare_line_break, too_long,
                       "501 5.5.4 Syntax: RSET (no parameters)"},
                      help_lines,
                      {"221 2.0.0 smtpspec.localhost closing connection"}}));
}

// The extensions' input: an AUTH exchange, parameters, and BDAT chunks whose octets look like
// commands and like the end of DATA.
const std::string extension_session =
    ehlo + "AUTH LOGIN\r\n" + login_user + login_password + "AUTH PLAIN\r\n" +
    "MAIL FROM:<a@example.com> BODY=BINARYMIME SMTPUTF8 RET=HDRS ENVID=x+2By\r\n" +
    "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@example.com\r\n" + bdat(".\r\nDATA") +
    bdat("QUIT\r\n\r\n.\r\n", true) + bdat("abc") + "BDAT 2 LAST\r\n" + std::string("\r\n", 2) + "NOOP\r\nQUIT\r\n";

TEST(EnginePipelining, ExtensionSessionInOneRead) {
    EXPECT_EQ(split_replies(feed_in_pieces({extension_session})),
              joined({ehlo_ok,
                      {username_challenge, password_challenge, authenticated, "503 5.5.1 Already authenticated",
                       mail_ok, rcpt_ok, chunk_ok(7), queued, need_mail, need_mail, "250 2.0.0 OK",
                       "221 2.0.0 smtpspec.localhost closing connection"}}));
}

// RFC 2920 §3.2: however the input is cut into reads, the replies are the same and in order.
class EngineSplits : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(EngineSplits, AtEveryOctet) {
    const std::string_view all = GetParam().second;
    const std::string expected = feed_in_pieces({all});
    for (std::size_t cut = 0; cut <= all.size(); ++cut)
        ASSERT_EQ(feed_in_pieces({all.substr(0, cut), all.substr(cut)}), expected) << "cut at " << cut;
}

TEST_P(EngineSplits, ReadsOfEverySmallSize) {
    const std::string_view all = GetParam().second;
    const std::string expected = feed_in_pieces({all});
    for (std::size_t size = 1; size <= 8; ++size) {
        std::vector<std::string_view> pieces;
        for (std::size_t at = 0; at < all.size(); at += size) pieces.push_back(all.substr(at, size));
        ASSERT_EQ(feed_in_pieces(pieces), expected) << "reads of " << size;
    }
}

INSTANTIATE_TEST_SUITE_P(Sessions, EngineSplits,
                         ::testing::Values(std::pair{std::string("core"), whole_session},
                                           std::pair{std::string("extensions"), extension_session}),
                         smuggling_name);

// --- the readers -----------------------------------------------------------------------------

TEST(LineReader, StopsAfterCrlfAndFlagsBareBreaks) {
    LineReader reader(100);
    EXPECT_EQ(reader.consume("AB\nC\r\nrest"), 6u);
    EXPECT_TRUE(reader.complete());
    EXPECT_EQ(reader.text(), "AB\nC");
    EXPECT_EQ(reader.length(), 6u);
    EXPECT_TRUE(reader.has_bare_line_break());
    reader.clear();
    EXPECT_EQ(reader.consume("ok\r"), 3u);
    EXPECT_FALSE(reader.complete());
    EXPECT_EQ(reader.consume("\n"), 1u);
    EXPECT_TRUE(reader.complete());
    EXPECT_EQ(reader.text(), "ok");
    EXPECT_FALSE(reader.has_bare_line_break());
}

TEST(LineReader, KeepsAtMostItsBufferButCountsEverything) {
    LineReader reader(4);
    reader.consume("ABCDEFGH\r\n");
    EXPECT_EQ(reader.text(), "ABCD");
    EXPECT_EQ(reader.length(), 10u);
}

TEST(MessageReader, CountsContentWithoutStuffingOrTerminator) {
    MessageReader reader;
    const std::string_view input = "..a\r\nb\r\n.\r\nNOOP\r\n";
    EXPECT_EQ(reader.consume(input), 11u);
    EXPECT_TRUE(reader.complete());
    EXPECT_EQ(reader.size(), 7u);   // ".a\r\nb\r\n"
}

TEST(MessageReader, DotCrWithoutLfIsContent) {
    MessageReader reader;
    reader.consume(".\rx\r\n");
    EXPECT_FALSE(reader.complete());
    EXPECT_EQ(reader.size(), 4u);   // "\rx\r\n": the leading dot was stuffing
    reader.consume(".\r\n");
    EXPECT_TRUE(reader.complete());
}

}  // namespace
}  // namespace smtpspec
