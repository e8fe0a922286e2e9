#include "emu/bus/bus.hpp"

#include <gtest/gtest.h>

#include <array>

#include "emu/periph/register_block.hpp"

namespace tockemu {
namespace {

TEST(Bus, UnmappedAccessIsABusErrorNotACrash) {
    Bus bus;
    bus.add_memory("sram", 0x20000000, 0x10000);
    EXPECT_FALSE(bus.read(0x30000000, 4, Initiator::Dma).ok);
    EXPECT_FALSE(bus.write(0x2000FFFE, 0, 4, Initiator::Dma));  // straddles the end
    EXPECT_FALSE(bus.read(0xFFFFFFFE, 4, Initiator::Cpu).ok);   // would wrap around
    std::array<std::uint8_t, 8> buf{};
    EXPECT_FALSE(bus.read_block(0x2000FFFC, buf, Initiator::Debugger));
}

TEST(Bus, MemoryIsLittleEndian) {
    Bus bus;
    bus.add_memory("sram", 0x20000000, 0x10000);
    ASSERT_TRUE(bus.write(0x20000010, 0x11223344, 4, Initiator::Cpu));
    EXPECT_EQ(bus.read(0x20000010, 1, Initiator::Cpu).value, 0x44u);
    EXPECT_EQ(bus.read(0x20000012, 2, Initiator::Cpu).value, 0x1122u);
}

TEST(Bus, FlashStoresGoToTheStoreHandlerButLoaderWritesDoNot) {
    Bus bus;
    Memory& flash = bus.add_memory("flash", 0, 0x1000, 0xFF);
    std::uint32_t seen = 0;
    flash.store_handler = [&](std::uint32_t off, std::uint32_t v, unsigned) { seen = off ^ v; };
    ASSERT_TRUE(bus.write(0x10, 0xAB, 1, Initiator::Cpu));
    EXPECT_EQ(seen, 0x10u ^ 0xABu);
    EXPECT_EQ(flash.bytes[0x10], 0xFF);
    const std::array<std::uint8_t, 2> data{1, 2};
    ASSERT_TRUE(bus.write_block(0x20, data, Initiator::Loader));
    EXPECT_EQ(flash.bytes[0x21], 2);
}

constexpr Reg kTestRegs[] = {
    {0x00, "CR", Access::WO},
    {0x04, "MR", Access::RW, 0x5, 0xFF},
    {0x08, "IER", Access::WO, 0, 0x7, Action::Set, 0x10},
    {0x0C, "IDR", Access::WO, 0, 0x7, Action::Clear, 0x10},
    {0x10, "IMR", Access::RO},
    {0x14, "SR", Access::RC, 0x3},
};

class TestBlock : public RegisterBlock {
public:
    TestBlock() : RegisterBlock("TEST", kTestRegs, 0x100) {}
    int cr_writes = 0;

protected:
    void on_write(std::size_t index, std::uint32_t) override { cr_writes += index == 0; }
};

TEST(RegisterBlock, AppliesTableSemantics) {
    Bus bus;
    TestBlock dev;
    bus.map_device(0x40000000, dev.size(), dev);
    EXPECT_EQ(bus.read(0x40000004, 4, Initiator::Cpu).value, 0x5u);  // reset value
    bus.write(0x40000004, 0x1234, 4, Initiator::Cpu);
    EXPECT_EQ(dev.reg(0x04), 0x34u);  // masked to implemented bits
    bus.write(0x40000008, 0xFF, 4, Initiator::Cpu);
    EXPECT_EQ(dev.reg(0x10), 0x7u);  // IER sets IMR
    bus.write(0x4000000C, 0x2, 4, Initiator::Cpu);
    EXPECT_EQ(dev.reg(0x10), 0x5u);  // IDR clears IMR
    bus.write(0x40000010, 0, 4, Initiator::Cpu);
    EXPECT_EQ(dev.reg(0x10), 0x5u);  // RO ignores writes
    EXPECT_EQ(bus.read(0x40000000, 4, Initiator::Cpu).value, 0u);  // WO reads 0
    bus.write(0x40000000, 1, 4, Initiator::Cpu);
    EXPECT_EQ(dev.cr_writes, 1);
    EXPECT_EQ(bus.read(0x40000014, 4, Initiator::Debugger).value, 0x3u);  // peek: no clear
    EXPECT_EQ(bus.read(0x40000014, 4, Initiator::Cpu).value, 0x3u);
    EXPECT_EQ(bus.read(0x40000014, 4, Initiator::Cpu).value, 0x0u);  // read-to-clear
    EXPECT_EQ(bus.read(0x40000080, 4, Initiator::Cpu).value, 0u);    // unmodelled: 0
}

}  // namespace
}  // namespace tockemu
