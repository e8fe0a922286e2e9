// CRCCU: descriptor DMA through the bus, CRC values against known vectors, timing from
// DIVIDER, DMAISR/ISR and line 17, bus errors on bad descriptor/buffer addresses.
#include "emu/periph/sam4l/crccu.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string_view>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

constexpr std::uint32_t kRam = 0x2000'0000;
constexpr std::uint32_t kDescr = kRam + 0x200;  // 512-byte aligned
constexpr std::uint32_t kData = kRam + 0x1000;
constexpr std::uint32_t kEnable = Crccu::MR_ENABLE;

std::uint32_t reverse_and_invert(std::uint32_t v) {
    std::uint32_t out = 0;
    for (unsigned i = 0; i < 32; ++i) out |= ((v >> i) & 1u) << (31 - i);
    return ~out;
}

class CrccuTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Memory& ram = bus.add_memory("SRAM", kRam, 0x1'0000);
    Crccu crc{ctx};

    void put32(std::uint32_t addr, std::uint32_t v) { bus.write(addr, v, 4, Initiator::Loader); }
    void put_bytes(std::string_view s) {
        std::memcpy(ram.bytes.data() + (kData - kRam), s.data(), s.size());
    }
    // Upstream crccu.rs input(): descriptor, DMAIER, IER, DSCR, MR, DMAEN.
    void start(std::uint32_t length, std::uint32_t mr, bool interrupt = true,
               std::uint32_t width = 0, std::uint32_t ref = 0) {
        put32(kDescr + Crccu::TR_ADDR, kData);
        put32(kDescr + Crccu::TR_CTRL,
              (interrupt ? 0 : Crccu::TR_CTRL_IEN) | (width << 24) | length);
        put32(kDescr + Crccu::TR_CRC, ref);
        crc.write(Crccu::DMAIER, Crccu::kDma, 4);
        crc.write(Crccu::IER, Crccu::kErr, 4);
        crc.write(Crccu::DSCR, kDescr, 4);
        crc.write(Crccu::MR, mr, 4);
        crc.write(Crccu::DMAEN, Crccu::kDma, 4);
    }
    void run_to(Picos t) { clock.run_until(t); }
    void run_all() { clock.run_until(clock.now() + picos_from_ms(10)); }
};

TEST_F(CrccuTest, ResetValuesMatchTheDatasheet) {
    EXPECT_EQ(crc.read(Crccu::SR, 4), 0xFFFF'FFFFu);
    EXPECT_EQ(crc.read(Crccu::VERSION, 4), 0x202u);
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
}

TEST_F(CrccuTest, Crc32Of123456789IsCbf43926AfterUpstreamsReverseAndInvert) {
    put_bytes("123456789");
    crc.write(Crccu::CR, Crccu::CR_RESET, 4);
    start(9, kEnable | (0u << 2));
    run_all();
    const std::uint32_t sr = crc.read(Crccu::SR, 4);
    EXPECT_EQ(sr, 0x9B63'D02Cu);
    EXPECT_EQ(reverse_and_invert(sr), 0xCBF4'3926u);
}

TEST_F(CrccuTest, Crc32cOf123456789IsE3069283AfterReverseAndInvert) {
    put_bytes("123456789");
    start(9, kEnable | (1u << 2));
    run_all();
    EXPECT_EQ(reverse_and_invert(crc.read(Crccu::SR, 4)), 0xE306'9283u);
}

TEST_F(CrccuTest, Ccitt16OfAbcdefgIs1541AsUpstreamQuotesForSilicon) {
    put_bytes("ABCDEFG");
    start(7, kEnable | (2u << 2));
    run_all();
    EXPECT_EQ(crc.read(Crccu::SR, 4) & 0xFFFFu, 0x1541u);
}

TEST_F(CrccuTest, WordTransfersGiveTheSameCrcAsBytes) {
    put_bytes("12345678");
    start(2, kEnable, true, 2);
    run_all();
    const std::uint32_t words = crc.read(Crccu::SR, 4);
    crc.write(Crccu::CR, Crccu::CR_RESET, 4);
    start(8, kEnable);
    run_all();
    EXPECT_EQ(crc.read(Crccu::SR, 4), words);
    EXPECT_EQ(words, Crccu::update(0xFFFF'FFFF, Crccu::Polynomial::Ccitt8023,
                                   reinterpret_cast<const std::uint8_t*>("12345678"), 8));
}

TEST_F(CrccuTest, TwoBuffersWithoutResetChainLikeOne) {
    put_bytes("123456789");
    start(4, kEnable);
    run_all();
    put32(kDescr + Crccu::TR_ADDR, kData + 4);
    put32(kDescr + Crccu::TR_CTRL, 5);
    crc.write(Crccu::DMAEN, Crccu::kDma, 4);
    run_all();
    EXPECT_EQ(reverse_and_invert(crc.read(Crccu::SR, 4)), 0xCBF4'3926u);
}

TEST_F(CrccuTest, TransferTakesOneHsbCyclePerByteTimesTwoToTheDivider) {
    put_bytes("123456789");
    start(9, kEnable | (3u << 4));  // DIVIDER 3: 8 cycles per byte, 72 cycles
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), Crccu::kDma);
    run_to(picos_for_ticks(71, 48'000'000));
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), Crccu::kDma);
    EXPECT_FALSE(lines.level[17]);
    run_to(picos_for_ticks(72, 48'000'000));
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
    EXPECT_TRUE(lines.level[17]);
}

TEST_F(CrccuTest, DmaisrIsClearedByReadingItAndDropsTheLine) {
    put_bytes("abc");
    start(3, kEnable);
    run_all();
    EXPECT_TRUE(lines.level[17]);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), Crccu::kDma);
    EXPECT_FALSE(lines.level[17]);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), 0u);
}

TEST_F(CrccuTest, IenSetInTheDescriptorMeansNoDoneFlag) {
    put_bytes("abc");
    start(3, kEnable, /*interrupt=*/false);
    run_all();
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
    EXPECT_EQ(crc.peek(Crccu::DMAISR, 4), 0u);
    EXPECT_FALSE(lines.level[17]);
}

TEST_F(CrccuTest, DmadisStopsTheTransferBeforeItEnds) {
    put_bytes("123456789");
    start(9, kEnable);
    crc.write(Crccu::DMADIS, Crccu::kDma, 4);
    run_all();
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), 0u);
    EXPECT_EQ(crc.read(Crccu::SR, 4), 0xFFFF'FFFFu);
}

TEST_F(CrccuTest, CompareModeSetsErrOnMismatchOnly) {
    put_bytes("123456789");
    start(9, kEnable | Crccu::MR_COMPARE, true, 0, 0x9B63'D02C);
    run_all();
    EXPECT_EQ(crc.read(Crccu::ISR, 4), 0u);
    crc.write(Crccu::CR, Crccu::CR_RESET, 4);
    crc.read(Crccu::DMAISR, 4);
    start(9, kEnable | Crccu::MR_COMPARE, true, 0, 0x1234'5678);
    run_all();
    crc.read(Crccu::DMAISR, 4);
    EXPECT_TRUE(lines.level[17]);  // ERR & IMR
    EXPECT_EQ(crc.read(Crccu::ISR, 4), Crccu::kErr);
    EXPECT_FALSE(lines.level[17]);
}

TEST_F(CrccuTest, DisabledUnitMovesDataButLeavesSrAlone) {
    put_bytes("123456789");
    start(9, 0);
    run_all();
    EXPECT_EQ(crc.read(Crccu::SR, 4), 0xFFFF'FFFFu);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), Crccu::kDma);
}

TEST_F(CrccuTest, DescriptorInUnmappedMemoryNeverStarts) {
    crc.write(Crccu::DMAIER, Crccu::kDma, 4);
    crc.write(Crccu::DSCR, 0x6000'0000, 4);
    crc.write(Crccu::MR, kEnable, 4);
    crc.write(Crccu::DMAEN, Crccu::kDma, 4);
    run_all();
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), 0u);
    EXPECT_FALSE(lines.level[17]);
}

TEST_F(CrccuTest, BufferRunningOffTheEndOfRamStopsWithThePartialCrc) {
    // The last 4 bytes of SRAM, then 4 unmapped ones.
    const std::uint32_t last = kRam + 0x1'0000 - 4;
    std::memcpy(ram.bytes.data() + (last - kRam), "1234", 4);
    put32(kDescr + Crccu::TR_ADDR, last);
    put32(kDescr + Crccu::TR_CTRL, 8);
    crc.write(Crccu::DMAIER, Crccu::kDma, 4);
    crc.write(Crccu::DSCR, kDescr, 4);
    crc.write(Crccu::MR, kEnable, 4);
    crc.write(Crccu::DMAEN, Crccu::kDma, 4);
    run_all();
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), 0u);
    EXPECT_EQ(crc.read(Crccu::DMAISR, 4), 0u);
    EXPECT_EQ(crc.read(Crccu::SR, 4),
              Crccu::update(0xFFFF'FFFF, Crccu::Polynomial::Ccitt8023,
                            reinterpret_cast<const std::uint8_t*>("1234"), 4));
}

TEST_F(CrccuTest, DscrKeepsOnly512ByteAlignedAddresses) {
    crc.write(Crccu::DSCR, 0x2000'03FF, 4);
    EXPECT_EQ(crc.read(Crccu::DSCR, 4), 0x2000'0200u);
}

TEST_F(CrccuTest, MaskedClockPausesTheTransfer) {
    put_bytes("123456789");
    start(9, kEnable);  // 9 HSB cycles
    const Picos full = picos_for_ticks(9, 48'000'000);
    clock.run_until(full / 3);
    crc.set_clock_running(false);
    clock.run_until(full * 100);
    EXPECT_EQ(crc.read(Crccu::DMASR, 4), Crccu::kDma);
    EXPECT_FALSE(lines.level[17]);
    crc.set_clock_running(true);
    const Picos resumed = clock.now();
    clock.run_until(resumed + (full - full / 3) - 1);
    EXPECT_FALSE(lines.level[17]);
    clock.run_until(resumed + (full - full / 3));
    EXPECT_TRUE(lines.level[17]);
    EXPECT_EQ(crc.read(Crccu::SR, 4), 0x9B63'D02Cu);
}

}  // namespace
}  // namespace tockemu::sam4l
