// Exception state and System Control Space registers, driven through their interfaces.
#include <gtest/gtest.h>

#include "emu/core/clock.hpp"
#include "emu/cpu/exceptions.hpp"
#include "emu/cpu/scs.hpp"
#include "emu/cpu/systick.hpp"
#include "emu/mpu/mpu.hpp"

namespace tockemu {
namespace {

constexpr std::uint32_t ISER0 = 0x100, ICER0 = 0x180, ISPR0 = 0x200, ICPR0 = 0x280, IABR0 = 0x300,
                        IPR0 = 0x400, ICTR = 0x004, CPUID = 0xD00, ICSR = 0xD04, VTOR = 0xD08,
                        AIRCR = 0xD0C, CCR = 0xD14, SHPR2 = 0xD1C, SHPR3 = 0xD20, SHCSR = 0xD24,
                        CFSR = 0xD28, HFSR = 0xD2C, STIR = 0xF00, SYST_CSR = 0x010,
                        SYST_RVR = 0x014, SYST_CVR = 0x018, SYST_CALIB = 0x01C, MPU_TYPE = 0xD90;

struct ScsFixture : ::testing::Test {
    Clock clock{48'000'000};
    ExceptionState exc;
    SysTick systick{clock};
    Mpu mpu;
    Scs scs{exc, systick, mpu};
    unsigned ipsr = 0;
    ScsFixture() {
        scs.current_exception = [this] { return ipsr; };
        systick.on_wrap_interrupt = [this] { exc.set_pending(exc::kSysTick, true); };
        scs.reset();
    }
    std::uint32_t rd(std::uint32_t off) { return scs.read(off, 4); }
    void wr(std::uint32_t off, std::uint32_t v) { scs.write(off, v, 4); }
    void run_cycles(std::uint64_t n) {
        clock.advance_cycles(n);
        clock.run_due();
    }
};

TEST_F(ScsFixture, IdentifiesACortexM4WithEnoughInterruptLinesForTheSam4l) {
    EXPECT_EQ(rd(CPUID), 0x410FC241u);
    EXPECT_EQ(rd(ICTR), 2u);          // 96 lines: Tock loops over ICTR+1 words
    EXPECT_EQ(rd(CCR), 0x200u);       // STKALIGN
    EXPECT_EQ(rd(MPU_TYPE), 0x800u);  // forwarded to the MPU: 8 regions
}

TEST_F(ScsFixture, NvicEnablePendAndClearWorkPerBitAndLinesAbove79ReadAsZero) {
    wr(ISER0 + 8, 0xFFFFFFFF);
    EXPECT_EQ(rd(ISER0 + 8), 0x0000FFFFu);  // IRQ 64..79 only
    wr(ICER0 + 8, 1u << 1);
    EXPECT_EQ(rd(ISER0 + 8), 0x0000FFFDu);
    wr(ISPR0, 1u << 3);
    EXPECT_TRUE(exc.pending(exc::kFirstIrq + 3));
    EXPECT_EQ(rd(ISPR0), 1u << 3);
    wr(ICPR0, 1u << 3);
    EXPECT_EQ(rd(ISPR0), 0u);
    wr(STIR, 70);
    EXPECT_EQ(rd(ISPR0 + 8), 1u << 6);
}

TEST_F(ScsFixture, PriorityRegistersKeepFourBitsAndAreByteAccessible) {
    scs.write(IPR0 + 5, 0xAB, 1);
    EXPECT_EQ(scs.read(IPR0 + 5, 1), 0xA0u);
    EXPECT_EQ(rd(IPR0 + 4), 0x0000A000u);
    scs.write(SHPR3 + 3, 0x7F, 1);  // SysTick
    EXPECT_EQ(exc.priority(exc::kSysTick), 0x70);
    wr(SHPR2, 0xC0000000);  // SVCall
    EXPECT_EQ(exc.priority(exc::kSvCall), 0xC0);
}

TEST_F(ScsFixture, AircrNeedsTheKeyAndSetsPrigroup) {
    wr(AIRCR, 0x00000500);  // no key: ignored
    EXPECT_EQ(rd(AIRCR), 0xFA050000u);
    wr(AIRCR, 0x05FA0500);
    EXPECT_EQ(rd(AIRCR), 0xFA050500u);
    EXPECT_EQ(exc.prigroup(), 5u);
    bool reset = false;
    scs.on_system_reset = [&] { reset = true; };
    wr(AIRCR, 0x05FA0004);
    EXPECT_TRUE(reset);
}

// B3.2.4: RETTOBASE is 1 when no exception other than IPSR's is active; in Thread mode with
// nothing active a Cortex-M4 reads ICSR = 0x00000800 (so does QEMU).
TEST_F(ScsFixture, IcsrReadsRetToBaseAloneAtResetAndClearsItWithTwoActive) {
    EXPECT_EQ(rd(ICSR), 0x00000800u);
    ipsr = 11;
    exc.activate(11);
    EXPECT_EQ(rd(ICSR), 0x0000080Bu);
    ipsr = 14;
    exc.activate(14);
    EXPECT_EQ(rd(ICSR), 0x0000000Eu);  // SVCall still active under PendSV
}

TEST_F(ScsFixture, IcsrPendsAndReportsPendSvSysTickAndVectPending) {
    wr(ICSR, 1u << 28);  // PENDSVSET
    EXPECT_TRUE(exc.pending(exc::kPendSv));
    EXPECT_EQ((rd(ICSR) >> 12) & 0x1FF, exc::kPendSv);
    wr(ICSR, 1u << 26);  // PENDSTSET
    EXPECT_TRUE(exc.pending(exc::kSysTick));
    wr(ICSR, 1u << 27);  // PENDSVCLR
    EXPECT_FALSE(exc.pending(exc::kPendSv));
    EXPECT_EQ((rd(ICSR) >> 12) & 0x1FF, exc::kSysTick);
    wr(ISER0, 1);
    wr(ISPR0, 1);
    EXPECT_TRUE(rd(ICSR) & (1u << 22));  // ISRPENDING
    ipsr = 11;
    exc.activate(11);
    EXPECT_EQ(rd(ICSR) & 0x1FF, 11u);
    EXPECT_TRUE(rd(ICSR) & (1u << 11));  // RETTOBASE: only one active
}

TEST_F(ScsFixture, VtorIsAlignedAndFaultStatusIsWriteOneToClear) {
    wr(VTOR, 0x00010004);
    EXPECT_EQ(rd(VTOR), 0x00010000u);
    scs.faults().cfsr = 0x00028200;
    scs.faults().hfsr = 0x40000000;
    wr(CFSR, 0x00008000);
    EXPECT_EQ(rd(CFSR), 0x00020200u);
    scs.write(CFSR + 2, 0x2, 1);  // UFSR byte: clears INVSTATE only
    EXPECT_EQ(rd(CFSR), 0x00000200u);
    wr(HFSR, 0x40000000);
    EXPECT_EQ(rd(HFSR), 0u);
}

TEST_F(ScsFixture, ShcsrShowsActivePendingAndEnableBits) {
    wr(SHCSR, 0x00070000);
    EXPECT_TRUE(exc.fault_enabled(exc::kMemManage));
    EXPECT_TRUE(exc.fault_enabled(exc::kUsageFault));
    exc.activate(exc::kSvCall);
    exc.set_pending(exc::kBusFault, true);
    EXPECT_EQ(rd(SHCSR), 0x00070000u | (1u << 7) | (1u << 14));
}

TEST(ExceptionStateTest, PicksTheHighestPriorityThenTheLowestNumber) {
    ExceptionState e;
    for (unsigned i = 0; i < 4; ++i) e.set_irq_enabled(i, true);
    e.set_priority_byte(16 + 0, 0x80);
    e.set_priority_byte(16 + 1, 0x40);
    e.set_priority_byte(16 + 2, 0xC0);
    e.set_priority_byte(16 + 3, 0x40);
    for (unsigned i = 0; i < 4; ++i) e.set_pending(16 + i, true);
    EXPECT_EQ(e.highest_pending(), 17u);
    e.activate(17);
    EXPECT_EQ(e.execution_priority({}), 0x40);
    EXPECT_EQ(e.preempting(e.execution_priority({})), std::nullopt);  // 0x40 does not preempt 0x40
    e.deactivate(17);
    EXPECT_EQ(e.preempting(kThreadPriority), 19u);
}

TEST(ExceptionStateTest, MasksBoostTheExecutionPriority) {
    ExceptionState e;
    EXPECT_EQ(e.execution_priority({}), kThreadPriority);
    EXPECT_EQ(e.execution_priority({false, false, 0x40}), 0x40);
    EXPECT_EQ(e.execution_priority({true, false, 0x40}), 0);
    EXPECT_EQ(e.execution_priority({true, true, 0}), -1);
    e.set_prigroup(5);  // group = bits [7:6]
    EXPECT_EQ(e.group_priority(0x60), 0x40);
    EXPECT_EQ(e.execution_priority({false, false, 0x70}), 0x40);
}

TEST(ExceptionStateTest, AnAssertedLevelRependsAfterReturnAndAfterClear) {
    ExceptionState e;
    e.set_irq_enabled(5, true);
    e.set_irq_level(5, true);
    EXPECT_TRUE(e.pending(21));
    e.activate(21);
    EXPECT_FALSE(e.pending(21));
    e.deactivate(21);
    EXPECT_TRUE(e.pending(21));  // still asserted
    e.set_pending(21, false);
    EXPECT_TRUE(e.pending(21));  // ICPR cannot clear an asserted level
    e.set_irq_level(5, false);
    e.set_pending(21, false);
    EXPECT_FALSE(e.pending(21));
}

TEST(ExceptionStateTest, DisabledFaultsAndDebugMonitorAreNotTakeable) {
    ExceptionState e;
    e.set_pending(exc::kBusFault, true);
    EXPECT_EQ(e.highest_pending(), std::nullopt);
    e.set_fault_enabled(exc::kBusFault, true);
    EXPECT_EQ(e.highest_pending(), exc::kBusFault);
    EXPECT_FALSE(e.valid(7));
}

TEST_F(ScsFixture, SysTickCountsDownWrapsSetsCountflagAndInterrupts) {
    wr(SYST_RVR, 99);
    wr(SYST_CVR, 12345);  // any write clears to 0
    EXPECT_EQ(rd(SYST_CVR), 0u);
    wr(SYST_CSR, 5);  // enable, no interrupt
    run_cycles(1);    // reload
    EXPECT_EQ(rd(SYST_CVR), 99u);
    run_cycles(98);
    EXPECT_EQ(rd(SYST_CVR), 1u);
    EXPECT_FALSE(rd(SYST_CSR) & (1u << 16));
    run_cycles(1);
    EXPECT_EQ(rd(SYST_CVR), 0u);
    EXPECT_TRUE(rd(SYST_CSR) & (1u << 16));
    EXPECT_FALSE(rd(SYST_CSR) & (1u << 16));   // cleared by the read
    EXPECT_FALSE(exc.pending(exc::kSysTick));  // TICKINT off
    wr(SYST_CSR, 7);
    run_cycles(100);
    EXPECT_TRUE(exc.pending(exc::kSysTick));
    exc.set_pending(exc::kSysTick, false);
    run_cycles(50);
    EXPECT_FALSE(exc.pending(exc::kSysTick));
    run_cycles(50);
    EXPECT_TRUE(exc.pending(exc::kSysTick));
}

TEST_F(ScsFixture, SysTickCalibrationGivesTenMillisecondsAtTheCoreClock) {
    EXPECT_EQ(rd(SYST_CALIB) & 0xFFFFFF, 480000u);
    EXPECT_TRUE(rd(SYST_CALIB) & (1u << 31));  // NOREF
}

}  // namespace
}  // namespace tockemu

namespace tockemu {
namespace {
TEST_F(ScsFixture, SysTickFiresOncePerPeriodWhenTheClockJumpsToItsEvents) {
    int pends = 0;
    systick.on_wrap_interrupt = [&] { ++pends; };
    wr(SYST_RVR, 4999);
    wr(SYST_CVR, 0);
    wr(SYST_CSR, 7);
    for (int i = 0; i < 5; ++i) {
        auto t = clock.next_deadline();
        ASSERT_TRUE(t.has_value());
        clock.advance_cycles(clock.cycles_until(*t));
        clock.run_due();
        EXPECT_EQ(pends, i + 1);
        EXPECT_EQ(clock.cycles(), 5000u * static_cast<std::uint64_t>(i + 1));
    }
}
}  // namespace
}  // namespace tockemu
