// `smtpspec run`: replay the selected scenarios against a server and judge every reply.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <ostream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "baseline/baseline.hpp"
#include "baseline/baseline_file.hpp"
#include "cli/option_values.hpp"
#include "cli/scenario_options.hpp"
#include "cli/stop_conditions.hpp"
#include "reports/atomic_write.hpp"
#include "reports/console_report.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit_report.hpp"
#include "reports/progress.hpp"
#include "reports/summary.hpp"
#include "runner/daemon.hpp"
#include "runner/runner.hpp"
#include "scenario/selection.hpp"
#include "server/reference_server.hpp"
#include "transport/process_transport.hpp"

namespace smtpspec::cli {

namespace {

std::size_t default_jobs() {
    const unsigned cores = std::thread::hardware_concurrency();
    return std::clamp<std::size_t>(cores == 0 ? 1 : cores, 1, 4);
}

std::size_t terminal_columns() {
    winsize size{};
    return ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
}

// Everything the run needs that comes from the options, checked before anything starts.
struct Plan {
    ChosenScenarios chosen;
    RunSettings settings;
    std::optional<HostPort> target;
    std::optional<Baseline> baseline;
    std::optional<Shard> shard;
    std::string today;            // judges the baseline's expiry dates, fixed for the whole run
};

// --tls, --tls-verify and --tls-ca: what does not combine, and a CA file that cannot be loaded.
std::string check_tls_options(const RunOptions& options) {
    const bool verify = options.tls_verify || !options.tls_ca.empty();
    if (!options.spawn.empty() && (options.tls || verify))
        return "--tls, --tls-verify and --tls-ca need a TCP server; a --spawn server speaks over pipes";
    if (!options.start.empty() && options.tls)
        return "--start waits for a plaintext greeting; it does not combine with --tls (implicit TLS) yet";
    if (options.target.empty() && verify)
        return "--tls-verify and --tls-ca check a --target's certificate; the embedded server's is self-signed";
    if (!options.tls_ca.empty()) {
        TlsSettings settings;
        settings.verify = true;
        settings.ca_file = options.tls_ca;
        if (const TlsClient loaded(settings); !loaded.error().empty()) return "--tls-ca: " + loaded.error();
    }
    return "";
}

// A TCP target whose connections share one TLS client context: implicit TLS with --tls, and
// --tls-verify / --tls-ca for the handshake after STARTTLS too.
Target tls_tcp_target(const HostPort& where, Millis connect_timeout, const RunOptions& options) {
    TlsSettings settings;
    settings.implicit = options.tls;
    settings.verify = options.tls_verify || !options.tls_ca.empty();
    settings.ca_file = options.tls_ca;
    auto tls = std::make_shared<TlsClient>(settings);
    Target target = tcp_target(where, connect_timeout);
    if (settings.implicit) target.description += " (TLS)";
    target.connect = [where, connect_timeout, tls]() {
        return TcpTransport::connect(where.host, where.port, connect_timeout, tls);
    };
    return target;
}

std::optional<Plan> make_plan(const RunOptions& options, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << "smtpspec run: " << message << '\n';
        return std::nullopt;
    };
    if (!options.spawn.empty() && (!options.target.empty() || !options.start.empty()))
        return usage("--spawn runs the server per scenario; it does not combine with --target or --start");
    if (!options.start.empty() && options.target.empty())
        return usage("--start needs --target HOST:PORT: where the started daemon will greet");
    constexpr double reply_longest = reply_longest_s, scenario_longest = 86400, run_longest = run_longest_s;
    for (const auto& problem : {check_seconds("--timeout", options.timeout_s, reply_longest, ""),
                                check_seconds("--greeting-timeout", options.greeting_timeout_s, reply_longest, "the --timeout"),
                                check_seconds("--start-timeout", options.start_timeout_s, reply_longest, ""),
                                check_seconds("--scenario-timeout", options.scenario_timeout_s, scenario_longest, "no limit"),
                                check_seconds("--max-time", options.max_time_s, run_longest, "no limit")})
        if (!problem.empty()) return usage(problem);
    if (const auto tls_problem = check_tls_options(options); !tls_problem.empty()) return usage(tls_problem);

    Plan plan;
    if (options.shard) {
        auto shard = parse_shard(*options.shard);
        if (const auto* problem = std::get_if<std::string>(&shard))
            return usage(fmt::format("--shard '{}': {}", *options.shard, *problem));
        plan.shard = std::get<Shard>(shard);
    }
    if (!options.target.empty()) {
        plan.target = parse_host_port(options.target);
        if (!plan.target) return usage(fmt::format("--target '{}' is not HOST:PORT (IPv6: [ADDRESS]:PORT)", options.target));
    }
    if (!options.baseline.empty()) {
        auto loaded = load_baseline(options.baseline);
        if (const auto* issues = std::get_if<std::vector<LoadIssue>>(&loaded)) {
            for (const auto& issue : *issues) err << "smtpspec run: " << issue.text() << '\n';
            return std::nullopt;
        }
        plan.baseline = std::move(std::get<Baseline>(loaded));
    }
    plan.today = utc_today();
    auto chosen = choose_scenarios(options.scenarios, "run", err);
    if (!chosen) return std::nullopt;
    if (chosen->scenarios.empty()) return usage("no scenario matches the selection; `smtpspec list` shows them");
    plan.chosen = std::move(*chosen);
    // A shard that gets nothing (more shards than scenarios) is no mistake: its CI job runs no
    // scenario, and merge still finds every index.
    if (plan.shard) plan.chosen.scenarios = select_shard(plan.chosen.scenarios, *plan.shard);

    SessionOptions& session = plan.settings.session;
    session.profile = plan.chosen.profile;
    session.strict = options.strict;
    session.reply_timeout = seconds_to_millis(options.timeout_s);
    session.greeting_timeout = options.greeting_timeout_s > 0 ? seconds_to_millis(options.greeting_timeout_s)
                                                              : session.reply_timeout;
    session.write_timeout = session.reply_timeout;
    session.scenario_timeout = seconds_to_millis(options.scenario_timeout_s);
    set_envelope(session.variables, options.helo, options.from, options.rcpt);
    if (!options.auth.empty()) {
        const auto colon = options.auth.find(':');
        if (colon == std::string::npos || colon == 0)
            return usage("--auth is USER:PASSWORD (the password may hold ':'; it is redacted in every report)");
        session.variables.set("user", options.auth.substr(0, colon));
        session.variables.set("password", options.auth.substr(colon + 1));
    }
    plan.settings.jobs = options.jobs == 0 ? default_jobs() : options.jobs;
    return plan;
}

// How the run reaches the server, and what must be stopped afterwards.
struct Reach {
    Target target;
    std::unique_ptr<ReferenceServer> embedded;
    std::unique_ptr<Daemon> daemon;
    std::string error;   // set when the target cannot be reached or started: exit 3
};

// A command that cannot run at all (not found, not executable: the shell exits 127 or 126 at
// once) is one clear message and exit 3, not a disconnection per scenario.
asio::awaitable<std::string> probe_spawn(const SpawnSettings& settings) {
    // The probe child is only asked whether it starts: no need to wait long for it to leave.
    SpawnSettings spawn = settings;
    spawn.grace = std::min(spawn.grace, Millis(500));
    auto probe = co_await ProcessTransport::spawn(spawn);
    if (!probe.transport) co_return probe.error;
    auto& child = static_cast<ProcessTransport&>(*probe.transport);
    const auto exit_code = co_await child.exit_code_within(Millis(300));
    if (exit_code && (*exit_code == 126 || *exit_code == 127)) {
        std::string said;
        for (const auto& text : child.take_diagnostics()) said += text;
        co_return fmt::format("cannot start '{}' (exit status {}): {}", spawn.command, *exit_code, said);
    }
    co_await child.close();
    co_return "";
}

asio::awaitable<Reach> reach_target(const RunOptions& options, const Plan& plan) {
    Reach reach;
    const Millis connect_timeout = plan.settings.session.greeting_timeout;
    if (!options.spawn.empty()) {
        SpawnSettings spawn{options.spawn};
        reach.target.description = "spawn: " + options.spawn;
        reach.target.connect = [spawn]() { return ProcessTransport::spawn(spawn); };
        reach.error = co_await probe_spawn(spawn);
        co_return reach;
    }
    if (!plan.target) {
        ReferenceServerConfig embedded;
        embedded.implicit_tls = options.tls;   // --tls: the whole suite over implicit TLS (RFC 8314)
        // The embedded server knows the credentials the AUTH scenarios will use (--auth).
        const auto& variables = plan.settings.session.variables.values;
        embedded.engine.users = {{variables.at("user"), variables.at("password")}};
        reach.embedded = std::make_unique<ReferenceServer>(co_await asio::this_coro::executor, embedded);
        const auto endpoint = reach.embedded->start();
        const HostPort where{endpoint.address().to_string(), std::to_string(endpoint.port())};
        reach.target = options.tls ? tls_tcp_target(where, connect_timeout, options) : tcp_target(where, connect_timeout);
        reach.target.description = "embedded reference server (" + reach.target.description + ")";
        co_return reach;
    }
    if (!options.start.empty()) {
        // A named argument, not a temporary: g++ 12 destroys temporaries in a co_await
        // expression twice when they are passed by value to a coroutine.
        DaemonSettings daemon{options.start, *plan.target, seconds_to_millis(options.start_timeout_s), Millis(3000)};
        auto started = co_await Daemon::start(std::move(daemon));
        if (!started.daemon) {
            reach.error = started.error;
            co_return reach;
        }
        reach.daemon = std::move(started.daemon);
    }
    const bool tls = options.tls || options.tls_verify || !options.tls_ca.empty();
    reach.target = tls ? tls_tcp_target(*plan.target, connect_timeout, options) : tcp_target(*plan.target, connect_timeout);
    // One connection before the run, so an unreachable target is one clear message, not a
    // failure per scenario.
    auto probe = co_await reach.target.connect();
    if (!probe.transport) reach.error = "cannot connect to " + probe.error;
    else co_await probe.transport->close();
    co_return reach;
}

struct Finished {
    RunResult run;
    std::string unreachable;
    int signal = 0;   // the signal that interrupted the run, if one did
    bool out_of_time = false;   // --max-time ended it
};

asio::awaitable<Finished> execute(const RunOptions& options, const Plan& plan, reports::ProgressReporter& progress) {
    Finished finished;
    // SIGINT and SIGTERM stop the run cleanly: what finished is reported, marked incomplete,
    // and every child is reaped. --max-time bounds the whole run, starting a daemon included: a
    // CI job gets its reports.
    RunInterrupt interrupt;
    StopConditions stop(co_await asio::this_coro::executor, interrupt, "the run", options.max_time_s);
    const auto stop_waiting = [&] {
        stop.cancel();   // else the pending waits keep the io_context running
        finished.signal = stop.signal();
        finished.out_of_time = stop.out_of_time();
    };
    finished.run.version = SMTPSPEC_VERSION;
    finished.run.profile = std::string(to_string(plan.chosen.profile));
    finished.run.strict = options.strict;
    finished.run.shard = plan.shard;
    finished.run.started = utc_now_iso8601();
    const auto started = std::chrono::steady_clock::now();

    Reach reach = co_await reach_target(options, plan);
    finished.run.target = reach.target.description.empty() ? options.target : reach.target.description;
    if (!reach.error.empty()) {
        finished.unreachable = reach.error;
        stop_waiting();
        co_return finished;
    }
    // Progress shows outcomes as the reports will: with the baseline applied.
    const RunObserver observer{
        [&](const Scenario& s) { progress.scenario_started(s.id, s.title); },
        [&](const ScenarioResult& r) {
            if (plan.baseline) progress.scenario_finished(apply_baseline(*plan.baseline, r, plan.today, options.strict));
            else progress.scenario_finished(r);
        },
    };
    finished.run.scenarios = co_await run_scenarios(plan.chosen.scenarios, reach.target, Registry::builtin(),
                                                    plan.settings, observer, &interrupt);
    finished.run.incomplete = interrupt.requested();
    if (plan.baseline) finished.run = apply_baseline(*plan.baseline, std::move(finished.run), plan.today);
    stop_waiting();
    if (reach.daemon) co_await reach.daemon->stop();
    if (reach.embedded) reach.embedded->stop();
    finished.run.duration_ms =
        std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started).count();
    co_return finished;
}

reports::Colour colour_for(const std::string& choice, bool tty) {
    if (choice == "always") return reports::Colour::on;
    if (choice == "never") return reports::Colour::off;
    return tty && std::getenv("NO_COLOR") == nullptr ? reports::Colour::on : reports::Colour::off;
}

}  // namespace

void setup_run(CLI::App& app, RunOptions& options) {
    CLI::App* run = app.add_subcommand("run", "Replay scenarios against a server and judge every reply");
    run->add_option("--target", options.target, "The server: HOST:PORT or [IPv6]:PORT (default: the embedded reference server)")
        ->type_name("HOST:PORT");
    run->add_option("--spawn", options.spawn, "Start this stdio SMTP server per scenario, e.g. 'exim -bh 127.0.0.1'")
        ->type_name("COMMAND");
    run->add_option("--start", options.start, "Start this daemon once, wait until --target greets, stop it at the end")
        ->type_name("COMMAND");
    run->add_option("--start-timeout", options.start_timeout_s, "Seconds to wait for a --start daemon to greet (default 30)")
        ->type_name("S");
    run->add_flag("--tls", options.tls,
                  "Implicit TLS (RFC 8314, port 465): TLS from the first octet to --target; without --target the "
                  "embedded server listens with it");
    run->add_flag("--tls-verify", options.tls_verify,
                  "Verify the server's certificate and name (system CA store, or --tls-ca); default: not verified");
    run->add_option("--tls-ca", options.tls_ca, "Verify against the PEM CA certificates in FILE (implies --tls-verify)")
        ->type_name("FILE");
    add_scenario_options(*run, options.scenarios);
    // A callback rather than a plain string, so that an empty value (a CI variable that is not
    // set) is refused instead of running the whole selection in every job.
    run->add_option_function<std::string>(
           "--shard", [&options](const std::string& value) { options.shard = value; },
           "Run part I of N of the selection (1 <= I <= N <= 1000): the scenarios at positions I, I+N, I+2N, ... "
           "of the run's order, for parallel CI jobs joined by `smtpspec merge`. A shard that gets no scenario "
           "(N larger than the selection) runs none and exits 0")
        ->type_name("I/N");
    run->add_flag("--strict", options.strict, "Warnings (non_strict, nonstandard, deprecated) fail the scenario");
    run->add_option("--jobs,-j", options.jobs, "Scenarios run at once (default: the number of cores, at most 4)")
        ->type_name("N")
        ->check(CLI::Range(1, 256));
    run->add_option("--timeout", options.timeout_s, "Seconds to wait for each reply (default 10)")->type_name("S");
    run->add_option("--greeting-timeout", options.greeting_timeout_s, "Seconds to wait for the greeting (default: --timeout)")
        ->type_name("S");
    run->add_option("--scenario-timeout", options.scenario_timeout_s,
                    "Seconds one scenario may take in all; a step still waiting then times out (default 120, 0: none)")
        ->type_name("S");
    run->add_option("--max-time", options.max_time_s,
                    "Seconds the whole run may take; then it stops, writes the reports marked incomplete and exits 5")
        ->type_name("S");
    run->add_option("--helo", options.helo, "Domain sent in HELO/EHLO (default smtpspec.example)")->type_name("DOMAIN");
    run->add_option("--from", options.from, "Reverse-path for MAIL (default smtpspec@example.com)")->type_name("ADDR");
    run->add_option("--auth", options.auth,
                    "Credentials for the AUTH scenarios, USER:PASSWORD (default smtpspec:smtpspec-secret); redacted in every output")
        ->type_name("USER:PASSWORD");
    run->add_option("--rcpt", options.rcpt, "A recipient the server accepts (default postmaster@example.com)")
        ->type_name("ADDR");
    run->add_option("--json", options.json, "Write the JSON report to FILE (written atomically)")->type_name("FILE");
    run->add_option("--junit", options.junit, "Write a JUnit XML report to FILE, for CI (written atomically)")
        ->type_name("FILE");
    run->add_option("--html", options.html, "Write a self-contained HTML report to FILE (written atomically)")
        ->type_name("FILE");
    run->add_option("--baseline", options.baseline,
                    "Accepted deviations (JSON): matching failures are 'waived' and do not fail the run")
        ->type_name("FILE");
    run->add_option("--write-baseline", options.write_baseline,
                    "Write a baseline that accepts this run's failures (keeps --baseline's reasons, drops what passes)")
        ->type_name("FILE");
    run->add_option("--color", options.color, "Colour: auto (a terminal without NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    run->add_flag("--verbose,-v", options.verbose, "Also show passed scenarios and every step");
}

int run_run(const RunOptions& options, std::ostream& out, std::ostream& err, bool stdout_is_tty) {
    const auto plan = make_plan(options, err);
    if (!plan) return exit_code::usage;
    const auto colour = colour_for(options.color, stdout_is_tty);
    reports::ProgressReporter progress(out, plan->chosen.scenarios.size(),
                                       reports::ProgressOptions{stdout_is_tty, colour, stdout_is_tty ? terminal_columns() : 80});

    asio::io_context io;
    std::optional<Finished> finished;
    std::exception_ptr failure;
    asio::co_spawn(io, execute(options, *plan, progress), [&](std::exception_ptr e, Finished f) {
        failure = e;
        finished = std::move(f);
    });
    io.run();
    progress.finish();
    if (failure) std::rethrow_exception(failure);
    if (!finished->unreachable.empty()) {
        err << "smtpspec run: " << finished->unreachable << '\n';
        return exit_code::unreachable;
    }
    if (finished->signal != 0)
        err << fmt::format("smtpspec run: interrupted by signal {}; the reports hold what finished\n", finished->signal);
    if (finished->out_of_time)
        err << fmt::format("smtpspec run: stopped at --max-time {} s; the reports hold what finished, marked incomplete\n",
                           options.max_time_s);

    out << reports::render_console_report(finished->run, reports::ConsoleOptions{colour, options.verbose});
    // Every report is attempted even when one cannot be written: a CI job loses as little as possible.
    bool all_written = true;
    const auto write = [&](const std::string& path, auto writer) {
        if (path.empty()) return;
        try {
            writer(finished->run, path);
        } catch (const reports::WriteError& e) {
            err << "smtpspec run: " << e.what() << '\n';
            all_written = false;
        }
    };
    write(options.json, reports::write_json_report);
    write(options.junit, reports::write_junit_report);
    write(options.html, reports::write_html_report);
    write(options.write_baseline, [&](const RunResult& run, const std::string& path) {
        const auto baseline = tightened_baseline(run, plan->baseline ? &*plan->baseline : nullptr, plan->today);
        reports::write_file_atomically(path, render_baseline(baseline));
        err << fmt::format("smtpspec run: wrote {} with {} waiver{}\n", path, baseline.entries.size(),
                           baseline.entries.size() == 1 ? "" : "s");
    });
    if (!all_written) return exit_code::harness_error;
    // An interrupted run passes nothing: the shell's convention, 128 + the signal number.
    if (finished->signal != 0) return 128 + finished->signal;
    if (finished->out_of_time) return exit_code::incomplete;
    return reports::exit_status(reports::summarize(finished->run));
}

}  // namespace smtpspec::cli
