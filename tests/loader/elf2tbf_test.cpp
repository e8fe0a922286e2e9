// Packer round trips: pack real app ELFs from the firmware build with elf2tbf, parse the result
// with the loader and check every field and offset shared reference Appendix A lists.
#include <gtest/gtest.h>

#include "emu/loader/tab.hpp"
#include "emu/loader/tbf.hpp"
#include "tests/loader/test_util.hpp"

using namespace loader_test;
using namespace tockemu;

namespace {

constexpr const char* kLibtockArgs =
    "--stack 2048 --app-heap 1024 --kernel-heap 1024 --kernel-major 2 --kernel-minor 2 "
    "--minimum-footer-size 3000";

struct Packed {
    std::vector<std::uint8_t> bytes;
    tbf::TbfHeader header;
};

Packed pack(const std::string& app, const std::string& args) {
    const std::string out = temp_path(app + ".tbf");
    const auto r =
        run(kElf2tbf + " " + args + " -o " + out + " " + kFirmwareApps + "/" + app + ".elf");
    EXPECT_EQ(r.status, 0) << r.output;
    Packed p;
    p.bytes = read_file(out);
    std::filesystem::remove(out);
    p.header = tbf::parse(p.bytes, app);
    return p;
}

// Loadable segments with data, as the packer copies them (program-header order).
std::vector<ElfSegment> loaded(const std::vector<std::uint8_t>& elf) {
    std::vector<ElfSegment> out;
    for (const auto& s : elf_segments(elf)) {
        if (s.type == 1 && s.filesz > 0) out.push_back(s);
    }
    return out;
}

bool is_power_of_two(std::uint32_t v) {
    return v && !(v & (v - 1));
}

}  // namespace

TEST(Elf2tbf, HelloHeaderHasElf2tabTlvsInOrder) {
    const auto p = pack("hello", std::string("-n hello ") + kLibtockArgs);
    const auto& h = p.header;
    EXPECT_EQ(h.version, 2);
    // 16 base + 16 Main + 24 Program + (4 + 5 + 3 pad) name + 8 KernelVersion
    EXPECT_EQ(h.header_size, 76);
    EXPECT_EQ(h.flags, tbf::kFlagEnabled);
    ASSERT_EQ(h.tlvs.size(), 4u);
    EXPECT_EQ(h.tlvs[0].type, 1);
    EXPECT_EQ(h.tlvs[0].offset, 16u);
    EXPECT_EQ(h.tlvs[1].type, 9);
    EXPECT_EQ(h.tlvs[1].offset, 32u);
    EXPECT_EQ(h.tlvs[2].type, 3);
    EXPECT_EQ(h.tlvs[2].length, 5);  // not padded in the length field
    EXPECT_EQ(h.tlvs[3].type, 8);
    EXPECT_EQ(h.name(), "hello");
    ASSERT_TRUE(h.kernel_version);
    EXPECT_EQ(h.kernel_version->major, 2);
    EXPECT_EQ(h.kernel_version->minor, 2);
    EXPECT_EQ(h.checksum, tbf::compute_checksum(std::span(p.bytes).first(h.header_size)));
    EXPECT_EQ(p.bytes[16 + 4 + 12 + 4 + 20 + 4 + 5], 0) << "name padding is zero";
}

TEST(Elf2tbf, MainAndProgramAgreeOnEntryRamAndTrailer) {
    const auto elf = read_file(kFirmwareApps + "/hello.elf");
    const auto p = pack("hello", std::string("-n hello ") + kLibtockArgs);
    ASSERT_TRUE(p.header.main && p.header.program);
    const auto& m = *p.header.main;
    const auto& g = *p.header.program;
    // _start follows the 40-byte crt0 header; the Thumb bit is kept (c_hello: 0x29).
    const std::uint32_t entry = le32(elf, 24);
    EXPECT_EQ(m.init_fn_offset, entry - 0x80000000u);
    EXPECT_EQ(m.init_fn_offset, 0x29u);
    EXPECT_EQ(m.protected_trailer_size, 0u);
    std::uint32_t ram = 0;
    for (const auto& s : elf_segments(elf)) {
        if (s.type == 1 && s.vaddr != s.paddr && s.memsz > 0 && (s.flags & 2)) ram += s.memsz;
    }
    EXPECT_EQ(m.minimum_ram_size, ram + 2048 + 1024 + 1024);
    EXPECT_EQ(g.init_fn_offset, m.init_fn_offset);
    EXPECT_EQ(g.protected_trailer_size, m.protected_trailer_size);
    EXPECT_EQ(g.minimum_ram_size, m.minimum_ram_size);
    EXPECT_EQ(g.app_version, 0u);
}

TEST(Elf2tbf, BodyIsSegmentsThenRelocationBlockThenReservedFooter) {
    for (const char* app : {"hello", "blink", "timer_stress", "syscall_fuzz"}) {
        SCOPED_TRACE(app);
        const auto elf = read_file(kFirmwareApps + "/" + std::string(app) + ".elf");
        const auto p = pack(app, std::string("-n ") + app + " " + kLibtockArgs);
        const auto& h = p.header;
        std::uint32_t at = h.protected_size();
        const auto segs = loaded(elf);
        ASSERT_GE(segs.size(), 2u);
        for (std::size_t i = 0; i < segs.size(); ++i) {
            if (i > 0) at += segs[i].paddr - (segs[i - 1].paddr + segs[i - 1].filesz);
            ASSERT_TRUE(std::equal(elf.begin() + segs[i].offset,
                                   elf.begin() + segs[i].offset + segs[i].filesz,
                                   p.bytes.begin() + at))
                << "segment " << i;
            at += segs[i].filesz;
        }
        // crt0 header word 8 (reldata_start) points at the relocation block's length word.
        EXPECT_EQ(h.protected_size() + le32(p.bytes, h.protected_size() + 32), at);
        const std::uint32_t rel_len = le32(p.bytes, at);
        EXPECT_EQ(rel_len % 8, 0u);
        EXPECT_EQ(h.binary_end_offset(), at + 4 + rel_len);
        // One Reserved credentials footer fills the rest of a power-of-two object.
        EXPECT_TRUE(is_power_of_two(h.total_size));
        EXPECT_GE(h.total_size, h.binary_end_offset() + 3000);
        EXPECT_LT(h.total_size / 2, h.binary_end_offset() + 3000);
        EXPECT_EQ(p.bytes.size(), h.total_size);
        ASSERT_EQ(h.footers.size(), 1u);
        EXPECT_EQ(h.footers[0].offset, h.binary_end_offset());
        EXPECT_EQ(h.footers[0].type, 128);
        EXPECT_EQ(h.footers[0].length, h.total_size - h.binary_end_offset() - 4);
        EXPECT_EQ(h.footers[0].format, 0u);
    }
}

TEST(Elf2tbf, RelocationBlockHoldsDataRelocations) {
    // timer_stress keeps an initialised pointer table in RAM: its words need R_ARM_ABS32 (type 2)
    // entries whose offsets fall inside the app's .data image.
    const auto p = pack("timer_stress", kLibtockArgs);
    const std::uint32_t reloc_at =
        p.header.protected_size() + le32(p.bytes, p.header.protected_size() + 32);
    const std::uint32_t len = le32(p.bytes, reloc_at);
    EXPECT_GE(len, 16u) << "two pointers, two relocations";
    const std::uint32_t data_end = le32(p.bytes, p.header.protected_size() + 16) +
                                   le32(p.bytes, p.header.protected_size() + 20);
    for (std::uint32_t i = 0; i < len; i += 8) {
        EXPECT_LT(le32(p.bytes, reloc_at + 4 + i), data_end);
        EXPECT_EQ(le32(p.bytes, reloc_at + 8 + i) & 0xFF, 2u);
    }
}

TEST(Elf2tbf, PackingIsDeterministicAndMatchesTheBuild) {
    const auto a = pack("blink", std::string("-n blink ") + kLibtockArgs);
    const auto b = pack("blink", std::string("-n blink ") + kLibtockArgs);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.bytes, read_file(kFirmwareApps + "/blink.tbf"));
}

TEST(Elf2tbf, MainTlvOnlyMakesALegacyHeader) {
    const auto p = pack("hello", std::string("--main-tlv-only ") + kLibtockArgs);
    EXPECT_EQ(p.header.header_size, 16 + 16);
    EXPECT_TRUE(p.header.main);
    EXPECT_FALSE(p.header.program);
    EXPECT_FALSE(p.header.kernel_version);
    EXPECT_EQ(p.header.binary_end_offset(), p.header.total_size);
    EXPECT_EQ(p.header.init_fn_offset(), 0x29u);
}

TEST(Elf2tbf, DisableClearsTheEnabledFlag) {
    const auto p = pack("hello", std::string("--disable ") + kLibtockArgs);
    EXPECT_EQ(p.header.flags, 0u);
    EXPECT_FALSE(p.header.enabled());
}

TEST(Elf2tbf, ProtectedRegionSizeAddsZeroTrailerAndMovesEntry) {
    const auto p =
        pack("hello", std::string("-n hello --protected-region-size 256 ") + kLibtockArgs);
    EXPECT_EQ(p.header.protected_trailer_size(), 256u - 76u);
    EXPECT_EQ(p.header.protected_size(), 256u);
    EXPECT_EQ(p.header.init_fn_offset(), 0x29u + 180u);
    for (std::uint32_t i = 76; i < 256; ++i) ASSERT_EQ(p.bytes[i], 0) << i;
    // The crt0 header starts right after the protected region.
    const auto plain = pack("hello", std::string("-n hello ") + kLibtockArgs);
    EXPECT_TRUE(
        std::equal(plain.bytes.begin() + 76, plain.bytes.begin() + 76 + 40, p.bytes.begin() + 256));
}

TEST(Elf2tbf, ShortIdAppVersionAndSizesAreWritten) {
    const auto p = pack("hello",
                        "--short-id 0x1234 --app-version 7 --stack 4096 --app-heap 100 "
                        "--kernel-heap 2 --kernel-major 2 --kernel-minor 0");
    ASSERT_TRUE(p.header.short_id);
    EXPECT_EQ(*p.header.short_id, 0x1234u);
    EXPECT_EQ(p.header.program->app_version, 7u);
    const auto base = pack("hello", kLibtockArgs);
    // align8(4096) + align4(100) + align4(2) instead of 2048 + 1024 + 1024
    EXPECT_EQ(p.header.minimum_ram_size(),
              base.header.minimum_ram_size() - (2048 + 1024 + 1024) + (4096 + 100 + 4));
    EXPECT_EQ(p.header.tlvs.back().type, 10);
}

TEST(Elf2tbf, PermissionsAndStorageTlvsFollowElf2tabLayout) {
    const auto p = pack("hello",
                        "-n hello --permissions 1,1 --permissions 1,2 --permissions 2,70 "
                        "--write_id 5 --read_ids 1,2 --access_ids 3 --kernel-major 2 "
                        "--kernel-minor 2");
    const auto& h = p.header;
    // Main, Program, PackageName, Permissions, StoragePermissions, KernelVersion.
    ASSERT_EQ(h.tlvs.size(), 6u);
    EXPECT_EQ(h.tlvs[3].type, 6);
    EXPECT_EQ(h.tlvs[3].length, 2 + 2 * 16);  // the 2 pad bytes are not counted
    EXPECT_EQ(h.tlvs[4].offset, h.tlvs[3].offset + 4 + 36);
    ASSERT_EQ(h.permissions.size(), 2u);
    EXPECT_EQ(h.permissions[0].driver, 1u);
    EXPECT_EQ(h.permissions[0].offset, 0u);
    EXPECT_EQ(h.permissions[0].allowed_commands, 0x6u);
    EXPECT_EQ(h.permissions[1].driver, 2u);
    EXPECT_EQ(h.permissions[1].offset, 1u);
    EXPECT_EQ(h.permissions[1].allowed_commands, 1ull << 6);
    EXPECT_EQ(h.tlvs[4].type, 7);
    EXPECT_EQ(h.tlvs[4].length, 8 + 4 * 2 + 4 * 1);
    ASSERT_TRUE(h.storage_permissions);
    EXPECT_EQ(h.storage_permissions->write_id, 5u);
    EXPECT_EQ(h.storage_permissions->read_ids, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(h.storage_permissions->modify_ids, (std::vector<std::uint32_t>{3}));
    EXPECT_EQ(h.tlvs[5].type, 8);
    EXPECT_EQ(h.header_size, h.tlvs[5].offset + 8);
}

TEST(Elf2tbf, WfrSectionBecomesAWriteableFlashRegionTlv) {
    // app_state keeps 512 bytes in `.wfr.app_state`, right after the 40-byte crt0 header.
    const auto p = pack("app_state", std::string("-n app_state ") + kLibtockArgs);
    const auto& h = p.header;
    ASSERT_EQ(h.writeable_flash_regions.size(), 1u);
    EXPECT_EQ(h.writeable_flash_regions[0].offset, h.protected_size() + 40);
    EXPECT_EQ(h.writeable_flash_regions[0].size, 512u);
    ASSERT_EQ(h.tlvs.size(), 5u);
    EXPECT_EQ(h.tlvs[3].type, 2);  // after PackageName, before KernelVersion
    EXPECT_EQ(le32(p.bytes, h.writeable_flash_regions[0].offset), 0x54434B31u);  // its magic
    const auto plain = pack("hello", std::string("-n hello ") + kLibtockArgs);
    EXPECT_TRUE(plain.header.writeable_flash_regions.empty());
}

TEST(Elf2tbf, WithoutFooterReservationPaddingStillMakesAPowerOfTwo) {
    const auto p = pack("hello", "--kernel-major 2 --kernel-minor 2");
    EXPECT_TRUE(is_power_of_two(p.header.total_size));
    EXPECT_GE(p.header.total_size, 512u);
    const std::uint32_t pad = p.header.total_size - p.header.binary_end_offset();
    if (pad >= 8) {
        ASSERT_EQ(p.header.footers.size(), 1u);
        EXPECT_EQ(p.header.footers[0].length, pad - 4);
    } else {
        EXPECT_TRUE(p.header.footers.empty());
    }
}

TEST(Elf2tbf, TabHoldsMetadataAndCortexM4Tbf) {
    const std::string tbf_out = temp_path("t.tbf"), tab_out = temp_path("t.tab");
    const auto r = run(kElf2tbf + " -n hello " + kLibtockArgs + " -o " + tbf_out + " --tab " +
                       tab_out + " " + kFirmwareApps + "/hello.elf");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto tab_bytes = read_file(tab_out);
    const auto members = tab::read_members(tab_bytes, tab_out);
    ASSERT_EQ(members.size(), 2u);
    EXPECT_EQ(members[0].name, "metadata.toml");
    const std::string toml(members[0].data.begin(), members[0].data.end());
    EXPECT_NE(toml.find("tab-version = 1"), std::string::npos);
    EXPECT_NE(toml.find("name = \"hello\""), std::string::npos);
    EXPECT_NE(toml.find("minimum-tock-kernel-version = \"2.2\""), std::string::npos);
    EXPECT_EQ(members[1].name, "cortex-m4.tbf");
    EXPECT_EQ(members[1].data, read_file(tbf_out));
    // GNU tar reads it too.
    const auto listing = run("tar -tf " + tab_out);
    EXPECT_EQ(listing.status, 0);
    EXPECT_EQ(listing.output, "metadata.toml\ncortex-m4.tbf\n");
    std::filesystem::remove(tbf_out);
    std::filesystem::remove(tab_out);
}

TEST(Elf2tbf, BadInputGivesAClearErrorAndExitStatus1) {
    const std::string not_elf = temp_path("not.elf");
    write_file(not_elf, {'h', 'e', 'l', 'l', 'o'});
    auto r = run(kElf2tbf + " -o " + temp_path("x.tbf") + " " + not_elf);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(not_elf), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("not an ELF"), std::string::npos) << r.output;

    auto elf = read_file(kFirmwareApps + "/hello.elf");
    elf.resize(200);  // program headers survive, segment data does not
    write_file(not_elf, elf);
    r = run(kElf2tbf + " -o " + temp_path("x.tbf") + " " + not_elf);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("past the end of the file"), std::string::npos) << r.output;

    r = run(kElf2tbf + " " + kFirmwareApps + "/hello.elf");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("-o"), std::string::npos) << r.output;
    r = run(kElf2tbf + " --stack lots -o x " + kFirmwareApps + "/hello.elf");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("--stack: 'lots' is not a number"), std::string::npos) << r.output;
    std::filesystem::remove(not_elf);
}

TEST(Elf2tbf, EveryAppInTheSuiteIsAValidTbfAndTab) {
    for (const auto& entry : std::filesystem::directory_iterator(kFirmwareApps)) {
        if (entry.path().extension() != ".tbf") continue;
        SCOPED_TRACE(entry.path().string());
        std::vector<std::uint8_t> bytes;
        const auto h = tbf::parse_file(entry.path().string(), &bytes);
        // The package name is the app's name unless apps/CMakeLists.txt gives one (-n).
        const std::string stem = entry.path().stem().string();
        EXPECT_EQ(h.name(), stem == "ipc_rot13_service" ? "org.tockos.examples.rot13" : stem);
        EXPECT_TRUE(is_power_of_two(h.total_size));
        auto tab_path = entry.path();
        tab_path.replace_extension(".tab");
        EXPECT_EQ(tab::read_tbf_or_tab(tab_path.string()), bytes);
    }
}
