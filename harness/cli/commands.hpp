#pragma once
// One options struct plus a setup and a run function per subcommand (CLI11's pattern).
// run_* functions return the process exit code (see exit_codes.hpp) and never throw for
// user mistakes: they print a message naming the problem to `err`.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI { class App; }

namespace smtpspec::cli {

struct ExplainOptions {
    std::string subject;          // a command ("NOOP", "<greeting>") or a code ("552")
    std::string profile;          // empty: every profile side by side
};
void setup_explain(CLI::App& app, ExplainOptions& options);
int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err);

// Which scenarios a subcommand works on; shared by `list` and `run`.
struct ScenarioOptions {
    std::vector<std::string> paths;     // empty: the scenarios/ folder of the source tree
    std::vector<std::string> only;      // id globs
    std::vector<std::string> exclude;   // id globs
    std::vector<std::string> tags;
    std::string profile = "rfc5321";
};

struct ListOptions {
    ScenarioOptions scenarios;
    bool by_rfc = false;          // per RFC section instead of per scenario: `coverage`'s text
};
void setup_list(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options, std::ostream& out, std::ostream& err);

struct ServeOptions {
    std::string listen = "127.0.0.1:2525";   // HOST:PORT, [IPv6]:PORT; port 0 picks a free one
    bool stdio = false;                      // one session on stdin/stdout instead of TCP
    int idle_timeout_s = 300;                // RFC 5321 §4.5.3.2.7: at least five minutes
    std::string personality = "reference";   // how the engine behaves: smtpspec::personalities()
    bool tls = false;                        // implicit TLS (RFC 8314 §3.3) instead of offering STARTTLS
};
void setup_serve(CLI::App& app, ServeOptions& options);
int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err);

struct RunOptions {
    ScenarioOptions scenarios;
    std::optional<std::string> shard;   // --shard "I/N": only that part of the selection; unset: all of it
    std::string target;           // HOST:PORT; empty with no --start: the embedded server
    std::string spawn;            // a stdio server command, started per scenario
    std::string start;            // a daemon command, started once; needs --target
    double start_timeout_s = 30;  // until the daemon greets
    bool strict = false;
    std::size_t jobs = 0;         // 0: the number of cores, at most 4
    double timeout_s = 10;        // per reply
    double greeting_timeout_s = 0;   // 0: same as timeout_s
    double scenario_timeout_s = 120;   // one scenario, all its steps; 0: no limit
    double max_time_s = 0;        // the whole run; 0: no limit
    std::string helo;
    std::string from;
    std::string rcpt;
    std::string auth;             // USER:PASSWORD for the AUTH scenarios
    std::string json;             // report files; empty: not written
    std::string junit;
    std::string html;
    std::string baseline;         // accepted deviations (reports/baseline-format.md)
    std::string write_baseline;   // write the baseline that accepts this run's failures
    std::string color = "auto";   // auto, always, never
    bool verbose = false;
    bool tls = false;             // implicit TLS (RFC 8314): to --target, or the embedded server listens with it
    bool tls_verify = false;      // verify the server's certificate (system store, or tls_ca)
    std::string tls_ca;           // PEM CA certificates to verify against; implies tls_verify
};
void setup_run(CLI::App& app, RunOptions& options);
// `stdout_is_tty` decides progress style and colour (with NO_COLOR); tests pass false.
int run_run(const RunOptions& options, std::ostream& out, std::ostream& err, bool stdout_is_tty);

struct LoadOptions {
    std::string target;             // HOST:PORT; empty: the embedded server, on a thread of its own
    std::size_t sessions = 100;
    std::size_t concurrency = 10;
    std::size_t messages = 1;       // per session
    std::size_t recipients = 1;     // per message
    std::size_t size = 1024;        // body octets per message
    double timeout_s = 10;          // per reply and per connection
    double max_time_s = 0;          // the whole load; 0: no limit
    std::string helo;
    std::string from;
    std::string rcpt;
    bool strict = false;
    std::string json;
    bool verbose = false;           // transcripts of the first session behind each finding
};
void setup_load(CLI::App& app, LoadOptions& options);
int run_load(const LoadOptions& options, std::ostream& out, std::ostream& err, bool stdout_is_tty);

// `compare` and `merge` work on saved JSON reports (`run --json`), not on a server.
struct CompareOptions {
    std::vector<std::string> reports;
    std::string html;             // empty: the text matrix on stdout
    std::string json;
};
void setup_compare(CLI::App& app, CompareOptions& options);
int run_compare(const CompareOptions& options, std::ostream& out, std::ostream& err);

struct MergeOptions {
    std::vector<std::string> reports;
    std::string json;
};
void setup_merge(CLI::App& app, MergeOptions& options);
int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

// The traceability matrix of the scenario library: per RFC section, the scenarios that test it.
struct CoverageOptions {
    ScenarioOptions scenarios;
    std::string json;             // report files; with neither, the text matrix on stdout
    std::string html;
};
void setup_coverage(CLI::App& app, CoverageOptions& options);
int run_coverage(const CoverageOptions& options, std::ostream& out, std::ostream& err);

}  // namespace smtpspec::cli
