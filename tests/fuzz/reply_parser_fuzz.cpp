// libFuzzer target for the incremental reply parser. Server octets are the least trusted input
// the harness reads, and the parser promises more than "no crash": the same outcome however the
// input is split, memory within max_reply, and every consumed octet in a reply's raw text. Each
// promise is checked here, and a broken one aborts so that libFuzzer keeps the input.
//
// Input: 6 control octets, then the server's octets. The control octets choose small limits
// (so the caps are reached by short inputs) and the ways of splitting the stream.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/reply_parser.hpp"
#include "require.hpp"

namespace smtpspec {
namespace {

constexpr std::size_t control_octets = 6;

struct Controls {
    ParserLimits limits;
    std::size_t cut = 0;         // where the second run splits the input in two
    std::size_t chunk_size = 1;  // the third run's feed size
};

Controls read_controls(const std::uint8_t* control, std::size_t input_size) {
    Controls c;
    // Small caps, which short inputs reach, or (low bit set) the defaults a session uses.
    if ((control[0] & 1) == 0) {
        c.limits.max_line = 1 + control[1];
        c.limits.max_reply = 1 + std::size_t{control[2]} * 4;
        c.limits.max_lines = 1 + control[3] % 32;
    }
    c.cut = input_size * control[4] / 255;
    c.chunk_size = 1 + control[5] % 16;
    return c;
}

// A malformed reply: what a session would report before resetting the parser.
struct Unreadable {
    ParseError error;
    std::string raw;
    friend bool operator==(const Unreadable&, const Unreadable&) = default;
};
// The octets of a reply still in progress when the input ended.
struct Unfinished {
    std::string raw;
    friend bool operator==(const Unfinished&, const Unfinished&) = default;
};
using Event = std::variant<Reply, Unreadable, Unfinished>;

bool is_reply_code(int code) { return code >= 200 && code <= 559 && code / 10 % 10 <= 5; }

// What must hold of any reply the parser hands out, given the octets it consumed for it.
void check_reply(const Reply& reply, std::string_view consumed, const ParserLimits& limits) {
    FUZZ_REQUIRE(reply.raw == consumed);
    FUZZ_REQUIRE(reply.raw.size() <= limits.max_reply);
    FUZZ_REQUIRE(is_reply_code(reply.code));
    FUZZ_REQUIRE(reply.raw.starts_with(std::to_string(reply.code)));
    FUZZ_REQUIRE(!reply.lines.empty());
    FUZZ_REQUIRE(reply.lines.size() <= limits.max_lines);
    for (const std::string& text : reply.lines) {
        // The code, the separator when there is text, then the text: all within max_line.
        FUZZ_REQUIRE(text.size() + (text.empty() ? 3 : 4) <= limits.max_line);
    }
    for (const Finding& finding : reply.findings) {
        FUZZ_REQUIRE(finding.line < reply.lines.size());
        FUZZ_REQUIRE(!finding.detail.empty());
    }
}

// A reply depends on its own octets only: read again by a fresh parser it is the same reply.
void check_reads_alone(const Reply& reply, const ParserLimits& limits) {
    ReplyParser alone(limits);
    const FeedResult fed = alone.feed(reply.raw);
    FUZZ_REQUIRE(fed.consumed == reply.raw.size());
    if (fed.status == ParseStatus::need_more) alone.end_of_input();
    FUZZ_REQUIRE(alone.status() == ParseStatus::complete);
    FUZZ_REQUIRE(alone.take_reply() == reply);
}

class Run {
public:
    explicit Run(const ParserLimits& limits) : limits_(limits), parser_(limits) {}

    void feed(std::string_view chunk) {
        bool first_feed = true;
        while (first_feed || !chunk.empty()) {
            first_feed = false;
            const FeedResult fed = feed_once(chunk);
            chunk.remove_prefix(fed.consumed);
            if (fed.status == ParseStatus::need_more) {
                FUZZ_REQUIRE(chunk.empty());  // need_more means every octet was used
                return;
            }
        }
    }

    std::vector<Event> finish() {
        // A bare CR at the very end is resolved here, ending a reply or showing a bad line;
        // whatever is left after it is an unfinished reply, made of exactly the octets
        // consumed since the last one.
        const ParseStatus ended = parser_.end_of_input();
        if (ended == ParseStatus::complete) take();
        if (ended == ParseStatus::malformed) record_malformed();
        FUZZ_REQUIRE(parser_.status() == ParseStatus::need_more);
        FUZZ_REQUIRE(parser_.pending_raw() == consumed_since_reply_);
        events_.push_back(Unfinished{consumed_since_reply_});
        return std::move(events_);
    }

private:
    // One feed() and the checks around it, then the reply taken or the parser reset.
    FeedResult feed_once(std::string_view chunk) {
        const std::size_t before = parser_.pending_raw().size();
        const bool fresh = before == 0;
        FUZZ_REQUIRE(parser_.take_reply() == Reply{});  // nothing to take yet, and nothing changes
        FUZZ_REQUIRE(parser_.pending_raw().size() == before);

        const FeedResult fed = parser_.feed(chunk);
        FUZZ_REQUIRE(fed.consumed <= chunk.size());
        FUZZ_REQUIRE(fed.status == parser_.status());
        const std::string_view pending = parser_.pending_raw();
        FUZZ_REQUIRE(pending.size() == before + fed.consumed);
        FUZZ_REQUIRE(pending.substr(before) == chunk.substr(0, fed.consumed));
        FUZZ_REQUIRE(pending.size() <= limits_.max_reply);
        FUZZ_REQUIRE(parser_.pending_lines() <= limits_.max_lines);
        consumed_since_reply_.append(chunk.substr(0, fed.consumed));

        if (fed.status == ParseStatus::complete) {
            take();
        } else if (fed.status == ParseStatus::malformed) {
            // With caps of one octet or more a fresh parser always takes an octet, so a
            // session that resets after an unreadable reply cannot stall on the same input.
            FUZZ_REQUIRE(!fresh || chunk.empty() || fed.consumed > 0);
            FUZZ_REQUIRE(parser_.error() != ParseError::none);
            const FeedResult again = parser_.feed(chunk.substr(fed.consumed));
            FUZZ_REQUIRE(again.status == ParseStatus::malformed && again.consumed == 0);
            record_malformed();
        }
        return fed;
    }

    void take() {
        Reply reply = parser_.take_reply();
        check_reply(reply, consumed_since_reply_, limits_);
        check_reads_alone(reply, limits_);
        FUZZ_REQUIRE(parser_.status() == ParseStatus::need_more);
        FUZZ_REQUIRE(parser_.pending_raw().empty());
        events_.push_back(std::move(reply));
        consumed_since_reply_.clear();
    }

    void record_malformed() {
        FUZZ_REQUIRE(parser_.pending_raw() == consumed_since_reply_);
        events_.push_back(Unreadable{parser_.error(), consumed_since_reply_});
        parser_.reset();
        FUZZ_REQUIRE(parser_.status() == ParseStatus::need_more && parser_.error() == ParseError::none);
        FUZZ_REQUIRE(parser_.pending_raw().empty());
        consumed_since_reply_.clear();
    }

    ParserLimits limits_;
    ReplyParser parser_;
    std::string consumed_since_reply_;
    std::vector<Event> events_;
};

std::vector<Event> run(const std::vector<std::string_view>& chunks, const ParserLimits& limits) {
    Run run(limits);
    for (std::string_view chunk : chunks) run.feed(chunk);
    return run.finish();
}

std::vector<std::string_view> chunks_of(std::string_view input, std::size_t size) {
    std::vector<std::string_view> chunks;
    for (std::size_t at = 0; at < input.size(); at += size) chunks.push_back(input.substr(at, size));
    return chunks;
}

}  // namespace
}  // namespace smtpspec

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smtpspec;
    if (size < control_octets) return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + control_octets, size - control_octets);
    const Controls controls = read_controls(data, input.size());

    const std::vector<Event> whole = run({input}, controls.limits);
    const std::vector<Event> cut = run({input.substr(0, controls.cut), input.substr(controls.cut)}, controls.limits);
    FUZZ_REQUIRE(cut == whole);
    const std::vector<Event> chunked = run(chunks_of(input, controls.chunk_size), controls.limits);
    FUZZ_REQUIRE(chunked == whole);
    return 0;
}
