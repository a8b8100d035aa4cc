// CHUNKING (RFC 3030 §2): BDAT and the chunks of octets that follow it.
#include <fmt/format.h>

#include <algorithm>

#include "server/smtp_engine.hpp"
#include "server/smtp_reply.hpp"
#include "server/smtp_syntax.hpp"

namespace smtpspec {
namespace {

using namespace smtp;

struct BdatArguments {
    std::uint64_t size = 0;
    bool last = false;
};

// bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CR LF; chunk-size = 1*DIGIT;
// end-marker = "LAST". Strings in ABNF are case-insensitive.
std::optional<BdatArguments> parse_bdat(std::string_view argument) {
    const auto space = argument.find(' ');
    const auto size = parse_decimal(argument.substr(0, space));
    if (!size) return std::nullopt;
    if (space == std::string_view::npos) return BdatArguments{*size, false};
    if (!iequals(argument.substr(space + 1), "LAST")) return std::nullopt;
    return BdatArguments{*size, true};
}

}  // namespace

// A BDAT that cannot be parsed has no size the server could trust, so nothing after its CRLF
// is taken for chunk octets: the line alone is answered (RFC 3030 §2 asks to discard the
// octets of a failed chunk, which presumes a known count).
void SmtpEngine::on_bdat(std::string_view argument, std::string& out) {
    const auto arguments = parse_bdat(argument);
    if (!arguments) return reply(out, 501, status::bad_arguments, "Syntax: BDAT <size> [LAST]");
    chunk_ = Chunk{arguments->size, arguments->size, arguments->last};
    if (chunk_.left == 0) return finish_chunk(out);
    input_ = Input::chunk;
}

// The octets follow the command's CRLF at once and are counted, never scanned: no dot-stuffing
// and no end-of-data line (RFC 3030 §1, §2).
std::size_t SmtpEngine::consume_chunk_octets(std::string_view input, std::string& out) {
    const auto used = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_.left, input.size()));
    chunk_.left -= used;
    if (chunk_.left == 0) {
        input_ = Input::commands;
        finish_chunk(out);
    }
    return used;
}

// RFC 3030 §2: the reply comes once the chunk is read. A refused chunk has been read and
// discarded all the same, so the octets never run as commands.
void SmtpEngine::finish_chunk(std::string& out) {
    if (const auto refusal = chunk_refusal()) {
        // A message over the limit cannot be saved by later chunks: the transaction ends, and
        // chunks already pipelined behind this one get 503 (and are discarded too).
        if (refusal->code == 552) reset_transaction();
        return reply(out, *refusal);
    }
    transaction_.chunked = true;
    transaction_.chunk_octets += chunk_.size;
    if (chunk_.last) return accept_message(out);
    reply(out, 250, status::ok, fmt::format("{} octets received", chunk_.size));
}

std::optional<Reply> SmtpEngine::chunk_refusal() const {
    // After BDAT LAST the transaction is over, so a further BDAT lands here too (RFC 3030 §2).
    if (!transaction_.open) return Reply{503, status::invalid_command, "Send MAIL first"};
    if (transaction_.recipients == 0) return Reply{503, status::invalid_command, "No valid recipients"};
    if (chunk_.size > config_.max_message_size - std::min<std::uint64_t>(transaction_.chunk_octets,
                                                                         config_.max_message_size)) {
        return Reply{552, status::message_too_big,
                     fmt::format("Message exceeds fixed maximum message size ({} octets)", config_.max_message_size)};
    }
    return std::nullopt;
}

}  // namespace smtpspec
