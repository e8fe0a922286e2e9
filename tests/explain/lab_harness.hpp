#pragma once
// Runs a lab scenario (docs/lab/) through the real scenario runner with an explain session
// attached, collecting the explain log and, optionally, memory maps.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "emu/explain/session.hpp"
#include "emu/scenario/runner.hpp"

namespace tockemu::explain::testing {

inline std::filesystem::path lab_dir() {
    return std::filesystem::path(TOCKEMU_SOURCE_DIR) / "docs" / "lab";
}

struct LabRun {
    scenario::ScenarioResult result;
    std::string log;
    std::unique_ptr<ExplainSession> session;  // machine forgotten: tracker and view only
};

// `arm` runs once the session exists (before reset), e.g. to capture maps.
inline LabRun run_lab(const std::string& file, ExplainOptions options = {},
                      std::function<void(Machine&, ExplainSession&)> arm = {}) {
    LabRun run;
    scenario::RunOptions o;
    o.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    o.attach = [&](Machine& m) {
        run.session = std::make_unique<ExplainSession>(
            m, [&run](std::string_view line) { run.log += line; }, options);
        if (arm) arm(m, *run.session);
    };
    o.finished = [&](Machine&) { run.session->take_final_readings(); };
    run.result = scenario::run_scenario_file(lab_dir() / file, o);
    if (run.session) {
        run.session->finish(run.result.virtual_time);
        run.session->forget_machine();
    }
    return run;
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace tockemu::explain::testing
