// DACC: upstream dac.rs initialize/set_value, conversion pacing from CLKDIV, the output seen by
// the host, word mode, TXRDY interrupt and PDCA request, write protection.
#include "emu/periph/sam4l/dacc.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink, DmaRequestSink {
    std::map<unsigned, bool> level, dma;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
    void set_dma_request(unsigned pid, bool l) override { dma[pid] = l; }
};

using D = Dacc;
constexpr std::uint64_t kPba = 48'000'000;
// dac.rs initialize(): half-word, STARTUP 0xFF, CLKDIV 0x60, internal trigger, DACEN.
constexpr std::uint32_t kUpstreamMr = (0x60u << 16) | (0xFFu << 8) | D::MR_DACEN;

class DaccTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Dacc dac{ctx, [] { return kPba; }, &lines};
    std::vector<std::uint32_t> outputs;

    void SetUp() override {
        dac.on_output = [this](std::uint32_t c) { outputs.push_back(c); };
    }
    void initialize() {
        dac.write(D::CR, D::CR_SWRST, 4);
        dac.write(D::MR, kUpstreamMr, 4);
    }
    // dac.rs set_value(): EBUSY (false) unless TXRDY.
    bool set_value(std::uint32_t v) {
        if (!(dac.read(D::ISR, 4) & D::TXRDY)) return false;
        dac.write(D::CDR, v, 4);
        return true;
    }
};

TEST_F(DaccTest, NotReadyUntilEnabled) {
    EXPECT_EQ(dac.read(D::ISR, 4), 0u);
    EXPECT_EQ(dac.read(D::VERSION, 4), 0x111u);
    initialize();
    EXPECT_EQ(dac.read(D::ISR, 4), D::TXRDY);
}

TEST_F(DaccTest, SetValueConvertsAfterClkdivPbaCycles) {
    initialize();
    ASSERT_TRUE(set_value(512));
    EXPECT_FALSE(set_value(100));  // EBUSY while converting
    clock.run_until(picos_for_ticks(0x60, kPba) - 1);
    EXPECT_EQ(dac.output_code(), 0u);
    clock.run_until(picos_for_ticks(0x60, kPba));
    EXPECT_EQ(dac.output_code(), 512u);
    EXPECT_EQ(dac.output_mv(), 1650u);
    EXPECT_EQ(outputs, (std::vector<std::uint32_t>{512}));
    EXPECT_TRUE(set_value(1023));
}

TEST_F(DaccTest, OnlyTenBitsAreConverted) {
    initialize();
    set_value(0xFFFF);
    clock.run_until(picos_from_us(10));
    EXPECT_EQ(dac.output_code(), 0x3FFu);
}

TEST_F(DaccTest, WordModeConvertsBothHalvesInTurn) {
    dac.write(D::MR, kUpstreamMr | D::MR_WORD, 4);
    dac.write(D::CDR, (300u << 16) | 100u, 4);
    clock.run_until(picos_for_ticks(0x60, kPba));
    EXPECT_EQ(dac.output_code(), 100u);
    EXPECT_EQ(dac.read(D::ISR, 4), 0u);
    clock.run_until(picos_for_ticks(2 * 0x60, kPba));
    EXPECT_EQ(dac.output_code(), 300u);
    EXPECT_EQ(dac.read(D::ISR, 4), D::TXRDY);
}

TEST_F(DaccTest, TxrdyDrivesTheLineAndThePdcaRequest) {
    initialize();
    EXPECT_TRUE(lines.dma[D::kPidTx]);
    EXPECT_FALSE(lines.level[70]);
    dac.write(D::IER, D::TXRDY, 4);
    EXPECT_TRUE(lines.level[70]);
    dac.write(D::CDR, 7, 4);
    EXPECT_FALSE(lines.level[70]);
    EXPECT_FALSE(lines.dma[D::kPidTx]);
    clock.run_until(picos_from_us(10));
    EXPECT_TRUE(lines.level[70]);
    EXPECT_TRUE(lines.dma[D::kPidTx]);
}

TEST_F(DaccTest, SoftwareResetDisablesButTheOutputHoldsItsLevel) {
    initialize();
    set_value(200);
    clock.run_until(picos_from_us(10));
    dac.write(D::CR, D::CR_SWRST, 4);
    EXPECT_EQ(dac.read(D::MR, 4), 0u);
    EXPECT_EQ(dac.read(D::ISR, 4), 0u);
    EXPECT_EQ(dac.output_code(), 200u);
}

TEST_F(DaccTest, WriteProtectionDropsModeWritesAndReportsThem) {
    dac.write(D::WPMR, (D::kWpKey << 8) | 1u, 4);
    dac.write(D::MR, kUpstreamMr, 4);
    EXPECT_EQ(dac.read(D::MR, 4), 0u);
    EXPECT_EQ(dac.read(D::WPSR, 4), (D::MR << 8) | 1u);
    EXPECT_EQ(dac.read(D::WPSR, 4), 0u);
    dac.write(D::WPMR, 0, 4);  // wrong key: ignored, still protected
    dac.write(D::MR, kUpstreamMr, 4);
    EXPECT_EQ(dac.read(D::MR, 4), 0u);
    dac.write(D::WPMR, D::kWpKey << 8, 4);
    dac.write(D::MR, kUpstreamMr, 4);
    EXPECT_EQ(dac.read(D::MR, 4), kUpstreamMr);
}

TEST_F(DaccTest, MaskedClockPausesAConversionWithItsRemainingTime) {
    initialize();
    set_value(300);
    const Picos conv = picos_for_ticks(0x60, kPba);
    clock.run_until(conv / 2);
    dac.set_clock_running(false);
    clock.run_until(conv * 10);
    EXPECT_EQ(dac.output_code(), 0u);
    dac.set_clock_running(true);
    const Picos resumed = clock.now();
    clock.run_until(resumed + (conv - conv / 2) - 1);
    EXPECT_EQ(dac.output_code(), 0u);
    clock.run_until(resumed + (conv - conv / 2));
    EXPECT_EQ(dac.output_code(), 300u);
}

}  // namespace
}  // namespace tockemu::sam4l
