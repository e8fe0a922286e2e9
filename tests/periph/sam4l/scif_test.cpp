// SCIF: OSC0 start-up and PLL0 lock in virtual time, the PLL frequency formula, DFLL, RC80M and
// RCFAST read-backs, generic clocks, interrupts on ready flags, the never-ready report.
#include "emu/periph/sam4l/scif.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct ScifTest : ::testing::Test {
    Clock clock{48'000'000};
    ClockTree clocks{48'000'000};
    Lines irq;
    Scif scif{clocks, clock, &irq, 23};

    void locked_write(std::uint32_t off, std::uint32_t v) {
        scif.write(Scif::UNLOCK, 0xAA00'0000u | off, 4);
        scif.write(off, v, 4);
    }
    void run_to(Picos t) {
        for (auto d = clock.next_deadline(); d && *d <= t; d = clock.next_deadline()) {
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(t);
    }
    std::uint32_t pclksr() { return scif.read(Scif::PCLKSR, 4); }
};

TEST_F(ScifTest, Osc0IsReadyAfterItsStartupTimeInRcsysCycles) {
    locked_write(Scif::OSCCTRL0, 0x0001'0E01);  // STARTUP 14 = 1024 RCSYS cycles
    const Picos due = picos_for_ticks(1024, 115'200);
    run_to(due - 1);
    EXPECT_FALSE(pclksr() & Scif::kOSC0RDY);
    run_to(due);
    EXPECT_TRUE(pclksr() & Scif::kOSC0RDY);
    EXPECT_EQ(clocks.osc0_hz, 16'000'000u);
}

TEST_F(ScifTest, Pll0LocksAfterPllcountCyclesAt48MHzFromTheHailCrystal) {
    locked_write(Scif::OSCCTRL0, 0x0001'0101);  // STARTUP 1 = 64 cycles
    run_to(picos_for_ticks(64, 115'200));
    const Picos start = clock.now();
    locked_write(Scif::PLL0, 0x3F05'0111);
    run_to(start + picos_for_ticks(63, 115'200) - 1);
    EXPECT_FALSE(pclksr() & Scif::kPLL0LOCK);
    run_to(start + picos_for_ticks(63, 115'200));
    EXPECT_TRUE(pclksr() & Scif::kPLL0LOCK);
    EXPECT_EQ(clocks.pll0_hz, 48'000'000u);
}

TEST_F(ScifTest, PllWaitsForItsReferenceAndLocksAfterIt) {
    locked_write(Scif::PLL0, 0x3F05'0111);
    run_to(picos_from_ms(1));
    EXPECT_FALSE(pclksr() & Scif::kPLL0LOCK);
    locked_write(Scif::OSCCTRL0, 0x0001'0101);
    run_to(picos_from_ms(3));
    EXPECT_TRUE(pclksr() & Scif::kPLL0LOCK);
}

TEST_F(ScifTest, DisablingTheOscillatorClearsItsReadyBit) {
    locked_write(Scif::OSCCTRL0, 0x0001'0001);  // STARTUP 0
    run_to(clock.now());
    clock.run_due();
    EXPECT_TRUE(pclksr() & Scif::kOSC0RDY);
    locked_write(Scif::OSCCTRL0, 0);
    EXPECT_FALSE(pclksr() & Scif::kOSC0RDY);
    EXPECT_EQ(clocks.osc0_hz, 0u);
}

TEST_F(ScifTest, WriteWithoutUnlockIsDiscardedWithAccessError) {
    scif.write(Scif::PLL0, 0x3F05'0111, 4);
    EXPECT_EQ(scif.read(Scif::PLL0, 4), 0u);
    EXPECT_TRUE(scif.read(Scif::ISR, 4) & Scif::kAE);
}

TEST_F(ScifTest, ReadyFlagRaisesTheScifInterruptWhenEnabled) {
    scif.write(Scif::IER, Scif::kOSC0RDY, 4);
    locked_write(Scif::OSCCTRL0, 0x0001'0101);
    EXPECT_FALSE(irq.level[23]);
    run_to(picos_from_ms(1));
    EXPECT_TRUE(irq.level[23]);
    scif.write(Scif::ICR, Scif::kOSC0RDY, 4);
    EXPECT_FALSE(irq.level[23]);
}

TEST_F(ScifTest, DfllClosedLoopFromRc32kThroughGclk0) {
    clocks.rc32k_hz = k32kHz;
    scif.write(Scif::GCCTRL0, (13u << 8) | 1, 4);  // RC32K, CEN (no unlock, as Tock)
    locked_write(Scif::DFLL0CONF, 1);
    EXPECT_TRUE(pclksr() & Scif::kDFLL0RDY);
    locked_write(Scif::DFLL0MUL, 1464);
    locked_write(Scif::DFLL0CONF, 0x0002'0003);  // EN, closed loop, RANGE 2
    EXPECT_TRUE(pclksr() & Scif::kDFLL0LOCKF);
    EXPECT_EQ(clocks.dfll0_hz, 1464u * 32'768u);
}

// Upstream Tock (chips/sam4l/src/scif.rs, setup_dfll_rc32k_48mhz) writes DFLL0SYNC and polls
// PCLKSR.DFLL0RDY before it enables the DFLL, then polls it after each DFLL0 register write.
TEST_F(ScifTest, DfllRegistersAreReadyAfterSyncBeforeTheDfllIsEnabled) {
    EXPECT_FALSE(pclksr() & Scif::kDFLL0RDY) << "reset value";
    scif.write(Scif::DFLL0SYNC, 1, 4);  // no unlock, as Tock
    EXPECT_TRUE(pclksr() & Scif::kDFLL0RDY);
    EXPECT_FALSE(pclksr() & Scif::kDFLL0LOCKF);
    EXPECT_EQ(clocks.dfll0_hz, 0u) << "synchronised, not running";
    locked_write(Scif::DFLL0STEP, (4u << 16) | 4u);
    EXPECT_TRUE(pclksr() & Scif::kDFLL0RDY);
}

TEST_F(ScifTest, Rc80mAndRcfastEnableBitsReadBack) {
    locked_write(Scif::RC80MCR, 1);
    EXPECT_EQ(scif.read(Scif::RC80MCR, 4) & 1u, 1u);
    EXPECT_EQ(clocks.rc80m_hz, 80'000'000u);
    locked_write(Scif::RCFASTCFG, (2u << 8) | 1);
    EXPECT_EQ(scif.read(Scif::RCFASTCFG, 4) & 1u, 1u);
    EXPECT_EQ(clocks.rcfast_hz, 12'000'000u);
}

TEST_F(ScifTest, GenericClockDividerHalvesPerDivPlusOne) {
    scif.write(Scif::GCCTRL0 + 4 * 2, (3u << 16) | (0u << 8) | 3, 4);  // RCSYS / (2*(3+1))
    EXPECT_EQ(scif.gclk_hz(2), 115'200u / 8);
}

TEST_F(ScifTest, PolledLockThatNeverComesIsReportedOnceByName) {
    locked_write(Scif::PLL0, 0x3F05'0111);  // no reference oscillator
    for (unsigned i = 0; i < PollWatch::kDefaultLimit + 10; ++i) pclksr();
    ASSERT_EQ(scif.warnings().size(), 1u);
    EXPECT_NE(scif.warnings()[0].find("PLL0LOCK"), std::string::npos);
    EXPECT_EQ(scif.warnings()[0].find("OSC0RDY"), std::string::npos) << "OSC0 was never enabled";
}

}  // namespace
}  // namespace tockemu::sam4l
