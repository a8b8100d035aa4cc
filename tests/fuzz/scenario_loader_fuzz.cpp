// libFuzzer target for the scenario loader. parse_scenario_file promises to report every problem
// as a value (file, JSON pointer, message) and never to throw: any exception escaping it is a
// crash here. The pointers are checked against the document itself, since a report pointing at
// nothing sends whoever edits the file to the wrong place.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/registry.hpp"
#include "scenario/loader.hpp"
#include "require.hpp"

namespace smtpspec {
namespace {

const std::string file_name = "fuzzed-scenarios.json";

// RFC 6901: "" or "/"-separated tokens in which "~" only starts "~0" or "~1".
bool is_json_pointer(std::string_view pointer) {
    if (pointer.empty()) return true;
    if (!pointer.starts_with('/')) return false;
    for (std::size_t i = 0; i < pointer.size(); ++i) {
        if (pointer[i] == '~' && (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
            return false;
    }
    return true;
}

bool points_into(const nlohmann::json& document, const std::string& pointer) {
    return document.contains(nlohmann::json::json_pointer(pointer));
}

void check_scenario(const Scenario& scenario, const nlohmann::json& document) {
    FUZZ_REQUIRE(scenario.file == file_name);
    FUZZ_REQUIRE(scenario.pointer.starts_with("/scenarios/") && points_into(document, scenario.pointer));
    FUZZ_REQUIRE(!scenario.id.empty() && !scenario.title.empty() && !scenario.requirement.empty());
    FUZZ_REQUIRE(!scenario.rfc.empty());
    FUZZ_REQUIRE(!scenario.steps.empty());
    for (const Step& step : scenario.steps) {
        FUZZ_REQUIRE(step.pointer.starts_with(scenario.pointer + "/steps/") && points_into(document, step.pointer));
    }
}

}  // namespace
}  // namespace smtpspec

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smtpspec;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const LoadResult result = parse_scenario_file(text, file_name, Registry::builtin());

    for (const LoadIssue& issue : result.issues) {
        FUZZ_REQUIRE(issue.file == file_name);
        FUZZ_REQUIRE(!issue.message.empty());
        FUZZ_REQUIRE(is_json_pointer(issue.pointer));
    }
    // Parsed again here only to resolve the reported pointers. Text that is not JSON has no
    // document: the loader stops at the first problem (invalid JSON, or nesting too deep before
    // it), whose pointer, if any, names a place in the text read so far.
    const nlohmann::json document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) {
        FUZZ_REQUIRE(result.issues.size() == 1 && result.scenarios.empty());
        return 0;
    }
    for (const LoadIssue& issue : result.issues) FUZZ_REQUIRE(points_into(document, issue.pointer));
    // An accepted file holds at least one scenario, each complete.
    if (result.ok()) FUZZ_REQUIRE(!result.scenarios.empty());
    for (const Scenario& scenario : result.scenarios) check_scenario(scenario, document);
    return 0;
}
