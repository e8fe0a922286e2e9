// Process management through the process console (the way scenarios stop, start, terminate and
// boot processes): state changes are visible on the LEDs and in `list`.
#include <gtest/gtest.h>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;

void type(KernelRun& run, const std::string& line) {
    const std::string s = line + "\r";
    run.machine().board().inject_uart_rx(
        HailBoard::kConsoleUsart,
        std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

TEST(KernelProcessManagement, StopFreezesAProcessAndStartResumesIt) {
    KernelRun run({"hello", "blink"});
    ASSERT_TRUE(run.run_until_console("tock$ ", 1000)) << run.console();
    run.run_ms(300);
    type(run, "stop blink");
    ASSERT_TRUE(run.run_until_console("stopped", 500)) << run.console();
    const Picos stopped = run.machine().clock().now();
    run.run_ms(1000);
    EXPECT_TRUE(run.led_changes(kRedLed, stopped).empty()) << "a stopped process must not run";
    type(run, "list");
    run.run_ms(300);
    EXPECT_NE(run.console().find("Stopped"), std::string::npos) << run.console();

    type(run, "start blink");
    const Picos resumed = run.machine().clock().now();
    run.run_ms(1000);
    EXPECT_GE(run.led_changes(kRedLed, resumed).size(), 3u) << run.console();
}

TEST(KernelProcessManagement, TerminateThenBootRunsTheAppAgainFromFlash) {
    KernelRun run({"hello"});
    ASSERT_TRUE(run.run_until_console("tock$ ", 1000)) << run.console();
    EXPECT_EQ(run.count("Hello World!"), 1u);
    type(run, "boot hello");  // hello already exited: Terminated -> boot runs it again
    run.run_ms(500);
    EXPECT_EQ(run.count("Hello World!"), 2u) << run.console();
    // exit-terminate twice (completion code 0), grant memory reclaimed both times.
    auto terminated = run.records_of(kEvProcessTerminated);
    ASSERT_EQ(terminated.size(), 2u);
    EXPECT_EQ(terminated[1].words, (std::vector<std::uint32_t>{0, 1, 0}));
}

TEST(KernelProcessManagement, ConsoleFaultCommandAppliesThePolicy) {
    KernelRun run({"blink"});
    run.set_fault_policy(kPolicyStop, 0);
    ASSERT_TRUE(run.run_until_console("tock$ ", 1000)) << run.console();
    type(run, "fault blink");
    ASSERT_TRUE(run.run_until_console("faulted and was stopped", 1000)) << run.console();
    EXPECT_NE(run.console().find("Kernel-detected fault: requested by the process console"),
              std::string::npos)
        << run.console();
    auto decisions = run.records_of(kEvPolicyDecision);
    ASSERT_EQ(decisions.size(), 1u);
    EXPECT_EQ(decisions[0].words[1], 1u);
}

}  // namespace
}  // namespace tockemu::kerneltest
