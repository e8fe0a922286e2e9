// Each app of the suite booted on our Hail kernel in tockemu, with the console output it must
// produce (apps/<name>/main.c documents each line).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "emu/loader/tab.hpp"
#include "tests/apps/app_harness.hpp"

using namespace tockemu;
using namespace tockemu::apptest;

TEST(Apps, HelloPrintsHelloWorld) {
    AppRun run({app("hello")});
    ASSERT_TRUE(run.wait_for("Hello World!\n", 500)) << run.console();
    EXPECT_EQ(run.count("Hello World!"), 1u);
}

TEST(Apps, HelloFromATabBoots) {
    AppRun run({firmware("apps/hello.tab")});
    EXPECT_TRUE(run.wait_for("Hello World!\n", 500)) << run.console();
}

TEST(Apps, LegacyMainTlvOnlyTbfStillRuns) {
    // The kernel must accept TBFs from before the Program and KernelVersion TLVs existed.
    const auto out = std::filesystem::temp_directory_path() /
                     ("tockemu_apps_legacy_" + std::to_string(::getpid()) + ".tbf");
    const std::string cmd =
        std::string(TOCKEMU_BINARY_DIR) + "/tools/elf2tbf --main-tlv-only -n hello " +
        "--minimum-footer-size 3000 -o " + out.string() + " " + firmware("apps/hello.elf").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    AppRun run({out});
    EXPECT_TRUE(run.wait_for("Hello World!\n", 500)) << run.console();
    std::filesystem::remove(out);
}

TEST(Apps, BlinkCountsInBinaryOnTheLeds) {
    AppRun run({app("blink")});
    ASSERT_TRUE(run.wait_for("blink: 3 LEDs, stepping every 250 ms\n", 500)) << run.console();
    // Sample the red (PA13, bit 0) and green (PA15, bit 1) LED pins for 2 s: bit 0 changes every
    // step (250 ms), bit 1 every second step.
    unsigned red_changes = 0, green_changes = 0;
    bool red = run.machine().board().gpio_output(0, 13);
    bool green = run.machine().board().gpio_output(0, 15);
    for (int i = 0; i < 400; ++i) {
        run.run_ms(5);
        const bool r = run.machine().board().gpio_output(0, 13);
        const bool g = run.machine().board().gpio_output(0, 15);
        red_changes += r != red;
        green_changes += g != green;
        red = r;
        green = g;
    }
    EXPECT_GE(red_changes, 7u);
    EXPECT_LE(red_changes, 9u);
    EXPECT_GE(green_changes, 3u);
    EXPECT_LE(green_changes, 5u);
}

TEST(Apps, ConsoleEchoEchoesTypedLines) {
    AppRun run({app("console_echo")});
    ASSERT_TRUE(run.wait_for("console_echo: ready\n", 500)) << run.console();
    run.run_ms(20);
    run.type("hello tock\r");
    EXPECT_TRUE(run.wait_for("echo: hello tock\n", 500)) << run.console();
    run.type("second line\n");
    EXPECT_TRUE(run.wait_for("echo: second line\n", 500)) << run.console();
}

TEST(Apps, TimerStressKeepsEveryTimerOnSchedule) {
    AppRun run({app("timer_stress")});
    ASSERT_TRUE(run.wait_for("timer_stress: 24 timers, alarm at 16000 Hz\n", 500)) << run.console();
    ASSERT_TRUE(run.wait_for("timer_stress: PASS\n", 2000)) << run.console();
    EXPECT_TRUE(run.has("timer_stress: 458 firings, 0 timers off count, 0 early\n"))
        << run.console();
}

TEST(Apps, ButtonsReportsPressAndRelease) {
    AppRun run({app("buttons")});
    ASSERT_TRUE(run.wait_for("buttons: 1 button(s) ready\n", 500)) << run.console();
    run.run_ms(10);
    run.set_button(true);
    EXPECT_TRUE(run.wait_for("buttons: button 0 pressed\n", 200)) << run.console();
    run.set_button(false);
    EXPECT_TRUE(run.wait_for("buttons: button 0 released\n", 200)) << run.console();
    EXPECT_EQ(run.count("pressed"), 1u);
}

TEST(Apps, SpiDmaTransfersThroughTheLoopback) {
    AppRun run({app("spi_dma")});
    ASSERT_TRUE(run.wait_for("spi_dma: done\n", 1000)) << run.console();
    EXPECT_TRUE(run.has("spi_dma: rate 1000000 bps\n")) << run.console();
    EXPECT_TRUE(
        run.has("spi_dma: 64 bytes, rx 01 08 0f 16, tx sum 63e0 rx sum 63e0, loopback match\n"))
        << run.console();
    EXPECT_TRUE(
        run.has("spi_dma: 200 bytes, rx 01 08 0f 16, tx sum 633c rx sum 633c, loopback match\n"))
        << run.console();
}

TEST(Apps, BadSyscallArgsGetsErrorsNotFaults) {
    AppRun run({app("bad_syscall_args")});
    ASSERT_TRUE(run.wait_for("bad_syscall_args: still running\n", 2000)) << run.console();
    EXPECT_TRUE(run.has("bad_syscall_args: done, 24 checks, 0 unexpected\n")) << run.console();
    EXPECT_EQ(run.count(": ok\n"), 24u) << run.console();
    EXPECT_FALSE(run.has("UNEXPECTED")) << run.console();
    EXPECT_FALSE(run.has("had a fault")) << run.console();
}

TEST(Apps, GrantHogHitsNomemAndKeepsRunning) {
    AppRun run({app("grant_hog")});
    ASSERT_TRUE(run.wait_for("grant_hog: still running (2)\n", 2000)) << run.console();
    EXPECT_TRUE(run.has("grant_hog: NOMEM at ")) << run.console();
    EXPECT_TRUE(run.has(": NOMEM\n")) << run.console();
    EXPECT_TRUE(run.has("grant_hog: after releasing memory, ")) << run.console();
    const auto retry = run.console().find("grant_hog: after releasing memory, ");
    EXPECT_NE(run.console().find(": SUCCESS\n", retry), std::string::npos) << run.console();
}

TEST(Apps, RestartCounterCountsFiveRuns) {
    AppRun run({app("restart_counter")});
    ASSERT_TRUE(run.wait_for("restart_counter: done after 5 runs\n", 2000)) << run.console();
    for (int i = 1; i <= 5; ++i) {
        const std::string line = "restart_counter: run " + std::to_string(i) + " (restarted " +
                                 std::to_string(i - 1) + " times)\n";
        EXPECT_TRUE(run.has(line)) << line << run.console();
    }
}

TEST(Apps, SyscallFuzzNeverFaultsOrPanicsTheKernel) {
    AppRun run({app("syscall_fuzz"), app("hello")});
    ASSERT_TRUE(run.wait_for("syscall_fuzz: done, 4000 calls, still running\n", 5000))
        << run.console();
    EXPECT_TRUE(run.has("syscall_fuzz: memory intact\n")) << run.console();
    EXPECT_TRUE(run.has("Hello World!\n")) << run.console();
    EXPECT_FALSE(run.has("had a fault")) << run.console();
    EXPECT_FALSE(run.has("panicked")) << run.console();
    EXPECT_FALSE(run.abnormal_stop()) << run.abnormal_stop()->message;
}

TEST(Apps, RuntimeSelftestPassesEveryCheck) {
    AppRun run({app("runtime_selftest")});
    ASSERT_TRUE(run.wait_for("runtime_selftest: 39 checks, 0 failed\n", 1000)) << run.console();
    EXPECT_FALSE(run.has("FAILED")) << run.console();
}

TEST(Apps, AppStateRegionIsWhereTheAppSeesIt) {
    AppRun run({app("app_state")});
    ASSERT_TRUE(run.wait_for("app_state: region ", 500)) << run.console();
    run.run_ms(20);
    EXPECT_TRUE(run.has("app_state: 1 writeable flash region(s), region 0 is 512 bytes\n"))
        << run.console();
    EXPECT_TRUE(run.has("app_state: region matches my .app_state, magic 54434b31\n"))
        << run.console();
}

TEST(Apps, FourAppsRunTogether) {
    AppRun run({app("hello"), app("blink"), app("timer_stress"), app("bad_syscall_args")});
    EXPECT_TRUE(run.wait_for("timer_stress: PASS\n", 3000)) << run.console();
    EXPECT_TRUE(run.wait_for("bad_syscall_args: done, 24 checks, 0 unexpected\n", 1000))
        << run.console();
    EXPECT_TRUE(run.has("Hello World!\n")) << run.console();
    EXPECT_TRUE(run.has("blink: 3 LEDs")) << run.console();
}

// ---- the isolation set: each faults, is reported by name, and the other app keeps running ----

struct FaultCase {
    const char* app;
    const char* announce;  // what the app prints just before the bad access
    const char* status;    // a fault status line the kernel report must contain
};

void PrintTo(const FaultCase& c, std::ostream* os) {
    *os << c.app;
}

class FaultApps : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultApps, FaultsAreContainedToTheApp) {
    const FaultCase& c = GetParam();
    AppRun run({app(c.app), app("hello")});
    run.stop_faulting_apps();
    ASSERT_TRUE(run.wait_for(c.announce, 1000)) << run.console();
    ASSERT_TRUE(run.wait_for(std::string("Process ") + c.app + " had a fault", 1000))
        << run.console();
    run.run_ms(200);
    EXPECT_TRUE(run.has(c.status)) << run.console();
    EXPECT_FALSE(run.has("NOT FAULTED")) << run.console();
    EXPECT_TRUE(run.has("Hello World!\n")) << run.console();
    EXPECT_FALSE(run.abnormal_stop()) << run.abnormal_stop()->message;
}

INSTANTIATE_TEST_SUITE_P(
    Isolation, FaultApps,
    ::testing::Values(FaultCase{"fault_null_deref",
                                "fault_null_deref: reading address 0x00000000\n",
                                "Data Access Violation"},
                      FaultCase{"fault_write_kernel_ram",
                                "fault_write_kernel_ram: writing 0xdeadbeef to 0x20000000\n",
                                "Faulting Memory Address:            0x20000000"},
                      FaultCase{"fault_read_other_app", "fault_read_other_app: my RAM is ",
                                "Data Access Violation"},
                      FaultCase{"fault_write_own_flash", "fault_write_own_flash: my flash is ",
                                "Faulting Memory Address:            0x00030000"},
                      FaultCase{"fault_exec_ram", "fault_exec_ram: jumping to RAM at ",
                                "Instruction Access Violation"},
                      FaultCase{"fault_stack_overflow",
                                "fault_stack_overflow: recursing with 1024-byte stack", "Fault"},
                      FaultCase{"fault_illegal_insn", "fault_illegal_insn: executing udf #0\n",
                                "Undefined Instruction Usage Fault"}),
    [](const auto& info) { return std::string(info.param.app); });
