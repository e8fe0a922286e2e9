// Explain mode on the labs of docs/lab/: golden logs, the content of fault/grant/restart
// explanations, determinism, and that explain mode only observes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "tests/explain/lab_harness.hpp"

namespace tockemu::explain {
namespace {

using testing::read_text;
using testing::run_lab;
namespace fs = std::filesystem;

fs::path golden_dir() {
    return fs::path(TOCKEMU_SOURCE_DIR) / "tests" / "explain" / "golden";
}

// Compares with tests/explain/golden/<name>; TOCKEMU_UPDATE_GOLDEN=1 rewrites the file instead
// (do that only after reading the diff: any change of kernel or app code moves the times).
void expect_golden(const std::string& name, const std::string& actual) {
    const fs::path file = golden_dir() / name;
    if (std::getenv("TOCKEMU_UPDATE_GOLDEN")) {
        fs::create_directories(golden_dir());
        std::ofstream(file, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << file;
    }
    ASSERT_TRUE(fs::exists(file)) << file << " missing; run with TOCKEMU_UPDATE_GOLDEN=1";
    const std::string expected = read_text(file);
    if (expected == actual) return;
    // Point at the first differing line rather than dumping both logs.
    std::istringstream e(expected), a(actual);
    std::string el, al;
    for (int line = 1;; ++line) {
        const bool he = static_cast<bool>(std::getline(e, el));
        const bool ha = static_cast<bool>(std::getline(a, al));
        if (!he && !ha) break;
        if (el != al || he != ha) {
            ADD_FAILURE() << file.string() << ":" << line
                          << " differs\n  golden: " << (he ? el : "<end>")
                          << "\n  actual: " << (ha ? al : "<end>")
                          << "\n(if the kernel or apps changed on purpose, regenerate with "
                             "TOCKEMU_UPDATE_GOLDEN=1 and review the diff)";
            return;
        }
    }
}

TEST(ExplainGolden, Lab01HelloMatchesGolden) {
    const auto run = run_lab("01-hello-memory-map.yaml");
    ASSERT_EQ(run.result.verdict, scenario::ScenarioResult::Verdict::Pass) << run.result.error;
    expect_golden("lab01_hello.txt", run.log);
}

TEST(ExplainGolden, Lab02MpuAtWorkMatchesGolden) {
    const auto run = run_lab("02-mpu-at-work.yaml", ExplainOptions{true, false});
    ASSERT_EQ(run.result.verdict, scenario::ScenarioResult::Verdict::Pass) << run.result.error;
    expect_golden("lab02_mpu_at_work.txt", run.log);
}

TEST(Explain, FaultIsExplainedWithInstructionAddressRegionAndPolicy) {
    const auto run = run_lab("02-mpu-at-work.yaml", ExplainOptions{false, false});
    const std::string& log = run.log;
    // Which process, which cause, which instruction (disassembled), which address and whose.
    EXPECT_NE(log.find("FAULT in fault_write_kernel_ram (memmanage): `str"), std::string::npos)
        << log;
    EXPECT_NE(log.find("bytes at 0x20000"), std::string::npos) << log;
    EXPECT_NE(log.find("(kernel "), std::string::npos) << log;
    EXPECT_NE(log.find("FAULT in fault_read_other_app (memmanage): `ldr"), std::string::npos)
        << log;
    EXPECT_NE(log.find("(fault_exec_ram: stack)"), std::string::npos)
        << "the other app's RAM is named as such\n"
        << log;
    EXPECT_NE(log.find("FAULT in fault_exec_ram (memmanage): it jumped to 0x2000"),
              std::string::npos)
        << log;
    // Why the MPU said no, and what the kernel then did.
    EXPECT_NE(log.find("the MPU refused it: "), std::string::npos) << log;
    EXPECT_NE(log.find("DACCVIOL"), std::string::npos) << log;
    EXPECT_NE(log.find("IACCVIOL"), std::string::npos) << log;
    EXPECT_NE(log.find("kernel fault policy for fault_exec_ram (faults restarted so far: 0): "
                       "stop"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("FAULT in blink"), std::string::npos) << log;
}

TEST(Explain, ContextSwitchShowsTheMpuRegionsInForce) {
    const auto run = run_lab("01-hello-memory-map.yaml", ExplainOptions{false, false});
    const std::string& log = run.log;
    const auto first = log.find("first switch to ");
    ASSERT_NE(first, std::string::npos) << log;
    EXPECT_NE(log.find("MPU regions now in force", first), std::string::npos) << log;
    EXPECT_NE(log.find("= its own flash"), std::string::npos) << log;
    EXPECT_NE(log.find("= its RAM block"), std::string::npos) << log;
    EXPECT_NE(log.find("priv RW, unpriv RW, XN"), std::string::npos) << log;
    EXPECT_NE(log.find("hello started: RAM block 0x2000"), std::string::npos) << log;
    EXPECT_NE(log.find("hello found in app flash: TBF 0x000"), std::string::npos) << log;
}

TEST(Explain, SyscallsAreNamedWithTheirResults) {
    const auto run = run_lab("01-hello-memory-map.yaml");
    const std::string& log = run.log;
    EXPECT_NE(log.find("hello: memop brk(0x"), std::string::npos) << log;
    EXPECT_NE(log.find("; app break now 0x2000"), std::string::npos) << log;
    EXPECT_NE(log.find("hello: subscribe console"), std::string::npos) << log;
    EXPECT_NE(log.find("blink: command led"), std::string::npos) << log;
    EXPECT_NE(log.find(": upcall alarm.0 delivered"), std::string::npos) << log;
}

TEST(Explain, GrantsAndNomemAreExplained) {
    const auto run = run_lab("04-grants-nomem.yaml", ExplainOptions{false, false});
    ASSERT_EQ(run.result.verdict, scenario::ScenarioResult::Verdict::Pass);
    EXPECT_NE(run.log.find("grant: capsule "), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("of grant_hog's grant region at 0x2000"), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("grant refused: capsule "), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("only this process is affected"), std::string::npos) << run.log;
}

TEST(Explain, RestartsAreCounted) {
    const auto run = run_lab("03-stack-overflow-restart.yaml", ExplainOptions{false, false});
    ASSERT_EQ(run.result.verdict, scenario::ScenarioResult::Verdict::Pass);
    EXPECT_NE(run.log.find("fault_stack_overflow restarted (restart #3)"), std::string::npos)
        << run.log;
    EXPECT_EQ(run.log.find("restart #4"), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("a stack overflow, stopped before"), std::string::npos) << run.log;
    EXPECT_NE(run.log.find("end of run: fault_stack_overflow faulted (restarts 3)"),
              std::string::npos)
        << run.log;
}

TEST(Explain, PanicPolicyIsToldAsPolicyPanicAndLockup) {
    const auto run =
        run_lab((fs::path(TOCKEMU_SOURCE_DIR) / "tests" / "explain" / "panic_policy.yaml").string(),
                ExplainOptions{false, false});
    ASSERT_EQ(run.result.verdict, scenario::ScenarioResult::Verdict::Pass) << run.result.error;
    const std::string& log = run.log;
    const auto policy = log.find("kernel fault policy for fault_null_deref");
    const auto panic = log.find("KERNEL PANIC");
    const auto halt = log.find("KERNEL FAULT in privileged code at pc 0x");
    const auto lockup = log.find("LOCKUP of the core");
    ASSERT_NE(policy, std::string::npos) << log;
    EXPECT_NE(log.find("panic: the whole kernel stops", policy), std::string::npos) << log;
    ASSERT_NE(panic, std::string::npos) << log;
    ASSERT_NE(halt, std::string::npos) << log;
    ASSERT_NE(lockup, std::string::npos) << log;
    EXPECT_LT(policy, panic);
    EXPECT_LT(panic, halt);
    EXPECT_LT(halt, lockup);
    EXPECT_NE(log.find("(cortexm_halt+", halt), std::string::npos) << "kernel pc symbolized";
    EXPECT_NE(log.find("`udf", halt), std::string::npos) << log;
}

TEST(Explain, LogIsDeterministicAndOnlyObserves) {
    const auto a = run_lab("02-mpu-at-work.yaml");
    const auto b = run_lab("02-mpu-at-work.yaml");
    EXPECT_EQ(a.log, b.log);
    // The same scenario without explain mode: same trace hash, same instruction count.
    scenario::RunOptions plain;
    plain.firmware_dir = TOCKEMU_FIRMWARE_DIR;
    const auto c = scenario::run_scenario_file(testing::lab_dir() / "02-mpu-at-work.yaml", plain);
    EXPECT_EQ(a.result.trace_hash, c.trace_hash);
    EXPECT_EQ(a.result.instructions, c.instructions);
}

}  // namespace
}  // namespace tockemu::explain
