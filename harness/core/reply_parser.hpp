#pragma once
// An incremental SMTP reply parser with no I/O: bytes in, "need more" / a Reply / an error out.
// Every outcome (reply, findings, error, consumed octets, pending_raw) is decided octet by
// octet, so it is the same however the input is split across feed() calls.
#include <cstddef>
#include <string_view>

#include "core/reply.hpp"

namespace smtpspec {

enum class ParseStatus { need_more, complete, malformed };

struct ParserLimits {
    // Hard caps. Far above the 512-octet rule so that a long but finite reply is still read
    // and judged (the excess is a finding); past these the reply is malformed.
    // max_line counts a line's octets before its terminator; max_reply counts every octet of
    // the reply, terminators included; max_lines counts the lines of one reply.
    std::size_t max_line = 64 * 1024;
    std::size_t max_reply = 1024 * 1024;
    std::size_t max_lines = 4096;
};

struct FeedResult {
    ParseStatus status;
    std::size_t consumed;  // octets of the input used; the rest belongs to the next reply
};

class ReplyParser {
public:
    explicit ReplyParser(ParserLimits limits = {});

    // Consumes input up to the end of one reply. After `complete`, call take_reply() before
    // feeding more. After `malformed` the stream is out of sync: the parser stays malformed
    // until reset().
    FeedResult feed(std::string_view input);

    // No more input is coming for now (idle timeout or end of stream). A final line that
    // ended in a bare CR is only known to have ended when the next octet is seen; this
    // completes it. Otherwise the status is unchanged.
    ParseStatus end_of_input();

    ParseStatus status() const { return status_; }
    ParseError error() const { return error_; }
    // Octets of the reply in progress (or of the malformed one): for transcripts.
    std::string_view pending_raw() const { return reply_.raw; }
    std::size_t pending_lines() const { return reply_.lines.size(); }

    // Valid once status() == complete; resets for the next reply. Called earlier it returns an
    // empty Reply and leaves the parser as it was.
    Reply take_reply();
    void reset();

private:
    enum class Terminator { crlf, bare_lf, bare_cr };
    enum class LineOutcome { more_lines, last_line, too_many_lines };

    std::size_t take_whole_lines(std::string_view rest);
    std::size_t take_head(std::string_view input, std::size_t pos);
    std::size_t take_body(std::string_view input, std::size_t pos);
    std::size_t take_terminator(std::string_view input, std::size_t pos);
    std::size_t take_after_cr(std::string_view input, std::size_t pos);
    std::size_t scan_text(std::string_view window);
    bool head_is_valid(std::string_view head) const;
    bool check_head(std::string_view head);
    void set_code(std::string_view head);
    void finish_line(Terminator terminator);
    LineOutcome accept_line(std::string_view line, Terminator terminator);
    void end_line(LineOutcome outcome);
    void note_line_findings(std::string_view line, Terminator terminator);
    void complete();
    void reserve_like_previous_reply();
    void release_unused_capacity();
    void start_line();
    void fail(ParseError e);

    std::string_view current_line() const;
    std::size_t line_length() const { return reply_.raw.size() - line_start_; }
    bool reply_full() const { return reply_.raw.size() >= limits_.max_reply; }

    ParserLimits limits_;
    ParseStatus status_ = ParseStatus::need_more;
    ParseError error_ = ParseError::none;
    // The lines are never buffered apart from reply_.raw: the line in progress is its tail from
    // line_start_, so memory stays within max_reply however the input is split.
    Reply reply_;
    std::size_t line_start_ = 0;
    char code_digits_[3] = {};   // the first line's code as sent, for the later lines' heads
    bool head_checked_ = false;  // the code and separator of the line in progress are valid
    bool pending_cr_ = false;    // raw ends in a CR whose meaning depends on the next octet
    static constexpr std::size_t no_bad_octet = static_cast<std::size_t>(-1);
    std::size_t bad_octet_offset_ = no_bad_octet;  // first invalid text octet of the line
    unsigned char bad_octet_ = 0;
    std::size_t previous_reply_octets_ = 0;  // sizing hints for the next reply's buffers
    std::size_t previous_reply_lines_ = 0;
};

}  // namespace smtpspec
