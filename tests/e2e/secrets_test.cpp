// Credentials never reach an output. A password made for this run is given with --auth to runs
// against the embedded server (which accepts it) and against a server that shouts it back (in
// its 535 replies and on stderr, split across two reads); then to runs that fail on a bad option
// or an unreachable target; then the reports go through compare and merge. Every stdout, every
// stderr and every file written is searched for the password in plain text, for any 8 of its
// random characters in a row, and for every base64 form it travels in (AUTH LOGIN's line, AUTH
// PLAIN's blob, and the password at each of base64's three alignments inside a longer text).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "support/free_port.hpp"
#include "support/run_command.hpp"

namespace smtpspec {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::run_command;
using testing::smtpspec_command;

std::string random_hex(std::size_t digits) {
    std::random_device device;
    std::string out;
    for (std::size_t i = 0; i < digits; ++i) out += "0123456789abcdef"[device() % 16];
    return out;
}

// The password and what it looks like on the way: each form with a name for the failure message.
struct Secret {
    std::string user = "alice";
    std::string random = random_hex(16);
    std::string password = "S3cr3t-" + random;

    std::vector<std::pair<std::string, std::string>> forms() const {
        std::vector<std::pair<std::string, std::string>> out = {
            {"the password", password},
            {"base64 of the password (AUTH LOGIN)", base64_encode(password)},
            {"base64 of \\0user\\0password (AUTH PLAIN)", base64_encode(std::string(1, '\0') + user + '\0' + password)},
        };
        // A part of the password is a leak too: 8 of its random characters in a row.
        for (std::size_t at = 0; at + 8 <= random.size(); ++at)
            out.emplace_back("password characters " + random.substr(at, 8), random.substr(at, 8));
        // Inside any base64 text, the password starts at one of three alignments; the groups of
        // four characters that encode only password octets are the same wherever it stands.
        for (std::size_t offset = 0; offset < 3; ++offset) {
            const std::string encoded = base64_encode(std::string(offset, '\0') + password);
            const std::size_t first = (offset + 2) / 3 * 4;
            const std::size_t last = (offset + password.size()) / 3 * 4;
            out.emplace_back("the password in base64 at alignment " + std::to_string(offset),
                             encoded.substr(first, last - first));
        }
        return out;
    }

    std::string auth_option() const { return "--auth '" + user + ":" + password + "'"; }
};

class SecretsStayOut : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("smtpspec-secrets-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    std::string file(const std::string& name) const { return "'" + (dir / name).string() + "'"; }

    // Runs an smtpspec command line; its stdout and stderr are searched at the end.
    CommandResult smtpspec(const std::string& label, const std::string& arguments) {
        auto r = run_command(smtpspec_command(arguments));
        outputs.emplace_back(label + " stdout", r.out);
        outputs.emplace_back(label + " stderr", r.err);
        return r;
    }

    // Every output so far and every file written, searched for every form of the password.
    void expect_no_form_of_the_password_anywhere() {
        std::vector<std::pair<std::string, std::string>> searched = outputs;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream text;
            text << in.rdbuf();
            searched.emplace_back(entry.path().filename().string(), text.str());
        }
        for (const auto& [where, text] : searched) {
            for (const auto& [form, needle] : secret.forms()) {
                const auto at = text.find(needle);
                EXPECT_EQ(at, std::string::npos)
                    << form << " leaks into " << where << ":\n"
                    << text.substr(at == std::string::npos ? 0 : at - std::min<std::size_t>(at, 200), 400);
            }
        }
    }

    std::string read(const std::string& name) const {
        std::ifstream in(dir / name, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // The reports a run writes, and the console at its most talkative.
    std::string every_report(const std::string& name) const {
        return "--color never --verbose --json " + file(name + ".json") + " --junit " + file(name + ".xml") +
               " --html " + file(name + ".html") + " --write-baseline " + file(name + "-baseline.json");
    }

    Secret secret;
    fs::path dir;
    std::vector<std::pair<std::string, std::string>> outputs;
};

const std::string auth_scenarios = " --only 'rfc4954/*'";

std::string echoing_server(const std::string& mode) {
    return std::string("'") + MISBEHAVING_SERVER + "' auth-echo " + mode;
}

TEST_F(SecretsStayOut, OfARunThatAuthenticatesAndOfEveryReportOnIt) {
    const auto r = smtpspec("run", "run " + secret.auth_option() + auth_scenarios + " " + every_report("embedded"));
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    // The password was really used: the embedded server only accepts the --auth credentials.
    EXPECT_NE(read("embedded.json").find("\"code\": 235"), std::string::npos) << "no AUTH succeeded";
    // Shards of one run, merged; and the reports side by side.
    for (const char* shard : {"4", "5"}) {
        smtpspec(std::string("shard ") + shard, "run --color never " + secret.auth_option() + " --only 'rfc4954/" +
                                                    shard + "/*' --json " + file(std::string("shard-") + shard + ".json"));
    }
    EXPECT_EQ(smtpspec("merge", "merge " + file("shard-4.json") + " " + file("shard-5.json") + " --json " +
                                    file("merged.json")).exit_code,
              0);
    smtpspec("compare", "compare " + file("embedded.json") + " " + file("merged.json") + " --json " +
                            file("compared.json") + " --html " + file("compared.html"));
    expect_no_form_of_the_password_anywhere();
}

TEST_F(SecretsStayOut, OfAServerThatEchoesTheCredentialsInRepliesAndOnStderr) {
    const auto spawned = smtpspec("spawn", "run " + secret.auth_option() + auth_scenarios + " --timeout 5 --spawn \"" +
                                               echoing_server("--stdio") + "\" " + every_report("spawned"));
    EXPECT_EQ(spawned.exit_code, 1) << spawned.out << spawned.err;
    const auto port = std::to_string(testing::free_port());
    const auto started =
        smtpspec("start", "run " + secret.auth_option() + auth_scenarios + " --timeout 5 --start \"" +
                              echoing_server("--listen 127.0.0.1:" + port) + "\" --target 127.0.0.1:" + port + " " +
                              every_report("started"));
    EXPECT_EQ(started.exit_code, 1) << started.out << started.err;
    // The echo arrived, in the reply and on stderr, and what stands for the password is the mark.
    for (const char* report : {"spawned.json", "started.json"}) {
        EXPECT_NE(read(report).find("authentication failed for user 'alice' with password '***"), std::string::npos)
            << report;
    }
    EXPECT_NE(read("spawned.json").find("misbehaving_server: refused user 'alice' with password '***"),
              std::string::npos);
    smtpspec("compare", "compare " + file("spawned.json") + " " + file("started.json") + " --html " +
                            file("compared.html") + " --json " + file("compared.json"));
    expect_no_form_of_the_password_anywhere();
}

TEST_F(SecretsStayOut, OfErrorMessages) {
    const auto port = std::to_string(testing::free_port());
    const std::vector<std::pair<std::string, int>> failures = {
        {"--jobs 0", 2},
        {"--spawn true --target 127.0.0.1:" + port, 2},
        {"--timeout nan", 2},
        {"--no-such-option", 2},
        {"--target 127.0.0.1:" + port, 3},
        {"--target nonexistent.invalid:25", 3},
        {"--spawn '/nonexistent/smtpd -bs'", 3},
        {"--json /nonexistent/smtpspec/report.json --only 'rfc4954/4/1'", 4},
    };
    for (const auto& [arguments, code] : failures) {
        const auto r = smtpspec(arguments, "run --color never " + secret.auth_option() + " " + arguments);
        EXPECT_EQ(r.exit_code, code) << arguments << "\n" << r.err;
        EXPECT_FALSE(r.err.empty()) << arguments;
    }
    // The password given as a word of its own ("--auth alice PASSWORD"): an unexpected argument,
    // which must not be quoted back.
    const auto stray = smtpspec("stray password", "run --color never --auth " + secret.user + " " + secret.password);
    EXPECT_EQ(stray.exit_code, 2) << stray.err;
    EXPECT_NE(stray.err.find("--auth"), std::string::npos) << stray.err;
    expect_no_form_of_the_password_anywhere();
}

}  // namespace
}  // namespace smtpspec
