// The Hail board as the guest sees it through the bus: every SAM4L peripheral is mapped, the
// clock set-up of Tock's Hail boot completes, and the selected main clock reaches the machine.
#include "emu/board/hail_board.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "emu/core/context.hpp"
#include "emu/periph/sam4l/unimplemented.hpp"

namespace tockemu {
namespace {

struct RecordingIrq : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct BoardTest : ::testing::Test {
    Clock clock{48'000'000};
    Bus bus;
    // As the machine does: flash and SRAM are mapped before the board is built.
    Memory& flash = bus.add_memory("flash", 0, 0x80000, 0xFF);
    Memory& sram = bus.add_memory("sram", 0x2000'0000, 0x10000);
    RecordingIrq irq;
    EventHub events;
    MachineContext ctx{clock, bus, irq, events};
    HailBoard board{ctx};
    std::vector<std::uint64_t> core_changes;

    BoardTest() {
        board.on_core_clock_change = [this](std::uint64_t hz) { core_changes.push_back(hz); };
    }
    std::uint32_t rd(std::uint32_t a) {
        BusResult r = bus.read(a, 4, Initiator::Cpu);
        EXPECT_TRUE(r.ok) << std::hex << a;
        return r.value;
    }
    void wr(std::uint32_t a, std::uint32_t v) { EXPECT_TRUE(bus.write(a, v, 4, Initiator::Cpu)); }
    // Runs virtual time forward, firing events, until `done` or `limit` (like a guest poll loop).
    template <class F>
    bool poll(F done, Picos limit = picos_from_ms(50)) {
        const Picos end = clock.now() + limit;
        while (clock.now() < end) {
            if (done()) return true;
            clock.advance_cycles(48);  // 1 us per poll iteration
            clock.run_due();
        }
        return done();
    }
};

TEST_F(BoardTest, EveryPeripheralOfTheSam4lIsMappedByName) {
    for (const char* name :
         {"PM",      "SCIF",   "BSCIF",  "BPM",  "AST",   "GPIO_PA", "GPIO_PB", "GPIO_PC",
          "HFLASHC", "HCACHE", "CHIPID", "TRNG", "TC0",   "TC1",     "USART0",  "USART3",
          "SPI",     "PDCA",   "WDT",    "EIC",  "TWIM1", "CRCCU"}) {
        EXPECT_NE(board.device(name), nullptr) << name;
    }
    // Every peripheral base of sam4l.md §1.3 answers (no bus error) somewhere in its window.
    for (std::uint32_t base :
         {0x40004000u, 0x40008000u, 0x40010000u, 0x40014000u, 0x40018000u, 0x40018400u, 0x4001C000u,
          0x4001C400u, 0x40024000u, 0x40028000u, 0x4002C000u, 0x40030000u, 0x40038000u, 0x4003C000u,
          0x40040000u, 0x40060000u, 0x40064000u, 0x40068000u, 0x4006C000u, 0x40070000u, 0x40078000u,
          0x4007C000u, 0x40080000u, 0x400A0000u, 0x400A0400u, 0x400A1000u, 0x400A2000u, 0x400A3000u,
          0x400A4000u, 0x400A5000u, 0x400A6000u, 0x400B0000u, 0x400E0000u, 0x400E0400u, 0x400E0800u,
          0x400E0C00u, 0x400E1000u, 0x400E1200u, 0x400E1400u, 0x400F0000u, 0x400F0400u, 0x400F0800u,
          0x400F0C00u, 0x400F1000u, 0x400F1400u}) {
        EXPECT_TRUE(bus.read(base, 4, Initiator::Cpu).ok) << std::hex << base;
    }
}

TEST_F(BoardTest, UnimplementedPeripheralsReadZeroAndIgnoreWrites) {
    wr(0x400A'3000 + 0x0C, 0xFFFF'FFFF);  // SMAP.ADDR (EIC is a model since analog)
    EXPECT_EQ(rd(0x400A'3000 + 0x0C), 0u);
}

TEST_F(BoardTest, TockHailClockSetupCompletesAndSelectsA48MHzCore) {
    // Steps 2-11 of the measured Tock boot (hail-boot-trace.md §1.1), in order.
    ASSERT_TRUE(poll([&] { return rd(0x400F'0014) & 1; }));  // BPM.SR.PSOK
    const std::uint32_t pmcon = rd(0x400F'001C);
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, pmcon | 0xE);
    const std::uint32_t rc32kcr = rd(0x400F'0424);
    wr(0x400F'0418, 0xAA00'0024);
    wr(0x400F'0424, rc32kcr | 0x7);
    ASSERT_TRUE(poll([&] { return rd(0x400F'0424) & 1; }));
    wr(0x400F'0418, 0xAA00'0028);
    wr(0x400F'0428, 0x001D'0015);
    EXPECT_EQ(rd(0x400F'0428), 0x001D'0015u);

    wr(0x400E'0058, 0xAA00'0024);
    const std::uint32_t hsb = rd(0x400E'0024);  // unlock, read, write
    wr(0x400E'0024, hsb | 0x4);
    EXPECT_EQ(rd(0x400E'0024), 0x1E6u);
    wr(0x400E'0058, 0xAA00'002C);
    wr(0x400E'002C, rd(0x400E'002C) | 0x2);  // PBBMASK: HCACHE interface

    wr(0x400A'0408, 1);                                                 // HCACHE.CTRL
    ASSERT_TRUE(poll([&] { return rd(0x400A'040C) & 1; }));             // CSTS
    wr(0x400A'0000, rd(0x400A'0000) | 0x40);                            // FCR.FWS
    wr(0x400A'0004, (rd(0x400A'0004) & ~0xFF00'003Fu) | 0xA500'0010u);  // HSEN
    ASSERT_TRUE(poll([&] { return rd(0x400A'0008) & 1; }));             // FSR.FRDY

    wr(0x400E'0818, 0xAA00'0020);
    wr(0x400E'0820, 0x0001'0E01);
    ASSERT_TRUE(poll([&] { return rd(0x400E'0814) & 1; }));  // OSC0RDY
    wr(0x400E'0818, 0xAA00'0024);
    wr(0x400E'0824, 0x3F05'0111);
    ASSERT_TRUE(poll([&] { return rd(0x400E'0814) & (1u << 6); }));  // PLL0LOCK

    EXPECT_TRUE(core_changes.empty());
    wr(0x400E'0058, 0xAA00'0000);
    wr(0x400E'0000, 2);  // MCCTRL = PLL0
    ASSERT_EQ(core_changes.size(), 1u);
    EXPECT_EQ(core_changes[0], 48'000'000u);
    EXPECT_TRUE(board.warnings().empty());
}

TEST_F(BoardTest, ProtectedRegisterWriteWithoutUnlockIsDiscardedAndSetsAccessError) {
    wr(0x400E'0028, 0x100);  // PBAMASK without UNLOCK
    EXPECT_EQ(rd(0x400E'0028), 0u);
    EXPECT_TRUE(rd(0x400E'00D4) & (1u << 31));  // PM.SR.AE
    wr(0x400E'0058, 0xAA00'0028);
    wr(0x400E'0028, 0x100);
    EXPECT_EQ(rd(0x400E'0028), 0x100u);
}

TEST_F(BoardTest, PllThatNeverLocksIsReportedByName) {
    // PLL0 enabled with OSC0 off: PLL0LOCK can never rise.
    wr(0x400E'0818, 0xAA00'0024);
    wr(0x400E'0824, 0x3F05'0111);
    for (int i = 0; i < 2'100'000; ++i) rd(0x400E'0814);
    ASSERT_EQ(board.warnings().size(), 1u);
    EXPECT_NE(board.warnings()[0].find("PLL0LOCK"), std::string::npos);
    EXPECT_NE(board.warnings()[0].find("SCIF.PCLKSR"), std::string::npos);
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

TEST_F(BoardTest, RunningAt48MHzWithoutAFlashWaitStateIsReported) {
    wr(0x400E'0818, 0xAA00'0020);
    wr(0x400E'0820, 0x0001'0101);
    wr(0x400E'0818, 0xAA00'0024);
    wr(0x400E'0824, 0x3F05'0111);
    ASSERT_TRUE(poll([&] { return rd(0x400E'0814) & (1u << 6); }));
    wr(0x400E'0058, 0xAA00'0000);
    wr(0x400E'0000, 2);  // PLL0 at 48 MHz, PS0, FWS = 0
    ASSERT_EQ(board.warnings().size(), 1u);
    EXPECT_NE(board.warnings()[0].find("FCR.FWS = 0"), std::string::npos) << board.warnings()[0];
}

TEST_F(BoardTest, FlashPageWriteIsAnnouncedForCodeInvalidation) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> programmed;
    board.on_flash_programmed = [&](std::uint32_t a, std::uint32_t l) {
        programmed.emplace_back(a, l);
    };
    wr(0x400A'0004, 0xA500'0000u | (0x180u << 8) | 2);  // EP page 0x180 (0x30000)
    ASSERT_EQ(programmed.size(), 1u);
    EXPECT_EQ(programmed[0].first, 0x3'0000u);
    EXPECT_EQ(programmed[0].second, 512u);
}

TEST_F(BoardTest, ButtonReadsReleasedUntilPressed) {
    EXPECT_TRUE(board.gpio_output(0, 16));
    board.set_gpio_input(HailBoard::kButtonPort, HailBoard::kButtonPin, false);
    EXPECT_FALSE(board.gpio_output(0, 16));
    EXPECT_FALSE(rd(0x400E'1060) & (1u << 16));  // PVR
}

TEST_F(BoardTest, ResetReturnsTheCoreToTheConfiguredClock) {
    wr(0x400E'0058, 0xAA00'0000);
    wr(0x400E'0000, 0);  // RCSYS
    ASSERT_EQ(core_changes.back(), 115'200u);
    board.reset();
    EXPECT_EQ(core_changes.back(), 48'000'000u);
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

TEST_F(BoardTest, UnimplementedBlocksAnswerWithTheirDatasheetResetValues) {
    wr(0x400E'0058, 0xAA00'002C);
    wr(0x400E'002C, rd(0x400E'002C) | (1u << 4));  // PBBMASK: CRCCU
    wr(0x400E'0058, 0xAA00'0028);
    wr(0x400E'0028, 1u << 6);                  // PBAMASK: TWIM1
    EXPECT_EQ(rd(0x400F'0C00), 0x0001'0080u);  // WDT.CTRL
    EXPECT_EQ(rd(0x400F'0C08), 0x3u);          // WDT.SR
    EXPECT_EQ(rd(0x400F'13FC), 0x302u);        // EIC.VERSION
    EXPECT_EQ(rd(0x400A'403C), 0xFFFF'FFFFu);  // CRCCU.SR
    EXPECT_EQ(rd(0x4001'C01C), 0x2u);          // TWIM1.SR
    // WDT, EIC and CRCCU are models now (analog); SMAP is still a named unimplemented block.
    EXPECT_EQ(rd(0x400A'30F0), 0xAB0B'0AE0u);  // SMAP.CIDR
    auto* smap = dynamic_cast<sam4l::UnimplementedDevice*>(board.device("SMAP"));
    ASSERT_NE(smap, nullptr);
    EXPECT_TRUE(smap->touched().contains(0x0F0));
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

// The system-peripheral accesses of upstream Tock's Hail boot in the measured order
// (hail-boot-trace.md §1.1 and §1.3): every poll completes and the first alarm (AR0 = 0x640)
// raises NVIC line 39 when CV reaches it, 1600 counts of 16 384 Hz after CR.EN.
TEST_F(BoardTest, UpstreamHailBootSequenceCompletesEveryPollAndFiresTheFirstAlarm) {
    auto poll_set = [&](std::uint32_t a, std::uint32_t bit) {
        ASSERT_TRUE(poll([&] { return (rd(a) & bit) != 0; })) << std::hex << a;
    };
    auto poll_clear = [&](std::uint32_t a, std::uint32_t bit) {
        ASSERT_TRUE(poll([&] { return (rd(a) & bit) == 0; })) << std::hex << a;
    };
    auto unlock_rmw = [&](std::uint32_t unlock, std::uint32_t reg, std::uint32_t off,
                          std::uint32_t set) {
        wr(unlock, 0xAA00'0000u | off);
        wr(reg, rd(reg) | set);
    };
    poll_set(0x400F'0014, 1);  // BPM.SR.PSOK
    const std::uint32_t pmcon = rd(0x400F'001C);
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, pmcon | 0xE);
    const std::uint32_t rc32k = rd(0x400F'0424);
    wr(0x400F'0418, 0xAA00'0024);
    wr(0x400F'0424, rc32k | 0x7);
    poll_set(0x400F'0424, 1);
    wr(0x400F'0418, 0xAA00'0028);
    wr(0x400F'0428, 0x001D'0015);
    unlock_rmw(0x400E'0058, 0x400E'0024, 0x24, 0x4);  // HSBMASK
    unlock_rmw(0x400E'0058, 0x400E'002C, 0x2C, 0x2);  // PBBMASK
    wr(0x400A'0408, 1);
    poll_set(0x400A'040C, 1);  // HCACHE.SR.CSTS
    wr(0x400A'0000, rd(0x400A'0000) | 0x40);
    wr(0x400A'0004, (rd(0x400A'0004) & ~0xFF00'003Fu) | 0xA500'0010u);
    poll_set(0x400A'0008, 1);  // FSR.FRDY
    wr(0x400E'0818, 0xAA00'0020);
    wr(0x400E'0820, 0x0001'0E01);
    poll_set(0x400E'0814, 1);  // OSC0RDY
    wr(0x400E'0818, 0xAA00'0024);
    wr(0x400E'0824, 0x3F05'0111);
    poll_set(0x400E'0814, 1u << 6);  // PLL0LOCK
    wr(0x400A'0000, rd(0x400A'0000) | 0x40);
    wr(0x400E'0058, 0xAA00'0000);
    wr(0x400E'0000, 2);
    const std::uint32_t pmcon2 = rd(0x400F'001C);
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, pmcon2 | 0x0001'0000);
    // Pin mux: PA12 (USART0 TXD) function A, PA25 function B, LED PA13 as GPIO output.
    wr(0x400E'1008, 1u << 12);  // GPERC
    wr(0x400E'1018, 1u << 12);  // PMR0C
    wr(0x400E'1008, 1u << 25);
    wr(0x400E'1014, 1u << 25);  // PMR0S
    wr(0x400E'1004, 1u << 13);  // GPERS
    wr(0x400E'1044, 1u << 13);  // ODERS
    wr(0x400E'1168, 1u << 13);  // STERC
    wr(0x400E'1054, 1u << 13);  // OVRS (LED off)
    EXPECT_EQ(rd(0x400E'1010) & ((1u << 12) | (1u << 25)), 1u << 25);
    EXPECT_FALSE(rd(0x400E'1000) & (1u << 12));
    EXPECT_TRUE(board.gpio_output(0, 13));
    // AST configure.
    unlock_rmw(0x400E'0058, 0x400E'0034, 0x34, 0);  // PBDMASK rewritten unchanged
    constexpr std::uint32_t kSr = 0x400F'0808, kBusy = 1u << 24, kClkBusy = 1u << 28;
    poll_clear(kSr, kClkBusy);
    wr(0x400F'0840, rd(0x400F'0840) & ~1u);
    poll_clear(kSr, kClkBusy);
    wr(0x400F'0840, 0x100);
    poll_clear(kSr, kClkBusy);
    wr(0x400F'0840, rd(0x400F'0840) | 1);
    poll_clear(kSr, kClkBusy);
    poll_clear(kSr, kBusy);
    wr(0x400F'0800, rd(0x400F'0800) & ~1u);
    poll_clear(kSr, kBusy);
    wr(0x400F'0814, 0x100);
    poll_clear(kSr, kBusy);
    wr(0x400F'0800, rd(0x400F'0800) & ~(0x1Fu << 16));
    poll_clear(kSr, kBusy);
    wr(0x400F'081C, rd(0x400F'081C) | 0x100);
    poll_clear(kSr, kBusy);
    wr(0x400F'080C, 0x100);
    poll_clear(kSr, kBusy);
    // First alarm: AR0 = CV + 1600 (CV is 0 while the counter is disabled).
    const std::uint32_t cv = rd(0x400F'0804);
    EXPECT_EQ(cv, 0u);
    wr(0x400F'080C, 0x100);
    poll_clear(kSr, kBusy);
    wr(0x400F'0820, cv + 0x640);
    poll_clear(kSr, kBusy);
    wr(0x400F'0810, 0x100);
    poll_clear(kSr, kBusy);
    wr(0x400F'0800, rd(0x400F'0800) | 1);
    const Picos enabled = clock.now();
    EXPECT_TRUE(board.warnings().empty());
    EXPECT_FALSE(irq.level[39]);
    ASSERT_TRUE(poll([&] { return irq.level[39]; }, picos_from_ms(200)));
    // poll() steps 1 us at a time: the line rose in the microsecond that holds 97.65625 ms.
    EXPECT_GE(clock.now(), enabled + 97'656'250'000ull);
    EXPECT_LT(clock.now(), enabled + 97'657'250'000ull);
    EXPECT_EQ(rd(0x400F'0804), 0x640u);
    EXPECT_TRUE(rd(kSr) & 0x100);
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

TEST_F(BoardTest, PollingARegisterWhoseWriteLackedUnlockIsReportedByName) {
    wr(0x400F'0424, 0x7);  // BSCIF.RC32KCR without UNLOCK: discarded
    for (int i = 0; i < 2'000'001; ++i) rd(0x400F'0424);
    ASSERT_EQ(board.warnings().size(), 1u);
    EXPECT_NE(board.warnings()[0].find("BSCIF.RC32KCR"), std::string::npos) << board.warnings()[0];
    EXPECT_NE(board.warnings()[0].find("UNLOCK"), std::string::npos);
}

TEST_F(BoardTest, PollingCacheStatusWithoutEnablingTheCacheIsReported) {
    wr(0x400E'0058, 0xAA00'002C);
    wr(0x400E'002C, rd(0x400E'002C) | 0x2);  // PBBMASK: HCACHE interface
    for (int i = 0; i < 2'000'001; ++i) rd(0x400A'040C);
    ASSERT_EQ(board.warnings().size(), 1u);
    EXPECT_NE(board.warnings()[0].find("CSTS (never enabled)"), std::string::npos)
        << board.warnings()[0];
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

// PM clock masks (datasheet §10.5.5; sam4l.md §1.3 mask bits).
struct MaskedBoardTest : BoardTest {
    void unmask(std::uint32_t offset, std::uint32_t bits) {
        const std::uint32_t v = rd(0x400E'0000 + offset);
        wr(0x400E'0058, 0xAA00'0000u | offset);
        wr(0x400E'0000 + offset, v | bits);
    }
    void mask(std::uint32_t offset, std::uint32_t bits) {
        const std::uint32_t v = rd(0x400E'0000 + offset);
        wr(0x400E'0058, 0xAA00'0000u | offset);
        wr(0x400E'0000 + offset, v & ~bits);
    }
    static constexpr std::uint32_t kHsb = 0x24, kPba = 0x28, kPbb = 0x2C, kPbd = 0x34;
    static constexpr std::uint32_t kUsart0 = 0x4002'4000;
};

TEST_F(MaskedBoardTest, Usart0IsClockedOnlyWhilePbamaskBit8IsSet) {
    EXPECT_EQ(rd(kUsart0 + 0xFC), 0u);  // VERSION reads 0: PBAMASK is 0 out of reset
    wr(kUsart0 + 0x04, 0x0008'08C0);    // MR: ignored
    ASSERT_EQ(board.masked_accesses().size(), 1u);
    EXPECT_EQ(board.masked_accesses()[0],
              "access to USART0 with its clock masked (PM.PBAMASK bit 8)");
    unmask(kPba, 1u << 8);
    EXPECT_EQ(rd(kUsart0 + 0xFC), 0x602u);
    EXPECT_EQ(rd(kUsart0 + 0x04), 0u);  // the masked MR write never arrived
    wr(kUsart0 + 0x04, 0x0008'08C0);
    EXPECT_EQ(rd(kUsart0 + 0x04), 0x0008'08C0u);
    EXPECT_EQ(board.masked_accesses().size(), 1u);  // reported once
}

TEST_F(MaskedBoardTest, PdcaMovesNothingWhileItsBusClockIsMasked) {
    std::string sent;
    board.set_uart_sink(0, [&](std::uint8_t b) { sent.push_back(static_cast<char>(b)); });
    unmask(kPba, 1u << 8);
    unmask(kPbb, 1u << 3);  // PDCA registers, but not HSBMASK bit 0 (its transfers)
    wr(kUsart0 + 0x04, 0x0008'08C0);
    wr(kUsart0 + 0x20, 0x0001'0034);
    wr(kUsart0 + 0x00, 0x40);  // TXEN
    const char msg[] = "ok";
    for (unsigned i = 0; i < 2; ++i) bus.write(0x2000'0000 + i, msg[i], 1, Initiator::Cpu);
    constexpr std::uint32_t ch1 = 0x400A'2040;
    bus.write(ch1 + 0x04, 18, 1, Initiator::Cpu);  // PSR: USART0 TX
    wr(ch1 + 0x0C, 0x2000'0000);                   // MARR
    wr(ch1 + 0x10, 2);                             // TCRR
    wr(ch1 + 0x14, 1);                             // CR.TEN
    clock.run_until(picos_from_ms(1));
    EXPECT_EQ(sent, "");
    EXPECT_EQ(rd(ch1 + 0x08), 2u);  // TCR untouched
    unmask(kHsb, 1u << 0);
    clock.run_until(picos_from_ms(2));
    EXPECT_EQ(sent, "ok");
    EXPECT_TRUE(board.masked_accesses().empty());
}

TEST_F(MaskedBoardTest, AstCountsOnItsOwn32kHzClockWhileItsInterfaceIsMasked) {
    constexpr std::uint32_t kAst = 0x400F'0800;
    auto settle = [&] { clock.run_until(clock.now() + picos_from_us(200)); };
    wr(kAst + 0x40, 0x001);  // CLOCK: CEN, CSSEL = 0 (RCSYS, 115.2 kHz)
    settle();
    wr(kAst + 0x00, 1);  // CR.EN, PSEL = 0: 57.6 kHz counts
    settle();
    const std::uint32_t before = rd(kAst + 0x04);
    mask(kPbd, 1u << 2);
    EXPECT_EQ(rd(kAst + 0x04), 0u);  // CV unreadable while masked
    clock.run_until(clock.now() + picos_from_ms(10));
    unmask(kPbd, 1u << 2);
    const std::uint32_t after = rd(kAst + 0x04);
    EXPECT_GE(after - before, 576u);  // 10 ms at 57.6 kHz went by in the counter
    EXPECT_EQ(board.masked_accesses().size(), 1u);
    EXPECT_NE(board.masked_accesses()[0].find("PM.PBDMASK bit 2"), std::string::npos);
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {

// Sleep modes (datasheet "Power save modes"; hail-boot-trace.md §3: WFI #2 is a deep sleep that
// the AST alarm ends).
struct SleepBoardTest : MaskedBoardTest {
    static constexpr std::uint32_t kAst = 0x400F'0800;
    std::vector<SleepEvent> sleeps;
    SleepBoardTest() {
        events.subscribe([this](const Event& e) {
            if (auto* s = std::get_if<SleepEvent>(&e.payload)) sleeps.push_back(*s);
        });
    }
    void settle() { clock.run_until(clock.now() + picos_from_us(200)); }
    // Tock's AST set-up at 16 384 Hz from RC32K, alarm 0 `ticks` ahead, IER.ALARM0.
    Picos arm_alarm(std::uint32_t ticks, bool wake_enable) {
        wr(0x400F'0418, 0xAA00'0024);
        wr(0x400F'0424, 0x7);  // BSCIF.RC32KCR: RC32K on
        wr(0x400F'0018, 0xAA00'001C);
        wr(0x400F'001C, rd(0x400F'001C) | (1u << 16));  // BPM.PMCON.CK32S = RC32K
        wr(kAst + 0x40, 0x100);
        settle();
        wr(kAst + 0x40, 0x101);
        settle();
        if (wake_enable) {
            wr(kAst + 0x1C, 0x100);  // WER.ALARM0
            settle();
        }
        wr(kAst + 0x20, ticks);  // AR0
        settle();
        wr(kAst + 0x10, 0x100);  // IER.ALARM0
        settle();
        wr(kAst + 0x00, 1);  // CR.EN
        const Picos enabled = clock.now();
        settle();
        return enabled;
    }
};

TEST_F(SleepBoardTest, AstAlarmWithWakeEnableEndsWaitMode) {
    const Picos enabled = arm_alarm(100, true);
    board.enter_sleep(true);  // SCB.SCR.SLEEPDEEP, BPM.PMCON.RET = BKUP = 0
    EXPECT_EQ(board.sleep_mode(), "WAIT");
    clock.run_until(enabled + picos_for_ticks(100, 16'384) - 1);
    EXPECT_FALSE(irq.level[39]);
    clock.run_until(enabled + picos_for_ticks(100, 16'384) + picos_from_us(1));
    EXPECT_TRUE(irq.level[39]);  // the wake-up: the core leaves WFI on this line
    board.leave_sleep();
    EXPECT_EQ(board.sleep_mode(), "");
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_EQ(sleeps[0].mode, "WAIT");
    EXPECT_TRUE(sleeps[0].deep);
    EXPECT_TRUE(sleeps[0].asleep);
    EXPECT_FALSE(sleeps[1].asleep);
}

TEST_F(SleepBoardTest, AstAlarmWithoutWakeEnableWaitsForTheWakeUp) {
    const Picos enabled = arm_alarm(100, false);
    board.enter_sleep(true);
    clock.run_until(enabled + picos_for_ticks(200, 16'384));
    EXPECT_FALSE(irq.level[39]);
    EXPECT_TRUE(board.device("AST")->peek(0x08, 4) & 0x100);  // SR.ALARM0 is set all the same
    board.leave_sleep();
    EXPECT_TRUE(irq.level[39]);
}

TEST_F(SleepBoardTest, SleepLevelsStopTheirClockDomains) {
    std::string sent;
    board.set_uart_sink(0, [&](std::uint8_t b) { sent.push_back(static_cast<char>(b)); });
    unmask(kPba, 1u << 8);
    wr(kUsart0 + 0x04, 0x0008'08C0);
    wr(kUsart0 + 0x20, 0x0001'0034);
    wr(kUsart0 + 0x00, 0x40);
    // SLEEP1 (PMCON.SLEEP = 1): the CPU and HSB stop, the PBA clock of the USART runs.
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, rd(0x400F'001C) | (1u << 12));
    wr(kUsart0 + 0x1C, 'a');
    board.enter_sleep(false);
    EXPECT_EQ(board.sleep_mode(), "SLEEP1");
    clock.run_until(clock.now() + picos_from_us(100));
    EXPECT_EQ(sent, "a");
    board.leave_sleep();
    // SLEEP2: the PBx clocks stop as well; the character waits on the line until the wake-up.
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, rd(0x400F'001C) | (2u << 12));
    wr(kUsart0 + 0x1C, 'b');
    board.enter_sleep(false);
    EXPECT_EQ(board.sleep_mode(), "SLEEP3");  // SLEEP = 1 | 2
    clock.run_until(clock.now() + picos_from_ms(1));
    EXPECT_EQ(sent, "a");
    board.leave_sleep();
    clock.run_until(clock.now() + picos_from_us(100));
    EXPECT_EQ(sent, "ab");
    EXPECT_TRUE(board.masked_accesses().empty());
}

TEST_F(SleepBoardTest, RetentionAndBackupAreNamedBySleepdeepAndPmcon) {
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, rd(0x400F'001C) | (1u << 9));  // RET
    board.enter_sleep(true);
    EXPECT_EQ(board.sleep_mode(), "RETENTION");
    board.leave_sleep();
    wr(0x400F'0018, 0xAA00'001C);
    wr(0x400F'001C, rd(0x400F'001C) | (1u << 8));  // BKUP
    board.enter_sleep(true);
    EXPECT_EQ(board.sleep_mode(), "BACKUP");
    board.leave_sleep();
    board.enter_sleep(false);
    EXPECT_EQ(board.sleep_mode(), "SLEEP0");
}

}  // namespace
}  // namespace tockemu
