// TC: counting from the PBA dividers, RC compare with reset, overflow, CPCSTOP, SR read-to-clear
// and the per-channel lines, at exact virtual times.
#include "emu/periph/sam4l/tc.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct TcTest : ::testing::Test {
    Clock clock{48'000'000};
    Lines irq;
    Tc tc{"TC0", clock, [] { return 0; }, [] { return 48'000'000; }, &irq, 55};

    void run_to(Picos t) {
        for (auto d = clock.next_deadline(); d && *d <= t; d = clock.next_deadline()) {
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(t);
        clock.run_due();
    }
    void w(unsigned ch, std::uint32_t off, std::uint32_t v) {
        tc.write(Tc::kStride * ch + off, v, 4);
    }
    std::uint32_t r(unsigned ch, std::uint32_t off) { return tc.read(Tc::kStride * ch + off, 4); }
};

TEST_F(TcTest, CountsAtPbaOver8WithTimerClock3) {
    w(0, Tc::CMR, 2);  // TIMER_CLOCK3 = PBA / 8 = 6 MHz
    w(0, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    EXPECT_TRUE(r(0, Tc::SR) & Tc::SR_CLKSTA);
    run_to(clock.now() + picos_from_us(1000));
    EXPECT_EQ(r(0, Tc::CV), 6000u);
}

TEST_F(TcTest, RcCompareInWaveformUpModeWithTriggerRaisesCpcsAndRestarts) {
    // WAVE, WAVSEL = 2 (up with RC trigger), TIMER_CLOCK2 = 24 MHz, RC = 23: 1 us period.
    w(1, Tc::CMR, Tc::CMR_WAVE | (2u << 13) | 1);
    w(1, Tc::RC, 23);
    w(1, Tc::IER, Tc::SR_CPCS);
    const Picos start = clock.now();
    w(1, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    const Picos due = start + 958'334;  // 23 counts of 1/24 us, rounded up
    run_to(due - 1);
    EXPECT_FALSE(irq.level[56]);
    run_to(due);
    EXPECT_TRUE(irq.level[56]);
    EXPECT_EQ(r(1, Tc::CV), 23u);
    run_to(start + picos_from_us(1));
    EXPECT_EQ(r(1, Tc::CV), 0u);
    EXPECT_TRUE(r(1, Tc::SR) & Tc::SR_CPCS);  // reading clears it
    EXPECT_FALSE(irq.level[56]);
    EXPECT_FALSE(r(1, Tc::SR) & Tc::SR_CPCS);
    run_to(start + picos_from_us(2) - 41'666);  // CV = 23 again
    EXPECT_TRUE(r(1, Tc::SR) & Tc::SR_CPCS);
}

TEST_F(TcTest, OverflowAfter65536Counts) {
    w(2, Tc::CMR, 4);  // PBA / 128 = 375 kHz
    w(2, Tc::IER, Tc::SR_COVFS);
    const Picos start = clock.now();
    w(2, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    run_to(start + picos_for_ticks(65536, 375'000) + 1);
    EXPECT_TRUE(irq.level[57]);
    EXPECT_EQ(r(2, Tc::CV), 0u);
}

TEST_F(TcTest, CpcStopHaltsTheCounterAtRcUntilTheNextTrigger) {
    w(0, Tc::CMR, Tc::CMR_WAVE | Tc::CMR_CPCSTOP | 2);
    w(0, Tc::RC, 100);
    w(0, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    run_to(clock.now() + picos_from_ms(1));
    EXPECT_EQ(r(0, Tc::CV), 100u);
    w(0, Tc::CCR, Tc::CCR_SWTRG);
    EXPECT_EQ(r(0, Tc::CV), 0u);
    run_to(clock.now() + picos_from_us(1));
    EXPECT_EQ(r(0, Tc::CV), 6u);
}

TEST_F(TcTest, ClockDisableFreezesTheCounter) {
    w(0, Tc::CMR, 2);
    w(0, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    run_to(clock.now() + picos_from_us(10));
    w(0, Tc::CCR, Tc::CCR_CLKDIS);
    EXPECT_FALSE(r(0, Tc::SR) & Tc::SR_CLKSTA);
    run_to(clock.now() + picos_from_us(10));
    EXPECT_EQ(r(0, Tc::CV), 60u);
}

TEST_F(TcTest, RaAndRbComparesInWaveformMode) {
    w(0, Tc::CMR, Tc::CMR_WAVE | 2);
    w(0, Tc::RA, 10);
    w(0, Tc::RB, 20);
    w(0, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    run_to(clock.now() + picos_from_us(2));  // 12 counts: RA passed, RB not yet
    EXPECT_EQ(r(0, Tc::SR) & (Tc::SR_CPAS | Tc::SR_CPBS), Tc::SR_CPAS);
    run_to(clock.now() + picos_from_us(2));
    EXPECT_EQ(r(0, Tc::SR) & (Tc::SR_CPAS | Tc::SR_CPBS), Tc::SR_CPBS);
}

TEST_F(TcTest, CaptureModeRcTriggerRestartsTheCounter) {
    w(0, Tc::CMR, Tc::CMR_CPCTRG | 2);  // capture mode, reset on RC compare, 6 MHz
    w(0, Tc::RC, 5);
    w(0, Tc::CCR, Tc::CCR_CLKEN | Tc::CCR_SWTRG);
    const Picos start = clock.now();
    run_to(start + picos_for_ticks(6, 6'000'000) + 1);  // the count after RC
    EXPECT_EQ(r(0, Tc::CV), 0u);
    EXPECT_TRUE(r(0, Tc::SR) & Tc::SR_CPCS);
    run_to(start + picos_for_ticks(8, 6'000'000) + 1);
    EXPECT_EQ(r(0, Tc::CV), 2u);
}

TEST_F(TcTest, BlockSyncTriggersAllThreeChannels) {
    for (unsigned ch = 0; ch < 3; ++ch) {
        w(ch, Tc::CMR, 2);
        w(ch, Tc::CCR, Tc::CCR_CLKEN);
    }
    run_to(clock.now() + picos_from_us(10));
    tc.write(Tc::BCR, 1, 4);
    for (unsigned ch = 0; ch < 3; ++ch) EXPECT_EQ(r(ch, Tc::CV), 0u) << ch;
    run_to(clock.now() + picos_from_us(1));
    for (unsigned ch = 0; ch < 3; ++ch) EXPECT_EQ(r(ch, Tc::CV), 6u) << ch;
}

}  // namespace
}  // namespace tockemu::sam4l
