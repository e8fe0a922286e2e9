// Boot: the kernel starts one app and prints its boot messages; its RAM use leaves room for four
// 8 KiB processes in the Hail's 64 KiB.
#include <gtest/gtest.h>

#include <regex>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

TEST(KernelBoot, HelloPrintsGreetingAfterBootMessages) {
    KernelRun run({"hello"});
    ASSERT_TRUE(run.run_until_console("Hello World!", 2000)) << run.console();
    const std::string& out = run.console();
    auto init = out.find("Initialization complete. Entering main loop.");
    ASSERT_NE(init, std::string::npos) << out;
    EXPECT_LT(init, out.find("Hello World!")) << out;
    EXPECT_NE(out.find("Loaded process hello: flash 0x30000-0x32000"), std::string::npos) << out;
}

TEST(KernelBoot, PrintedRamUseLeavesRoomForFourEightKiBProcesses) {
    KernelRun run({"hello"});
    ASSERT_TRUE(run.run_until_console("Initialization complete.", 500)) << run.console();
    std::smatch m;
    const std::string out = run.console();
    ASSERT_TRUE(std::regex_search(out, m,
                                  std::regex("Kernel RAM: (\\d+) bytes .*app RAM: (\\d+) bytes at "
                                             "0x([0-9a-f]+)-0x([0-9a-f]+)")))
        << out;
    const std::uint32_t kernel_bytes = std::stoul(m[1]);
    const std::uint32_t app_start = std::stoul(m[3], nullptr, 16);
    const std::uint32_t app_end = std::stoul(m[4], nullptr, 16);
    EXPECT_EQ(app_end, 0x20010000u);
    EXPECT_EQ(0x20000000u + kernel_bytes, app_start);
    // Four 8 KiB blocks, each aligned to 4 KiB (two MPU regions of half the block).
    const std::uint32_t first = (app_start + 0xFFF) & ~0xFFFu;
    EXPECT_LE(first + 4 * 8192, app_end) << "kernel uses " << kernel_bytes << " bytes";

    // The same figures arrive as the boot event on ITM port 0.
    auto boot = run.records_of(kEvBoot);
    ASSERT_EQ(boot.size(), 1u);
    EXPECT_EQ(boot[0].words,
              (std::vector<std::uint32_t>{0x20000000u, kernel_bytes, app_start, app_end}));
}

TEST(KernelBoot, AppsAreLoadedBackToBackFromAppFlash) {
    KernelRun run({"hello", "blink", "restart_counter", "console_echo"});
    run.run_ms(100);
    auto loaded = run.records_of(kEvProcessLoaded);
    ASSERT_EQ(loaded.size(), 4u) << run.console();
    std::uint32_t previous_end = 0;
    for (unsigned i = 0; i < 4; ++i) {
        EXPECT_EQ(loaded[i].words[0], i);  // slot
        const std::uint32_t ram = loaded[i].words[2], size = loaded[i].words[3];
        EXPECT_EQ(ram % (size / 2), 0u) << "RAM block must be aligned to half its size";
        EXPECT_GE(ram, previous_end);
        previous_end = ram + size;
    }
    EXPECT_LE(previous_end, 0x20010000u);
}

TEST(KernelBoot, AppsThatDoNotFitInAppRamAreReportedAndTheOthersRun) {
    // All seven apps need an 8 KiB block (4 KiB aligned); with today's kernel five fit after the
    // kernel's RAM, so the sixth and seventh are refused.
    KernelRun run({"hello", "blink", "restart_counter", "console_echo", "timer_stress", "buttons",
                   "syscall_fuzz"});
    run.run_ms(1000);
    const std::string& out = run.console();
    auto boot = run.records_of(kEvBoot);
    ASSERT_EQ(boot.size(), 1u);
    const std::uint32_t first_block = (boot[0].words[2] + 0xFFF) & ~0xFFFu;
    ASSERT_EQ((0x20010000u - first_block) / 8192u, 5u) << "kernel RAM changed: adjust this test";
    EXPECT_EQ(run.records_of(kEvProcessLoaded).size(), 5u) << out;
    EXPECT_NE(out.find("Could not load process buttons at 0x3a000: error 9"), std::string::npos)
        << out;
    EXPECT_NE(out.find("Could not load process syscall_fuzz"), std::string::npos) << out;
    EXPECT_NE(out.find("Hello World!"), std::string::npos) << out;
    EXPECT_NE(out.find("restart_counter: done after 5 runs"), std::string::npos) << out;
    EXPECT_EQ(out.find("syscall_fuzz:"), std::string::npos) << out;
}

}  // namespace
}  // namespace tockemu::kerneltest
