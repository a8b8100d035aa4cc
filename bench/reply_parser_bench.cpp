// Google Benchmark: the reply parser over a stream of large multiline EHLO replies, fed in
// reads of the size a session uses (16 KiB), and each reply taken as a session takes it.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string>

#include "core/reply_parser.hpp"

namespace {

// An EHLO reply of `lines` lines, each a realistic keyword line with a long parameter list.
std::string ehlo_reply(int lines) {
    std::string reply = "250-mx.example.org Hello client.example.net [192.0.2.1], pleased to meet you\r\n";
    for (int i = 1; i < lines - 1; ++i)
        reply += fmt::format("250-X-EXTENSION-{:04} PARAMETER-ONE PARAMETER-TWO PARAMETER-THREE VALUE={}\r\n", i, i * 7);
    reply += "250 SMTPUTF8\r\n";
    return reply;
}

void BM_ParseEhloStream(benchmark::State& state) {
    const int lines = static_cast<int>(state.range(0));
    std::string stream;
    while (stream.size() < 8 * 1024 * 1024) stream += ehlo_reply(lines);
    constexpr std::size_t read_size = 16 * 1024;
    std::size_t replies = 0;
    for (auto _ : state) {
        smtpspec::ReplyParser parser;
        for (std::size_t offset = 0; offset < stream.size(); offset += read_size) {
            std::string_view chunk(stream.data() + offset, std::min(read_size, stream.size() - offset));
            while (!chunk.empty()) {
                const auto fed = parser.feed(chunk);
                chunk.remove_prefix(fed.consumed);
                if (fed.status != smtpspec::ParseStatus::complete) break;
                benchmark::DoNotOptimize(parser.take_reply());
                ++replies;
            }
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(stream.size()));
    state.counters["replies/s"] = benchmark::Counter(static_cast<double>(replies), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseEhloStream)->Arg(20)->Arg(200)->Arg(2000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
