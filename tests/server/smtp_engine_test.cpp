// The reference server's protocol engine, byte for byte: input octets against exact reply lines.
#include "server/smtp_engine.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

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
const Lines ehlo_ok = {"250-smtpspec.localhost greets you", "250-PIPELINING", "250-SIZE 10485760", "250-8BITMIME",
                       "250-ENHANCEDSTATUSCODES", "250 HELP"};
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
        sender("non_ascii", "<j\xc3\xb6rg@example.com>",
               "501 5.1.7 Sender address: non-ASCII characters need SMTPUTF8, which is not offered"),
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
        sender("body_without_value", "<a@example.com> BODY", "501 5.5.4 BODY takes 7BIT or 8BITMIME"),
        sender("body_binarymime", "<a@example.com> BODY=BINARYMIME",
               "555 5.5.4 BODY type not supported: use 7BIT or 8BITMIME"),
        sender("unknown_parameter", "<a@example.com> SMTPUTF8", "555 5.5.4 Parameter not recognized"),
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
        recipient("unknown_parameter", "RCPT TO:<b@example.com> NOTIFY=NEVER", "555 5.5.4 Parameter not recognized"),
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
                          "214-2.0.0 HELO EHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
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
        Case{"vrfy_without_argument", "VRFY\r\n", {"501 5.5.4 Syntax: VRFY <address>"}},
        Case{"vrfy_keeps_the_transaction", helo + mail + "VRFY x\r\n" + rcpt,
             {helo_ok, mail_ok, not_verified, rcpt_ok}},
        Case{"help", "HELP\r\n", help_lines},
        Case{"help_on_a_command", "HELP mail\r\n",
             {"214 2.0.0 MAIL FROM:<reverse-path> [SIZE=<octets>] [BODY=7BIT|8BITMIME]: start a transaction"}},
        Case{"help_on_an_unimplemented_command", "HELP TURN\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"help_on_nonsense", "HELP xyzzy\r\n", {"504 5.5.4 No help on that topic"}},
        Case{"send", helo + "SEND FROM:<a@example.com>\r\n", {helo_ok, not_implemented}},
        Case{"soml", "SOML FROM:<a@example.com>\r\n", {not_implemented}},
        Case{"saml", "SAML FROM:<a@example.com>\r\n", {not_implemented}},
        Case{"turn", "TURN\r\n", {not_implemented}},
        Case{"etrn", "ETRN example.com\r\n", {not_implemented}},
        Case{"atrn", "ATRN example.com\r\n", {not_implemented}},
        Case{"auth", "AUTH PLAIN\r\n", {not_implemented}},
        Case{"starttls", "STARTTLS\r\n", {not_implemented}},
        Case{"bdat", "BDAT 0 LAST\r\n", {not_implemented}},
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
        Case{"mail_beyond_the_allowance", helo + "MAIL FROM:<a@example.com>" + repeated(' ', 526) + "\r\n",
             {helo_ok, "500 5.5.6 Line too long (limit 552 octets)"}},
        Case{"pipelined_group", ehlo + mail + rcpt + "RCPT TO:<c@example.com>\r\nDATA\r\n",
             joined({ehlo_ok, {mail_ok, rcpt_ok, "250 2.1.5 Recipient <c@example.com> OK", data_ok}})},
        Case{"a_failed_command_loses_nothing", helo + "MAIL FROM:<a@bad_>\r\n" + rcpt + "NOOP\r\n" + mail,
             {helo_ok, bad_sender, need_mail, "250 2.0.0 OK", mail_ok}},
        Case{"incomplete_line_waits", "NOOP\r\nNOOP", {"250 2.0.0 OK"}}),
    case_name);

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
    EXPECT_EQ(SmtpEngine().ehlo_keywords(),
              Lines({"PIPELINING", "SIZE 10485760", "8BITMIME", "ENHANCEDSTATUSCODES", "HELP"}));
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

TEST(EnginePipelining, SplitAtEveryOctet) {
    const std::string expected = feed_in_pieces({whole_session});
    const std::string_view all = whole_session;
    for (std::size_t cut = 0; cut <= all.size(); ++cut)
        ASSERT_EQ(feed_in_pieces({all.substr(0, cut), all.substr(cut)}), expected) << "cut at " << cut;
}

TEST(EnginePipelining, ReadsOfEverySmallSize) {
    const std::string expected = feed_in_pieces({whole_session});
    const std::string_view all = whole_session;
    for (std::size_t size = 1; size <= 8; ++size) {
        std::vector<std::string_view> pieces;
        for (std::size_t at = 0; at < all.size(); at += size) pieces.push_back(all.substr(at, size));
        ASSERT_EQ(feed_in_pieces(pieces), expected) << "reads of " << size;
    }
}

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
