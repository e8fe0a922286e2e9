// BSCIF: RC32K enable read-back (Tock's boot poll), OSC32K start-up time, RC1M, backup registers.
#include "emu/periph/sam4l/bscif.hpp"

#include <gtest/gtest.h>

namespace tockemu::sam4l {
namespace {

struct BscifTest : ::testing::Test {
    Clock clock{48'000'000};
    ClockTree clocks{48'000'000};
    Bscif bscif{clocks, clock, nullptr, 38};

    void locked_write(std::uint32_t off, std::uint32_t v) {
        bscif.write(Bscif::UNLOCK, 0xAA00'0000u | off, 4);
        bscif.write(off, v, 4);
    }
};

TEST_F(BscifTest, TockRc32kSequenceReadsBackEnAndStartsThe32kClock) {
    const std::uint32_t v = bscif.read(Bscif::RC32KCR, 4);
    locked_write(Bscif::RC32KCR, v | 0x7);
    EXPECT_EQ(bscif.read(Bscif::RC32KCR, 4) & 1u, 1u);
    EXPECT_TRUE(bscif.read(Bscif::PCLKSR, 4) & Bscif::kRC32KRDY);
    EXPECT_EQ(clocks.rc32k_hz, 32'768u);
    locked_write(Bscif::RC32KTUNE, 0x001D'0015);
    EXPECT_EQ(bscif.read(Bscif::RC32KTUNE, 4), 0x001D'0015u);
}

TEST_F(BscifTest, Osc32kIsReadyAfterItsStartupTime) {
    locked_write(Bscif::OSCCTRL32, (2u << 16) | 0x5);  // STARTUP 2 = 72 ms, EN32K, OSC32EN
    clock.advance_to(picos_from_ms(72) - 1);
    clock.run_due();
    EXPECT_FALSE(bscif.read(Bscif::PCLKSR, 4) & Bscif::kOSC32RDY);
    clock.advance_to(picos_from_ms(72));
    clock.run_due();
    EXPECT_TRUE(bscif.read(Bscif::PCLKSR, 4) & Bscif::kOSC32RDY);
    EXPECT_EQ(clocks.osc32k_hz, 32'768u);
}

TEST_F(BscifTest, Rc1mClockOutputEnableReadsBack) {
    locked_write(Bscif::RC1MCR, bscif.read(Bscif::RC1MCR, 4) | 1);
    EXPECT_EQ(bscif.read(Bscif::RC1MCR, 4) & 1u, 1u);
    EXPECT_TRUE(bscif.read(Bscif::PCLKSR, 4) & Bscif::kRC1MRDY);
}

TEST_F(BscifTest, UnlockedWriteIsRequiredForRc32kcr) {
    bscif.write(Bscif::RC32KCR, 0x7, 4);
    EXPECT_EQ(bscif.read(Bscif::RC32KCR, 4), 0u);
    EXPECT_TRUE(bscif.read(Bscif::ISR, 4) & Bscif::kAE);
}

TEST_F(BscifTest, BackupRegistersSurviveReset) {
    bscif.write(Bscif::BR0 + 4, 0xCAFE'F00D, 4);
    bscif.reset();
    EXPECT_EQ(bscif.read(Bscif::BR0 + 4, 4), 0xCAFE'F00Du);
}

}  // namespace
}  // namespace tockemu::sam4l
