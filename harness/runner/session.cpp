#include "runner/session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "core/capabilities.hpp"
#include "core/evaluator.hpp"
#include "runner/transcript_redaction.hpp"

namespace smtpspec {

namespace {

using Clock = std::chrono::steady_clock;

// Bytes from the server, the parser over them, and the transcript of both directions.
class Conversation {
public:
    Conversation(Transport& transport, const SessionOptions& options, ScenarioResult& result)
        : transport_(transport),
          options_(options),
          result_(result),
          secrets_(secret_values(options.variables)),
          parser_(options.limits),
          start_(Clock::now()) {}

    // A view, not a string: callers pass literals, and g++ 12 mishandles temporaries passed
    // into a co_await'ed coroutine.
    asio::awaitable<IoResult> send(std::string_view bytes) {
        note('C', std::string(bytes));
        const auto outcome = co_await transport_.write(bytes, options_.write_timeout);
        if (!outcome.ok()) note('*', fmt::format("write failed: {}", describe(outcome)));
        co_return outcome;
    }

    // One reply, or the event that took its place, within `timeout` however the octets drip in.
    asio::awaitable<Observation> read_reply(Millis timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            if (auto parsed = take_parsed()) co_return std::move(*parsed);
            const auto remaining = std::chrono::duration_cast<Millis>(deadline - Clock::now());
            if (remaining <= Millis::zero()) co_return finish(TimedOut{static_cast<int>(timeout.count())});
            const auto got = co_await transport_.read_some(chunk_, remaining);
            collect_diagnostics();
            if (got.ok()) {
                note('S', std::string(chunk_.data(), got.bytes));
                pending_.append(chunk_.data(), got.bytes);
            } else if (got.status == IoResult::Status::timeout) {
                co_return finish(TimedOut{static_cast<int>(timeout.count())});
            } else {
                closed_ = true;
                co_return finish(Closed{got.detail.empty() ? "end of stream" : got.detail});
            }
        }
    }

    // Every direction is redacted: a server may echo a credential back (in a 535's text, or
    // its stderr), and no report may show one. The octets each way (C, S, E) are redacted as
    // one stream when the session ends (redact_across_entries), which finds whatever a
    // redaction per entry would; the harness's own notes are redacted here.
    void note(char direction, std::string data) {
        const auto t = std::chrono::duration_cast<Millis>(Clock::now() - start_).count();
        if (direction == '*') data = redact(std::move(data), secrets_);
        result_.transcript.push_back(TranscriptEntry{t, direction, std::move(data)});
    }

    std::string redacted(std::string_view text) const { return redact(std::string(text), secrets_); }
    Reply redacted(Reply reply) const {
        reply.raw = redact(std::move(reply.raw), secrets_);
        for (auto& line : reply.lines) line = redact(std::move(line), secrets_);
        return reply;
    }

    void collect_diagnostics() {
        for (auto& text : transport_.take_diagnostics()) note('E', std::move(text));
    }

    // TLS from here on. Octets already read belong to the plaintext session: a reply that
    // arrived after the 220 cannot be trusted once TLS protects the connection (RFC 3207 §4.2).
    asio::awaitable<std::string> start_tls(Millis timeout) {
        if (!pending_.empty()) note('*', fmt::format("discarded {} plaintext octets read before the TLS handshake", pending_.size()));
        pending_.clear();
        parser_.reset();
        note('*', "TLS handshake");
        auto error = co_await transport_.start_tls(timeout);
        if (error.empty()) note('*', "TLS established: " + transport_.describe());
        else note('*', "TLS handshake failed: " + error);
        co_return error;
    }

    bool closed() const { return closed_; }
    const std::vector<std::string>& secrets() const { return secrets_; }
    // Octets from the server that no reply has taken yet: read, or waiting to be read.
    std::size_t unread_octets() { return pending_.size() + transport_.available(); }
    bool can_start_tls() const { return transport_.can_start_tls(); }
    Clock::time_point started() const { return start_; }
    std::int64_t elapsed_ms() const { return std::chrono::duration_cast<Millis>(Clock::now() - start_).count(); }

private:
    static std::string describe(const IoResult& r) {
        return r.detail.empty() ? std::string(r.status == IoResult::Status::timeout ? "timed out" : "closed") : r.detail;
    }

    std::optional<Observation> take_parsed() {
        if (parser_.status() == ParseStatus::malformed) return malformed();
        if (pending_.empty()) return std::nullopt;
        const auto fed = parser_.feed(pending_);
        pending_.erase(0, fed.consumed);
        if (fed.status == ParseStatus::complete) return Observation{parser_.take_reply()};
        if (fed.status == ParseStatus::malformed) return malformed();
        return std::nullopt;
    }

    Observation malformed() { return Unreadable{parser_.error(), std::string(parser_.pending_raw())}; }

    // No more octets for now: a final line ended by a bare CR is complete only now.
    Observation finish(Observation event) {
        if (parser_.end_of_input() == ParseStatus::complete) return parser_.take_reply();
        note('*', std::holds_alternative<TimedOut>(event)
                      ? fmt::format("no complete reply within {} ms", std::get<TimedOut>(event).after_ms)
                      : "connection closed: " + std::get<Closed>(event).detail);
        return event;
    }

    Transport& transport_;
    const SessionOptions& options_;
    ScenarioResult& result_;
    const std::vector<std::string> secrets_;   // the values redacted from everything kept
    ReplyParser parser_;
    std::string pending_;
    // Not value-initialised, and 4 KiB (a reply longer than that takes more reads): the
    // array lives in each session's coroutine frame, and zeroing or allocating 16 KiB per
    // session showed in load mode's profile.
    std::array<char, 4 * 1024> chunk_;
    Clock::time_point start_;
    bool closed_ = false;
};

bool opens_session(const Step& step) {
    if (step.action == StepAction::greeting) return true;
    if (step.replies.size() != 1) return false;
    const auto& command = step.replies.front().command;
    return command == "EHLO" || command == "HELO";
}

// What the session has learnt that changes later judgements: the greeting's code, and what the
// last accepted EHLO advertised (with the keywords' parameters, for "AUTH PLAIN" requirements).
struct Learnt {
    SessionFacts facts;
    Capabilities capabilities;

    void forget_extensions() {
        facts.legality.advertised.clear();
        capabilities = Capabilities{};
    }
};

void learn(Learnt& learnt, const ReplyExpectation& expectation, const Observation& observation) {
    const auto* reply = std::get_if<Reply>(&observation);
    if (reply == nullptr) return;
    if (expectation.command == greeting_command) learnt.facts.legality.greeting_code = reply->code;
    if (expectation.command == "EHLO" && reply->code == 250) {
        learnt.capabilities = Capabilities::from_ehlo(*reply);
        learnt.facts.legality.advertised = learnt.capabilities.keyword_set();
    }
    // A HELO session has no extensions (RFC 5321 §4.1.1.1).
    if (expectation.command == "HELO" && reply->code == 250) learnt.forget_extensions();
}

std::vector<std::string> missing_extensions(const Scenario& scenario, const Capabilities& capabilities) {
    std::vector<std::string> missing;
    for (const auto& requirement : scenario.requires_extensions)
        if (!capabilities.offers(requirement)) missing.push_back(requirement);
    return missing;
}

std::vector<std::string> unwanted_extensions(const Scenario& scenario, const Capabilities& capabilities) {
    std::vector<std::string> present;
    for (const auto& requirement : scenario.requires_absent)
        if (capabilities.offers(requirement)) present.push_back(requirement);
    return present;
}

StepResult step_result(std::size_t index, std::size_t reply_index, const Step& step, std::string sent, Judgement j) {
    StepResult r;
    r.step = index;
    r.reply_index = reply_index;
    r.action = std::string(to_string(step.action));
    r.sent = std::move(sent);
    r.judgement = std::move(j);
    return r;
}

void skip_step(ScenarioResult& result, std::size_t index, const Step& step, const std::string& reason) {
    const std::size_t replies = std::max<std::size_t>(step.replies.size(), 1);
    for (std::size_t k = 0; k < replies; ++k) {
        auto j = judge_skipped(reason);
        if (k < step.replies.size()) j.command = step.replies[k].command;
        result.steps.push_back(step_result(index, k, step, "", std::move(j)));
    }
}

Millis timeout_for(const Step& step, const Scenario& scenario, const SessionOptions& options) {
    if (step.timeout_ms) return Millis(*step.timeout_ms);
    if (scenario.timeout_ms) return Millis(*scenario.timeout_ms);
    return step.action == StepAction::greeting ? options.greeting_timeout : options.reply_timeout;
}

// The whole scenario's time limit: a server that answers every step just before its timeout
// cannot hold one scenario (and so the run) for steps × timeout.
class ScenarioClock {
public:
    explicit ScenarioClock(Millis limit) : limit_(limit), deadline_(Clock::now() + limit) {}

    // The step's own timeout, or less when the scenario's limit comes first.
    Millis bound(Millis step_timeout) const {
        if (limit_ <= Millis::zero()) return step_timeout;
        const auto left = std::chrono::duration_cast<Millis>(deadline_ - Clock::now());
        return std::clamp(left, Millis::zero(), step_timeout);
    }
    bool expired() const { return limit_ > Millis::zero() && Clock::now() >= deadline_; }
    Millis limit() const { return limit_; }

private:
    Millis limit_;
    Clock::time_point deadline_;
};

// A timeout cut short by the scenario's limit says so, or the step's timeout would look wrong.
void note_scenario_limit(Judgement& j, const Observation& observation, Millis step_timeout, Millis waited,
                         Millis limit) {
    if (!std::holds_alternative<TimedOut>(observation) || waited >= step_timeout) return;
    j.detail = fmt::format("the scenario reached its time limit of {} ms (--scenario-timeout) while waiting for this "
                           "reply",
                           limit.count());
}

// The handshake as a step: pass when TLS is up; a failed handshake is the server's failure and
// ends the session; a transport that cannot carry TLS makes the scenario unimplemented here.
asio::awaitable<bool> tls_step(Conversation& conversation, ScenarioResult& result, std::size_t index, const Step& step,
                               Millis timeout) {
    const std::size_t begin = result.transcript.size();
    Judgement j;
    j.rfc = "RFC 3207 §4";
    bool started = false;
    if (!conversation.can_start_tls()) {
        j.verdict = Verdict::unimplemented;
        j.actual = "no TLS over this transport";
        j.detail = "TLS cannot be started over a spawned server's stdio; test STARTTLS over TCP (--target)";
    } else {
        const auto error = co_await conversation.start_tls(timeout);
        started = error.empty();
        j.verdict = started ? Verdict::pass : Verdict::disconnected;
        j.actual = started ? "TLS established" : "TLS handshake failed";
        j.detail = error;
    }
    StepResult r = step_result(index, 0, step, "", std::move(j));
    r.transcript_begin = begin;
    r.transcript_end = result.transcript.size();
    result.steps.push_back(std::move(r));
    co_return started;
}

}  // namespace

std::string dot_stuff(std::string_view content) {
    std::string out;
    out.reserve(content.size() + content.size() / 64 + 5);
    // Line by line: whole spans are appended, so a large message costs a copy, not a loop per octet.
    std::size_t start = 0;
    while (start < content.size()) {
        if (content[start] == '.') out += '.';
        const std::size_t lf = content.find('\n', start);
        const std::size_t end = lf == std::string_view::npos ? content.size() : lf;
        out.append(content.substr(start, end - start));
        if (lf == std::string_view::npos) break;
        // A lone LF in content is a line end here; raw steps send octets as they are.
        if (lf == 0 || content[lf - 1] != '\r') out += '\r';
        out += '\n';
        start = lf + 1;
    }
    if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
    out += ".\r\n";
    return out;
}

std::string wire_bytes(const Step& step, const Variables& variables) {
    switch (step.action) {
        case StepAction::send: return expand(step.payload, variables) + "\r\n";
        case StepAction::raw: return expand(step.payload, variables);
        case StepAction::data: return dot_stuff(expand(step.payload, variables));
        case StepAction::greeting:
        case StepAction::none:
        case StepAction::tls: return "";
    }
    return "";
}

ScenarioResult result_header(const Scenario& scenario) {
    ScenarioResult result;
    result.id = scenario.id;
    result.title = scenario.title;
    result.requirement = scenario.requirement;
    result.file = scenario.file;
    result.rfc = scenario.rfc;
    result.level = scenario.level();
    result.tags = scenario.tags;
    return result;
}

RenderedSteps render_steps(const Scenario& scenario, const Variables& variables) {
    RenderedSteps rendered;
    const auto secrets = secret_values(variables);
    for (const Step& step : scenario.steps) {
        rendered.bytes.push_back(wire_bytes(step, variables));
        rendered.shown.push_back(redact(rendered.bytes.back(), secrets));
    }
    return rendered;
}

asio::awaitable<ScenarioResult> run_session(const Scenario& scenario, Transport& transport, const Registry& registry,
                                            const SessionOptions& options, const RenderedSteps* rendered) {
    ScenarioResult result = result_header(scenario);
    Conversation conversation(transport, options, result);
    Learnt learnt;
    SessionFacts& facts = learnt.facts;
    facts.profile = options.profile;
    const RfcRef* primary = scenario.rfc.empty() ? nullptr : &scenario.rfc.front();
    std::string stop_reason;        // once set, every later step is skipped for this reason
    bool requirements_met = scenario.requires_extensions.empty() && scenario.requires_absent.empty();
    bool leave_politely = false;    // stopped for a missing extension: the connection is fine
    bool not_applicable = false;    // the server advertises what the scenario tests the absence of
    const ScenarioClock clock(options.scenario_timeout);

    for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
        const Step& step = scenario.steps[i];
        if (!stop_reason.empty()) {
            skip_step(result, i, step, stop_reason);
            continue;
        }
        if (!requirements_met && !opens_session(step)) {
            const auto missing = missing_extensions(scenario, learnt.capabilities);
            if (!missing.empty()) {
                result.steps.push_back(step_result(i, 0, step, "", judge_unimplemented(missing)));
                stop_reason = "the scenario needs an extension the server does not advertise";
                leave_politely = true;
                continue;
            }
            const auto unwanted = unwanted_extensions(scenario, learnt.capabilities);
            if (!unwanted.empty()) {
                stop_reason = fmt::format("not applicable: the scenario tests servers that do not advertise {}",
                                          fmt::join(unwanted, ", "));
                skip_step(result, i, step, stop_reason);
                leave_politely = true;
                not_applicable = true;
                continue;
            }
            requirements_met = true;
        }
        if (step.action == StepAction::tls) {
            if (!co_await tls_step(conversation, result, i, step, timeout_for(step, scenario, options))) {
                stop_reason = transport.can_start_tls() ? "not run after the failed TLS handshake"
                                                        : "not run: TLS is not available over this transport";
                leave_politely = !transport.can_start_tls();
            }
            // Everything learnt before TLS is void (RFC 3207 §4.2): EHLO again for the keywords.
            learnt.forget_extensions();
            continue;
        }
        if (step.delay_ms) {
            asio::steady_timer pause(co_await asio::this_coro::executor, Millis(*step.delay_ms));
            co_await pause.async_wait(asio::use_awaitable);
        }

        if (clock.expired()) {
            stop_reason = fmt::format("not run: the scenario reached its time limit of {} ms (--scenario-timeout)",
                                      clock.limit().count());
            skip_step(result, i, step, stop_reason);
            continue;
        }

        const std::size_t exchange_begin = result.transcript.size();
        std::string bytes_here;
        std::string shown_here;
        if (rendered == nullptr) {
            bytes_here = wire_bytes(step, options.variables);
            shown_here = conversation.redacted(bytes_here);
        }
        const std::string& bytes = rendered != nullptr ? rendered->bytes[i] : bytes_here;
        const std::string& shown = rendered != nullptr ? rendered->shown[i] : shown_here;
        const Millis step_timeout = timeout_for(step, scenario, options);
        // Octets that arrived before this command cannot answer it (RFC 5321 §4.2: one reply per
        // command). Whether an extra reply beats the next command is a race, so it is told, not
        // judged: the replies are still taken in order, which keeps verdicts repeatable.
        const std::size_t early = bytes.empty() || conversation.closed() ? 0 : conversation.unread_octets();
        if (early > 0)
            conversation.note('*', fmt::format("{} octets from the server arrived before this command was sent: an "
                                               "extra reply, or a server speaking unprompted (RFC 5321 §4.2); the "
                                               "replies from here on may answer earlier commands",
                                               early));
        if (!bytes.empty()) co_await conversation.send(bytes);
        const auto sent_at = step.action == StepAction::greeting ? conversation.started() : Clock::now();
        if (step.replies.empty()) {
            Judgement sent_only;
            sent_only.verdict = Verdict::pass;
            sent_only.actual = "no reply awaited";
            result.steps.push_back(step_result(i, 0, step, shown, std::move(sent_only)));
            result.steps.back().transcript_begin = exchange_begin;
            result.steps.back().transcript_end = result.transcript.size();
        }
        for (std::size_t k = 0; k < step.replies.size(); ++k) {
            const ReplyExpectation& expectation = step.replies[k];
            // Not a conditional expression: g++ 12 miscompiles co_await inside one.
            Observation observation{Closed{"the connection was already closed"}};
            const Millis bound = clock.bound(step_timeout);
            if (!conversation.closed()) observation = co_await conversation.read_reply(bound);
            const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_at);
            Judgement j = judge(expectation, observation, facts, registry, primary);
            note_scenario_limit(j, observation, step_timeout, bound, clock.limit());
            if (k == 0 && early > 0 && is_failure(j.verdict))
                j.detail += (j.detail.empty() ? "" : "; ") +
                            std::string("a reply had arrived before this command was sent, so this reply may answer "
                                        "an earlier command (the transcript shows where)");
            learn(learnt, expectation, observation);
            StepResult r = step_result(i, k, step, k == 0 ? shown : "", std::move(j));
            r.transcript_begin = exchange_begin;
            r.transcript_end = result.transcript.size();
            r.latency_us = latency.count();
            if (auto* reply = std::get_if<Reply>(&observation)) r.reply = conversation.redacted(std::move(*reply));
            const Verdict verdict = r.judgement.verdict;
            // 421: the server is closing the channel (RFC 5321 §3.8), a reply legal to any command;
            // what follows is not a session any more, so its close is no disconnection to judge.
            const bool closing = r.reply && r.reply->code == 421;
            result.steps.push_back(std::move(r));
            if (is_fatal(verdict)) {
                stop_reason = fmt::format("not run after the {} at step {}", to_string(verdict), i + 1);
            } else if (conversation.closed()) {
                stop_reason = "not run: the server closed the connection";
            } else if (closing) {
                stop_reason = fmt::format("not run: the server announced at step {} that it is closing (421)", i + 1);
            }
            if (!stop_reason.empty()) {
                for (std::size_t rest = k + 1; rest < step.replies.size(); ++rest) {
                    auto skipped = judge_skipped(stop_reason);
                    skipped.command = step.replies[rest].command;
                    result.steps.push_back(step_result(i, rest, step, "", std::move(skipped)));
                }
                break;
            }
        }
    }

    // A scenario cut short still leaves politely when the connection is usable.
    if (leave_politely && !conversation.closed()) {
        co_await conversation.send("QUIT\r\n");
        (void)co_await conversation.read_reply(Millis(1000));
    }
    co_await transport.close();
    conversation.collect_diagnostics();
    // Each direction as one stream: a secret that arrived in two reads is in neither whole.
    redact_across_entries(result.transcript, conversation.secrets());

    std::vector<Verdict> verdicts;
    for (const auto& s : result.steps) verdicts.push_back(s.judgement.verdict);
    result.outcome = not_applicable ? Outcome::skipped : outcome_of(verdicts, options.strict);
    result.duration_ms = conversation.elapsed_ms();
    co_return result;
}

}  // namespace smtpspec
