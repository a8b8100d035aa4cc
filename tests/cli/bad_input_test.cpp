// Bad user input through the real binary. Every broken scenario file, bad option and unreachable
// target gets its documented exit code and a message naming what is wrong (the file, the JSON
// pointer, the option, the host), never a stack trace; and where the input is bad, nothing runs:
// no progress output and no connection to the target, which is a socket here that counts them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario/loader.hpp"
#include "support/bad_scenario_fixtures.hpp"
#include "support/free_port.hpp"
#include "support/run_command.hpp"

namespace smtpspec {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_command;
using testing::smtpspec_command;

// A listening socket that only counts connections. The kernel completes them in the backlog
// whether or not anyone accepts, so accepting afterwards finds every one a run made.
class ConnectionCounter {
public:
    ConnectionCounter() : acceptor_(io_, {asio::ip::address_v4::loopback(), 0}) { acceptor_.non_blocking(true); }

    std::string target() const { return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }

    std::size_t take_accepted() {
        std::size_t count = 0;
        for (;;) {
            asio::ip::tcp::socket socket(io_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec) return count;
            ++count;
        }
    }

private:
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
};

// What a user mistake must never print.
void expect_no_crash_report(const CommandResult& r) {
    for (const char* sign : {"terminate called", "what():", "internal error", "Aborted", "Segmentation fault",
                             "core dumped", "Assertion"})
        EXPECT_EQ(r.err.find(sign), std::string::npos) << sign << " in:\n" << r.err;
}

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// ---------------------------------------------------------------------------------------------
// Inputs made at run time: too big, too deep or too odd to keep in the repository.

const fs::path generated = fs::temp_directory_path() / ("smtpspec-bad-input-" + std::to_string(::getpid()));

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

class GeneratedInputs : public ::testing::Environment {
public:
    void SetUp() override {
        fs::remove_all(generated);
        fs::create_directories(generated);
        const fs::path good = fs::path(SMTPSPEC_TEST_DATA) / "scenarios" / "good" / "basic.json";
        // Sparse: no disk is used, and a loader that read it before checking its size would
        // take a gigabyte and many seconds.
        write(generated / "huge.json", "");
        fs::resize_file(generated / "huge.json", std::uintmax_t{1} << 30);
        write(generated / "deep.json", std::string(100'000, '['));
        write(generated / "latin1.json",
              "{\"description\": \"d\",\n \"scenarios\": [{\"id\": \"x/1/1\", \"title\": \"caf\xE9\"}]}");
        write(generated / "empty.json", "");
        fs::create_directories(generated / "mixed");
        write(generated / "mixed" / "README.txt", "not a scenario, and not read");
        write(generated / "mixed" / "notes.json", "These are notes, not JSON.\n");
        fs::create_directories(generated / "unreadable");
        fs::copy_file(good, generated / "unreadable" / "good.json");
        write(generated / "unreadable" / "secret.json", "{}");
        fs::permissions(generated / "unreadable" / "secret.json", fs::perms::none);
        fs::create_directories(generated / "loop");
        fs::create_symlink("b.json", generated / "loop" / "a.json");
        fs::create_symlink("a.json", generated / "loop" / "b.json");
        fs::create_directories(generated / "dangling");
        fs::create_symlink("gone.json", generated / "dangling" / "x.json");
        fs::create_directories(generated / "fifo");
        ASSERT_EQ(::mkfifo((generated / "fifo" / "pipe.json").c_str(), 0644), 0);
    }
    void TearDown() override { fs::remove_all(generated); }
};

[[maybe_unused]] auto* const generated_inputs = ::testing::AddGlobalTestEnvironment(new GeneratedInputs);

// ---------------------------------------------------------------------------------------------
// Bad scenario files: exit 2 for `run` and `list`, the file, pointer and problem named, nothing run

struct BadScenarioInput {
    std::string name;
    fs::path given;         // what --scenarios names
    fs::path file;          // the file the message names
    std::string pointer;    // "" when the problem is the whole file
    std::string message;    // a substring of the problem
    bool unprivileged = false;   // root reads every file: the unreadable one is read as nobody
};

void PrintTo(const BadScenarioInput& input, std::ostream* out) { *out << input.given; }

std::vector<BadScenarioInput> bad_scenario_inputs() {
    std::vector<BadScenarioInput> rows;
    const fs::path bad = fs::path(SMTPSPEC_TEST_DATA) / "scenarios" / "bad";
    for (const auto& fixture : testing::bad_scenario_fixtures) {
        std::string name = fs::path(fixture.file).stem().string();
        std::replace(name.begin(), name.end(), '-', '_');
        rows.push_back({name, bad / fixture.file, bad / fixture.file, fixture.pointer, fixture.message});
    }
    std::string deep_pointer;
    for (std::size_t level = 1; level <= max_scenario_nesting_depth; ++level) deep_pointer += "/0";
    const std::vector<BadScenarioInput> made = {
        {"huge_file", generated / "huge.json", generated / "huge.json", "",
         "file is 1073741824 bytes, over the limit of 4194304 bytes (4 MiB)"},
        {"deep_nesting", generated / "deep.json", generated / "deep.json", deep_pointer, "nested deeper than 64 levels"},
        {"not_utf8", generated / "latin1.json", generated / "latin1.json", "", "ill-formed UTF-8 byte"},
        {"empty_file", generated / "empty.json", generated / "empty.json", "", "the file is empty"},
        {"not_json_beside_other_files", generated / "mixed", generated / "mixed" / "notes.json", "",
         "invalid JSON at line 1, column 1"},
        {"unreadable_file", generated / "unreadable", generated / "unreadable" / "secret.json", "",
         "cannot read: Permission denied", true},
        {"link_loop", generated / "loop", generated / "loop" / "a.json", "", "symbolic link loop"},
        {"broken_link", generated / "dangling", generated / "dangling" / "x.json", "",
         "broken symbolic link (to 'gone.json')"},
        {"fifo", generated / "fifo", generated / "fifo" / "pipe.json", "", "not a regular file: a FIFO"},
        {"missing_path", "/nonexistent/smtpspec/scenarios", "/nonexistent/smtpspec/scenarios", "",
         "no such file or directory"},
    };
    rows.insert(rows.end(), made.begin(), made.end());
    return rows;
}

std::string as_user(const BadScenarioInput& input, const std::string& command) {
    if (!input.unprivileged || ::geteuid() != 0) return command;
    return "setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
}

class BadScenarioFile : public ::testing::TestWithParam<BadScenarioInput> {};

TEST_P(BadScenarioFile, IsExitCode2NamingFilePointerAndProblemAndNothingRuns) {
    const BadScenarioInput& input = GetParam();
    ConnectionCounter target;
    // What the message starts with: "FILE: POINTER: problem", or "FILE: problem".
    const std::string place = input.file.generic_string() + ": " + (input.pointer.empty() ? "" : input.pointer + ": ");
    for (const std::string& subcommand : {"run --color never --target " + target.target(), std::string("list")}) {
        SCOPED_TRACE(subcommand);
        const auto started = std::chrono::steady_clock::now();
        const auto r = run_command(as_user(input, smtpspec_command(subcommand + " --scenarios " + quoted(input.given))));
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
        EXPECT_EQ(r.exit_code, 2) << r.err;
        const auto at = r.err.find(place);
        ASSERT_NE(at, std::string::npos) << "no '" << place << "' in:\n" << r.err;
        EXPECT_NE(r.err.find(input.message, at), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("nothing ran"), std::string::npos) << r.err;
        // The file's own octets are quoted escaped: none that is not UTF-8 reaches the terminal.
        EXPECT_EQ(r.err.find('\xE9'), std::string::npos) << r.err;
        expect_no_crash_report(r);
        EXPECT_EQ(r.out, "") << "nothing may run or be listed when a file is bad";
    }
    EXPECT_EQ(target.take_accepted(), 0u) << "a bad scenario file must stop the run before it connects";
}

INSTANTIATE_TEST_SUITE_P(Inputs, BadScenarioFile, ::testing::ValuesIn(bad_scenario_inputs()),
                         [](const ::testing::TestParamInfo<BadScenarioInput>& param_info) { return param_info.param.name; });

TEST(BadScenarioFile, EveryProblemOfEveryFileIsReportedAtOnce) {
    const fs::path bad = fs::path(SMTPSPEC_TEST_DATA) / "scenarios" / "bad";
    const auto r = run_command(smtpspec_command("list --scenarios " + quoted(bad)));
    EXPECT_EQ(r.exit_code, 2);
    for (const auto& fixture : testing::bad_scenario_fixtures)
        EXPECT_NE(r.err.find((bad / fixture.file).generic_string() + ": "), std::string::npos) << fixture.file;
}

// The counter can fail: a run whose options are good connects, and is counted.
TEST(ConnectionCounter, CountsTheProbeOfARunThatGoesAhead) {
    ConnectionCounter target;
    const auto r = run_command(smtpspec_command("run --color never --only 'rfc5321/4.1.1.9/1' --greeting-timeout 0.3 "
                                                "--target " + target.target()));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;   // the counter never greets
    EXPECT_GE(target.take_accepted(), 2u) << "the probe and the scenario's connection";
}

// ---------------------------------------------------------------------------------------------
// Bad options and unreachable targets

struct OptionCase {
    const char* name;
    std::string arguments;   // "{target}" becomes the counting socket, "{closed}" a port nobody listens on
    int exit_code;
    std::string names;       // what the message must name: the option, or host:port
};

void PrintTo(const OptionCase& c, std::ostream* out) { *out << c.arguments; }

std::string substituted(std::string text, const std::string& target, const std::string& closed) {
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"{target}", target}, {"{closed}", closed}}) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    }
    return text;
}

class RunOption : public ::testing::TestWithParam<OptionCase> {};

TEST_P(RunOption, GetsItsExitCodeAndAMessageNamingIt) {
    const OptionCase& c = GetParam();
    ConnectionCounter target;
    const std::string closed = std::to_string(testing::free_port());
    const std::string arguments = substituted(c.arguments, target.target(), closed);
    const auto r = run_command(smtpspec_command("run --color never " + arguments));
    EXPECT_EQ(r.exit_code, c.exit_code) << arguments << "\n" << r.out << r.err;
    const std::string names = substituted(c.names, target.target(), closed);
    EXPECT_NE(r.err.find(names), std::string::npos) << "'" << names << "' not in:\n" << r.err;
    expect_no_crash_report(r);
    EXPECT_EQ(r.out, "") << "no progress, no report";
    EXPECT_EQ(target.take_accepted(), 0u) << "a bad option must stop the run before it connects";
}

INSTANTIATE_TEST_SUITE_P(
    Options, RunOption,
    ::testing::Values(
        OptionCase{"unknown_option", "--target {target} --no-such-option", 2, "--no-such-option"},
        OptionCase{"target_without_port", "--target nonsense", 2, "--target 'nonsense'"},
        OptionCase{"target_port_out_of_range", "--target 127.0.0.1:65536", 2, "--target '127.0.0.1:65536'"},
        OptionCase{"target_without_host", "--target :25", 2, "--target ':25'"},
        OptionCase{"missing_value", "--target", 2, "--target"},
        OptionCase{"negative_timeout", "--target {target} --timeout -1", 2, "--timeout -1"},
        OptionCase{"zero_timeout", "--target {target} --timeout 0", 2, "--timeout 0"},
        OptionCase{"timeout_not_a_number", "--target {target} --timeout soon", 2, "--timeout"},
        OptionCase{"timeout_nan", "--target {target} --timeout nan", 2, "--timeout nan"},
        OptionCase{"timeout_infinite", "--target {target} --timeout inf", 2, "--timeout inf"},
        OptionCase{"timeout_absurd", "--target {target} --timeout 1e300", 2, "--timeout 1e+300"},
        OptionCase{"greeting_timeout_negative", "--target {target} --greeting-timeout -2", 2, "--greeting-timeout -2"},
        OptionCase{"start_timeout_nan", "--target {target} --start true --start-timeout nan", 2, "--start-timeout nan"},
        OptionCase{"jobs_zero", "--target {target} --jobs 0", 2, "--jobs"},
        OptionCase{"jobs_absurd", "--target {target} --jobs 100000", 2, "--jobs"},
        OptionCase{"jobs_negative", "--target {target} --jobs -3", 2, "--jobs"},
        OptionCase{"spawn_and_target", "--spawn true --target {target}", 2, "--spawn"},
        OptionCase{"start_without_target", "--start true", 2, "--start needs --target"},
        OptionCase{"tls_over_spawn", "--spawn true --tls", 2, "--tls"},
        OptionCase{"tls_ca_missing", "--target {target} --tls-ca /nonexistent/ca.pem", 2, "--tls-ca"},
        OptionCase{"auth_without_colon", "--target {target} --auth alice", 2, "--auth is USER:PASSWORD"},
        OptionCase{"auth_without_user", "--target {target} --auth :secret", 2, "--auth is USER:PASSWORD"},
        OptionCase{"auth_twice", "--target {target} --auth a:b --auth c:d", 2, "--auth"},
        OptionCase{"unknown_colour", "--target {target} --color purple", 2, "--color"},
        OptionCase{"unknown_profile", "--target {target} --profile rfc822", 2, "--profile 'rfc822'"},
        OptionCase{"selection_matches_nothing", "--target {target} --only 'no/such/*'", 2, "no scenario matches"},
        OptionCase{"shard_of_nothing", "--target {target} --only 'no/such/*' --shard 1/2", 2, "no scenario matches"},
        OptionCase{"shard_index_zero", "--target {target} --shard 0/3", 2, "--shard '0/3'"},
        OptionCase{"shard_index_over_count", "--target {target} --shard 4/3", 2, "--shard '4/3'"},
        OptionCase{"shard_letters", "--target {target} --shard a/b", 2, "--shard 'a/b'"},
        OptionCase{"shard_without_count", "--target {target} --shard 3", 2, "--shard '3'"},
        OptionCase{"shard_count_zero", "--target {target} --shard 1/0", 2, "--shard '1/0'"},
        OptionCase{"shard_count_negative", "--target {target} --shard 1/-2", 2, "--shard '1/-2'"},
        OptionCase{"shard_count_absurd", "--target {target} --shard 1/100000", 2, "--shard '1/100000'"},
        OptionCase{"shard_empty", "--target {target} --shard ''", 2, "--shard ''"},
        OptionCase{"shard_twice", "--target {target} --shard 1/2 --shard 2/2", 2, "--shard"},
        OptionCase{"baseline_missing", "--target {target} --baseline /nonexistent/baseline.json", 2,
                   "/nonexistent/baseline.json"},
        // Unreachable: one message naming where, exit 3. Names are resolved on this machine:
        // localhost from /etc/hosts, and .invalid is answered without asking a DNS server.
        OptionCase{"closed_port", "--target 127.0.0.1:{closed}", 3, "cannot connect to 127.0.0.1:{closed}"},
        OptionCase{"closed_port_by_name", "--target localhost:{closed}", 3, "cannot connect to localhost:{closed}"},
        OptionCase{"name_that_cannot_exist", "--target nonexistent.invalid:25", 3,
                   "cannot connect to nonexistent.invalid:25: no such host"},
        OptionCase{"spawn_missing_program", "--spawn '/nonexistent/smtpd -bs'", 3, "/nonexistent/smtpd"}),
    [](const ::testing::TestParamInfo<OptionCase>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace smtpspec
