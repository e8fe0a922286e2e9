// Scheduling: timers drive LEDs at the right virtual period; several apps share the CPU.
#include <gtest/gtest.h>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr unsigned kRedLed = 13;  // PA13, LED 0

// blink asks for 250 ms. Like upstream Tock on Hail, the alarm driver reports 16000 Hz while the
// AST really counts the 32.768 kHz crystal divided by 2 (16384 Hz), so libtock-c converts 250 ms
// into 4000 ticks, which last 4000 / 16384 s = 244.14 ms of (virtual) real time. A real Hail
// blinks at that period too (tock-abi.md 2.3 and 10, "AST real rate").
constexpr double kBlinkPeriodMs = 4000.0 / 16384.0 * 1000.0;

TEST(KernelScheduling, BlinkTogglesTheRedLedEvery4000AlarmTicks) {
    KernelRun run({"blink"});
    run.run_ms(3000);
    auto red = run.led_changes(kRedLed, picos_from_ms(200));
    ASSERT_GE(red.size(), 8u) << run.console();
    for (std::size_t i = 1; i < red.size(); ++i) {
        const double dt_ms = double(red[i].time - red[i - 1].time) / double(picos_from_ms(1));
        EXPECT_NEAR(dt_ms, kBlinkPeriodMs, 0.5) << "between changes " << i - 1 << " and " << i;
        EXPECT_NE(red[i].level, red[i - 1].level);
    }
}

TEST(KernelScheduling, FourAppsRunConcurrently) {
    KernelRun run({"hello", "blink", "restart_counter", "timer_stress"});
    run.run_ms(3000);
    const std::string& out = run.console();
    EXPECT_NE(out.find("Hello World!"), std::string::npos) << out;
    EXPECT_NE(out.find("blink: 3 LEDs"), std::string::npos) << out;
    EXPECT_NE(out.find("restart_counter: done after 5 runs"), std::string::npos) << out;
    EXPECT_NE(out.find("timer_stress"), std::string::npos) << out;
    EXPECT_GE(run.led_changes(kRedLed, picos_from_ms(1000)).size(), 6u);
    EXPECT_EQ(out.find("panicked"), std::string::npos) << out;
}

}  // namespace
}  // namespace tockemu::kerneltest
