// Google Benchmark: loading 10,000 scenario files from disk (read, parse, check, expand), the
// shipped library's files copied under new ids into a temporary directory.
#include <benchmark/benchmark.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/registry.hpp"
#include "scenario/loader.hpp"

namespace {

namespace fs = std::filesystem;

// The shipped files, each written `copies` times with its ids renamed so that none repeats.
fs::path make_library(std::size_t files) {
    std::vector<nlohmann::json> shipped;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(SMTPSPEC_SOURCE_DIR) / "scenarios")) {
        if (entry.path().extension() != ".json" || entry.path().string().ends_with(".schema.json")) continue;
        std::ifstream in(entry.path());
        shipped.push_back(nlohmann::json::parse(in));
    }
    if (shipped.empty()) throw std::runtime_error("no scenario files under scenarios/");
    const fs::path dir = fs::temp_directory_path() / fmt::format("smtpspec-bench-{}", ::getpid());
    fs::create_directories(dir);
    for (std::size_t i = 0; i < files; ++i) {
        nlohmann::json file = shipped[i % shipped.size()];
        for (auto& scenario : file["scenarios"]) {
            auto id = scenario["id"].get<std::string>();
            scenario["id"] = fmt::format("bench{}/{}", i, id.substr(id.find('/') + 1));
        }
        std::ofstream(dir / fmt::format("{:05}.json", i)) << file.dump(2);
    }
    return dir;
}

void BM_LoadScenarioFiles(benchmark::State& state) {
    const auto files = static_cast<std::size_t>(state.range(0));
    const fs::path dir = make_library(files);
    std::size_t scenarios = 0;
    for (auto _ : state) {
        const auto loaded = smtpspec::load_scenarios({dir}, smtpspec::Registry::builtin());
        if (!loaded.ok()) {
            state.SkipWithError(loaded.issues.front().text().c_str());
            break;
        }
        scenarios = loaded.scenarios.size();
        benchmark::DoNotOptimize(loaded.scenarios.data());
    }
    fs::remove_all(dir);
    state.counters["files"] = static_cast<double>(files);
    state.counters["scenarios"] = static_cast<double>(scenarios);
    state.counters["files/s"] = benchmark::Counter(static_cast<double>(files), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_LoadScenarioFiles)->Arg(10'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
