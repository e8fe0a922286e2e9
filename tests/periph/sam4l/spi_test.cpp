// SPI master model: registers, transfer timing from CSRn, chip-select handling, IRQ and DMA lines.
#include "emu/periph/sam4l/spi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink, DmaRequestSink {
    std::map<unsigned, bool> irq, dma;
    void set_irq_level(unsigned n, bool level) override { irq[n] = level; }
    void set_dma_request(unsigned pid, bool level) override { dma[pid] = level; }
};

// Records what it sees on its chip select and answers a fixed pattern.
struct Probe : SpiDevice {
    std::vector<std::string>* log;
    std::uint16_t answer;
    Probe(std::vector<std::string>* l, std::uint16_t a) : log(l), answer(a) {}
    std::string_view name() const override { return "probe"; }
    void select() override { log->push_back("sel"); }
    void deselect() override { log->push_back("desel"); }
    std::uint16_t exchange(std::uint16_t mosi, unsigned bits) override {
        log->push_back(std::to_string(mosi) + "/" + std::to_string(bits));
        return answer;
    }
};

constexpr std::uint32_t kFixedCs0 = Spi::MR_MSTR | Spi::MR_MODFDIS | (0xEu << 16);
// SCBR = 48 at 48 MHz: SPCK = 1 MHz, one bit per microsecond.
constexpr std::uint32_t kCsr1MHz = 48u << 8;

class SpiTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    Bus bus;
    Lines lines;
    EventHub hub;
    MachineContext ctx{clock, bus, lines, hub};
    Spi spi{ctx, [] { return std::uint64_t{48'000'000}; }, &lines};
    std::vector<std::string> log;

    void run_to(Picos t) {
        while (auto d = clock.next_deadline()) {
            if (*d > t) break;
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(t);
    }
    void run_for(Picos dt) { run_to(clock.now() + dt); }
    std::uint32_t sr() { return spi.peek(Spi::SR, 4); }
    void enable_cs0(std::uint32_t csr = kCsr1MHz) {
        spi.write(Spi::MR, kFixedCs0, 4);
        spi.write(Spi::CSR0, csr, 4);
        spi.write(Spi::CR, Spi::CR_SPIEN, 4);
    }
};

TEST_F(SpiTest, ResetValuesMatchTheDatasheetTable) {
    EXPECT_EQ(spi.read(Spi::VERSION, 4), 0x211u);
    EXPECT_EQ(spi.read(Spi::SR, 4), 0xF0u) << "TDRE = 0 while disabled; legacy PDC bits as ASF";
    EXPECT_EQ(spi.read(Spi::MR, 4), 0u);
}

TEST_F(SpiTest, EnableSetsTdreTxemptyAndSpiens) {
    spi.write(Spi::CR, Spi::CR_SPIEN, 4);
    EXPECT_EQ(sr() & (Spi::SR_TDRE | Spi::SR_TXEMPTY | Spi::SR_SPIENS),
              Spi::SR_TDRE | Spi::SR_TXEMPTY | Spi::SR_SPIENS);
    spi.write(Spi::CR, Spi::CR_SPIDIS, 4);
    EXPECT_EQ(sr() & (Spi::SR_TDRE | Spi::SR_SPIENS), 0u);
}

TEST_F(SpiTest, CharacterTakesHalfAClockOfSetupPlusEightBitPeriods) {
    spi.attach(0, std::make_unique<SpiLoopbackDevice>());
    enable_cs0();
    const Picos start = clock.now();
    spi.write(Spi::TDR, 0xA5, 4);
    EXPECT_TRUE(sr() & Spi::SR_TDRE) << "TDR moved to the shifter at once";
    EXPECT_FALSE(sr() & Spi::SR_TXEMPTY);
    const Picos done = start + picos_from_ns(500) + picos_from_us(8);
    run_to(done - 1);
    EXPECT_FALSE(sr() & Spi::SR_RDRF);
    run_to(done);
    EXPECT_TRUE(sr() & Spi::SR_RDRF);
    EXPECT_TRUE(sr() & Spi::SR_TXEMPTY);
    EXPECT_EQ(spi.read(Spi::RDR, 4), 0xA5u);
    EXPECT_FALSE(sr() & Spi::SR_RDRF);
}

TEST_F(SpiTest, DlybsAndDlybctStretchTheTransfer) {
    // DLYBS = 96 cycles (2 us), DLYBCT = 3 (96 cycles, 2 us) after the character.
    enable_cs0(kCsr1MHz | (96u << 16) | (3u << 24));
    const Picos start = clock.now();
    spi.write(Spi::TDR, 0x01, 4);
    run_to(start + picos_from_us(10));
    EXPECT_TRUE(sr() & Spi::SR_RDRF);
    EXPECT_FALSE(sr() & Spi::SR_TXEMPTY) << "DLYBCT still running";
    run_to(start + picos_from_us(12));
    EXPECT_TRUE(sr() & Spi::SR_TXEMPTY);
}

TEST_F(SpiTest, UnreadRdrSetsOvresWhichAReadOfSrClears) {
    enable_cs0();
    spi.write(Spi::TDR, 1, 4);
    spi.write(Spi::TDR, 2, 4);
    run_for(picos_from_us(20));
    EXPECT_TRUE(sr() & Spi::SR_OVRES);
    EXPECT_TRUE(spi.read(Spi::SR, 4) & Spi::SR_OVRES);
    EXPECT_FALSE(spi.read(Spi::SR, 4) & Spi::SR_OVRES);
}

TEST_F(SpiTest, NothingOnTheChipSelectReadsAllOnes) {
    enable_cs0();
    spi.write(Spi::TDR, 0x12, 4);
    run_for(picos_from_us(10));
    EXPECT_EQ(spi.read(Spi::RDR, 4), 0xFFu);
}

TEST_F(SpiTest, LocalLoopbackReturnsMosiWithoutTouchingTheDevice) {
    spi.attach(0, std::make_unique<Probe>(&log, 0x77));
    enable_cs0();
    spi.write(Spi::MR, kFixedCs0 | Spi::MR_LLB, 4);
    spi.write(Spi::TDR, 0x3C, 4);
    run_for(picos_from_us(10));
    EXPECT_EQ(spi.read(Spi::RDR, 4), 0x3Cu);
    EXPECT_EQ(std::count(log.begin(), log.end(), "60/8"), 0);
}

TEST_F(SpiTest, ChipSelectIsReleasedAfterTheLastCharacterUnlessCsaat) {
    spi.attach(0, std::make_unique<Probe>(&log, 0x5A));
    enable_cs0();
    spi.write(Spi::TDR, 0x10, 4);
    spi.write(Spi::TDR, 0x11, 4);  // queued while the first shifts: NPCS stays low between them
    run_for(picos_from_us(20));
    EXPECT_EQ(log, (std::vector<std::string>{"sel", "16/8", "17/8", "desel"}));
    EXPECT_EQ(spi.asserted_chip_select(), -1);

    log.clear();
    spi.read(Spi::RDR, 4);
    spi.write(Spi::CSR0, kCsr1MHz | Spi::CSR_CSAAT, 4);
    spi.write(Spi::TDR, 0x20, 4);
    run_for(picos_from_us(20));
    EXPECT_EQ(spi.asserted_chip_select(), 0) << "CSAAT keeps NPCS0 asserted";
    EXPECT_EQ(spi.read(Spi::RDR, 4), 0x5Au);
    spi.write(Spi::CR, Spi::CR_LASTXFER, 4);
    EXPECT_EQ(spi.asserted_chip_select(), -1);
    EXPECT_EQ(log, (std::vector<std::string>{"sel", "32/8", "desel"}));
}

TEST_F(SpiTest, VariableSelectTakesPcsFromTdrAndReportsItInRdr) {
    spi.attach(1, std::make_unique<Probe>(&log, 0x42));
    spi.write(Spi::MR, Spi::MR_MSTR | Spi::MR_PS, 4);
    spi.write(Spi::CSR0 + 4, kCsr1MHz | (8u << 4), 4);  // CSR1: 16-bit characters
    spi.write(Spi::CR, Spi::CR_SPIEN, 4);
    const Picos start = clock.now();
    spi.write(Spi::TDR, 0xBEEF | (0xDu << 16) | Spi::TDR_LASTXFER, 4);  // PCS 1101 -> NPCS1
    run_to(start + picos_from_ns(500) + picos_from_us(16));
    EXPECT_EQ(spi.read(Spi::RDR, 4), 0x42u | (0xDu << 16));
    EXPECT_EQ(log, (std::vector<std::string>{"sel", "48879/16", "desel"}));
}

TEST_F(SpiTest, DisableLetsTheCharacterInFlightFinish) {
    spi.attach(0, std::make_unique<Probe>(&log, 0));
    enable_cs0(kCsr1MHz | Spi::CSR_CSAAT);
    spi.write(Spi::TDR, 7, 4);
    spi.write(Spi::CR, Spi::CR_SPIDIS, 4);
    EXPECT_TRUE(sr() & Spi::SR_SPIENS);
    EXPECT_FALSE(sr() & Spi::SR_TDRE) << "no new character once SPIDIS is written";
    EXPECT_FALSE(lines.dma[22]);
    run_for(picos_from_us(10));
    EXPECT_FALSE(sr() & Spi::SR_SPIENS);
    EXPECT_EQ(log, (std::vector<std::string>{"sel", "7/8", "desel"}));
}

// Upstream Tock's release_low() only clears CSRn.CSAAT. On silicon NPCS stays low until
// LASTXFER, a character for another chip select, SPIDIS or SWRST; clearing CSAAT changes what
// happens after the next character.
TEST_F(SpiTest, ClearingCsaatWhileHeldKeepsTheChipSelectUntilTheNextCharacterEnds) {
    spi.attach(0, std::make_unique<Probe>(&log, 0));
    enable_cs0(kCsr1MHz | Spi::CSR_CSAAT);
    spi.write(Spi::TDR, 1, 4);
    run_for(picos_from_us(10));
    spi.write(Spi::CSR0, kCsr1MHz, 4);  // release_low()
    EXPECT_EQ(spi.asserted_chip_select(), 0) << "CSAAT cleared: NPCS0 still low";
    spi.write(Spi::TDR, 2, 4);
    run_for(picos_from_us(10));
    EXPECT_EQ(spi.asserted_chip_select(), -1) << "released after the next character";
    EXPECT_EQ(log, (std::vector<std::string>{"sel", "1/8", "2/8", "desel"}));
}

TEST_F(SpiTest, InterruptAndDmaLinesFollowStatus) {
    enable_cs0();
    EXPECT_TRUE(lines.dma[22]) << "TX request = TDRE";
    EXPECT_FALSE(lines.dma[4]);
    spi.write(Spi::IER, Spi::SR_RDRF, 4);
    EXPECT_FALSE(lines.irq[54]);
    spi.write(Spi::TDR, 1, 4);
    run_for(picos_from_us(10));
    EXPECT_TRUE(lines.irq[54]);
    EXPECT_TRUE(lines.dma[4]) << "RX request = RDRF";
    spi.read(Spi::RDR, 4);
    EXPECT_FALSE(lines.irq[54]);
    EXPECT_FALSE(lines.dma[4]);
}

TEST_F(SpiTest, SoftwareResetReturnsToResetValuesAndReleasesTheChipSelect) {
    spi.attach(0, std::make_unique<Probe>(&log, 0));
    enable_cs0(kCsr1MHz | Spi::CSR_CSAAT);
    spi.write(Spi::TDR, 9, 4);
    run_for(picos_from_us(10));
    spi.write(Spi::CR, Spi::CR_SWRST, 4);
    EXPECT_EQ(spi.read(Spi::MR, 4), 0u);
    EXPECT_EQ(spi.read(Spi::SR, 4), 0xF0u);
    EXPECT_EQ(log.back(), "desel");
}

}  // namespace
}  // namespace tockemu::sam4l
