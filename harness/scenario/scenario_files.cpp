#include "scenario/scenario_files.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "core/bounded_file.hpp"
#include "scenario/natural_order.hpp"

namespace smtpspec {

namespace fs = std::filesystem;

namespace {

bool is_scenario_file_name(const fs::path& path) {
    const std::string name = path.filename().string();
    return name.ends_with(".json") && !name.ends_with(".schema.json");
}

// Why a path cannot be followed. A dangling link says where it points, since the link's own
// name is rarely the mistake.
std::string unfollowable(const fs::path& path, const std::error_code& ec) {
    std::error_code ignored;
    if (ec == std::errc::no_such_file_or_directory) {
        if (!fs::is_symlink(fs::symlink_status(path, ignored))) return "no such file or directory";
        return fmt::format("broken symbolic link (to '{}')", fs::read_symlink(path, ignored).generic_string());
    }
    if (ec == std::errc::too_many_symbolic_link_levels) return "symbolic link loop: " + ec.message();
    return "cannot read: " + ec.message();
}

// Walks directories recursively. Links to directories are followed, but each real directory is
// entered once, so "self -> ." or two folders linking to each other end the walk.
class Walk {
public:
    explicit Walk(std::vector<LoadIssue>& issues) : issues_(issues) {}

    void directory(const fs::path& dir) {
        std::error_code ec;
        const fs::path real = fs::canonical(dir, ec);
        if (!ec && !entered_.insert(real).second) return;
        fs::directory_iterator it(dir, ec);
        for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) entry(it->path());
        if (ec) issue(dir, "cannot list directory: " + ec.message());
    }

    std::vector<fs::path> files;

private:
    void entry(const fs::path& path) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);   // through links
        if (fs::is_directory(status)) return directory(path);
        // Notes, schemas and READMEs are not ours to judge, even when they cannot be read.
        if (!is_scenario_file_name(path)) return;
        if (ec) return issue(path, unfollowable(path, ec));
        // A FIFO or device named *.json is listed too: read_scenario_file says what it is.
        files.push_back(path);
    }

    void issue(const fs::path& path, std::string message) {
        issues_.push_back(LoadIssue{path.generic_string(), "", std::move(message)});
    }

    std::vector<LoadIssue>& issues_;
    std::set<fs::path> entered_;
};

std::vector<fs::path> files_under(const fs::path& dir, std::vector<LoadIssue>& issues) {
    const std::size_t issues_before = issues.size();
    Walk walk(issues);
    walk.directory(dir);
    // Section numbers read as numbers, so scenarios load (and report) in the RFC's order.
    std::sort(walk.files.begin(), walk.files.end(),
              [](const fs::path& a, const fs::path& b) { return natural_less(a.generic_string(), b.generic_string()); });
    if (walk.files.empty() && issues.size() == issues_before) {
        issues.push_back(LoadIssue{dir.generic_string(), "", "no scenario files (*.json) in this directory"});
    }
    return walk.files;
}

}  // namespace

std::string describe_oversized_scenario_file(std::uintmax_t size) {
    return describe_oversized_file(size, max_scenario_file_size, "scenario file");
}

std::vector<fs::path> find_scenario_files(const std::vector<fs::path>& paths, std::vector<LoadIssue>& issues) {
    std::vector<fs::path> files;
    std::set<fs::path> seen;   // a file named twice (directly and through its folder) loads once
    auto add = [&](const fs::path& file) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(file, ec);
        if (seen.insert(ec ? file : canonical).second) files.push_back(file);
    };
    for (const fs::path& path : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec) {
            issues.push_back(LoadIssue{path.generic_string(), "", unfollowable(path, ec)});
        } else if (fs::is_directory(status)) {
            for (const fs::path& file : files_under(path, issues)) add(file);
        } else {
            add(path);
        }
    }
    return files;
}

std::optional<std::string> read_scenario_file(const fs::path& path, std::vector<LoadIssue>& issues) {
    auto text = read_bounded_file(path, max_scenario_file_size, "scenario file");
    if (auto* problem = std::get_if<FileProblem>(&text)) {
        issues.push_back(LoadIssue{path.generic_string(), "", std::move(problem->message)});
        return std::nullopt;
    }
    return std::get<std::string>(std::move(text));
}

}  // namespace smtpspec
