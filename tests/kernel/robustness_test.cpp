// An app issuing thousands of syscalls with random classes, driver numbers, arguments, pointers
// and lengths never panics the kernel nor disturbs another process.
#include <gtest/gtest.h>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;

TEST(KernelRobustness, SyscallFuzzNeverPanicsTheKernelNorDisturbsBlink) {
    KernelRun run({"syscall_fuzz", "blink"});
    run.run_until_console("syscall_fuzz: done", 20000);
    ASSERT_EQ(run.last().reason, StopReason::TimeLimit) << run.last().message;
    run.run_ms(1500);
    const std::string& out = run.console();
    EXPECT_NE(out.find("syscall_fuzz: done, 4000 calls, still running"), std::string::npos) << out;
    EXPECT_NE(out.find("syscall_fuzz: memory intact"), std::string::npos) << out;
    EXPECT_EQ(out.find("panicked"), std::string::npos) << out;
    EXPECT_EQ(run.records_of(kEvPanic).size(), 0u);
    // The fuzzer may fault itself (e.g. an invalid yield variant); blink must never fault.
    for (const auto& f : run.records_of(kEvProcessFault)) EXPECT_EQ(f.words[0], 0u);
    // blink kept its 244 ms rhythm the whole time: no gap between LED changes much longer than
    // one period.
    auto red = run.led_changes(kRedLed, picos_from_ms(300));
    ASSERT_GE(red.size(), 4u);
    for (std::size_t i = 1; i < red.size(); ++i) {
        EXPECT_LT(red[i].time - red[i - 1].time, picos_from_ms(260)) << "change " << i;
    }
}

}  // namespace
}  // namespace tockemu::kerneltest
