// Grants come from the process's own RAM block: exhausting it makes the syscall that needed the
// allocation fail with NOMEM for that process only; memory returned with brk can be used again.
#include <gtest/gtest.h>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;

TEST(KernelGrants, ExhaustedGrantRegionGivesNomemToThatProcessOnly) {
    KernelRun run({"grant_hog", "blink"});
    ASSERT_TRUE(run.run_until_console("grant_hog: still running (2)", 3000)) << run.console();
    const std::string& out = run.console();
    EXPECT_NE(out.find("grant_hog: NOMEM at"), std::string::npos) << out;
    EXPECT_NE(out.find("grant_hog: after releasing memory"), std::string::npos) << out;
    EXPECT_EQ(out.find("grant_hog: no NOMEM seen"), std::string::npos) << out;

    // The kernel reported the refused allocation, for slot 0 only, with no room left.
    auto nomem = run.records_of(kEvGrantNoMem);
    ASSERT_FALSE(nomem.empty());
    for (const auto& r : nomem) {
        EXPECT_EQ(r.words[0], 0u) << "only grant_hog's block is exhausted";
        EXPECT_GT(r.words[2], r.words[3]) << "requested bytes exceed what remained";
    }
    // Every allocation stays inside the process's block and reports what is left.
    for (const auto& r : run.records_of(kEvGrantAlloc)) {
        EXPECT_LT(r.words[3], 0x2000u);
    }
    // blink (slot 1) got its grants and keeps blinking.
    bool blink_alarm = false;
    for (const auto& r : run.records_of(kEvGrantAlloc))
        blink_alarm |= r.words[0] == 1 && r.words[1] == 0x0;
    EXPECT_TRUE(blink_alarm);
    const Picos now = run.machine().clock().now();
    run.run_ms(1000);
    EXPECT_GE(run.led_changes(kRedLed, now).size(), 3u);
    EXPECT_EQ(run.console().find("panicked"), std::string::npos);
}

TEST(KernelGrants, GrantMemoryIsReclaimedOnRestart) {
    // restart_counter restarts itself four times; each run allocates its console grant anew at
    // the top of the same block, which only works if the previous run's grants were reclaimed.
    KernelRun run({"restart_counter"});
    ASSERT_TRUE(run.run_until_console("restart_counter: done after 5 runs", 3000)) << run.console();
    auto allocs = run.records_of(kEvGrantAlloc);
    ASSERT_GE(allocs.size(), 5u);
    for (const auto& r : allocs) {
        EXPECT_EQ(r.words[1], 0x1u) << "console grant";
        EXPECT_EQ(r.words[3], allocs[0].words[3]) << "same room left on every run";
    }
    EXPECT_EQ(run.records_of(kEvProcessTerminated).size(), 5u);
}

}  // namespace
}  // namespace tockemu::kerneltest
