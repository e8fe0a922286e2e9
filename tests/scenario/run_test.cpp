// End-to-end: scenarios run on the real machine with the Hail kernel and apps the build makes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "emu/scenario/report.hpp"
#include "emu/scenario/runner.hpp"

using namespace tockemu;
using namespace tockemu::scenario;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = TOCKEMU_SOURCE_DIR;
const fs::path kTockemu = fs::path(TOCKEMU_BINARY_DIR) / "emu" / "tockemu";

RunOptions options() {
    RunOptions o;
    o.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    return o;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs `tockemu run ARGS`; returns the exit status and fills `out` with stdout.
int tockemu_run(const std::string& args, std::string& out) {
    const std::string cmd = kTockemu.string() + " run " + args + " 2>/dev/null";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

fs::path temp_file(const std::string& name, const std::string& text) {
    const fs::path p = fs::temp_directory_path() / ("tockemu_scenario_test_" + name);
    std::ofstream(p) << text;
    return p;
}

}  // namespace

TEST(ScenarioRun, HelloPassesOnTheRealKernel) {
    const ScenarioResult r = run_scenario_file(kSource / "scenarios/hello.yaml", options());
    ASSERT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << format_verdict(r) << r.error;
    EXPECT_EQ(r.failed(), 0u);
    EXPECT_NE(r.console.find("Hello World!"), std::string::npos);
    EXPECT_NE(r.process_summary.find("hello"), std::string::npos);
    EXPECT_EQ(r.virtual_time, picos_from_ms(300));
}

TEST(ScenarioRun, SameScenarioTwiceGivesTheSameTraceHashAndTraceBytes) {
    // The scenario with the most going on: timed actions, input, two injected faults, restarts.
    const fs::path file = kSource / "scenarios/injected_faults.yaml";
    RunOptions a = options(), b = options();
    a.trace_file = fs::temp_directory_path() / "tockemu_determinism_a.jsonl";
    b.trace_file = fs::temp_directory_path() / "tockemu_determinism_b.jsonl";
    const ScenarioResult ra = run_scenario_file(file, a);
    const ScenarioResult rb = run_scenario_file(file, b);
    ASSERT_EQ(ra.verdict, ScenarioResult::Verdict::Pass) << format_verdict(ra) << ra.error;
    EXPECT_EQ(ra.trace_hash, rb.trace_hash);
    EXPECT_EQ(ra.instructions, rb.instructions);
    const std::string ta = slurp(a.trace_file), tb = slurp(b.trace_file);
    EXPECT_GT(ta.size(), 10000u);
    EXPECT_EQ(ta, tb);
    EXPECT_NE(ta.find("\"ev\":\"inject\""), std::string::npos);
    EXPECT_NE(ta.find("\"ev\":\"fault\",\"proc\":\"blink\",\"cause\":\"memmanage\""),
              std::string::npos);
    // A different input gives a different run, and so a different hash.
    const ScenarioResult other = run_scenario_file(kSource / "scenarios/hello.yaml", options());
    EXPECT_NE(other.trace_hash, ra.trace_hash);
}

TEST(ScenarioRun, ExpectedFailureIsReportedCheckByCheck) {
    const ScenarioResult r =
        run_scenario_file(kSource / "tests/scenario/expected_failure.yaml", options());
    ASSERT_EQ(r.verdict, ScenarioResult::Verdict::Fail) << r.error;
    ASSERT_EQ(r.checks.size(), 4u);
    EXPECT_TRUE(r.checks[0].passed);
    EXPECT_FALSE(r.checks[1].passed);
    EXPECT_NE(r.checks[1].actual.find("\"Goodbye World!\" was never printed"), std::string::npos);
    EXPECT_NE(r.checks[1].actual.find("| Hello World!"), std::string::npos);
    EXPECT_FALSE(r.checks[2].passed);
    EXPECT_EQ(r.checks[2].actual, "state terminated, restarted 0 times, 0 faults");
    EXPECT_FALSE(r.checks[3].passed);
    EXPECT_EQ(r.checks[3].actual, "it did not panic");
    EXPECT_EQ(r.checks[2].where,
              (kSource / "tests/scenario/expected_failure.yaml").string() + ":11:5");
}

TEST(ScenarioRun, CliExitsNonZeroAndWritesReportsForAFailure) {
    const fs::path junit = fs::temp_directory_path() / "tockemu_expected_failure.xml";
    const fs::path json = fs::temp_directory_path() / "tockemu_expected_failure.json";
    std::string out;
    const int status = tockemu_run((kSource / "tests/scenario/expected_failure.yaml").string() +
                                       " --junit " + junit.string() + " --json " + json.string(),
                                   out);
    EXPECT_EQ(status, 1) << out;
    EXPECT_NE(out.find("FAIL  expected_failure  (1 of 4 checks passed"), std::string::npos) << out;
    EXPECT_NE(out.find("    expected: console output containing \"Goodbye World!\""),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("1 scenarios: 0 passed, 1 failed, 0 could not run"), std::string::npos);
    const std::string x = slurp(junit);
    EXPECT_NE(x.find("<testsuites name=\"tockemu\" tests=\"4\" failures=\"3\" errors=\"0\""),
              std::string::npos)
        << x;
    EXPECT_NE(x.find("<failure message=\"the kernel panicked\">"), std::string::npos) << x;
    const std::string j = slurp(json);
    EXPECT_EQ(j.rfind("{\"passed\":0,\"failed\":1,\"errors\":0,", 0), 0u) << j;
}

TEST(ScenarioRun, BadFileIsAnErrorNamingLineAndColumn) {
    const fs::path bad =
        temp_file("bad.yaml", "budget: 1s\napps: [hello]\nexpect:\n  - consol_contains: x\n");
    const ScenarioResult r = run_scenario_file(bad, options());
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Error);
    EXPECT_EQ(r.error.rfind(bad.string() + ":4:5: unknown key 'consol_contains' in expectation", 0),
              0u)
        << r.error;
    std::string out;
    EXPECT_EQ(tockemu_run(bad.string(), out), 1);
    EXPECT_NE(out.find("ERROR tockemu_scenario_test_bad  " + bad.string() + ":4:5"),
              std::string::npos)
        << out;
}

TEST(ScenarioRun, MissingAppIsAnErrorNotACrash) {
    const fs::path f = temp_file("noapp.yaml", "budget: 1s\napps: [no_such_app]\n");
    const ScenarioResult r = run_scenario_file(f, options());
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Error);
    EXPECT_NE(r.error.find("app 'no_such_app' not found"), std::string::npos) << r.error;
}

TEST(ScenarioRun, AppOverridesReachTheKernel) {
    // blink asks for 4232 bytes (an 8 KiB block); 2600 gives it a 4 KiB block. hello is disabled.
    const fs::path f = temp_file("overrides.yaml",
                                 "budget: 60ms\napps:\n  - name: blink\n    ram: 2600\n"
                                 "  - name: hello\n    enabled: false\n"
                                 "expect:\n  - process: hello\n    state: not_started\n");
    const ScenarioResult r = run_scenario_file(f, options());
    ASSERT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << format_verdict(r) << r.error;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.console, m,
                                  std::regex("Loaded process blink: flash 0x30000-0x32000, RAM "
                                             "0x([0-9a-f]+)-0x([0-9a-f]+)")))
        << r.console;
    EXPECT_EQ(std::stoul(m[2].str(), nullptr, 16) - std::stoul(m[1].str(), nullptr, 16), 0x1000u)
        << "a 4 KiB block, not the 8 KiB of the unmodified TBF";
    EXPECT_EQ(r.console.find("Loaded process hello"), std::string::npos) << r.console;
}

TEST(ScenarioRun, ShardsSplitTheSuiteWithoutOverlap) {
    std::string one, two;
    tockemu_run((kSource / "scenarios/hello.yaml").string() + " " +
                    (kSource / "tests/scenario/expected_failure.yaml").string() + " --shard 1/2",
                one);
    tockemu_run((kSource / "scenarios/hello.yaml").string() + " " +
                    (kSource / "tests/scenario/expected_failure.yaml").string() +
                    " --shard 2/2 -j 2",
                two);
    // Sorted by path: .../scenarios/hello.yaml < .../tests/scenario/expected_failure.yaml.
    EXPECT_NE(one.find("PASS  hello"), std::string::npos) << one;
    EXPECT_EQ(one.find("expected_failure"), std::string::npos) << one;
    EXPECT_NE(two.find("FAIL  expected_failure"), std::string::npos) << two;
    EXPECT_EQ(two.find("hello  ("), std::string::npos) << two;
}

TEST(ScenarioRun, ParallelRunsGiveTheSameResultsAsSerialOnes) {
    const std::string files = (kSource / "scenarios/hello.yaml").string() + " " +
                              (kSource / "scenarios/uart_echo.yaml").string() + " " +
                              (kSource / "scenarios/corrupt_memory.yaml").string();
    std::string serial, parallel;
    EXPECT_EQ(tockemu_run(files + " --summary", serial), 0) << serial;
    EXPECT_EQ(tockemu_run(files + " --summary -j 3", parallel), 0) << parallel;
    EXPECT_EQ(serial, parallel);
}

// Every scenario of the suite, one test case each: the suite documents Tock's guarantees, so a
// scenario that stops passing is a regression somewhere in the machine, the kernel or the apps.
class SuiteScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(SuiteScenario, Passes) {
    const ScenarioResult r = run_scenario_file(kSource / "scenarios" / GetParam(), options());
    EXPECT_EQ(r.verdict, ScenarioResult::Verdict::Pass) << format_verdict(r) << r.error;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SuiteScenario, ::testing::ValuesIn([] {
                             std::vector<std::string> names;
                             for (const auto& e : fs::directory_iterator(kSource / "scenarios"))
                                 if (e.path().extension() == ".yaml")
                                     names.push_back(e.path().filename().string());
                             std::sort(names.begin(), names.end());
                             return names;
                         }()),
                         [](const auto& info) { return fs::path(info.param).stem().string(); });
