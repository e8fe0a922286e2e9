// TBF header validation: every corruption is rejected with the offset and field at fault.
#include <gtest/gtest.h>

#include "emu/loader/tbf.hpp"
#include "tests/loader/test_util.hpp"

using namespace loader_test;
using namespace tockemu;

namespace {

// A valid packed app from the build; tests corrupt copies of it.
std::vector<std::uint8_t> hello() {
    return read_file(kFirmwareApps + "/hello.tbf");
}

void fix_checksum(std::vector<std::uint8_t>& b) {
    put32(b, 12, tbf::compute_checksum(std::span(b).first(le16(b, 2))));
}

// Expects parse() to throw naming `offset` and a field containing `field`.
void expect_rejected(const std::vector<std::uint8_t>& b, std::uint32_t offset,
                     const std::string& field) {
    try {
        tbf::parse(b, "app.tbf");
        FAIL() << "accepted a corrupt TBF (expected " << field << ")";
    } catch (const tbf::TbfError& e) {
        EXPECT_EQ(e.offset, offset) << e.what();
        EXPECT_NE(e.field.find(field), std::string::npos) << e.what();
        EXPECT_EQ(e.source, "app.tbf");
        EXPECT_NE(std::string(e.what()).find("app.tbf: offset 0x"), std::string::npos) << e.what();
    }
}

}  // namespace

TEST(TbfParse, AcceptsThePackedApp) {
    const auto b = hello();
    const auto h = tbf::parse(b, "hello.tbf");
    EXPECT_EQ(h.total_size, b.size());
    EXPECT_FALSE(h.is_padding());
    EXPECT_EQ(h.init_offset(), 76u + 0x29u);
}

TEST(TbfParse, RejectsWrongVersion) {
    auto b = hello();
    put16(b, 0, 3);
    fix_checksum(b);
    expect_rejected(b, 0, "version");
}

TEST(TbfParse, RejectsHeaderSizeBelowBase) {
    auto b = hello();
    put16(b, 2, 8);
    expect_rejected(b, 2, "header_size");
}

TEST(TbfParse, RejectsHeaderSizeAboveTotalSize) {
    auto b = hello();
    put32(b, 4, 64);
    expect_rejected(b, 2, "header_size");
}

TEST(TbfParse, RejectsChecksumMismatch) {
    auto b = hello();
    b[20] ^= 0x01;  // inside the Main TLV
    expect_rejected(b, 12, "checksum");
}

TEST(TbfParse, RejectsTruncatedInput) {
    auto b = hello();
    b.resize(10);
    expect_rejected(b, 0, "base header");
    b = hello();
    b.resize(40);
    expect_rejected(b, 2, "header_size");
}

TEST(TbfParse, RejectsMainTlvOfWrongLength) {
    auto b = hello();
    put16(b, 16 + 2, 8);  // Main TLV claims 8 payload bytes
    fix_checksum(b);
    expect_rejected(b, 18, "Main TLV (type 1) length");
}

TEST(TbfParse, RejectsTlvRunningPastTheHeader) {
    auto b = hello();
    put16(b, 0x44 + 2, 200);  // KernelVersion TLV, last in the header
    fix_checksum(b);
    expect_rejected(b, 0x46, "length");
}

TEST(TbfParse, RejectsInvalidUtf8PackageName) {
    auto b = hello();
    b[0x38 + 4] = 0xC3;  // lead byte followed by ASCII
    fix_checksum(b);
    expect_rejected(b, 0x3c, "PackageName TLV (type 3) name");
}

TEST(TbfParse, RejectsBinaryEndBeyondTotalSize) {
    auto b = hello();
    put32(b, 32 + 4 + 12, 0x10000);
    fix_checksum(b);
    expect_rejected(b, 32 + 4 + 12, "Program TLV binary_end_offset");
}

TEST(TbfParse, RejectsEntryPointOutsideTheBinary) {
    auto b = hello();
    put32(b, 20, 0x9000);  // Main init_fn_offset
    put32(b, 36, 0x9000);  // Program init_fn_offset
    fix_checksum(b);
    expect_rejected(b, 36, "init_fn_offset");
}

TEST(TbfParse, RejectsFooterRunningPastTotalSize) {
    auto b = hello();
    const std::uint32_t footer = le32(b, 32 + 4 + 12);
    put16(b, footer + 2, 0xFFFF);
    expect_rejected(b, footer + 2, "footer TLV length");
}

TEST(TbfParse, KeepsUnknownTlvsAndSkipsThem) {
    auto b = hello();
    put16(b, 0x44, 0x4242);  // KernelVersion -> unknown type
    fix_checksum(b);
    const auto h = tbf::parse(b);
    EXPECT_FALSE(h.kernel_version);
    ASSERT_EQ(h.tlvs.size(), 4u);
    EXPECT_EQ(h.tlvs[3].type, 0x4242);
    EXPECT_EQ(tbf::tlv_type_name(0x4242), "unknown");
}

TEST(TbfParse, ParsesHeaderOnlyWithoutFooters) {
    const auto b = hello();
    const auto h = tbf::parse(std::span(b).first(76));
    EXPECT_EQ(h.name(), "hello");
    EXPECT_TRUE(h.footers.empty());
}

TEST(TbfParse, ChecksumIgnoresItsOwnWordAndTrailingBytes) {
    std::vector<std::uint8_t> h(18, 0);
    put32(h, 0, 0x11111111);
    put32(h, 12, 0xFFFFFFFF);  // the checksum word itself
    h[16] = 0xAB;              // not a whole word
    EXPECT_EQ(tbf::compute_checksum(h), 0x11111111u);
}

TEST(TbfParse, PeekLengthsStopsAtErasedFlash) {
    const std::vector<std::uint8_t> erased(16, 0xFF);
    EXPECT_FALSE(tbf::peek_lengths(erased));
    EXPECT_FALSE(tbf::peek_lengths(std::vector<std::uint8_t>(4, 0)));
    const auto b = hello();
    const auto l = tbf::peek_lengths(b);
    ASSERT_TRUE(l);
    EXPECT_EQ(l->header_size, 76);
    EXPECT_EQ(l->total_size, b.size());
}

TEST(TbfParse, ParseFileRejectsATruncatedFile) {
    auto b = hello();
    b.resize(b.size() / 2);
    const std::string path = temp_path("short.tbf");
    write_file(path, b);
    try {
        tbf::parse_file(path);
        FAIL() << "accepted a truncated file";
    } catch (const tbf::TbfError& e) {
        EXPECT_EQ(e.field, "total_size");
        EXPECT_EQ(e.offset, 4u);
    }
    std::filesystem::remove(path);
}
