// The readable MPU output: configuration table and denial sentences, checked word for word so
// that traces stay stable for people and scripts that read them.
#include <gtest/gtest.h>

#include <string>

#include "emu/mpu/mpu_explain.hpp"

namespace tockemu {
namespace {

// Tock's view of one process: RAM region 0 (8K, top two sub-regions kernel-owned), flash
// region 2 (16K, unprivileged read-only, executable).
Mpu tock_process_mpu() {
    Mpu mpu;
    mpu.write(Mpu::kRbar, 0x20004000 | Mpu::kRbarValid | 0);
    mpu.write(Mpu::kRasr, (1u << 28) | (3u << 24) | (0xC0u << 8) | (12u << 1) | 1u);
    mpu.write(Mpu::kRbar, 0x00030000 | Mpu::kRbarValid | 2);
    mpu.write(Mpu::kRasr, (2u << 24) | (13u << 1) | 1u);
    mpu.write(Mpu::kCtrl, Mpu::kCtrlEnable | Mpu::kCtrlPrivdefena);
    return mpu;
}

TEST(MpuExplain, SizesReadLikeTheDatasheet) {
    EXPECT_EQ(mpu_size_text(32), "32B");
    EXPECT_EQ(mpu_size_text(1024), "1K");
    EXPECT_EQ(mpu_size_text(512 * 1024), "512K");
    EXPECT_EQ(mpu_size_text(1u << 31), "2G");
    EXPECT_EQ(mpu_size_text(0), "4G");
}

TEST(MpuExplain, RegionLineShowsExtentSubregionsAndPermissions) {
    Mpu mpu = tock_process_mpu();
    EXPECT_EQ(format_mpu_region(mpu.regions()[0]),
              "0x20004000-0x20005fff 8K sub ++++++-- AP=011 priv RW, unpriv RW XN");
    EXPECT_EQ(format_mpu_region(mpu.regions()[2]),
              "0x00030000-0x00033fff 16K sub ++++++++ AP=010 priv RW, unpriv RO");
    EXPECT_EQ(format_mpu_region(mpu.regions()[1]), "disabled");
}

TEST(MpuExplain, ConfigurationTableListsEveryRegion) {
    Mpu mpu = tock_process_mpu();
    std::string table = format_mpu_config(mpu);
    EXPECT_EQ(table.substr(0, table.find('\n')), "MPU_CTRL=0x00000005 (ENABLE PRIVDEFENA)");
    EXPECT_NE(table.find("\n0  0x20004000  0x20005fff  8K    ++++++--   011  priv RW, unpriv RW"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("\n2  0x00030000  0x00033fff  16K   ++++++++   010  priv RW, unpriv RO"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("\ndisabled: 1 3 4 5 6 7\n"), std::string::npos) << table;
    // The same table from a recorded configuration event.
    EXPECT_EQ(format_mpu_config(mpu_config_event(mpu)), table);
}

TEST(MpuExplain, DeniedWriteNamesTheRuleAndTheRegion) {
    Mpu mpu = tock_process_mpu();
    MpuDecision d = mpu.check(0x00030100, AccessKind::Write, false, 256);
    ASSERT_FALSE(d.allowed);
    MpuDeniedEvent e =
        make_mpu_denied_event(mpu, d, 0x00030042, 0x00030100, AccessKind::Write, 4, true);
    EXPECT_EQ(e.region, 2);
    EXPECT_EQ(e.region_base, 0x00030000u);
    EXPECT_EQ(e.region_size, 0x4000u);
    EXPECT_EQ(e.ap, 2u);
    EXPECT_EQ(format_mpu_denied(e),
              "MPU denied unprivileged write (4 bytes) at 0x00030100, pc 0x00030042: AP=010 "
              "(priv RW, unpriv RO) denies unprivileged write; region 2: 0x00030000-0x00033fff "
              "16K sub ++++++++ AP=010 priv RW, unpriv RO");
}

TEST(MpuExplain, DeniedAccessToKernelOwnedSubregionSaysNoRegionMatched) {
    Mpu mpu = tock_process_mpu();
    MpuDecision d = mpu.check(0x20005800, AccessKind::Read, false, 256);
    MpuDeniedEvent e =
        make_mpu_denied_event(mpu, d, 0x00030010, 0x20005800, AccessKind::Read, 1, true);
    EXPECT_EQ(format_mpu_denied(e),
              "MPU denied unprivileged read (1 byte) at 0x20005800, pc 0x00030010: sub-region 6 "
              "of region 0 is disabled and no lower region covers the address (unprivileged code "
              "has no background map)");
}

TEST(MpuExplain, FetchFromRamNamesXn) {
    Mpu mpu = tock_process_mpu();
    MpuDecision d = mpu.check(0x20004000, AccessKind::Execute, false, 256);
    MpuDeniedEvent e =
        make_mpu_denied_event(mpu, d, 0x20004000, 0x20004000, AccessKind::Execute, 2, true);
    EXPECT_EQ(format_mpu_denied(e),
              "MPU denied unprivileged execute (2 bytes) at 0x20004000, pc 0x20004000: region is "
              "XN (execute-never); region 0: 0x20004000-0x20005fff 8K sub ++++++-- AP=011 priv "
              "RW, unpriv RW XN");
}

}  // namespace
}  // namespace tockemu
