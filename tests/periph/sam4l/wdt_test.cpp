// WDT: upstream wdt.rs start/tickle/stop with the 0x55/0xAA key pairs, the time-out from PSEL
// and the clock, reset and interrupt modes, DAR across the watchdog's own reset.
#include "emu/periph/sam4l/wdt.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

using W = Wdt;

class WdtTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Lines lines;
    Wdt wdt{clock, &lines};
    int resets = 0;

    void SetUp() override {
        wdt.on_system_reset = [this] {
            ++resets;
            wdt.reset();  // what the machine's system reset does to the board
        };
    }
    void keyed(std::uint32_t reg, std::uint32_t value) {
        wdt.write(reg, (W::kKey1 << 24) | value, 4);
        wdt.write(reg, (W::kKey2 << 24) | value, 4);
    }
    // wdt.rs start(period): CEN | PSEL | FCD | DAR | EN.
    static constexpr std::uint32_t control(unsigned psel, bool dar = true) {
        return W::CTRL_CEN | (psel << 8) | (1u << 7) | (dar ? W::CTRL_DAR : 0) | W::CTRL_EN;
    }
    static Picos timeout(unsigned psel) { return picos_for_ticks(2ull << psel, W::kRcsysHz); }
};

TEST_F(WdtTest, ResetValues) {
    EXPECT_EQ(wdt.read(W::CTRL, 4), 0x0001'0080u);
    EXPECT_EQ(wdt.read(W::SR, 4), 0x3u);
    EXPECT_EQ(wdt.read(W::VERSION, 4), 0x501u);
    EXPECT_FALSE(wdt.next_timeout());
}

TEST_F(WdtTest, SingleWriteWithoutTheSecondKeyDoesNothing) {
    wdt.write(W::CTRL, (W::kKey1 << 24) | control(7), 4);
    EXPECT_EQ(wdt.read(W::CTRL, 4), 0x0001'0080u);
    wdt.write(W::CTRL, (W::kKey2 << 24) | control(8), 4);  // a different value: aborted
    EXPECT_EQ(wdt.read(W::CTRL, 4), 0x0001'0080u);
    wdt.write(W::CTRL, control(7), 4);  // no key at all
    EXPECT_EQ(wdt.read(W::CTRL, 4), 0x0001'0080u);
    keyed(W::CTRL, control(7));
    EXPECT_EQ(wdt.read(W::CTRL, 4), control(7));
}

TEST_F(WdtTest, TimesOutAfterTwoToThePselPlusOneRcsysCycles) {
    keyed(W::CTRL, control(7));  // wdt.rs: periods up to 2 ms
    clock.run_until(timeout(7) - 1);
    EXPECT_EQ(resets, 0);
    clock.run_until(timeout(7));
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(wdt.resets(), 1u);
    // DAR = 1: disabled after its own reset.
    EXPECT_EQ(wdt.read(W::CTRL, 4), 0x0001'0080u);
    clock.run_until(timeout(7) * 10);
    EXPECT_EQ(resets, 1);
}

TEST_F(WdtTest, TickleRestartsTheCount) {
    keyed(W::CTRL, control(9));
    for (int i = 0; i < 10; ++i) {
        clock.run_until(clock.now() + timeout(9) / 2);
        keyed(W::CLR, W::CLR_WDTCLR);
    }
    EXPECT_EQ(resets, 0);
    const Picos t = clock.now();
    clock.run_until(t + timeout(9));
    EXPECT_EQ(resets, 1);
}

TEST_F(WdtTest, StopDisablesTheTimeout) {
    keyed(W::CTRL, control(7));
    keyed(W::CTRL, wdt.read(W::CTRL, 4) & ~W::CTRL_EN);  // wdt.rs stop()
    clock.run_until(timeout(7) * 4);
    EXPECT_EQ(resets, 0);
}

TEST_F(WdtTest, WithoutDarTheWatchdogKeepsRunningAfterItsReset) {
    keyed(W::CTRL, control(7, /*dar=*/false));
    clock.run_until(timeout(7));
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(wdt.read(W::CTRL, 4), control(7, false));
    clock.run_until(2 * timeout(7));
    EXPECT_EQ(resets, 2);
}

TEST_F(WdtTest, Osc32kClockSelectsTheSlowerCount) {
    keyed(W::CTRL, control(7) | W::CTRL_CSSEL);
    const Picos t = picos_for_ticks(256, W::kOsc32kHz);
    clock.run_until(t - 1);
    EXPECT_EQ(resets, 0);
    clock.run_until(t);
    EXPECT_EQ(resets, 1);
}

TEST_F(WdtTest, InterruptModeInterruptsFirstAndResetsOnTheSecondTimeout) {
    wdt.write(W::IER, W::WINT, 4);
    keyed(W::CTRL, control(7) | W::CTRL_IM);
    clock.run_until(timeout(7));
    EXPECT_EQ(resets, 0);
    EXPECT_TRUE(lines.level[44]);
    wdt.write(W::ICR, W::WINT, 4);
    EXPECT_FALSE(lines.level[44]);
    clock.run_until(2 * timeout(7));  // WINT cleared: another interrupt, no reset
    EXPECT_EQ(resets, 0);
    EXPECT_TRUE(lines.level[44]);
    clock.run_until(3 * timeout(7));  // WINT still set: reset
    EXPECT_EQ(resets, 1);
}

}  // namespace
}  // namespace tockemu::sam4l
