// App flash placement as tockloader lays out Cortex-M apps.
#include <gtest/gtest.h>

#include "emu/loader/app_flash.hpp"
#include "emu/loader/tbf.hpp"
#include "tests/loader/test_util.hpp"

using namespace loader_test;
using namespace tockemu;

TEST(AppFlash, LargestFirstEachAlignedToItsSize) {
    const std::vector<std::uint32_t> sizes{8192, 16384, 8192, 4096};
    const auto layout = app_flash::place_apps(sizes);
    ASSERT_EQ(layout.apps.size(), 4u);
    EXPECT_EQ(layout.apps[0].app_index, 1u);
    EXPECT_EQ(layout.apps[0].address, 0x30000u);
    EXPECT_EQ(layout.apps[1].app_index, 0u);  // equal sizes keep their order
    EXPECT_EQ(layout.apps[1].address, 0x34000u);
    EXPECT_EQ(layout.apps[2].app_index, 2u);
    EXPECT_EQ(layout.apps[2].address, 0x36000u);
    EXPECT_EQ(layout.apps[3].address, 0x38000u);
    EXPECT_TRUE(layout.paddings.empty());
    EXPECT_EQ(layout.end, 0x39000u);
    EXPECT_EQ(layout.address_of(3), 0x38000u);
}

TEST(AppFlash, AlignmentGapGetsAPaddingObject) {
    // 0x30000 is not 128 KiB aligned: the app goes to 0x40000 and 64 KiB of padding precede it.
    const std::vector<std::uint32_t> sizes{0x20000};
    const auto layout = app_flash::place_apps(sizes);
    EXPECT_EQ(layout.apps[0].address, 0x40000u);
    ASSERT_EQ(layout.paddings.size(), 1u);
    EXPECT_EQ(layout.paddings[0].address, 0x30000u);
    EXPECT_EQ(layout.paddings[0].size, 0x10000u);
    EXPECT_EQ(layout.end, 0x60000u);
}

TEST(AppFlash, RejectsSizesThatAreNotPowersOfTwo) {
    const std::vector<std::uint32_t> sizes{8192, 12288};
    try {
        app_flash::place_apps(sizes);
        FAIL();
    } catch (const app_flash::LayoutError& e) {
        EXPECT_NE(std::string(e.what()).find("app 1: total_size 12288"), std::string::npos)
            << e.what();
    }
}

TEST(AppFlash, RejectsAppsThatDoNotFit) {
    const std::vector<std::uint32_t> sizes{0x20000, 0x20000,
                                           0x20000};  // 0x40000..0xA0000 > 0x70000
    EXPECT_THROW(app_flash::place_apps(sizes), app_flash::LayoutError);
    const std::vector<std::uint32_t> fits{0x10000, 0x10000, 0x10000, 0x10000};
    EXPECT_EQ(app_flash::place_apps(fits).end, 0x70000u);
}

TEST(AppFlash, PaddingObjectIsAValidTbfThatIsNotAnApp) {
    const auto pad = app_flash::padding_object(0x1000);
    ASSERT_EQ(pad.size(), 0x1000u);
    const auto h = tbf::parse(pad, "padding");
    EXPECT_TRUE(h.is_padding());
    EXPECT_FALSE(h.enabled());
    EXPECT_EQ(h.total_size, 0x1000u);
    EXPECT_THROW(app_flash::padding_object(10), app_flash::LayoutError);
}

TEST(AppFlash, ImageWalksLikeTheKernelAndEndsInErasedFlash) {
    const auto hello = read_file(kFirmwareApps + "/hello.tbf");
    const auto blink = read_file(kFirmwareApps + "/blink.tbf");
    const std::vector<std::vector<std::uint8_t>> tbfs{hello, blink,
                                                      std::vector<std::uint8_t>(0x20000, 0)};
    std::vector<std::uint32_t> sizes;
    for (const auto& t : tbfs) sizes.push_back(static_cast<std::uint32_t>(t.size()));
    auto apps = tbfs;
    apps[2] = app_flash::padding_object(0x20000);  // stand-in for a big app
    const auto layout = app_flash::place_apps(sizes);
    auto image = app_flash::build_image(apps, layout);
    image.resize(image.size() + 64, 0xFF);  // erased flash after the last object

    std::vector<std::string> seen;
    std::size_t at = 0;
    while (auto l = tbf::peek_lengths(std::span(image).subspan(at))) {
        const auto h = tbf::parse(std::span(image).subspan(at, l->total_size));
        seen.push_back(h.is_padding() ? "pad" : h.name());
        at += l->total_size;
    }
    // 128 KiB "app" first (after 64 KiB of alignment padding), then hello and blink.
    EXPECT_EQ(seen, (std::vector<std::string>{"pad", "pad", "hello", "blink"}));
    EXPECT_EQ(at + 0x30000u, layout.end);
}
