// GPIO ports driven register by register: set/clear/toggle groups, pad levels, pin-change
// interrupts per mode and per 8-pin group line, and the GpioEvents that make LEDs observable.
#include "emu/periph/sam4l/gpio.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

struct GpioTest : ::testing::Test {
    Clock clock{48'000'000};
    Bus bus;
    Lines irq;
    EventHub hub;
    MachineContext ctx{clock, bus, irq, hub};
    std::vector<GpioEvent> events;
    GpioPort pa{ctx, 0, 25};
    GpioPort pb{ctx, 1, 29};

    GpioTest() {
        hub.subscribe([this](const Event& e) {
            if (auto* g = std::get_if<GpioEvent>(&e.payload)) events.push_back(*g);
        });
    }
    void w(GpioPort& p, std::uint32_t off, std::uint32_t v) { p.write(off, v, 4); }
    std::uint32_t r(GpioPort& p, std::uint32_t off) { return p.read(off, 4); }
};

TEST_F(GpioTest, ResetValuesFollowTheDatasheetPerPort) {
    EXPECT_EQ(r(pa, GpioPort::GPER), 0xFFFF'FFFCu);
    EXPECT_EQ(r(pa, GpioPort::PMR0), 0x8u);
    EXPECT_EQ(r(pa, GpioPort::STER), 0x4u);
    EXPECT_EQ(r(pb, GpioPort::GPER), 0x0000'FFFFu);
    EXPECT_EQ(r(pa, GpioPort::VERSION), 0x215u);
}

TEST_F(GpioTest, SetClearToggleAddressesActOnTheGroupRegister) {
    w(pa, GpioPort::ODER + GpioPort::S, 0x2000);
    w(pa, GpioPort::ODER + GpioPort::S, 0x8000);
    EXPECT_EQ(r(pa, GpioPort::ODER), 0xA000u);
    w(pa, GpioPort::ODER + GpioPort::C, 0x2000);
    EXPECT_EQ(r(pa, GpioPort::ODER), 0x8000u);
    w(pa, GpioPort::ODER + GpioPort::T, 0x8001);
    EXPECT_EQ(r(pa, GpioPort::ODER), 0x1u);
    // PB has 16 pins: upper bits are not implemented.
    w(pb, GpioPort::OVR, 0xFFFF'FFFF);
    EXPECT_EQ(r(pb, GpioPort::OVR), 0xFFFFu);
}

TEST_F(GpioTest, DrivenPinReadsItsOutputValueAndIsPublishedAsAnLedEvent) {
    // Tock's LED set-up for PA13 (red, active low), then "LED on".
    w(pa, GpioPort::GPER + GpioPort::S, 1u << 13);
    w(pa, GpioPort::ODER + GpioPort::S, 1u << 13);
    w(pa, GpioPort::STER + GpioPort::C, 1u << 13);
    w(pa, GpioPort::OVR + GpioPort::S, 1u << 13);
    EXPECT_TRUE(r(pa, GpioPort::PVR) & (1u << 13));
    events.clear();
    w(pa, GpioPort::OVR + GpioPort::T, 1u << 13);
    EXPECT_FALSE(r(pa, GpioPort::PVR) & (1u << 13));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].port, 0u);
    EXPECT_EQ(events[0].pin, 13u);
    EXPECT_FALSE(events[0].level);
    EXPECT_TRUE(events[0].output);
}

TEST_F(GpioTest, ExternalInputIsReadInPvrWhenThePinIsNotDriven) {
    w(pa, GpioPort::ODER + GpioPort::C, 1u << 16);
    pa.set_input(16, true);
    EXPECT_TRUE(r(pa, GpioPort::PVR) & (1u << 16));
    pa.set_input(16, false);
    EXPECT_FALSE(r(pa, GpioPort::PVR) & (1u << 16));
    // A driven pin ignores the outside.
    w(pa, GpioPort::ODER + GpioPort::S, 1u << 16);
    w(pa, GpioPort::OVR + GpioPort::S, 1u << 16);
    EXPECT_TRUE(r(pa, GpioPort::PVR) & (1u << 16));
}

TEST_F(GpioTest, FloatingPinReadsItsPullResistor) {
    w(pa, GpioPort::PUER + GpioPort::S, 1u << 5);
    EXPECT_TRUE(r(pa, GpioPort::PVR) & (1u << 5));
    w(pa, GpioPort::PUER + GpioPort::C, 1u << 5);
    w(pa, GpioPort::PDER + GpioPort::S, 1u << 5);
    EXPECT_FALSE(r(pa, GpioPort::PVR) & (1u << 5));
}

TEST_F(GpioTest, FallingEdgeInterruptOnTheButtonRaisesGroupLineTwo) {
    pa.set_input(16, true);
    w(pa, GpioPort::IMR1 + GpioPort::S, 1u << 16);  // 10 = falling
    w(pa, GpioPort::IER + GpioPort::S, 1u << 16);
    pa.set_input(16, true);  // no edge
    EXPECT_EQ(r(pa, GpioPort::IFR), 0u);
    pa.set_input(16, false);  // press
    EXPECT_EQ(r(pa, GpioPort::IFR), 1u << 16);
    EXPECT_TRUE(irq.level[27]);  // GPIO_2 = PA16..23
    EXPECT_FALSE(irq.level[25]);
    w(pa, GpioPort::IFRC, 1u << 16);
    EXPECT_EQ(r(pa, GpioPort::IFR), 0u);
    EXPECT_FALSE(irq.level[27]);
    pa.set_input(16, true);  // release: rising, not selected
    EXPECT_EQ(r(pa, GpioPort::IFR), 0u);
}

TEST_F(GpioTest, RisingAndAnyChangeModes) {
    w(pa, GpioPort::IMR0 + GpioPort::S, 1u << 3);               // 01 = rising
    w(pa, GpioPort::IER + GpioPort::S, (1u << 3) | (1u << 9));  // pin 9: 00 = any change
    pa.set_input(3, true);
    pa.set_input(9, true);
    EXPECT_EQ(r(pa, GpioPort::IFR), (1u << 3) | (1u << 9));
    EXPECT_TRUE(irq.level[25]);
    EXPECT_TRUE(irq.level[26]);
    w(pa, GpioPort::IFRC, 0xFFFF'FFFF);
    pa.set_input(3, false);
    pa.set_input(9, false);
    EXPECT_EQ(r(pa, GpioPort::IFR), 1u << 9);
}

// GPIO datasheet: an IFRC clear takes effect only while the pin's interrupt is enabled in IER.
// Tock's disable_interrupt() clears IER without clearing IFR; the flag then comes back with IER.
TEST_F(GpioTest, ClearingTheFlagOfADisabledPinIsIgnored) {
    w(pa, GpioPort::IER + GpioPort::S, 1u << 16);
    pa.set_input(16, true);
    EXPECT_EQ(r(pa, GpioPort::IFR), 1u << 16);
    w(pa, GpioPort::IER + GpioPort::C, 1u << 16);
    EXPECT_FALSE(irq.level[27]);
    w(pa, GpioPort::IFRC, 0xFFFF'FFFF);
    EXPECT_EQ(r(pa, GpioPort::IFR), 1u << 16) << "IER = 0: the clear is ignored";
    w(pa, GpioPort::IER + GpioPort::S, 1u << 16);
    EXPECT_TRUE(irq.level[27]) << "the old flag asserts the line again";
    w(pa, GpioPort::IFRC, 1u << 16);
    EXPECT_EQ(r(pa, GpioPort::IFR), 0u);
    EXPECT_FALSE(irq.level[27]);
}

TEST_F(GpioTest, DisabledInterruptDoesNotLatchAFlag) {
    pa.set_input(20, true);
    pa.set_input(20, false);
    EXPECT_EQ(r(pa, GpioPort::IFR), 0u);
}

TEST_F(GpioTest, OutputChangeOfAnInterruptEnabledPinAlsoLatches) {
    w(pb, GpioPort::IER + GpioPort::S, 1u << 12);
    w(pb, GpioPort::GPER + GpioPort::S, 1u << 12);
    w(pb, GpioPort::ODER + GpioPort::S, 1u << 12);
    w(pb, GpioPort::OVR + GpioPort::S, 1u << 12);
    EXPECT_EQ(r(pb, GpioPort::IFR), 1u << 12);
    EXPECT_TRUE(irq.level[30]);  // GPIO_5 = PB08..15
}

TEST_F(GpioTest, TockPinMuxSelectsPeripheralFunctionsThroughPmrBits) {
    // PA25 to function B (USART2 RXD): GPERC, PMR0S, PMR1C, PMR2C.
    w(pa, GpioPort::GPER + GpioPort::C, 1u << 25);
    w(pa, GpioPort::PMR0 + GpioPort::S, 1u << 25);
    w(pa, GpioPort::PMR1 + GpioPort::C, 1u << 25);
    w(pa, GpioPort::PMR2 + GpioPort::C, 1u << 25);
    EXPECT_FALSE(r(pa, GpioPort::GPER) & (1u << 25));
    const unsigned function = ((r(pa, GpioPort::PMR0) >> 25) & 1) |
                              (((r(pa, GpioPort::PMR1) >> 25) & 1) << 1) |
                              (((r(pa, GpioPort::PMR2) >> 25) & 1) << 2);
    EXPECT_EQ(function, 1u);  // B
    // A pin given to a peripheral is not driven by OVR.
    w(pa, GpioPort::ODER + GpioPort::S, 1u << 25);
    w(pa, GpioPort::OVR + GpioPort::S, 1u << 25);
    EXPECT_FALSE(pa.driven(25));
}

}  // namespace
}  // namespace tockemu::sam4l
