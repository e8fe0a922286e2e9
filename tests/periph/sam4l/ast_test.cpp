// AST driven register by register on an injected clock: counting rate, alarm 0 at exactly the
// programmed tick, BUSY/CLKBUSY synchronisation, overflow, clear-on-alarm and periodic events.
#include "emu/periph/sam4l/ast.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct AstTest : ::testing::Test {
    Clock clock{48'000'000};
    ClockTree clocks{48'000'000};
    Lines irq;
    Ast ast{clock, clocks, [] { return 0; }, &irq, 39};

    // Fires every event up to and including time t, in order.
    void run_to(Picos t) { clock.run_until(t); }
    void wait_not(std::uint32_t bit) {
        while (ast.read(Ast::SR, 4) & bit) {
            const auto d = clock.next_deadline();
            ASSERT_TRUE(d.has_value()) << "busy bit never clears";
            run_to(*d);
        }
    }
    void write(std::uint32_t off, std::uint32_t v) {
        wait_not(Ast::SR_BUSY);
        ast.write(off, v, 4);
    }
    // Tock's Ast::configure with the RC32K as the 32 kHz clock, PSEL = 0 (16 384 Hz).
    void configure_32k() {
        clocks.rc32k_hz = k32kHz;
        clocks.ck32_from_rc32k = true;
        wait_not(Ast::SR_CLKBUSY);
        ast.write(Ast::CLOCK, 0x000, 4);
        wait_not(Ast::SR_CLKBUSY);
        ast.write(Ast::CLOCK, 0x100, 4);
        wait_not(Ast::SR_CLKBUSY);
        ast.write(Ast::CLOCK, 0x101, 4);
        wait_not(Ast::SR_CLKBUSY);
        write(Ast::CR, 0);
        write(Ast::IDR, Ast::SR_ALARM0);
        write(Ast::WER, Ast::SR_ALARM0);
        write(Ast::SCR, Ast::SR_ALARM0);
        wait_not(Ast::SR_BUSY);
    }
};

TEST_F(AstTest, CountsAt16384HzFromThe32kClockWithPselZero) {
    configure_32k();
    write(Ast::CR, Ast::CR_EN);
    wait_not(Ast::SR_BUSY);
    const Picos start = clock.now();
    EXPECT_EQ(ast.read(Ast::CV, 4), 0u);
    run_to(start + kPicosPerSecond);
    EXPECT_EQ(ast.read(Ast::CV, 4), 16384u);
}

TEST_F(AstTest, Alarm0FiresExactlyAtTheProgrammedTick) {
    configure_32k();
    write(Ast::AR0, 1600);
    write(Ast::IER, Ast::SR_ALARM0);
    write(Ast::CR, Ast::CR_EN);
    // The counter starts when the CR write is made: its prescaler origin is that instant.
    const Picos enabled = clock.now();
    // 1600 counts of 2 source clocks at 32 768 Hz = 3200/32768 s = 97.65625 ms exactly.
    const Picos due = enabled + 97'656'250'000ull;
    run_to(due - 1);
    EXPECT_EQ(ast.read(Ast::CV, 4), 1599u);
    EXPECT_FALSE(ast.read(Ast::SR, 4) & Ast::SR_ALARM0);
    EXPECT_FALSE(irq.level[39]);
    run_to(due);
    EXPECT_EQ(ast.read(Ast::CV, 4), 1600u);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_ALARM0);
    EXPECT_TRUE(irq.level[39]);
    // Tock's handler: SCR <- ALARM0 drops the line.
    write(Ast::SCR, Ast::SR_ALARM0);
    EXPECT_FALSE(irq.level[39]);
}

TEST_F(AstTest, AlarmIsNotRaisedWhenItsInterruptIsMaskedButTheFlagIs) {
    configure_32k();
    write(Ast::AR0, 10);
    write(Ast::CR, Ast::CR_EN);
    run_to(clock.now() + picos_from_ms(2));
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_ALARM0);
    EXPECT_FALSE(irq.level[39]);
}

TEST_F(AstTest, WritesSetBusyForTwoAstClockPeriodsAndWritesDuringBusyAreDiscarded) {
    configure_32k();
    const Picos t = clock.now();
    ast.write(Ast::AR0, 100, 4);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_BUSY);
    ast.write(Ast::AR0, 200, 4);  // discarded
    const Picos sync = picos_for_ticks(2, k32kHz);
    run_to(t + sync - 1);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_BUSY);
    run_to(t + sync);
    EXPECT_FALSE(ast.read(Ast::SR, 4) & Ast::SR_BUSY);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_READY);
    EXPECT_EQ(ast.read(Ast::AR0, 4), 100u);
}

TEST_F(AstTest, ClockWriteSetsClkBusyUntilTheNewClockHasRunTwoPeriods) {
    clocks.rc32k_hz = k32kHz;
    clocks.ck32_from_rc32k = true;
    ast.write(Ast::CLOCK, 0x101, 4);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_CLKBUSY);
    run_to(clock.now() + picos_for_ticks(2, k32kHz));
    EXPECT_FALSE(ast.read(Ast::SR, 4) & Ast::SR_CLKBUSY);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_CLKRDY);
    EXPECT_EQ(ast.source_hz(), k32kHz);
}

TEST_F(AstTest, WithoutAClockTheCounterStandsStill) {
    write(Ast::CR, Ast::CR_EN);  // CLOCK.CEN = 0
    run_to(picos_from_ms(100));
    EXPECT_EQ(ast.read(Ast::CV, 4), 0u);
}

TEST_F(AstTest, OverflowSetsOvfWhenTheCounterWrapsToZero) {
    configure_32k();
    write(Ast::CV, 0xFFFF'FFFE);
    write(Ast::IER, Ast::SR_OVF);
    write(Ast::CR, Ast::CR_EN);
    const Picos enabled = clock.now();
    run_to(enabled + picos_for_ticks(3, k32kHz));  // 1 count (needs 2 source clocks)
    EXPECT_EQ(ast.read(Ast::CV, 4), 0xFFFF'FFFFu);
    EXPECT_FALSE(irq.level[41]);
    run_to(enabled + 122'070'313ull);  // ceil(4 / 32768 s) in ps
    EXPECT_EQ(ast.read(Ast::CV, 4), 0u);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_OVF);
    EXPECT_TRUE(irq.level[41]);
}

TEST_F(AstTest, ClearOnAlarmRestartsTheCounterAfterReachingAr0) {
    configure_32k();
    write(Ast::AR0, 3);
    write(Ast::CR, Ast::CR_EN | Ast::CR_CA0);
    const Picos enabled = clock.now();
    const Picos count = picos_for_ticks(2, k32kHz);
    run_to(enabled + 3 * count + count / 2);
    EXPECT_EQ(ast.read(Ast::CV, 4), 3u);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_ALARM0);
    run_to(enabled + 4 * count + count / 2);
    EXPECT_EQ(ast.read(Ast::CV, 4), 0u);
    run_to(enabled + 5 * count + count / 2);
    EXPECT_EQ(ast.read(Ast::CV, 4), 1u);
}

TEST_F(AstTest, PeriodicEventEveryTwoToTheInselPlusOneSourceClocks) {
    configure_32k();
    write(Ast::PIR0, 3);  // every 16 source clocks
    write(Ast::IER, Ast::SR_PER0);
    write(Ast::CR, Ast::CR_EN);
    const Picos enabled = clock.now();
    const Picos due = enabled + 488'281'250ull;  // 16 / 32768 s
    run_to(due - 1);
    EXPECT_FALSE(irq.level[40]);
    run_to(due);
    EXPECT_TRUE(irq.level[40]);
}

TEST_F(AstTest, PselAndThePbClockSetTheCountingRate) {
    // CSSEL = 2 (PBD clock, 48 MHz here), PSEL = 3: 48 MHz / 16 = 3 MHz.
    ast.write(Ast::CLOCK, 0x201, 4);
    wait_not(Ast::SR_CLKBUSY);
    write(Ast::CR, Ast::CR_EN | (3u << 16));
    const Picos enabled = clock.now();
    run_to(enabled + picos_from_us(1000));
    EXPECT_EQ(ast.read(Ast::CV, 4), 3000u);
}

TEST_F(AstTest, WritingCvKeepsCountingFromTheNewValue) {
    configure_32k();
    write(Ast::CR, Ast::CR_EN);
    run_to(clock.now() + picos_from_ms(10));
    write(Ast::CV, 1000);
    wait_not(Ast::SR_BUSY);
    const std::uint32_t v = ast.read(Ast::CV, 4);
    EXPECT_GE(v, 1000u);
    EXPECT_LE(v, 1001u);
    run_to(clock.now() + kPicosPerSecond);
    EXPECT_NEAR(static_cast<double>(ast.read(Ast::CV, 4)), v + 16384.0, 1.0);
}

}  // namespace
}  // namespace tockemu::sam4l

namespace tockemu::sam4l {
namespace {

constexpr std::uint32_t calv(unsigned year, unsigned month, unsigned day, unsigned hour,
                             unsigned min, unsigned sec) {
    return (year << 26) | (month << 22) | (day << 17) | (hour << 12) | (min << 6) | sec;
}

// Calendar mode (CR.CAL) with PSEL = 14: one count per second of the 32 768 Hz clock.
TEST_F(AstTest, CalendarCountsSecondsThroughALeapDayAndAlarmsOnADate) {
    configure_32k();
    constexpr std::uint32_t kCr1Hz = Ast::CR_EN | Ast::CR_CAL | (14u << 16);
    // The periodic event is always scheduled: a slow one keeps a simulated day cheap.
    write(Ast::PIR0, 20);
    write(Ast::CR, Ast::CR_CAL | (14u << 16));
    write(Ast::CALV, calv(16, 2, 28, 23, 59, 58));  // YEAR 16 is a leap year
    write(Ast::AR0, calv(16, 3, 1, 0, 0, 0));
    write(Ast::IER, Ast::SR_ALARM0);
    write(Ast::CR, kCr1Hz);
    const Picos enabled = clock.now();
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(16, 2, 28, 23, 59, 58));
    run_to(enabled + 2 * kPicosPerSecond);
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(16, 2, 29, 0, 0, 0));
    // 2 s + one day to 1 March 00:00:00.
    const Picos due = enabled + (2 + 86'400) * kPicosPerSecond;
    run_to(due - 1);
    EXPECT_FALSE(irq.level[39]);
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(16, 2, 29, 23, 59, 59));
    run_to(due);
    EXPECT_TRUE(irq.level[39]);
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(16, 3, 1, 0, 0, 0));
}

TEST_F(AstTest, CalendarOverflowsWhenYear63EndsAndNonLeapFebruaryHas28Days) {
    configure_32k();
    write(Ast::CR, Ast::CR_CAL | (14u << 16));
    write(Ast::CALV, calv(63, 12, 31, 23, 59, 59));
    write(Ast::IER, Ast::SR_OVF);
    write(Ast::CR, Ast::CR_EN | Ast::CR_CAL | (14u << 16));
    const Picos enabled = clock.now();
    run_to(enabled + kPicosPerSecond - 1);
    EXPECT_FALSE(irq.level[41]);
    run_to(enabled + kPicosPerSecond);
    EXPECT_TRUE(irq.level[41]);
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(0, 1, 1, 0, 0, 0));
    write(Ast::CALV, calv(17, 2, 28, 23, 59, 59));
    const Picos t = clock.now();
    run_to(t + kPicosPerSecond + picos_from_ms(1));
    EXPECT_EQ(ast.read(Ast::CALV, 4), calv(17, 3, 1, 0, 0, 0));
}

TEST_F(AstTest, EventEnableAndDisableGoThroughTheSynchroniser) {
    configure_32k();
    write(Ast::EVE, Ast::SR_PER0 | Ast::SR_ALARM0);
    EXPECT_TRUE(ast.read(Ast::SR, 4) & Ast::SR_BUSY);
    write(Ast::EVD, Ast::SR_ALARM0);
    wait_not(Ast::SR_BUSY);
    EXPECT_EQ(ast.read(Ast::EVM, 4), Ast::SR_PER0);
}

}  // namespace
}  // namespace tockemu::sam4l
