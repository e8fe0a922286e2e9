#pragma once
// Runs one scenario on its own Machine (nothing shared, so runs may go in parallel threads) and
// reports the verdict. How each action reaches the machine is described in
// docs/scenario-format.md ("How actions are carried out").
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "emu/machine/machine.hpp"
#include "emu/scenario/record.hpp"
#include "emu/scenario/scenario.hpp"

namespace tockemu::scenario {

struct RunOptions {
    std::filesystem::path firmware_dir;  // <build>/firmware: kernel/hail_kernel.elf, apps/
    std::optional<std::uint64_t> seed;   // used when the scenario sets none
    std::filesystem::path trace_file;    // JSON-lines trace; empty = none (hash still computed)
    // Called once the kernel and apps are loaded, before reset: observers such as explain mode
    // (emu/explain) subscribe to the machine's events here. Observation only.
    std::function<void(Machine&)> attach;
    // Runs the machine to the scenario's budget; default Machine::run_until. `tockemu run --gdb`
    // puts the GDB server here, which decides only when the guest stops, never what it computes.
    std::function<RunResult(Machine&, Picos)> run;
    // Called once the run has ended, while the machine still exists (final readings of
    // observers, e.g. explain::DeferredExplain::finisher()). Observation only.
    std::function<void(Machine&)> finished;
};

// One expectation's outcome, self-contained (no pointers into the Scenario).
struct CheckResult {
    std::string name;   // Expectation::describe()
    std::string where;  // file:line:column
    bool passed = false;
    std::string expected, actual;
};

struct ScenarioResult {
    enum class Verdict { Pass, Fail, Error };
    std::string name;
    std::filesystem::path file;
    Verdict verdict = Verdict::Error;
    std::string error;  // Error: why the scenario could not run (bad file, missing firmware)
    std::vector<CheckResult> checks;
    Picos virtual_time = 0;
    std::uint64_t instructions = 0;
    double host_seconds = 0;  // for reports only; never feeds the emulation
    std::string trace_hash;
    std::string stop;                // why the run ended: "budget", "end action", "lockup: ..."
    std::string process_summary;     // readable per-process table
    std::string console;             // everything the console printed
    std::vector<std::string> notes;  // e.g. a `when:` action whose event never happened
    std::size_t failed() const;
};

ScenarioResult run_scenario(const Scenario& scenario, const RunOptions& options);
// Parses then runs; a bad file gives verdict Error with the file:line:column message.
ScenarioResult run_scenario_file(const std::filesystem::path& file, const RunOptions& options);

// Where the build puts an app called `name` (apps/<name>.tbf, apps/<name>/<name>.tbf, .tab).
std::optional<std::filesystem::path> find_app(const std::filesystem::path& firmware_dir,
                                              const std::string& name);

}  // namespace tockemu::scenario
