// Process faults: each fault app faults with the right CFSR bits, the report names it, the board's
// fault policy (patched into the kernel's board config block) is applied, and the other app keeps
// running.
#include <gtest/gtest.h>

#include <cstdio>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;
constexpr std::uint32_t kDaccviol = 1u << 1, kIaccviol = 1u << 0, kMmarvalid = 1u << 7;
constexpr std::uint32_t kMstkerr = 1u << 4, kUndefinstr = 1u << 16;
constexpr std::uint32_t kForced = 1u << 30;

struct FaultCase {
    const char* app;
    std::uint32_t cfsr;   // exact CFSR the kernel must report
    const char* line;     // decoded line in the report
    std::uint32_t mmfar;  // when MMARVALID
};

void PrintTo(const FaultCase& c, std::ostream* os) {
    *os << c.app;
}

class FaultApps : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultApps, FaultIsReportedAndStoppedWhileBlinkKeepsRunning) {
    const FaultCase& c = GetParam();
    KernelRun run({c.app, "blink"});
    run.set_fault_policy(kPolicyStop, 0);
    ASSERT_TRUE(run.run_until_console("faulted and was stopped", 3000)) << run.console();
    const std::string out = run.console();
    EXPECT_NE(out.find(std::string("Process ") + c.app + " had a fault"), std::string::npos) << out;
    EXPECT_NE(out.find(c.line), std::string::npos) << out;
    EXPECT_NE(out.find("Forced Hard Fault:                  true"), std::string::npos) << out;
    EXPECT_NE(out.find(" PC 0x"), std::string::npos) << out;
    EXPECT_NE(out.find(" RAM 0x20005000-0x20007000: app break"), std::string::npos) << out;
    EXPECT_NE(
        out.find(" Region 2: [0x00030000:0x00032000], length: 8192 bytes; ReadExecute, sub-regions "
                 "EEEEEEEE"),
        std::string::npos)
        << out;
    EXPECT_EQ(out.find("NOT FAULTED"), std::string::npos) << out;

    auto faults = run.records_of(kEvProcessFault);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_EQ(faults[0].words[0], 0u);  // slot of the faulting app
    EXPECT_EQ(faults[0].words[2], c.cfsr);
    EXPECT_EQ(faults[0].words[3], kForced);
    if (c.cfsr & kMmarvalid) {
        EXPECT_EQ(faults[0].words[4], c.mmfar);
        char expected[64];
        std::snprintf(expected, sizeof expected, "Faulting Memory Address:            0x%08X",
                      c.mmfar);
        EXPECT_NE(out.find(expected), std::string::npos) << out;
    }
    auto decisions = run.records_of(kEvPolicyDecision);
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].words[1], 1u);  // Stop

    // blink, in the other slot, keeps toggling its LED after the fault.
    const Picos fault_seen = run.machine().clock().now();
    run.run_ms(1000);
    EXPECT_GE(run.led_changes(kRedLed, fault_seen).size(), 3u);
    EXPECT_EQ(run.records_of(kEvProcessFault).size(), 1u) << "a stopped process must not run";
}

INSTANTIATE_TEST_SUITE_P(
    Kernel, FaultApps,
    ::testing::Values(FaultCase{"fault_null_deref", kDaccviol | kMmarvalid,
                                "Data Access Violation:              true", 0x00000000},
                      FaultCase{"fault_write_kernel_ram", kDaccviol | kMmarvalid,
                                "Data Access Violation:              true", 0x20000000},
                      FaultCase{"fault_write_own_flash", kDaccviol | kMmarvalid,
                                "Data Access Violation:              true", 0x00030000},
                      FaultCase{"fault_read_other_app", kDaccviol | kMmarvalid,
                                "Data Access Violation:              true", 0x20007000},
                      FaultCase{"fault_exec_ram", kIaccviol,
                                "Instruction Access Violation:       true", 0},
                      FaultCase{"fault_illegal_insn", kUndefinstr,
                                "Undefined Instruction Usage Fault:  true", 0}),
    [](const auto& info) { return std::string(info.param.app); });

// Overflowing the stack below the RAM block: the MPU refuses the push, then the exception entry
// cannot stack either. ARMv7-M takes HardFault with MSTKERR set (the derived fault is not a lockup
// because the processor was in thread mode); the kernel must report and stop only that process.
TEST(KernelFaults, StackOverflowIsAProcessFaultWithStackingErrorNotALockup) {
    KernelRun run({"fault_stack_overflow", "blink"});
    run.set_fault_policy(kPolicyStop, 0);
    run.run_until_console("faulted and was stopped", 3000);
    ASSERT_EQ(run.last().reason, StopReason::TimeLimit) << run.last().message;
    const std::string& out = run.console();
    EXPECT_NE(out.find("Memory Management Stacking Fault:   true"), std::string::npos) << out;
    auto faults = run.records_of(kEvProcessFault);
    ASSERT_EQ(faults.size(), 1u);
    EXPECT_TRUE(faults[0].words[2] & kMstkerr);
}

TEST(KernelFaults, ThresholdRestartThenStopRestartsUpToTheThreshold) {
    KernelRun run({"fault_null_deref", "blink"});
    run.set_fault_policy(kPolicyThresholdRestartThenStop, 2);
    ASSERT_TRUE(run.run_until_console("faulted and was stopped", 5000)) << run.console();
    run.run_ms(500);
    // Restarted while its restart count is <= 2 (faults at counts 0, 1, 2), stopped at count 3.
    EXPECT_EQ(run.count("fault_null_deref: reading address"), 4u) << run.console();
    EXPECT_EQ(run.count("faulted and will be restarted"), 3u) << run.console();
    EXPECT_EQ(run.count("faulted and was stopped"), 1u);
    auto decisions = run.records_of(kEvPolicyDecision);
    ASSERT_EQ(decisions.size(), 4u);
    for (std::uint32_t i = 0; i < 4; ++i) {
        EXPECT_EQ(decisions[i].words[2], i) << "restart count at fault " << i;
        EXPECT_EQ(decisions[i].words[1], i < 3 ? 2u : 1u) << "Restart, Restart, Restart, Stop";
    }
}

TEST(KernelFaults, HailDefaultPolicyRestartsFourTimesThenPanics) {
    KernelRun run({"fault_null_deref", "blink"});  // board config left at Hail's default
    run.run_ms(5000);
    const std::string& out = run.console();
    EXPECT_EQ(run.last().reason, StopReason::Lockup) << "the kernel halts after a panic";
    EXPECT_EQ(run.count("faulted and will be restarted"), 5u) << out;
    EXPECT_NE(out.find("panicked at"), std::string::npos) << out;
    EXPECT_NE(out.find("Process fault_null_deref had a fault"), std::string::npos) << out;
    EXPECT_NE(out.find("App: blink"), std::string::npos) << "the panic lists every process";
    EXPECT_EQ(run.records_of(kEvPanic).size(), 1u);
    auto decisions = run.records_of(kEvPolicyDecision);
    ASSERT_EQ(decisions.size(), 6u);
    EXPECT_EQ(decisions.back().words[1], 0u);  // Panic
    EXPECT_EQ(decisions.back().words[2], 5u);
}

TEST(KernelFaults, PanicPolicyPanicsOnTheFirstFault) {
    KernelRun run({"fault_illegal_insn", "hello"});
    run.set_fault_policy(kPolicyPanic, 0);
    run.run_ms(2000);
    EXPECT_EQ(run.last().reason, StopReason::Lockup);
    const std::string& out = run.console();
    EXPECT_NE(out.find("panicked at"), std::string::npos) << out;
    EXPECT_NE(out.find("Undefined Instruction Usage Fault:  true"), std::string::npos) << out;
    EXPECT_EQ(run.count("faulted and will be restarted"), 0u);
}

TEST(KernelFaults, RestartPolicyKeepsRestartingAndCountsRestarts) {
    KernelRun run({"fault_null_deref", "blink"});
    run.set_fault_policy(kPolicyRestart, 0);
    run.run_ms(4000);
    EXPECT_EQ(run.last().reason, StopReason::TimeLimit);
    auto decisions = run.records_of(kEvPolicyDecision);
    ASSERT_GE(decisions.size(), 8u) << run.console();
    for (std::size_t i = 0; i < decisions.size(); ++i) {
        EXPECT_EQ(decisions[i].words[1], 2u);
        EXPECT_EQ(decisions[i].words[2], i);
    }
    EXPECT_EQ(run.console().find("panicked"), std::string::npos);
}

}  // namespace
}  // namespace tockemu::kerneltest
