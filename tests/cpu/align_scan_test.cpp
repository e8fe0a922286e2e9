// The per-block alignment analysis (emu/cpu/align_scan.hpp) on hand-assembled Thumb blocks
// (encodings from arm-none-eabi-as, listed next to each halfword).
#include "emu/cpu/align_scan.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace tockemu {
namespace {

class AlignScan : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(cs_open(CS_ARCH_ARM, static_cast<cs_mode>(CS_MODE_THUMB | CS_MODE_MCLASS), &cs_),
                  CS_ERR_OK);
        cs_option(cs_, CS_OPT_DETAIL, CS_OPT_ON);
    }
    void TearDown() override { cs_close(&cs_); }

    std::vector<AlignSite> scan(
        std::vector<std::uint8_t> code, std::uint32_t at = 0x100,
        LiteralReader literal = [](std::uint32_t) { return std::optional<std::uint32_t>{}; }) {
        cs_insn* insn = nullptr;
        const std::size_t n = cs_disasm(cs_, code.data(), code.size(), at, 0, &insn);
        auto sites = scan_alignment_sites(cs_, insn, n, literal);
        cs_free(insn, n);
        return sites;
    }

    csh cs_ = 0;
};

TEST_F(AlignScan, ABaseUntouchedSinceBlockEntryIsCheckedAtEntry) {
    // movs r3, #1 ; ldrd r0, r1, [r2]
    const auto s = scan({0x01, 0x23, 0xd2, 0xe9, 0x00, 0x01});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Entry);
    EXPECT_EQ(s[0].reg, 2u);
    EXPECT_EQ(s[0].offset, 0u);
    EXPECT_EQ(s[0].pc, 0x102u);
    EXPECT_EQ(s[0].mask, 3u);
    EXPECT_FALSE(s[0].first);
}

TEST_F(AlignScan, AnAddedImmediateBecomesTheOffset) {
    // adds r2, #4 ; ldrd r0, r1, [r2]
    const auto s = scan({0x04, 0x32, 0xd2, 0xe9, 0x00, 0x01});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Entry);
    EXPECT_EQ(s[0].reg, 2u);
    EXPECT_EQ(s[0].offset, 4u);
}

TEST_F(AlignScan, ABaseLoadedInsideTheBlockIsCheckedAtRunTime) {
    // ldr r2, [r4] ; ldrd r0, r1, [r2]
    const auto s = scan({0x22, 0x68, 0xd2, 0xe9, 0x00, 0x01});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Runtime);
    EXPECT_EQ(s[0].site_reg, 2u);
}

TEST_F(AlignScan, WritebackOfALoadMultipleMovesTheBase) {
    // ldmia r1!, {r2, r3} ; ldmia.w r1, {r4, r5}
    const auto s = scan({0x0c, 0xc9, 0x91, 0xe8, 0x30, 0x00});
    ASSERT_EQ(s.size(), 2u);
    EXPECT_TRUE(s[0].first);
    EXPECT_EQ(s[0].how, AlignSite::Base::Entry);
    EXPECT_EQ(s[1].how, AlignSite::Base::Entry);
    EXPECT_EQ(s[1].reg, 1u);
    EXPECT_EQ(s[1].offset, 8u);
}

TEST_F(AlignScan, SpBasedAccessesAreStaticallyAligned) {
    // ldrd r0, r1, [sp, #8]
    const auto s = scan({0xdd, 0xe9, 0x02, 0x01});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Static);
    EXPECT_FALSE(s[0].misaligned_static());
}

TEST_F(AlignScan, ALiteralPoolBaseIsStaticAndRemembersTheLiteral) {
    // ldr r2, [pc, #0] ; strexh r0, r1, [r2]   (literal at Align(0x104, 4) = 0x104)
    const std::vector<std::uint8_t> code{0x00, 0x4a, 0xc2, 0xe8, 0x50, 0x1f};
    auto s = scan(code, 0x100, [](std::uint32_t a) {
        return a == 0x104 ? std::optional<std::uint32_t>{0x20000001} : std::nullopt;
    });
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Static);
    EXPECT_EQ(s[0].mask, 1u);  // STREXH: halfword
    EXPECT_TRUE(s[0].misaligned_static());
    ASSERT_TRUE(s[0].literal.has_value());
    EXPECT_EQ(*s[0].literal, 0x104u);
    // A literal that may change (not in flash) leaves the base unknown.
    s = scan(code);
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Runtime);
}

TEST_F(AlignScan, AConditionalWriteMakesTheBaseUnknown) {
    // it eq ; moveq r2, r5 ; ldrd r0, r1, [r2]
    const auto s = scan({0x08, 0xbf, 0x2a, 0x46, 0xd2, 0xe9, 0x00, 0x01});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].how, AlignSite::Base::Runtime);
}

}  // namespace
}  // namespace tockemu
