// Fuzz target: the scenario YAML parser (emu/scenario/parser.cpp) and, when the build's firmware
// is there, the runner on what parsed (budget cut to 2 ms of virtual time so that an input
// costs milliseconds). ScenarioError is the only acceptable parse failure; a run may end in any
// verdict but must not crash the host.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "emu/scenario/runner.hpp"
#include "emu/scenario/scenario.hpp"

namespace {

std::filesystem::path firmware_dir() {
    if (const char* env = std::getenv("TOCKEMU_FUZZ_FIRMWARE")) return env;
#ifdef TOCKEMU_FIRMWARE_DIR
    return TOCKEMU_FIRMWARE_DIR;
#else
    return {};
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tockemu::scenario;
    static const std::filesystem::path fw = firmware_dir();
    static const bool can_run = !fw.empty() && std::filesystem::exists(fw / "kernel");
    const std::string text(reinterpret_cast<const char*>(data), size);
    Scenario s;
    try {
        s = parse_scenario_text(text, "fuzz/scenario.yaml");
    } catch (const ScenarioError& e) {
        if (e.where.file != "fuzz/scenario.yaml") __builtin_trap();  // errors name the file
        return 0;
    }
    if (s.budget == 0) __builtin_trap();
    if (!can_run) return 0;
    s.budget = std::min<tockemu::Picos>(s.budget, 2'000'000'000);
    RunOptions options;
    options.firmware_dir = fw;
    const ScenarioResult r = run_scenario(s, options);
    if (r.verdict == ScenarioResult::Verdict::Error && r.error.empty()) __builtin_trap();
    return 0;
}
