// BPM: PSOK out of reset (Tock polls it first), power-scaling request completion, CK32S.
#include "emu/periph/sam4l/bpm.hpp"

#include <gtest/gtest.h>

namespace tockemu::sam4l {
namespace {

TEST(Bpm, PsokReadsOneOutOfReset) {
    ClockTree clocks;
    Bpm bpm(clocks, nullptr, 37);
    EXPECT_EQ(bpm.read(Bpm::SR, 4) & Bpm::kPSOK, 1u);
}

TEST(Bpm, PowerScalingRequestCompletesAtOnce) {
    ClockTree clocks;
    Bpm bpm(clocks, nullptr, 37);
    const std::uint32_t v = bpm.read(Bpm::PMCON, 4);
    bpm.write(Bpm::UNLOCK, 0xAA00'001C, 4);
    bpm.write(Bpm::PMCON, v | 0xE, 4);  // PS2 | PSCM | PSCREQ, as Tock
    EXPECT_EQ(bpm.power_scaling(), 2u);
    EXPECT_EQ(bpm.read(Bpm::PMCON, 4) & Bpm::kPSCREQ, 0u);
    EXPECT_TRUE(bpm.read(Bpm::SR, 4) & Bpm::kPSOK);
    EXPECT_TRUE(bpm.read(Bpm::ISR, 4) & Bpm::kPSOK);
}

TEST(Bpm, Ck32sSelectsRc32kAsThe32kHzClock) {
    ClockTree clocks;
    clocks.rc32k_hz = k32kHz;
    Bpm bpm(clocks, nullptr, 37);
    EXPECT_EQ(clocks.clk32k_hz(), 0u);  // OSC32K is off
    bpm.write(Bpm::UNLOCK, 0xAA00'001C, 4);
    bpm.write(Bpm::PMCON, Bpm::kCK32S, 4);
    EXPECT_EQ(clocks.clk32k_hz(), 32'768u);
}

TEST(Bpm, PmconIsProtected) {
    ClockTree clocks;
    Bpm bpm(clocks, nullptr, 37);
    bpm.write(Bpm::PMCON, 0x2, 4);
    EXPECT_EQ(bpm.read(Bpm::PMCON, 4), 0u);
    EXPECT_TRUE(bpm.read(Bpm::SR, 4) & Bpm::kAE);
}

}  // namespace
}  // namespace tockemu::sam4l
