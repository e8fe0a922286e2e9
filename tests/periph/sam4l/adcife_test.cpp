// ADCIFE: upstream adc.rs's enable/poll sequence, single and continuous sampling timed on
// CLK_ADC, results from host-set voltages, LOVR/SMTRG/TTO/WM, line 69 and the PDCA request.
#include "emu/periph/sam4l/adcife.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink, DmaRequestSink {
    std::map<unsigned, bool> level, dma;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
    void set_dma_request(unsigned pid, bool l) override { dma[pid] = l; }
};

using A = Adcife;
// adc.rs's sample(): MUXNEG 7 (ground pad), INTERNAL 2, 12 bits, software trigger, gain 0.5x,
// unipolar, HWLA.
constexpr std::uint32_t seqcfg(unsigned muxpos, unsigned trgsel = 0) {
    return (7u << 20) | (muxpos << 16) | (2u << 14) | (trgsel << 8) | (7u << 4) | 1u;
}
// CFG: SPEED 300 ksps, REFSEL VCC/2, CLKSEL GCLK10, PRESCAL DIV4.
constexpr std::uint32_t kCfg = (4u << 1);
constexpr std::uint64_t kGclkHz = 32'768;  // GCLK10 from RC32K, as adc.rs picks for 1 kHz
constexpr std::uint64_t kAdcHz = kGclkHz / 4;

class AdcifeTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Adcife adc{ctx, [] { return kGclkHz; }, [] { return std::uint64_t{48'000'000}; }, &lines};

    // adc.rs config_and_enable(): DIS, poll !EN, CFG, TIM (ENSTUP, 0x17), SWRST, EN, poll EN,
    // BGREQEN|REFBUFEN, poll BGREQ|REFBUF|EN. Returns false where upstream returns FAIL.
    bool config_and_enable() {
        adc.write(A::CR, A::CR_DIS, 4);
        for (int t = 10000; adc.read(A::SR, 4) & A::SR_EN;)
            if (--t == 0) return false;
        adc.write(A::CFG, kCfg, 4);
        adc.write(A::TIM, (1u << 8) | 0x17, 4);
        adc.write(A::CR, A::CR_SWRST, 4);
        adc.write(A::CR, A::CR_EN, 4);
        for (int t = 10000; !(adc.read(A::SR, 4) & A::SR_EN);)
            if (--t == 0) return false;
        adc.write(A::CR, A::CR_BGREQEN | A::CR_REFBUFEN, 4);
        constexpr std::uint32_t all = A::SR_BGREQ | A::SR_REFBUF | A::SR_EN;
        for (int t = 100000; (adc.read(A::SR, 4) & all) != all;)
            if (--t == 0) return false;
        return true;
    }
    void sample(unsigned channel) {
        adc.write(A::SEQCFG, seqcfg(channel), 4);
        adc.write(A::SCR, A::kFlags, 4);
        adc.write(A::IER, A::SEOC, 4);
        adc.write(A::CR, A::CR_STRIG, 4);
    }
    Picos adc_cycles(std::uint64_t n) const { return picos_for_ticks(n, kAdcHz); }
};

TEST_F(AdcifeTest, UpstreamConfigAndEnableSucceeds) {
    EXPECT_TRUE(config_and_enable());
}

TEST_F(AdcifeTest, FirstSampleEndsAfterStartupPlusEightAdcCycles) {
    ASSERT_TRUE(config_and_enable());
    const Picos t0 = clock.now();
    sample(0);
    clock.run_until(t0 + adc_cycles(24 + 8) - 1);
    EXPECT_FALSE(lines.level[69]);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SR_CBUSY);
    clock.run_until(t0 + adc_cycles(24 + 8));
    EXPECT_TRUE(lines.level[69]);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SEOC);
    // A second sample has no start-up time.
    adc.write(A::SCR, A::SEOC, 4);
    EXPECT_FALSE(lines.level[69]);
    const Picos t1 = clock.now();
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(t1 + adc_cycles(8) - 1);
    EXPECT_FALSE(lines.level[69]);
    clock.run_until(t1 + adc_cycles(8));
    EXPECT_TRUE(lines.level[69]);
}

TEST_F(AdcifeTest, ResultFollowsTheHostVoltageWithUpstreamsGainAndReference) {
    ASSERT_TRUE(config_and_enable());
    adc.set_input_mv(3, 1650);  // VCC/2 at gain 0.5 over VCC/2: half scale
    sample(3);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4), (3u << 16) | (7u << 20) | (2048u << 4));
    adc.set_input_mv(3, 3300);  // full scale clamps to 4095
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4) & 0xFFFFu, 4095u << 4);
    adc.set_input_mv(3, 0);
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4) & 0xFFFFu, 0u);
}

TEST_F(AdcifeTest, DefaultChannelLevelsAreFixedPerChannel) {
    ASSERT_TRUE(config_and_enable());
    sample(0);  // AD0 = 200 mV: 200 * 4096 / 3300 = 248
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4) & 0xFFFFu, 248u << 4);
}

TEST_F(AdcifeTest, EightBitRightAdjustedGainOneAgainstOneVolt) {
    ASSERT_TRUE(config_and_enable());
    adc.write(A::CFG, 0, 4);  // REFSEL internal 1.0 V
    adc.set_input_mv(5, 500);
    adc.write(A::SEQCFG, (5u << 16) | (1u << 12), 4);  // AD5 - AD0 (200 mV), 8 bit, gain 1
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4) & 0xFFFFu, 300u * 256 / 1000);
}

TEST_F(AdcifeTest, UnreadResultOverwrittenSetsLovr) {
    ASSERT_TRUE(config_and_enable());
    sample(1);
    clock.run_until(clock.now() + picos_from_ms(10));
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_TRUE(adc.read(A::SR, 4) & A::LOVR);
    adc.read(A::LCV, 4);
    adc.write(A::SCR, A::kFlags, 4);
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_FALSE(adc.read(A::SR, 4) & A::LOVR);
}

TEST_F(AdcifeTest, TriggerDuringAConversionIsMissed) {
    ASSERT_TRUE(config_and_enable());
    sample(1);
    adc.write(A::CR, A::CR_STRIG, 4);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SMTRG);
}

TEST_F(AdcifeTest, ContinuousModeConvertsBackToBack) {
    ASSERT_TRUE(config_and_enable());
    adc.write(A::SEQCFG, seqcfg(2, 3), 4);  // adc.rs sample_continuous on the RC clock
    adc.write(A::CR, A::CR_TSTOP, 4);
    adc.write(A::SCR, A::kFlags, 4);
    adc.write(A::IER, A::SEOC, 4);
    adc.write(A::CR, A::CR_TSTART, 4);
    const Picos t0 = clock.now();
    int samples = 0;
    // First result after start-up + 8 cycles, then one every 8 cycles.
    for (Picos t = t0; t < t0 + adc_cycles(24 + 8 * 10); t += adc_cycles(1) / 4) {
        clock.run_until(t);
        if (adc.read(A::SR, 4) & A::SEOC) {
            ++samples;
            adc.read(A::LCV, 4);
            adc.write(A::SCR, A::SEOC, 4);
        }
    }
    EXPECT_EQ(samples, 9);
}

TEST_F(AdcifeTest, InternalTimerTriggersEveryItmcPlusOneCycles) {
    ASSERT_TRUE(config_and_enable());
    adc.write(A::SEQCFG, seqcfg(2, 1), 4);
    adc.write(A::ITIMER, 99, 4);
    adc.write(A::IER, A::TTO, 4);
    const Picos t0 = clock.now();
    adc.write(A::CR, A::CR_TSTART, 4);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SR_TBUSY);
    clock.run_until(t0 + adc_cycles(100) - 1);
    EXPECT_FALSE(lines.level[69]);
    clock.run_until(t0 + adc_cycles(100));
    EXPECT_TRUE(lines.level[69]);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::TTO);
    clock.run_until(t0 + adc_cycles(100 + 24 + 8));
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SEOC);
    adc.write(A::CR, A::CR_TSTOP, 4);
    EXPECT_FALSE(adc.read(A::SR, 4) & A::SR_TBUSY);
}

TEST_F(AdcifeTest, PdcaRequestIsHighWhileAResultIsUnread) {
    ASSERT_TRUE(config_and_enable());
    sample(4);
    EXPECT_FALSE(lines.dma[A::kPidRx]);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_TRUE(lines.dma[A::kPidRx]);
    adc.read(A::LCV, 2);
    EXPECT_FALSE(lines.dma[A::kPidRx]);
}

TEST_F(AdcifeTest, WindowMonitorFlagsResultsAboveTheLowThreshold) {
    ASSERT_TRUE(config_and_enable());
    adc.write(A::WCFG, 1u << 12, 4);
    adc.write(A::WTH, (4000u << 16) | 1000u, 4);
    adc.set_input_mv(6, 1650);  // 2048 > 1000
    sample(6);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_TRUE(adc.read(A::SR, 4) & A::WM);
    adc.write(A::SCR, A::kFlags, 4);
    adc.set_input_mv(6, 100);  // 124 < 1000
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_FALSE(adc.read(A::SR, 4) & A::WM);
}

TEST_F(AdcifeTest, DisabledAdcIgnoresTriggersAndDacInputReadsTheDac) {
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(picos_from_ms(10));
    EXPECT_FALSE(adc.read(A::SR, 4) & A::SEOC);
    ASSERT_TRUE(config_and_enable());
    adc.set_dac_source([] { return std::uint32_t{825}; });
    adc.write(A::SEQCFG, (7u << 20) | (3u << 16) | (3u << 14) | (7u << 4), 4);
    adc.write(A::CR, A::CR_STRIG, 4);
    clock.run_until(clock.now() + picos_from_ms(10));
    EXPECT_EQ(adc.read(A::LCV, 4) & 0xFFFFu, 1024u);
}

TEST_F(AdcifeTest, MaskedClockPausesTheConversionInFlight) {
    ASSERT_TRUE(config_and_enable());
    sample(1);
    const Picos t0 = clock.now();
    const Picos conv = adc_cycles(24 + 8);
    clock.run_until(t0 + conv / 2);
    adc.set_clock_running(false);
    clock.run_until(t0 + conv * 10);
    EXPECT_FALSE(lines.level[69]);
    adc.set_clock_running(true);
    EXPECT_TRUE(adc.read(A::SR, 4) & A::SR_CBUSY);
    const Picos resumed = clock.now();
    clock.run_until(resumed + (t0 + conv - (t0 + conv / 2)) - 1);
    EXPECT_FALSE(lines.level[69]);
    clock.run_until(resumed + (t0 + conv - (t0 + conv / 2)));
    EXPECT_TRUE(lines.level[69]);
}

}  // namespace
}  // namespace tockemu::sam4l
