// W25Q80DV SPI NOR flash: instruction decoding, program/erase semantics and busy timing; and the
// flash answering its JEDEC ID through the SPI master model.
#include "emu/periph/sam4l/spi_flash.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "emu/periph/sam4l/spi.hpp"

namespace tockemu {
namespace {

class SpiFlashTest : public ::testing::Test {
  protected:
    Clock clock{48'000'000};
    SpiFlashW25Q80 flash{clock};

    // One /CS-low transaction: returns what came back on MISO for every byte sent.
    std::vector<std::uint8_t> xfer(std::vector<std::uint8_t> out) {
        std::vector<std::uint8_t> in;
        flash.select();
        for (std::uint8_t b : out) in.push_back(static_cast<std::uint8_t>(flash.exchange(b, 8)));
        flash.deselect();
        return in;
    }
    std::uint8_t rdsr() { return xfer({0x05, 0})[1]; }
    void wren() { xfer({0x06}); }
};

TEST_F(SpiFlashTest, JedecIdIsWinbondW25Q80) {
    EXPECT_EQ(xfer({0x9F, 0, 0, 0}), (std::vector<std::uint8_t>{0xFF, 0xEF, 0x40, 0x14}));
    EXPECT_EQ(xfer({0x90, 0, 0, 0, 0, 0}),
              (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0x13}));
}

TEST_F(SpiFlashTest, ErasedArrayReadsAllOnes) {
    EXPECT_EQ(xfer({0x03, 0x0F, 0xFF, 0xFE, 0, 0}),
              (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST_F(SpiFlashTest, PageProgramNeedsWriteEnable) {
    xfer({0x02, 0x00, 0x01, 0x00, 0x12});
    EXPECT_EQ(flash.contents()[0x100], 0xFF);
    EXPECT_EQ(rdsr(), 0);
}

TEST_F(SpiFlashTest, PageProgramCommitsOnDeselectAndIsBusyForTpp) {
    wren();
    EXPECT_EQ(rdsr(), SpiFlashW25Q80::SR_WEL);
    const Picos start = clock.now();
    xfer({0x02, 0x00, 0x01, 0x00, 0x12, 0x34, 0x56});
    EXPECT_EQ(rdsr(), SpiFlashW25Q80::SR_BUSY | SpiFlashW25Q80::SR_WEL);
    EXPECT_EQ(xfer({0x03, 0, 1, 0, 0}), (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF}))
        << "reads are ignored while busy";
    clock.advance_to(start + SpiFlashW25Q80::kPageProgramTime - 1);
    EXPECT_TRUE(rdsr() & SpiFlashW25Q80::SR_BUSY);
    clock.advance_to(start + SpiFlashW25Q80::kPageProgramTime);
    EXPECT_EQ(rdsr(), 0) << "BUSY and WEL clear together";
    EXPECT_EQ(xfer({0x03, 0, 1, 0, 0, 0, 0, 0}),
              (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34, 0x56, 0xFF}));
}

TEST_F(SpiFlashTest, ProgrammingOnlyClearsBitsAndWrapsInsideThePage) {
    wren();
    xfer({0x02, 0x00, 0x02, 0xFF, 0xF0, 0x0F});  // byte 0x2FF, then wraps to 0x200
    clock.advance_to(clock.now() + SpiFlashW25Q80::kPageProgramTime);
    EXPECT_EQ(flash.contents()[0x2FF], 0xF0);
    EXPECT_EQ(flash.contents()[0x200], 0x0F);
    EXPECT_EQ(flash.contents()[0x300], 0xFF);
    wren();
    xfer({0x02, 0x00, 0x02, 0xFF, 0x3C});
    clock.advance_to(clock.now() + SpiFlashW25Q80::kPageProgramTime);
    EXPECT_EQ(flash.contents()[0x2FF], 0x30);
}

TEST_F(SpiFlashTest, SectorEraseClearsFourKibibytesAndTakesTse) {
    flash.contents()[0x1000] = 0;
    flash.contents()[0x1FFF] = 0;
    flash.contents()[0x2000] = 0;
    wren();
    const Picos start = clock.now();
    xfer({0x20, 0x00, 0x1A, 0xBC});
    EXPECT_EQ(xfer({0x9F, 0, 0, 0}), (std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0xFF}))
        << "JEDEC ID is refused while busy";
    clock.advance_to(start + SpiFlashW25Q80::kSectorEraseTime - 1);
    EXPECT_TRUE(rdsr() & SpiFlashW25Q80::SR_BUSY);
    clock.advance_to(start + SpiFlashW25Q80::kSectorEraseTime);
    EXPECT_EQ(rdsr(), 0);
    EXPECT_EQ(flash.contents()[0x1000], 0xFF);
    EXPECT_EQ(flash.contents()[0x1FFF], 0xFF);
    EXPECT_EQ(flash.contents()[0x2000], 0x00);
}

TEST_F(SpiFlashTest, WriteDisableCancelsWriteEnable) {
    wren();
    xfer({0x04});
    xfer({0x20, 0, 0, 0});
    EXPECT_EQ(rdsr(), 0);
}

// The flash on NPCS0 of the SPI master, driven by registers.
TEST(SpiFlashOnSpi, JedecIdThroughTheSpiMaster) {
    struct NoLines : InterruptSink {
        void set_irq_level(unsigned, bool) override {}
    } irqs;
    Clock clock{48'000'000};
    Bus bus;
    EventHub hub;
    MachineContext ctx{clock, bus, irqs, hub};
    sam4l::Spi spi{ctx, [] { return std::uint64_t{48'000'000}; }};
    spi.attach(0, std::make_unique<SpiFlashW25Q80>(clock));
    spi.write(sam4l::Spi::MR, sam4l::Spi::MR_MSTR | sam4l::Spi::MR_MODFDIS | (0xEu << 16), 4);
    spi.write(sam4l::Spi::CSR0, (4u << 8) | sam4l::Spi::CSR_CSAAT, 4);  // 12 MHz, hold NPCS
    spi.write(sam4l::Spi::CR, sam4l::Spi::CR_SPIEN, 4);
    std::vector<std::uint32_t> got;
    for (std::uint32_t b : {0x9Fu, 0u, 0u, 0u}) {
        spi.write(sam4l::Spi::TDR, b, 4);
        while (!(spi.peek(sam4l::Spi::SR, 4) & sam4l::Spi::SR_RDRF)) {
            clock.advance_to(*clock.next_deadline());
            clock.run_due();
        }
        got.push_back(spi.read(sam4l::Spi::RDR, 4));
    }
    spi.write(sam4l::Spi::CR, sam4l::Spi::CR_LASTXFER, 4);
    EXPECT_EQ(got, (std::vector<std::uint32_t>{0xFF, 0xEF, 0x40, 0x14}));
    EXPECT_EQ(spi.asserted_chip_select(), -1);
}

}  // namespace
}  // namespace tockemu
