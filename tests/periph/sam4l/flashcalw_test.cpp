// FLASHCALW and HCACHE: stores into flash fill the page buffer, commands act on the flash image
// with FRDY low for the programming time, locks refuse writes, the ready interrupt.
#include "emu/periph/sam4l/flashcalw.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    std::map<unsigned, bool> rose;  // what an NVIC latches as pending, even for a short pulse
    void set_irq_level(unsigned irq, bool l) override {
        if (l && !level[irq]) rose[irq] = true;
        level[irq] = l;
    }
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

// Datasheet "Page Buffer Operations": a store at flash address A also sets FCMD.PAGEN to A's page,
// so a write-page command that leaves PAGEN as read (ASF's page number -1) programs that page.
TEST_F(FlashTest, PageBufferStoresSetPagenForTheNextCommand) {
    const std::uint32_t page = 0x4'0200 / 512;
    EXPECT_TRUE(bus.write(0x4'0200, 0x1234'5678, 4, Initiator::Cpu));
    const std::uint32_t fcmd = fc.read(Flashcalw::FCMD, 4);
    EXPECT_EQ((fcmd >> 8) & 0xFFFF, page);
    fc.write(Flashcalw::FCMD, (fcmd & 0x00FF'FF00u) | (0xA5u << 24) | Flashcalw::WP, 4);
    finish();
    EXPECT_EQ(bus.read(0x4'0200, 4, Initiator::Cpu).value, 0x1234'5678u);
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

// Upstream flashcalw.rs write_page, step for step, serviced the way Tock's chip.rs services it:
// the level line (FCR.FRDY & FSR.FRDY) pends the interrupt, and the kernel loop runs the handler
// some time later (here 20 us). issue_command sets FCR.FRDY *before* writing FCMD, so the line is
// already high when the command starts and the handler runs while the command may still be busy:
// the CPB it issues then is ignored (FRDY = 0) and its FRDY poll waits for the erase instead.
// Whatever the overlap, the page must end erased and then programmed with the new data.
TEST_F(FlashTest, UpstreamInterruptDrivenWritePageProgramsTheOldPage) {
    const std::uint32_t page = 0x5'0000 / 512;
    for (std::uint32_t i = 0; i < 512; ++i) flash.bytes[0x5'0000 + i] = 0x0F;  // old contents
    enum class State { Ready, WriteUnlocking, WriteErasing, WriteWriting } state = State::Ready;
    auto issue = [&](std::uint32_t c) {
        if (c != Flashcalw::CPB) fc.write(Flashcalw::FCR, fc.read(Flashcalw::FCR, 4) | 1u, 4);
        cmd(c, c == Flashcalw::CPB ? 0 : page);
        if (c == Flashcalw::CPB) finish();
    };
    auto handle_interrupt = [&] {
        fc.write(Flashcalw::FCR, fc.read(Flashcalw::FCR, 4) & ~1u, 4);
        ASSERT_EQ(fc.read(Flashcalw::FSR, 4) & (Flashcalw::FSR_LOCKE | Flashcalw::FSR_PROGE), 0u);
        switch (state) {
            case State::WriteUnlocking:
                state = State::WriteErasing;
                issue(Flashcalw::EP);
                break;
            case State::WriteErasing:
                issue(Flashcalw::CPB);
                for (std::uint32_t i = 0; i < 512; i += 8) {  // errata 45.1.7: ones, then data
                    bus.write(0x5'0000 + i, 0xFFFF'FFFF, 4, Initiator::Cpu);
                    bus.write(0x5'0000 + i + 4, 0xFFFF'FFFF, 4, Initiator::Cpu);
                    bus.write(0x5'0000 + i, 0x5000'0000u | i, 4, Initiator::Cpu);
                    bus.write(0x5'0000 + i + 4, 0x5000'0000u | (i + 4), 4, Initiator::Cpu);
                }
                state = State::WriteWriting;
                issue(Flashcalw::WP);
                break;
            case State::WriteWriting:
                state = State::Ready;
                break;
            case State::Ready:
                break;
        }
    };
    state = State::WriteUnlocking;
    irq.rose.clear();
    issue(Flashcalw::UP);
    for (int services = 0; state != State::Ready && services < 10; ++services) {
        // The NVIC latches the line; the kernel loop gets to the handler 20 us later.
        while (!irq.rose[0]) {
            auto d = clock.next_deadline();
            ASSERT_TRUE(d) << "no interrupt will ever come";
            clock.advance_to(*d);
            clock.run_due();
        }
        irq.rose[0] = false;
        const Picos service_at = clock.now() + picos_from_us(20);
        for (auto d = clock.next_deadline(); d && *d <= service_at; d = clock.next_deadline()) {
            clock.advance_to(*d);
            clock.run_due();
        }
        clock.advance_to(service_at);
        handle_interrupt();
    }
    EXPECT_EQ(state, State::Ready);
    finish();
    EXPECT_EQ(bus.read(0x5'0000, 4, Initiator::Cpu).value, 0x5000'0000u);
    EXPECT_EQ(bus.read(0x5'01FC, 4, Initiator::Cpu).value, 0x5000'01FCu);
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
