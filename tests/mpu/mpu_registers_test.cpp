// MPU register file (ARMv7-M ARM B3.5.5-B3.5.9): reset values, read-back masking, the RBAR
// VALID/REGION shortcut, the alias pairs and change notification.
#include <gtest/gtest.h>

#include <cstdint>

#include "emu/mpu/mpu.hpp"

namespace tockemu {
namespace {

constexpr std::uint32_t kRbarA1 = 0x14, kRasrA1 = 0x18, kRbarA2 = 0x1C, kRasrA2 = 0x20,
                        kRbarA3 = 0x24, kRasrA3 = 0x28;

std::uint32_t rasr(unsigned size_field, unsigned ap = 3, bool enable = true) {
    return (ap << 24) | (size_field << 1) | (enable ? 1u : 0u);
}

TEST(MpuRegisters, ResetStateIsDisabledWithEightUnifiedRegions) {
    Mpu mpu;
    EXPECT_EQ(mpu.read(Mpu::kType), 0x00000800u);
    EXPECT_EQ(mpu.read(Mpu::kCtrl), 0u);
    EXPECT_EQ(mpu.read(Mpu::kRnr), 0u);
    for (unsigned n = 0; n < 8; ++n) {
        mpu.write(Mpu::kRnr, n);
        EXPECT_EQ(mpu.read(Mpu::kRasr) & 1u, 0u) << "region " << n;
        EXPECT_EQ(mpu.read(Mpu::kRbar), n) << "REGION field reads RNR";
    }
    EXPECT_EQ(Mpu::kBase + Mpu::kRasrA3, 0xE000EDB8u);
    EXPECT_EQ(Mpu::kBase + Mpu::kSize, 0xE000EDBCu);
}

TEST(MpuRegisters, TypeIsReadOnly) {
    Mpu mpu;
    mpu.write(Mpu::kType, 0xFFFFFFFF);
    EXPECT_EQ(mpu.read(Mpu::kType), 0x00000800u);
}

TEST(MpuRegisters, CtrlKeepsOnlyEnableHfnmienaPrivdefena) {
    Mpu mpu;
    mpu.write(Mpu::kCtrl, 0xFFFFFFFF);
    EXPECT_EQ(mpu.read(Mpu::kCtrl), 7u);
    EXPECT_TRUE(mpu.enabled());
    mpu.write(Mpu::kCtrl, 4);
    EXPECT_EQ(mpu.read(Mpu::kCtrl), 4u);
    EXPECT_FALSE(mpu.enabled());
}

TEST(MpuRegisters, RnrOutOfRangeWriteIsIgnored) {
    Mpu mpu;
    mpu.write(Mpu::kRnr, 5);
    mpu.write(Mpu::kRnr, 8);
    EXPECT_EQ(mpu.read(Mpu::kRnr), 5u);
    mpu.write(Mpu::kRnr, 0x105);
    EXPECT_EQ(mpu.read(Mpu::kRnr), 5u);
}

TEST(MpuRegisters, RbarValidSelectsTheRegionAndUpdatesRnr) {
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20000000 | Mpu::kRbarValid | 6);
    EXPECT_EQ(mpu.read(Mpu::kRnr), 6u);
    mpu.write(Mpu::kRasr, rasr(9));  // 1 KiB
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000006u) << "VALID reads 0, REGION reads RNR";
    EXPECT_EQ(mpu.regions()[6].base(), 0x20000000u);
    EXPECT_EQ(mpu.regions()[6].size_bytes(), 1024u);
    EXPECT_TRUE(mpu.regions()[6].enabled());
}

TEST(MpuRegisters, RbarWithoutValidWritesTheRegionInRnr) {
    Mpu mpu;
    mpu.write(Mpu::kRnr, 2);
    mpu.write(Mpu::kRbar, 0x20000400 | 7);  // REGION field ignored without VALID
    mpu.write(Mpu::kRasr, rasr(4));
    EXPECT_EQ(mpu.read(Mpu::kRnr), 2u);
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000402u);
    EXPECT_EQ(mpu.regions()[7].base(), 0u);
}

TEST(MpuRegisters, RbarValidWithRegionAboveSevenIsIgnored) {
    Mpu mpu;
    mpu.write(Mpu::kRnr, 1);
    mpu.write(Mpu::kRbar, 0x20000000 | Mpu::kRbarValid | 9);
    EXPECT_EQ(mpu.read(Mpu::kRnr), 1u);
    EXPECT_EQ(mpu.read(Mpu::kRbar), 1u);
}

TEST(MpuRegisters, RbarAddressReadsBackAlignedToTheRegionSize) {
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20000120 | Mpu::kRbarValid | 3);
    mpu.write(Mpu::kRasr, rasr(4));  // 32 bytes: bits [31:5] all meaningful
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000123u);
    mpu.write(Mpu::kRasr, rasr(9));  // 1 KiB: bits [9:5] read as zero
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000003u);
    mpu.write(Mpu::kRasr, rasr(4));  // shrinking again shows the address as written
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000123u);
    mpu.write(Mpu::kRbar, 0x2000010F);  // bits [3:0] are REGION, never address
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x20000103u);
    mpu.write(Mpu::kRasr, rasr(31));  // 4 GiB: no address bits at all
    EXPECT_EQ(mpu.read(Mpu::kRbar), 0x00000003u);
    EXPECT_EQ(mpu.regions()[3].size_bytes(), 0u) << "4 GiB is reported as 0";
}

TEST(MpuRegisters, RasrReservedBitsReadAsZero) {
    Mpu mpu;
    mpu.write(Mpu::kRasr, 0xFFFFFFFF);
    EXPECT_EQ(mpu.read(Mpu::kRasr), 0x173FFF3Fu);
    const MpuRegion& r = mpu.regions()[0];
    EXPECT_EQ(r.ap(), 7u);
    EXPECT_TRUE(r.xn());
    EXPECT_EQ(r.srd(), 0xFFu);
    EXPECT_EQ(r.size_field(), 31u);
}

TEST(MpuRegisters, AliasesAccessTheRegionSelectedByRnr) {
    Mpu mpu;
    // ARMv7-M aliases are the same registers (unlike ARMv8-M's RNR+n): a 4-region STM works
    // because every RBAR write carries VALID and its own region number.
    mpu.write(Mpu::kRbar, 0x20000000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, rasr(5));
    mpu.write(kRbarA1, 0x20001000 | Mpu::kRbarValid | 1);
    mpu.write(kRasrA1, rasr(6));
    mpu.write(kRbarA2, 0x20002000 | Mpu::kRbarValid | 2);
    mpu.write(kRasrA2, rasr(7));
    mpu.write(kRbarA3, 0x20003000 | Mpu::kRbarValid | 3);
    mpu.write(kRasrA3, rasr(8));
    EXPECT_EQ(mpu.read(Mpu::kRnr), 3u);
    for (unsigned n = 0; n < 4; ++n) {
        EXPECT_EQ(mpu.regions()[n].base(), 0x20000000u + 0x1000 * n);
        EXPECT_EQ(mpu.regions()[n].size_bytes(), 64u << n);
    }
    mpu.write(Mpu::kRnr, 2);
    EXPECT_EQ(mpu.read(kRbarA1), 0x20002002u);
    EXPECT_EQ(mpu.read(kRbarA3), 0x20002002u);
    EXPECT_EQ(mpu.read(kRasrA2), rasr(7));
    EXPECT_EQ(mpu.read(kRasrA3), rasr(7));
}

TEST(MpuRegisters, SubRegionFieldsAreStoredEvenWhenIgnored) {
    Mpu mpu;
    mpu.write(Mpu::kRasr, (0xA5u << 8) | rasr(6));  // 128 bytes: SRD stored, not applied
    EXPECT_EQ(mpu.regions()[0].srd(), 0xA5u);
    EXPECT_EQ(mpu.regions()[0].effective_srd(), 0u);
    mpu.write(Mpu::kRasr, (0xA5u << 8) | rasr(7));
    EXPECT_EQ(mpu.regions()[0].effective_srd(), 0xA5u);
}

TEST(MpuRegisters, ChangesNotifyAndBumpTheGenerationOnce) {
    Mpu mpu;
    int calls = 0;
    mpu.on_change = [&] { ++calls; };
    std::uint64_t g0 = mpu.generation();
    mpu.write(Mpu::kCtrl, 5);
    EXPECT_EQ(calls, 1);
    mpu.write(Mpu::kCtrl, 5);  // same value: no change
    mpu.write(Mpu::kRnr, 3);   // selecting a region changes nothing effective
    EXPECT_EQ(calls, 1);
    mpu.write(Mpu::kRbar, 0x20000000 | Mpu::kRbarValid | 1);
    mpu.write(Mpu::kRasr, rasr(9));
    EXPECT_EQ(calls, 3);
    const std::uint64_t g1 = mpu.generation();
    EXPECT_NE(g1, g0);
    mpu.reset();
    EXPECT_EQ(mpu.read(Mpu::kCtrl), 0u);
    EXPECT_EQ(calls, 4);
    EXPECT_EQ(mpu.generation(), g0) << "the reset configuration is the first one again";
}

// Tock turns the MPU off for kernel work and writes the same process configuration again
// before the next switch: a configuration seen recently keeps its number and its decisions.
TEST(MpuRegisters, ARecentConfigurationGetsItsGenerationBack) {
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20004000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, rasr(12) | (3u << 24) | (0x80u << 8));  // 8 KiB RW, last sub-region off
    mpu.write(Mpu::kCtrl, 5);
    const std::uint64_t on = mpu.generation();
    EXPECT_FALSE(mpu.check(0x20005C00, AccessKind::Read, false, 0).allowed);
    EXPECT_TRUE(mpu.check(0x20005000, AccessKind::Read, false, 0).allowed);
    mpu.write(Mpu::kCtrl, 4);
    const std::uint64_t off = mpu.generation();
    EXPECT_NE(off, on);
    EXPECT_TRUE(mpu.check(0x20005C00, AccessKind::Read, false, 0).allowed) << "MPU off";
    mpu.write(Mpu::kCtrl, 5);
    EXPECT_EQ(mpu.generation(), on);
    EXPECT_FALSE(mpu.check(0x20005C00, AccessKind::Read, false, 0).allowed);
    EXPECT_TRUE(mpu.check(0x20005000, AccessKind::Read, false, 0).allowed);
    // A different region is a different configuration, and so is going back to the old one
    // after more than a few others.
    mpu.write(Mpu::kRasr, rasr(12) | (3u << 24));
    EXPECT_NE(mpu.generation(), on);
    EXPECT_TRUE(mpu.check(0x20005C00, AccessKind::Read, false, 0).allowed);
    for (unsigned size = 5; size < 11; ++size) mpu.write(Mpu::kRasr, rasr(size) | (3u << 24));
    mpu.write(Mpu::kRasr, rasr(12) | (3u << 24) | (0x80u << 8));
    EXPECT_FALSE(mpu.check(0x20005C00, AccessKind::Read, false, 0).allowed);
    EXPECT_TRUE(mpu.check(0x20005000, AccessKind::Read, false, 0).allowed);
}

TEST(MpuRegisters, PrivilegedChecksAreNeededOnlyWhenPrivilegedCodeCanBeDenied) {
    Mpu mpu;
    EXPECT_FALSE(mpu.privileged_checks_needed()) << "MPU off";
    // Tock: PRIVDEFENA, RAM region AP=011 XN, flash region AP=010.
    mpu.write(Mpu::kRbar, 0x20004000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, (1u << 28) | rasr(12, 3));
    mpu.write(Mpu::kRbar, 0x00030000 | Mpu::kRbarValid | 2);
    mpu.write(Mpu::kRasr, rasr(13, 2));
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    EXPECT_FALSE(mpu.privileged_checks_needed());
    EXPECT_TRUE(mpu.privileged_fetch_checks_needed()) << "the XN RAM region";
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable);
    EXPECT_TRUE(mpu.privileged_checks_needed()) << "PRIVDEFENA=0";
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    mpu.write(Mpu::kRbar, 0x20008000 | Mpu::kRbarValid | 5);
    mpu.write(Mpu::kRasr, rasr(5, 6));  // read-only for privileged code too
    EXPECT_TRUE(mpu.privileged_checks_needed());
    mpu.write(Mpu::kRasr, rasr(5, 6, false));  // disabled again
    EXPECT_FALSE(mpu.privileged_checks_needed());
}

}  // namespace
}  // namespace tockemu
