// FLASHCALW and HCACHE: stores into flash fill the page buffer, commands act on the flash image
// with FRDY low for the programming time, locks refuse writes, the ready interrupt.
#include "emu/periph/sam4l/flashcalw.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct FlashTest : ::testing::Test {
    Clock clock{48'000'000};
    Bus bus;
    Lines irq;
    Memory& flash = bus.add_memory("flash", 0, 0x80000, 0xFF);
    Flashcalw fc{flash, clock, &irq, 0};

    FlashTest() { bus.map_device(0x400A'0000, 0x400, fc); }
    void cmd(std::uint32_t c, std::uint32_t page) {
        fc.write(Flashcalw::FCMD, (0xA5u << 24) | (page << 8) | c, 4);
    }
    void finish() {
        while (!(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_FRDY)) {
            auto d = clock.next_deadline();
            ASSERT_TRUE(d);
            clock.advance_to(*d);
            clock.run_due();
        }
    }
};

TEST_F(FlashTest, IdentifiesA512KiBFlashWith512BytePagesAndIsReadyAtReset) {
    EXPECT_EQ(fc.read(Flashcalw::FPR, 4), 0x40Bu);
    EXPECT_EQ(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_FRDY, 1u);
}

TEST_F(FlashTest, CpuStoresIntoFlashFillThePageBufferNotTheFlash) {
    EXPECT_TRUE(bus.write(0x3'0004, 0x1122'3344, 4, Initiator::Cpu));
    EXPECT_EQ(bus.read(0x3'0004, 4, Initiator::Cpu).value, 0xFFFF'FFFFu);
    EXPECT_EQ(fc.page_buffer()[4], 0x44);
    EXPECT_EQ(fc.page_buffer()[7], 0x11);
}

TEST_F(FlashTest, TockPageWriteSequenceProgramsThePageAfterItsProgrammingTime) {
    const std::uint32_t page = 0x3'0000 / 512;
    flash.bytes[0x3'0000] = 0x00;  // something to erase
    cmd(Flashcalw::UP, page);
    finish();
    cmd(Flashcalw::EP, page);
    EXPECT_EQ(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_FRDY, 0u);
    finish();
    EXPECT_EQ(flash.bytes[0x3'0000], 0xFF);
    cmd(Flashcalw::CPB, 0);
    finish();
    for (std::uint32_t i = 0; i < 512; i += 4)
        bus.write(0x3'0000 + i, 0xA000'0000u | i, 4, Initiator::Cpu);
    const Picos start = clock.now();
    cmd(Flashcalw::WP, page);
    finish();
    EXPECT_EQ(clock.now() - start, picos_from_us(1200));
    EXPECT_EQ(bus.read(0x3'0000 + 0x40, 4, Initiator::Cpu).value, 0xA000'0040u);
    EXPECT_EQ(bus.read(0x3'01FC, 4, Initiator::Cpu).value, 0xA000'01FCu);
    EXPECT_EQ(bus.read(0x3'0200, 4, Initiator::Cpu).value, 0xFFFF'FFFFu);  // next page untouched
}

TEST_F(FlashTest, WritingWithoutEraseOnlyClearsBits) {
    flash.bytes[0x200] = 0xF0;
    cmd(Flashcalw::CPB, 0);
    finish();
    bus.write(0x200, 0x0F, 1, Initiator::Cpu);
    cmd(Flashcalw::WP, 1);
    finish();
    EXPECT_EQ(flash.bytes[0x200], 0x00);
}

TEST_F(FlashTest, CommandWithoutTheKeyIsIgnored) {
    flash.bytes[0] = 0;
    fc.write(Flashcalw::FCMD, Flashcalw::EP, 4);
    EXPECT_EQ(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_FRDY, 1u);
    EXPECT_EQ(flash.bytes[0], 0);
}

TEST_F(FlashTest, LockedRegionRefusesEraseWithLockError) {
    cmd(Flashcalw::LP, 70);  // region 1 (pages 64..127)
    finish();
    EXPECT_TRUE(fc.read(Flashcalw::FSR, 4) & (1u << 17));
    flash.bytes[100 * 512] = 0;
    cmd(Flashcalw::EP, 100);
    EXPECT_TRUE(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_LOCKE);
    EXPECT_EQ(flash.bytes[100 * 512], 0);
}

TEST_F(FlashTest, QuickPageReadReportsWhetherThePageIsErased) {
    cmd(Flashcalw::QPR, 3);
    finish();
    EXPECT_TRUE(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_QPRR);
    flash.bytes[3 * 512 + 9] = 0x7F;
    cmd(Flashcalw::QPR, 3);
    finish();
    EXPECT_FALSE(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_QPRR);
}

TEST_F(FlashTest, HighSpeedModeCommandCompletesAndSetsHsmode) {
    fc.write(Flashcalw::FCR, fc.read(Flashcalw::FCR, 4) | Flashcalw::FCR_FWS, 4);
    cmd(Flashcalw::HSEN, 0);
    finish();
    EXPECT_TRUE(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_HSMODE);
    EXPECT_EQ(fc.wait_states(), 1u);
}

TEST_F(FlashTest, ReadyInterruptFollowsFcrFrdyAndFsrFrdy) {
    cmd(Flashcalw::EP, 5);
    fc.write(Flashcalw::FCR, Flashcalw::FCR_FRDY, 4);
    EXPECT_FALSE(irq.level[0]);  // busy
    finish();
    EXPECT_TRUE(irq.level[0]);
    fc.write(Flashcalw::FCR, 0, 4);  // Tock's handler disables it
    EXPECT_FALSE(irq.level[0]);
}

TEST_F(FlashTest, UnsupportedCommandSetsProgrammingError) {
    cmd(Flashcalw::WUP, 0);
    EXPECT_TRUE(fc.read(Flashcalw::FSR, 4) & Flashcalw::FSR_PROGE);
}

TEST(Hcache, EnablingTheCacheSetsCstsForTocksPoll) {
    Hcache hc;
    EXPECT_EQ(hc.read(Hcache::SR, 4), 0u);
    hc.write(Hcache::CTRL, 1, 4);
    EXPECT_EQ(hc.read(Hcache::SR, 4), 1u);
    EXPECT_EQ(hc.read(Hcache::VERSION, 4), 0x101u);
}

}  // namespace
}  // namespace tockemu::sam4l
