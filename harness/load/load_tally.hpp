#pragma once
// What a load run found, kept in bounded memory however many sessions it runs: counts,
// latency histograms per command, and each distinct non-pass verdict with the first session
// that showed it (its steps and transcript, for the report).
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/result.hpp"
#include "load/latency_histogram.hpp"

namespace smtpspec {

struct CommandLatency {
    std::string command;   // "<greeting>", "EHLO", …, "<data-end>", "<close>"
    LatencyHistogram latency;
};

// One kind of finding: the same verdict for the same command with the same actual reply.
struct VerdictGroup {
    std::string command;
    Verdict verdict = Verdict::pass;
    std::string actual;              // "452", "no reply within 10000 ms", "connection closed"
    std::uint64_t count = 0;
    std::uint64_t first_session = 0; // counted from 1 in the order sessions started
    ScenarioResult example;          // that session, whole
    std::size_t example_step = 0;    // the finding's index in example.steps
};

struct LoadCounts {
    std::uint64_t sessions = 0;              // finished, whatever happened
    std::uint64_t clean_sessions = 0;        // every reply passed
    std::uint64_t unreachable = 0;           // the connection could not be made
    std::uint64_t harness_errors = 0;        // smtpspec failed, not the server
    std::uint64_t messages_accepted = 0;     // content answered 250
    std::uint64_t replies = 0;               // replies and events judged
    std::uint64_t failures = 0;              // replies with a failing verdict
    std::uint64_t warnings = 0;              // replies with a warning verdict
};

class LoadTally {
public:
    // Distinct verdict groups kept whole; later kinds are only counted.
    static constexpr std::size_t max_groups = 100;

    // `elapsed_us`: the session from connecting to the close.
    void add(std::uint64_t session_number, const ScenarioResult& session, bool unreachable, std::int64_t elapsed_us);
    void add_connect_latency(std::int64_t microseconds) { connect_.record(microseconds); }
    void add_harness_error(std::uint64_t session_number, const std::string& what);

    const LoadCounts& counts() const { return counts_; }
    const LatencyHistogram& connect_latency() const { return connect_; }
    const LatencyHistogram& session_latency() const { return session_; }
    // In the order commands were first seen, which is the session's order.
    const std::vector<CommandLatency>& commands() const { return commands_; }
    // In the order they were first seen.
    const std::vector<VerdictGroup>& groups() const { return groups_; }
    std::uint64_t ungrouped() const { return ungrouped_; }
    const std::string& first_harness_error() const { return first_harness_error_; }

private:
    LatencyHistogram& latency_of(const std::string& command);
    void group(std::uint64_t session_number, const ScenarioResult& session, const StepResult& step);

    LoadCounts counts_;
    LatencyHistogram connect_;
    LatencyHistogram session_;
    std::vector<CommandLatency> commands_;
    std::vector<VerdictGroup> groups_;
    std::map<std::tuple<std::string, Verdict, std::string>, std::size_t> group_index_;
    std::uint64_t ungrouped_ = 0;
    std::string first_harness_error_;
};

}  // namespace smtpspec
