// EIC: edge and level detection per line, enable/disable, ICR, lines 45..52.
#include "emu/periph/sam4l/eic.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tockemu::sam4l {
namespace {

struct Lines : InterruptSink {
    std::map<unsigned, bool> level;
    void set_irq_level(unsigned irq, bool l) override { level[irq] = l; }
};

using E = Eic;

class EicTest : public ::testing::Test {
  protected:
    Lines lines;
    Eic eic{&lines};
};

TEST_F(EicTest, ResetValues) {
    EXPECT_EQ(eic.read(E::VERSION, 4), 0x302u);
    EXPECT_EQ(eic.read(E::CTRL, 4), 0u);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);
}

TEST_F(EicTest, FallingEdgeOnAnEnabledLineFlagsAndInterrupts) {
    eic.write(E::IER, 1u << 3, 4);
    eic.write(E::EN, 1u << 3, 4);
    EXPECT_EQ(eic.read(E::CTRL, 4), 1u << 3);
    eic.set_input(3, true);  // no edge: idles high already
    EXPECT_FALSE(lines.level[47]);
    eic.set_input(3, false);
    EXPECT_EQ(eic.read(E::ISR, 4), 1u << 3);
    EXPECT_TRUE(lines.level[47]);  // EXTINT3 -> 44 + 3
    eic.set_input(3, true);        // rising edge: not selected
    eic.write(E::ICR, 1u << 3, 4);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);
    EXPECT_FALSE(lines.level[47]);
}

TEST_F(EicTest, RisingEdgeSelectedByEdge) {
    eic.write(E::EDGE, 1u << 8, 4);
    eic.write(E::IER, 1u << 8, 4);
    eic.write(E::EN, 1u << 8, 4);
    eic.set_input(8, false);
    EXPECT_FALSE(lines.level[52]);
    eic.set_input(8, true);
    EXPECT_TRUE(lines.level[52]);
}

TEST_F(EicTest, DisabledLineDoesNotDetect) {
    eic.write(E::IER, 1u << 1, 4);
    eic.set_input(1, false);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);
    eic.write(E::EN, 1u << 1, 4);
    eic.write(E::DIS, 1u << 1, 4);
    eic.set_input(1, true);
    eic.set_input(1, false);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);
    EXPECT_FALSE(lines.level[45]);
}

TEST_F(EicTest, LowLevelLineStaysFlaggedWhileLow) {
    eic.write(E::MODE, 1u << 2, 4);
    eic.write(E::IER, 1u << 2, 4);
    eic.write(E::EN, 1u << 2, 4);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);  // input high, LEVEL = low
    eic.set_input(2, false);
    EXPECT_TRUE(lines.level[46]);
    eic.write(E::ICR, 1u << 2, 4);
    EXPECT_EQ(eic.read(E::ISR, 4), 1u << 2);  // still low: flagged again
    eic.set_input(2, true);
    eic.write(E::ICR, 1u << 2, 4);
    EXPECT_EQ(eic.read(E::ISR, 4), 0u);
    EXPECT_FALSE(lines.level[46]);
}

TEST_F(EicTest, EnablingAHighLevelLineThatIsAlreadyHighFlagsAtOnce) {
    eic.write(E::MODE, 1u << 4, 4);
    eic.write(E::LEVEL, 1u << 4, 4);
    eic.write(E::EN, 1u << 4, 4);
    EXPECT_EQ(eic.read(E::ISR, 4), 1u << 4);
    EXPECT_FALSE(lines.level[48]);  // masked
    eic.write(E::IER, 1u << 4, 4);
    EXPECT_TRUE(lines.level[48]);
    eic.write(E::IDR, 1u << 4, 4);
    EXPECT_FALSE(lines.level[48]);
}

}  // namespace
}  // namespace tockemu::sam4l
