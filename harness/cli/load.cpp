// `smtpspec load`: many full mail transactions at once, as Postfix's smtp-source sends them,
// with every reply judged as `run` judges it: conformance under load.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/option_values.hpp"
#include "cli/stop_conditions.hpp"
#include "load/load_plan.hpp"
#include "load/load_runner.hpp"
#include "reports/atomic_write.hpp"
#include "reports/load_report.hpp"
#include "server/reference_server.hpp"

namespace smtpspec::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Each session open at once holds a socket (and the embedded server, in this process, another).
// The soft limit on descriptors is raised to the hard one, as far as that goes; a concurrency
// beyond it is refused before anything runs rather than failing sessions with EMFILE.
std::optional<std::string> check_descriptors(std::size_t concurrency, bool embedded) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::nullopt;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &limit);
        (void)::getrlimit(RLIMIT_NOFILE, &limit);
    }
    const std::size_t needed = concurrency * (embedded ? 2 : 1) + 64;
    if (limit.rlim_cur == RLIM_INFINITY || needed <= limit.rlim_cur) return std::nullopt;
    return fmt::format("--concurrency {} needs about {} file descriptors{}, and this process may open {} (ulimit -n)",
                       concurrency, needed, embedded ? " with the embedded server in this process" : "",
                       static_cast<std::uint64_t>(limit.rlim_cur));
}

struct LoadPlan {
    LoadShape shape;
    std::optional<HostPort> target;
    LoadRunSettings settings;
    Scenario session;
};

std::optional<LoadPlan> make_load_plan(const LoadOptions& options, std::ostream& err) {
    const auto usage = [&](const std::string& message) {
        err << "smtpspec load: " << message << '\n';
        return std::nullopt;
    };
    LoadPlan plan;
    plan.shape = LoadShape{options.sessions, options.concurrency, options.messages, options.recipients, options.size};
    if (const auto problem = check_load_shape(plan.shape)) return usage(*problem);
    if (const auto problem = check_descriptors(plan.shape.concurrency, options.target.empty())) return usage(*problem);
    for (const auto& problem : {check_seconds("--timeout", options.timeout_s, reply_longest_s, ""),
                                check_seconds("--max-time", options.max_time_s, run_longest_s, "no limit")})
        if (!problem.empty()) return usage(problem);
    if (!options.target.empty()) {
        plan.target = parse_host_port(options.target);
        if (!plan.target) return usage(fmt::format("--target '{}' is not HOST:PORT (IPv6: [ADDRESS]:PORT)", options.target));
    }
    SessionOptions& session = plan.settings.session;
    session.strict = options.strict;
    session.reply_timeout = session.greeting_timeout = session.write_timeout = seconds_to_millis(options.timeout_s);
    // No limit on a whole session beyond its steps' own timeouts: with many messages a session
    // is long by design, and --max-time bounds the run.
    session.scenario_timeout = Millis(0);
    set_envelope(session.variables, options.helo, options.from, options.rcpt);
    plan.settings.sessions = plan.shape.sessions;
    plan.settings.concurrency = plan.shape.concurrency;
    plan.session = load_session_scenario(plan.shape, Registry::builtin());
    return plan;
}

struct LoadFinished {
    reports::LoadRun run;
    std::string unreachable;
    int signal = 0;
    bool out_of_time = false;
};

// How far the run is, for a terminal: one line rewritten in place.
std::string progress_line(const LoadTally& tally, std::uint64_t sessions, Clock::time_point started) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const auto& c = tally.counts();
    return fmt::format("\r  {}/{} sessions, {:.0f}/s, {} failing replies", c.sessions, sessions,
                       elapsed > 0 ? static_cast<double>(c.sessions) / elapsed : 0.0, c.failures);
}

asio::awaitable<LoadFinished> execute_load(const LoadOptions& options, const LoadPlan& plan, std::ostream& out,
                                           bool tty) {
    LoadFinished finished;
    reports::LoadRun& run = finished.run;
    run.version = SMTPSPEC_VERSION;
    run.shape = plan.shape;
    run.strict = options.strict;
    run.started = utc_now_iso8601();
    const auto executor = co_await asio::this_coro::executor;

    RunInterrupt interrupt;
    StopConditions stop(executor, interrupt, "the load", options.max_time_s);

    // The embedded server gets a thread of its own, so that it and the client each have a core,
    // as a real server in another process would.
    std::unique_ptr<asio::thread_pool> server_thread;
    std::unique_ptr<ReferenceServer> embedded;
    HostPort where;
    if (plan.target) {
        where = *plan.target;
        run.target = format_host_port(where.host, where.port);
    } else {
        server_thread = std::make_unique<asio::thread_pool>(1);
        embedded = std::make_unique<ReferenceServer>(server_thread->get_executor(), ReferenceServerConfig{});
        const auto endpoint = embedded->start();
        where = HostPort{endpoint.address().to_string(), std::to_string(endpoint.port())};
        run.target = "embedded reference server (" + format_host_port(where.host, where.port) + ")";
    }
    const Target target = tcp_target(where, plan.settings.session.greeting_timeout);

    // One connection first, so an unreachable target is one clear message.
    auto probe = co_await target.connect();
    if (!probe.transport) {
        finished.unreachable = "cannot connect to " + probe.error;
    } else {
        co_await probe.transport->close();
        const auto started = Clock::now();
        asio::steady_timer tick(executor);
        std::function<void()> show_progress = [&] {
            tick.expires_after(std::chrono::seconds(1));
            tick.async_wait([&](const boost::system::error_code& ec) {
                if (ec) return;   // cancelled at the end: the frame it refers to may be gone
                out << progress_line(run.tally, plan.shape.sessions, started) << std::flush;
                show_progress();
            });
        };
        if (tty) show_progress();
        co_await run_load(plan.session, target, Registry::builtin(), plan.settings, run.tally, &interrupt);
        run.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
        tick.cancel();
        if (tty) out << "\r\033[K" << std::flush;
        if (interrupt.requested()) run.stopped = interrupt.why();
    }
    stop.cancel();
    finished.signal = stop.signal();
    finished.out_of_time = stop.out_of_time();
    if (embedded) embedded->stop();
    if (server_thread) server_thread->join();
    co_return finished;
}

}  // namespace

void setup_load(CLI::App& app, LoadOptions& options) {
    CLI::App* load = app.add_subcommand(
        "load", "Send many full mail transactions at once (as smtp-source does) and judge every reply");
    load->add_option("--target", options.target, "The server: HOST:PORT or [IPv6]:PORT (default: the embedded reference server)")
        ->type_name("HOST:PORT");
    load->add_option("--sessions,-s", options.sessions, "Sessions in all, each on a new connection (default 100)")
        ->type_name("N");
    load->add_option("--concurrency,-c", options.concurrency, "Sessions open at once (default 10)")->type_name("N");
    load->add_option("--messages,-m", options.messages, "Mail transactions per session (default 1)")->type_name("N");
    load->add_option("--recipients,-r", options.recipients, "RCPT commands per transaction (default 1)")->type_name("N");
    load->add_option("--size,-l", options.size, "Octets of message body, headers not counted (default 1024)")
        ->type_name("BYTES");
    load->add_option("--timeout", options.timeout_s, "Seconds to wait for each reply and for the connection (default 10)")
        ->type_name("S");
    load->add_option("--max-time", options.max_time_s,
                     "Seconds the whole load may take; then it stops, reports what finished and exits 5")
        ->type_name("S");
    load->add_option("--helo", options.helo, "Domain sent in EHLO (default smtpspec.example)")->type_name("DOMAIN");
    load->add_option("--from", options.from, "Reverse-path for MAIL (default smtpspec@example.com)")->type_name("ADDR");
    load->add_option("--rcpt", options.rcpt, "The recipient (default postmaster@example.com)")->type_name("ADDR");
    load->add_flag("--strict", options.strict, "Warnings (non_strict, nonstandard, deprecated) fail the run");
    load->add_option("--json", options.json, "Write the JSON report to FILE (written atomically)")->type_name("FILE");
    load->add_flag("--verbose,-v", options.verbose, "Print the transcript of the first session behind each finding");
}

int run_load(const LoadOptions& options, std::ostream& out, std::ostream& err, bool stdout_is_tty) {
    const auto plan = make_load_plan(options, err);
    if (!plan) return exit_code::usage;

    asio::io_context io;
    std::optional<LoadFinished> finished;
    std::exception_ptr failure;
    asio::co_spawn(io, execute_load(options, *plan, out, stdout_is_tty), [&](std::exception_ptr e, LoadFinished f) {
        failure = e;
        finished = std::move(f);
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
    if (!finished->unreachable.empty()) {
        err << "smtpspec load: " << finished->unreachable << '\n';
        return exit_code::unreachable;
    }
    out << reports::render_load_text(finished->run, options.verbose);
    if (!options.json.empty()) {
        try {
            reports::write_load_json(finished->run, options.json);
        } catch (const reports::WriteError& e) {
            err << "smtpspec load: " << e.what() << '\n';
            return exit_code::harness_error;
        }
    }
    if (finished->signal != 0) return 128 + finished->signal;
    if (finished->out_of_time) return exit_code::incomplete;
    return reports::load_exit_status(finished->run);
}

}  // namespace smtpspec::cli
