// TAB (tar) reading and writing, including archives made by GNU tar.
#include <gtest/gtest.h>

#include "emu/loader/tab.hpp"
#include "tests/loader/test_util.hpp"

using namespace loader_test;
using namespace tockemu;

namespace {
std::string fmt_octal(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06o", v);
    return std::string(buf, 6) + std::string(1, '\0') + " ";
}
}  // namespace

TEST(Tab, WriteThenReadRoundTrips) {
    const std::vector<std::uint8_t> tbf(1000, 0x5A);
    const std::vector<tab::Member> members{{"cortex-m4.tbf", tbf}, {"cortex-m0.tbf", {1, 2, 3}}};
    const auto archive = tab::write_tab({"app", std::string("2.2"), std::nullopt}, members);
    EXPECT_EQ(archive.size() % 512, 0u);
    EXPECT_TRUE(tab::looks_like_tab(archive));
    const auto read = tab::read_members(archive);
    ASSERT_EQ(read.size(), 3u);
    EXPECT_EQ(read[0].name, "metadata.toml");
    EXPECT_EQ(std::string(read[0].data.begin(), read[0].data.end()),
              "tab-version = 1\nname = \"app\"\nminimum-tock-kernel-version = \"2.2\"\n");
    EXPECT_EQ(read[1].data, tbf);
    EXPECT_EQ(tab::extract_tbf(archive), tbf);
    EXPECT_EQ(tab::extract_tbf(archive, "x", "cortex-m0"), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(Tab, AcceptsTheMemberNamingsInUse) {
    for (const char* name : {"cortex-m4.tbf", "cortex-m4.0x30000.0x20008000.tbf", "cortex-m4.bin",
                             "hello.cortex-m4.tbf", "dir/cortex-m4.tbf"}) {
        SCOPED_TRACE(name);
        const std::vector<tab::Member> members{{"cortex-m0.tbf", {9}}, {name, {4, 2}}};
        const auto archive = tab::write_tab({"app", std::nullopt, std::nullopt}, members);
        EXPECT_EQ(tab::extract_tbf(archive), (std::vector<std::uint8_t>{4, 2}));
    }
    const std::vector<tab::Member> wrong{{"cortex-m4x.tbf", {1}}, {"cortex-m4.txt", {2}}};
    EXPECT_THROW(tab::extract_tbf(tab::write_tab({"app", std::nullopt, std::nullopt}, wrong)),
                 tab::TabError);
}

TEST(Tab, MissingArchitectureNamesTheMembers) {
    const auto archive = tab::write_tab({"app", std::nullopt, std::nullopt},
                                        std::vector<tab::Member>{{"cortex-m0.tbf", {1}}});
    try {
        tab::extract_tbf(archive, "app.tab");
        FAIL();
    } catch (const tab::TabError& e) {
        EXPECT_NE(std::string(e.what()).find("app.tab: no 'cortex-m4.tbf' member"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("cortex-m0.tbf"), std::string::npos) << e.what();
    }
}

TEST(Tab, CorruptHeaderChecksumIsRejectedWithOffset) {
    auto archive = tab::write_tab({"app", std::nullopt, std::nullopt},
                                  std::vector<tab::Member>{{"cortex-m4.tbf", {1, 2}}});
    archive[1024 + 5] ^= 0x20;  // name in the second member's header (after metadata + its data)
    try {
        tab::read_members(archive, "bad.tab");
        FAIL();
    } catch (const tab::TabError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.tab: tar header at offset 0x400: chksum"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Tab, MemberSizePastTheEndIsRejected) {
    auto archive = tab::write_tab({"app", std::nullopt, std::nullopt},
                                  std::vector<tab::Member>{{"cortex-m4.tbf", {1, 2}}});
    archive.resize(1024 + 512);  // drop the end blocks and nothing else
    // Claim 4 KiB of data for the TBF member and re-checksum its header.
    const std::size_t h = 1024;
    const std::string size = "00000010000";
    std::copy(size.begin(), size.end(), archive.begin() + h + 124);
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : archive[h + i];
    const std::string chk = fmt_octal(sum);
    std::copy(chk.begin(), chk.end(), archive.begin() + h + 148);
    EXPECT_THROW(tab::read_members(archive), tab::TabError);
}

TEST(Tab, ReadsArchivesMadeByGnuTar) {
    const std::string dir = temp_path("gnutar");
    std::filesystem::create_directories(dir);
    const std::vector<std::uint8_t> tbf = read_file(kFirmwareApps + "/hello.tbf");
    write_file(dir + "/cortex-m4.tbf", tbf);
    write_file(dir + "/metadata.toml", {'n', '\n'});
    const std::string archive = dir + ".tab";
    for (const char* format : {"gnu", "ustar", "pax"}) {
        SCOPED_TRACE(format);
        const auto r = run(std::string("tar --format=") + format + " -C " + dir + " -cf " +
                           archive + " metadata.toml cortex-m4.tbf");
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(tab::read_tbf_or_tab(archive), tbf);
    }
    std::filesystem::remove_all(dir);
    std::filesystem::remove(archive);
}

TEST(Tab, ReadTbfOrTabPassesPlainTbfsThrough) {
    const auto path = kFirmwareApps + "/hello.tbf";
    EXPECT_EQ(tab::read_tbf_or_tab(path), read_file(path));
    EXPECT_EQ(tab::read_tbf_or_tab(kFirmwareApps + "/hello.tab"), read_file(path));
}
