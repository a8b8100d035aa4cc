#include "core/reply_parser.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "core/enhanced_code.hpp"

namespace smtpspec {

namespace {

// "NNN" and the separator: enough to judge a line's head before the rest of it arrives.
constexpr std::size_t head_length = 4;
// RFC 5321 §4.5.3.1.5, counted with the code and the terminator.
constexpr std::size_t max_conforming_line = 512;

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_line_end(char c) { return c == '\r' || c == '\n'; }

// SP through '~': the octets a reply line is made of almost always.
constexpr bool is_printable(unsigned char c) { return c >= 0x20 && c <= 0x7E; }

// Whether all eight octets of a word are printable, with the "has less"/"has more" bit tricks:
// a text line is tested eight octets per step instead of one.
bool all_printable(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    const std::uint64_t below_space = (word - ones * 0x20) & ~word & high_bits;
    const std::uint64_t above_tilde = ((word + ones) | word) & high_bits;  // 0x7F and 8-bit
    return (below_space | above_tilde) == 0;
}

// Offset of the first octet that is not printable (HT, CR, LF, other controls, DEL, 8-bit),
// or text.size() when there is none.
std::size_t find_unprintable(std::string_view text) {
    const char* const data = text.data();
    const std::size_t size = text.size();
    std::size_t i = 0;
    for (; i + sizeof(std::uint64_t) <= size; i += sizeof(std::uint64_t)) {
        std::uint64_t word;
        std::memcpy(&word, data + i, sizeof word);
        if (!all_printable(word)) break;
    }
    while (i < size && is_printable(static_cast<unsigned char>(data[i]))) ++i;
    return i;
}

// Whether the terminator found at `at` is CR LF, both octets already at hand.
bool ends_in_crlf(std::string_view text, std::size_t at) {
    return at + 1 < text.size() && text[at] == '\r' && text[at + 1] == '\n';
}

// RFC 5321 §4.2: Reply-code = %x32-35 %x30-35 %x30-39, then SP, "-" or the end of the line.
// `head` is the first four octets of a line, or the whole line when it is shorter.
ParseError code_error(std::string_view head) {
    if (head.size() < 3 || !is_digit(head[0]) || !is_digit(head[1]) || !is_digit(head[2])) {
        return ParseError::bad_code;
    }
    if (head.size() > 3 && is_digit(head[3])) return ParseError::bad_code;  // four digits or more
    if (head[0] < '2' || head[0] > '5') return ParseError::bad_first_digit;
    if (head[1] > '5') return ParseError::bad_second_digit;
    if (head.size() > 3 && head[3] != ' ' && head[3] != '-') return ParseError::missing_separator;
    return ParseError::none;
}

int code_value(std::string_view head) {
    return (head[0] - '0') * 100 + (head[1] - '0') * 10 + (head[2] - '0');
}

}  // namespace

ReplyParser::ReplyParser(ParserLimits limits) : limits_(limits) {}

FeedResult ReplyParser::feed(std::string_view input) {
    if (status_ != ParseStatus::need_more) return {status_, 0};
    if (reply_.raw.empty()) reserve_like_previous_reply();
    std::size_t pos = 0;
    if (pending_cr_ && !input.empty()) {
        pending_cr_ = false;
        pos = take_after_cr(input, 0);
    }
    while (status_ == ParseStatus::need_more && pos < input.size()) {
        if (line_length() == 0) {
            const std::size_t taken = take_whole_lines(input.substr(pos));
            pos += taken;
            if (taken > 0) continue;
        }
        pos = head_checked_ ? take_body(input, pos) : take_head(input, pos);
    }
    return {status_, pos};
}

ParseStatus ReplyParser::end_of_input() {
    if (status_ == ParseStatus::need_more && pending_cr_) {
        pending_cr_ = false;
        finish_line(Terminator::bare_cr);
    }
    return status_;
}

Reply ReplyParser::take_reply() {
    if (status_ != ParseStatus::complete) return {};
    Reply reply = std::move(reply_);
    reset();
    return reply;
}

void ReplyParser::reset() {
    reply_ = Reply{};
    status_ = ParseStatus::need_more;
    error_ = ParseError::none;
    pending_cr_ = false;
    start_line();
}

// The common case in bulk: a run of whole lines that end in CRLF, have a valid head and sit
// well inside the caps is judged straight from the input and stored with one append. Whatever
// else comes (a partial line, a short or bad head, a bare terminator, a cap in reach) stops
// the run and is left to the octet-by-octet path, which decides it exactly.
std::size_t ReplyParser::take_whole_lines(std::string_view rest) {
    std::size_t taken = 0;
    LineOutcome outcome = LineOutcome::more_lines;
    while (outcome == LineOutcome::more_lines) {
        const std::string_view next = rest.substr(taken);
        const std::size_t reply_room = limits_.max_reply - reply_.raw.size() - taken;
        const std::size_t window = std::min({next.size(), limits_.max_line, reply_room});
        const std::size_t end = scan_text(next.substr(0, window));
        const bool whole = end < window && end + 2 <= reply_room && ends_in_crlf(next, end);
        if (!whole || end < head_length || !head_is_valid(next.substr(0, head_length))) {
            bad_octet_offset_ = no_bad_octet;  // the exact path scans these octets again
            break;
        }
        set_code(next);
        outcome = accept_line(next.substr(0, end), Terminator::crlf);
        taken += end + 2;
    }
    if (taken == 0) return 0;
    reply_.raw.append(rest.data(), taken);
    end_line(outcome);
    return taken;
}

// The head ("NNN" and separator) is judged as soon as its four octets are in, without waiting
// for the line end, so a peer that is not speaking SMTP at all is rejected at once.
std::size_t ReplyParser::take_head(std::string_view input, std::size_t pos) {
    const std::string_view part = input.substr(pos, head_length - line_length());
    std::size_t terminator = 0;
    while (terminator < part.size() && !is_line_end(part[terminator])) ++terminator;
    const std::size_t line_room = limits_.max_line - line_length();
    const std::size_t reply_room = limits_.max_reply - reply_.raw.size();
    const std::size_t stored = std::min({terminator, line_room, reply_room});
    reply_.raw.append(part.data(), stored);
    if (stored < terminator) {
        // The octet at `stored` did not fit; the reply cap is checked before the line cap.
        fail(stored == reply_room ? ParseError::reply_too_long : ParseError::line_too_long);
        return pos + stored;
    }
    if (terminator < part.size()) return take_terminator(input, pos + terminator);
    if (line_length() == head_length) check_head(current_line());
    return pos + stored;
}

// The text of a line, up to its terminator. Never looks further than the caps allow, so a
// line that does not end costs at most max_line octets of memory and one pass over them.
std::size_t ReplyParser::take_body(std::string_view input, std::size_t pos) {
    const std::string_view rest = input.substr(pos);
    const std::size_t line_room = limits_.max_line - line_length();
    const std::size_t reply_room = limits_.max_reply - reply_.raw.size();
    std::size_t window = std::min(rest.size(), reply_room);
    // One octet past the line room: if it is a terminator the line still fits.
    if (line_room < window) window = line_room + 1;

    const std::size_t end = scan_text(rest.substr(0, window));
    const std::size_t text_octets = std::min(end, line_room);
    reply_.raw.append(rest.data(), text_octets);
    if (end < window) return take_terminator(input, pos + end);
    if (text_octets < window) {
        fail(ParseError::line_too_long);
    } else if (window < rest.size()) {
        fail(ParseError::reply_too_long);
    }
    return pos + text_octets;
}

// Offset of the first CR or LF in `window` (or its size), noting the first invalid text octet
// on the way. Offsets count from the start of the line in progress.
std::size_t ReplyParser::scan_text(std::string_view window) {
    std::size_t i = 0;
    while (true) {
        i += find_unprintable(window.substr(i));
        if (i == window.size() || is_line_end(window[i])) return i;
        const auto octet = static_cast<unsigned char>(window[i]);
        if (octet != '\t' && bad_octet_offset_ == no_bad_octet) {
            bad_octet_offset_ = line_length() + i;
            bad_octet_ = octet;
        }
        ++i;
    }
}

// input[pos] is CR or LF.
std::size_t ReplyParser::take_terminator(std::string_view input, std::size_t pos) {
    if (reply_full()) {
        fail(ParseError::reply_too_long);
        return pos;
    }
    const char octet = input[pos++];
    reply_.raw.push_back(octet);
    if (octet == '\n') {
        finish_line(Terminator::bare_lf);
        return pos;
    }
    if (pos == input.size()) {
        pending_cr_ = true;  // CRLF split across feeds, or a bare CR: the next octet decides
        return pos;
    }
    return take_after_cr(input, pos);
}

// The CR that ends reply_.raw is followed by input[pos].
std::size_t ReplyParser::take_after_cr(std::string_view input, std::size_t pos) {
    if (input[pos] != '\n') {
        finish_line(Terminator::bare_cr);  // the octet after it starts the next line or reply
        return pos;
    }
    if (reply_full()) {
        fail(ParseError::reply_too_long);
        return pos;
    }
    reply_.raw.push_back('\n');
    finish_line(Terminator::crlf);
    return pos + 1;
}

std::string_view ReplyParser::current_line() const {
    return std::string_view(reply_.raw).substr(line_start_);
}

bool ReplyParser::head_is_valid(std::string_view head) const {
    if (reply_.lines.empty()) return code_error(head) == ParseError::none;
    // A later line is valid exactly when it repeats the first line's (valid) code.
    return head.size() >= 3 && head.substr(0, 3) == std::string_view(code_digits_, 3) &&
           (head.size() == 3 || head[3] == ' ' || head[3] == '-');
}

// Validates the code and separator, and that a continuation keeps the code of the first line.
bool ReplyParser::check_head(std::string_view head) {
    ParseError error = code_error(head);
    if (error == ParseError::none && !head_is_valid(head)) error = ParseError::inconsistent_codes;
    if (error != ParseError::none) {
        fail(error);
        return false;
    }
    set_code(head);
    head_checked_ = true;
    return true;
}

void ReplyParser::set_code(std::string_view head) {
    reply_.code = code_value(head);
    std::memcpy(code_digits_, head.data(), sizeof code_digits_);
}

// The line in progress has just been ended by `terminator`, which is already in raw.
void ReplyParser::finish_line(Terminator terminator) {
    const std::size_t terminator_length = terminator == Terminator::crlf ? 2 : 1;
    const std::string_view line = current_line().substr(0, line_length() - terminator_length);
    // Lines shorter than a head ("250", "25", "") are judged only once they end.
    if (!head_checked_ && !check_head(line)) return;
    end_line(accept_line(line, terminator));
}

// Records a line whose head is valid: its findings and its text. `line` excludes the
// terminator and may still lie in the caller's input rather than in raw.
ReplyParser::LineOutcome ReplyParser::accept_line(std::string_view line, Terminator terminator) {
    note_line_findings(line, terminator);
    bad_octet_offset_ = no_bad_octet;
    reply_.lines.emplace_back(line.substr(std::min(head_length, line.size())));
    if (line.size() < head_length || line[3] == ' ') return LineOutcome::last_line;
    if (reply_.lines.size() >= limits_.max_lines) return LineOutcome::too_many_lines;
    return LineOutcome::more_lines;
}

// Called once the accepted line's octets are in raw.
void ReplyParser::end_line(LineOutcome outcome) {
    switch (outcome) {
        case LineOutcome::last_line: complete(); return;
        case LineOutcome::too_many_lines: fail(ParseError::reply_too_long); return;
        case LineOutcome::more_lines: start_line(); return;
    }
}

void ReplyParser::note_line_findings(std::string_view line, Terminator terminator) {
    const bool conforming = terminator == Terminator::crlf && bad_octet_offset_ == no_bad_octet &&
                            line.size() >= head_length && line.size() + 2 <= max_conforming_line;
    if (conforming) return;  // the usual line, checked without building anything
    const std::size_t index = reply_.lines.size();
    auto add = [&](FindingKind kind, std::string detail) {
        reply_.findings.push_back(Finding{kind, index, std::move(detail)});
    };
    if (terminator == Terminator::bare_lf) add(FindingKind::bare_lf, "line ended by LF without CR");
    if (terminator == Terminator::bare_cr) add(FindingKind::bare_cr, "line ended by CR without LF");
    if (bad_octet_offset_ != no_bad_octet) {
        add(FindingKind::invalid_text_octet,
            fmt::format("0x{:02X} at column {}", bad_octet_, bad_octet_offset_ + 1));
    }
    if (line.size() < head_length) {
        add(FindingKind::missing_space, fmt::format("\"{}\" without SP after the code", line));
    }
    const std::size_t octets = line.size() + (terminator == Terminator::crlf ? 2 : 1);
    if (octets > max_conforming_line) {
        add(FindingKind::line_over_512, fmt::format("line is {} octets", octets));
    }
}

void ReplyParser::complete() {
    reply_.enhanced = parse_enhanced_code(reply_.lines.front());
    status_ = ParseStatus::complete;
    previous_reply_octets_ = reply_.raw.size();
    previous_reply_lines_ = reply_.lines.size();
    release_unused_capacity();
}

// A server tends to send replies of a similar size again (the EHLO reply above all), so the
// last reply's size spares a large reply the chain of reallocations it would otherwise cost,
// also when it arrives in many small reads.
void ReplyParser::reserve_like_previous_reply() {
    reply_.raw.reserve(previous_reply_octets_);
    reply_.lines.reserve(previous_reply_lines_);
}

// When the hint was too generous (a short reply after a long one), the reply handed out must
// not carry the slack into transcripts and results.
void ReplyParser::release_unused_capacity() {
    if (reply_.raw.capacity() > 2 * reply_.raw.size()) reply_.raw.shrink_to_fit();
    if (reply_.lines.capacity() > 2 * reply_.lines.size()) reply_.lines.shrink_to_fit();
}

void ReplyParser::start_line() {
    line_start_ = reply_.raw.size();
    head_checked_ = false;
    bad_octet_offset_ = no_bad_octet;
    bad_octet_ = 0;
}

void ReplyParser::fail(ParseError e) {
    status_ = ParseStatus::malformed;
    error_ = e;
}

}  // namespace smtpspec
