// CHIPID answers with the Hail's ATSAM4LC8BA identification through the bus.
#include "emu/periph/sam4l/flashcalw.hpp"

#include <gtest/gtest.h>

namespace tockemu::sam4l {
namespace {

TEST(ChipId, CidrAndExidAtTheirAbsoluteAddresses) {
    ChipId chip;
    Bus bus;
    bus.map_device(0x400E'0400, 0x400, chip);
    EXPECT_EQ(bus.read(0x400E'0740, 4, Initiator::Cpu).value, 0xAB0B'0AE0u);
    EXPECT_EQ(bus.read(0x400E'0744, 4, Initiator::Cpu).value, 0x0300'000Fu);
}

TEST(ChipId, FieldsDecodeToACortexM4SAM4LWith512KFlashAnd64KRam) {
    const std::uint32_t cidr = ChipId::kCidr;
    EXPECT_EQ((cidr >> 5) & 0x7, 7u);            // EPROC Cortex-M4
    EXPECT_EQ((cidr >> 8) & 0xF, 0xAu);          // NVPSIZ 512K
    EXPECT_EQ((cidr >> 16) & 0xF, 0xBu);         // SRAMSIZ 64K
    EXPECT_EQ((cidr >> 20) & 0xFF, 0xB0u);       // ARCH SAM4L
    EXPECT_EQ((ChipId::kExid >> 24) & 0x7, 3u);  // 64-pin package (B)
}

TEST(ChipId, WritesAreIgnored) {
    ChipId chip;
    chip.write(ChipId::CIDR, 0, 4);
    EXPECT_EQ(chip.read(ChipId::CIDR, 4), ChipId::kCidr);
}

}  // namespace
}  // namespace tockemu::sam4l
