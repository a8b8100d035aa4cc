#pragma once
// One options struct plus a setup and a run function per subcommand (CLI11's pattern).
// run_* functions return the process exit code (see exit_codes.hpp) and never throw for
// user mistakes: they print a message naming the problem to `err`.
#include <iosfwd>
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

struct ListOptions {
    std::vector<std::string> scenario_paths;   // empty: the scenarios/ folder of the source tree
    std::string profile;                       // empty: rfc5321
};
void setup_list(CLI::App& app, ListOptions& options);
int run_list(const ListOptions& options, std::ostream& out, std::ostream& err);

}  // namespace smtpspec::cli
