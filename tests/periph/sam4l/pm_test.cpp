// PM: main clock selection and dividers reach the clock tree and the CPU-clock callback, mask
// registers read back behind UNLOCK, access errors, the interrupt.
#include "emu/periph/sam4l/pm.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct PmTest : ::testing::Test {
    ClockTree clocks{48'000'000};
    Lines irq;
    Pm pm{clocks, &irq, 22};
    std::vector<std::uint64_t> cpu;

    PmTest() {
        pm.on_cpu_clock = [this](std::uint64_t hz) { cpu.push_back(hz); };
    }
    void locked_write(std::uint32_t off, std::uint32_t v) {
        pm.write(Pm::UNLOCK, 0xAA00'0000u | off, 4);
        pm.write(off, v, 4);
    }
};

TEST_F(PmTest, ResetValuesOfTheMaskRegisters) {
    EXPECT_EQ(pm.read(Pm::HSBMASK, 4), 0x1E2u);
    EXPECT_EQ(pm.read(Pm::PBAMASK, 4), 0u);
    EXPECT_EQ(pm.read(Pm::PBBMASK, 4), 0x1u);
    EXPECT_EQ(pm.read(Pm::PBCMASK, 4), 0x1Fu);
    EXPECT_EQ(pm.read(Pm::PBDMASK, 4), 0x3Fu);
    EXPECT_EQ(pm.read(Pm::VERSION, 4), 0x441u);
    EXPECT_TRUE(pm.read(Pm::SR, 4) & Pm::kCKRDY);
}

TEST_F(PmTest, UntilTheGuestProgramsClocksTheConfiguredFrequencyApplies) {
    EXPECT_EQ(clocks.cpu_hz(), 48'000'000u);
    EXPECT_EQ(clocks.pba_hz(), 48'000'000u);
}

TEST_F(PmTest, SelectingPll0SetsTheCpuClock) {
    clocks.pll0_hz = 48'000'000;
    locked_write(Pm::MCCTRL, 2);
    EXPECT_EQ(pm.read(Pm::MCCTRL, 4), 2u);
    ASSERT_EQ(cpu.size(), 1u);
    EXPECT_EQ(cpu[0], 48'000'000u);
}

TEST_F(PmTest, SelectingRcsysRunsTheCoreAt115kHz) {
    locked_write(Pm::MCCTRL, 0);
    ASSERT_EQ(cpu.size(), 1u);
    EXPECT_EQ(cpu[0], 115'200u);
}

TEST_F(PmTest, SelectingAStoppedSourceIsRefused) {
    locked_write(Pm::MCCTRL, 1);  // OSC0 not running
    EXPECT_EQ(pm.read(Pm::MCCTRL, 4), 0u);
    EXPECT_TRUE(cpu.empty());
}

TEST_F(PmTest, CpuAndBusDividersDivideByTwoToTheSelPlusOne) {
    clocks.pll0_hz = 48'000'000;
    locked_write(Pm::MCCTRL, 2);
    locked_write(Pm::CPUSEL, 0x80);  // /2
    EXPECT_EQ(cpu.back(), 24'000'000u);
    locked_write(Pm::PBASEL, 0x82);  // /8
    EXPECT_EQ(clocks.pba_hz(), 6'000'000u);
    EXPECT_EQ(clocks.pb_hz(Bridge::PBD), 48'000'000u);
    EXPECT_TRUE(pm.read(Pm::ISR, 4) & Pm::kCKRDY);
}

TEST_F(PmTest, UnlockSurvivesAnInterveningReadAsTockDoes) {
    pm.write(Pm::UNLOCK, 0xAA00'0028u, 4);
    const std::uint32_t v = pm.read(Pm::PBAMASK, 4);
    pm.write(Pm::PBAMASK, v | 0x100, 4);
    EXPECT_EQ(pm.read(Pm::PBAMASK, 4), 0x100u);
    pm.write(Pm::PBAMASK, 0, 4);  // the unlock was used up
    EXPECT_EQ(pm.read(Pm::PBAMASK, 4), 0x100u);
}

TEST_F(PmTest, WrongKeyOrWrongAddressDoesNotUnlock) {
    pm.write(Pm::UNLOCK, 0x5500'0028u, 4);
    pm.write(Pm::PBAMASK, 0x100, 4);
    pm.write(Pm::UNLOCK, 0xAA00'002Cu, 4);
    pm.write(Pm::PBAMASK, 0x100, 4);
    EXPECT_EQ(pm.read(Pm::PBAMASK, 4), 0u);
}

TEST_F(PmTest, AccessErrorRaisesThePmInterruptWhenEnabled) {
    pm.write(Pm::IER, Pm::kAE, 4);
    EXPECT_FALSE(irq.level[22]);
    pm.write(Pm::HSBMASK, 0, 4);  // no unlock
    EXPECT_TRUE(pm.read(Pm::ISR, 4) & Pm::kAE);
    EXPECT_TRUE(irq.level[22]);
    pm.write(Pm::ICR, Pm::kAE, 4);
    EXPECT_FALSE(irq.level[22]);
    EXPECT_FALSE(pm.read(Pm::SR, 4) & Pm::kAE);
}

}  // namespace
}  // namespace tockemu::sam4l

namespace tockemu::sam4l {
namespace {

// A register file that remembers what reached it, standing in for a peripheral model.
struct Probe : Device {
    std::uint32_t value = 0x1234;
    unsigned reads = 0, writes = 0;
    std::string_view name() const override { return "USART0"; }
    std::uint32_t read(std::uint32_t, unsigned) override {
        ++reads;
        return value;
    }
    void write(std::uint32_t, std::uint32_t v, unsigned) override {
        ++writes;
        value = v;
    }
};

TEST_F(PmTest, MaskWritesReachTheClockTree) {
    locked_write(Pm::PBAMASK, 0x100);
    EXPECT_TRUE(clocks.clocked({MaskReg::PBA, 8}));
    EXPECT_FALSE(clocks.clocked({MaskReg::PBA, 9}));
    // The APBA bridge (HSBMASK bit 5) gates every PBA peripheral.
    locked_write(Pm::HSBMASK, 0x1E2 & ~(1u << 5));
    EXPECT_FALSE(clocks.clocked({MaskReg::PBA, 8}));
    EXPECT_TRUE(clocks.clocked({MaskReg::PBD, 2}));  // AST: PBDMASK 0x3F out of reset
}

TEST_F(PmTest, MaskedPeripheralReadsZeroIgnoresWritesAndIsReportedOnce) {
    Probe usart;
    std::vector<bool> changes;
    ClockGatedDevice gate(usart, clocks, {MaskReg::PBA, 8},
                          [&](bool running) { changes.push_back(running); });
    EXPECT_FALSE(gate.running());  // PBAMASK is 0 out of reset
    EXPECT_EQ(gate.read(0x14, 4), 0u);
    gate.write(0x00, 0x40, 4);
    EXPECT_EQ(usart.reads + usart.writes, 0u);
    EXPECT_EQ(gate.report(), "access to USART0 with its clock masked (PM.PBAMASK bit 8)");
    EXPECT_EQ(gate.peek(0x14, 4), 0x1234u);  // the debugger still sees the model

    locked_write(Pm::PBAMASK, 0x100);
    gate.update();
    EXPECT_EQ(changes, std::vector<bool>{true});
    EXPECT_EQ(gate.read(0x14, 4), 0x1234u);
    gate.write(0x00, 0x40, 4);
    EXPECT_EQ(usart.value, 0x40u);

    locked_write(Pm::PBAMASK, 0);
    gate.update();
    EXPECT_EQ(changes, (std::vector<bool>{true, false}));
}

TEST_F(PmTest, AMaskedBridgeIsNamedAsTheCause) {
    locked_write(Pm::PBAMASK, 0x100);
    locked_write(Pm::HSBMASK, 0x1E2 & ~(1u << 5));
    Probe usart;
    ClockGatedDevice gate(usart, clocks, {MaskReg::PBA, 8});
    EXPECT_EQ(gate.read(0, 4), 0u);
    EXPECT_EQ(gate.report(),
              "access to USART0 with its clock masked (PM.HSBMASK bit 5, bridge APBA)");
}

}  // namespace
}  // namespace tockemu::sam4l
