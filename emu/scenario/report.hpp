#pragma once
// What `tockemu run` prints and writes: a verdict line per scenario, a readable diff per failed
// expectation, and JUnit XML / JSON reports for CI.
#include <string>
#include <vector>

#include "emu/scenario/runner.hpp"

namespace tockemu::scenario {

// "PASS  hello  (1 check, 120.000 ms virtual)" and, for failures, one block per failed check.
std::string format_verdict(const ScenarioResult& r);
std::string junit_report(const std::vector<ScenarioResult>& results);
std::string json_report(const std::vector<ScenarioResult>& results);

}  // namespace tockemu::scenario
