#pragma once
// An incremental SMTP reply parser with no I/O: bytes in, "need more" / a Reply / an error out.
#include <cstddef>
#include <string_view>

#include "core/reply.hpp"

namespace smtpspec {

enum class ParseStatus { need_more, complete, malformed };

struct ParserLimits {
    // Hard caps. Far above the 512-octet rule so that a long but finite reply is still read
    // and judged (the excess is a finding); past these the reply is malformed.
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

    Reply take_reply();  // valid once status() == complete; resets for the next reply
    void reset();

private:
    ParseStatus finish_line(std::string_view terminator);
    ParseStatus fail(ParseError e);

    ParserLimits limits_;
    ParseStatus status_ = ParseStatus::need_more;
    ParseError error_ = ParseError::none;
    Reply reply_;
    std::string line_;       // current line without its terminator
    bool pending_cr_ = false;
};

}  // namespace smtpspec
