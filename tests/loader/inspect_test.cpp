// `tockemu inspect` on packed apps, TABs and corrupt input.
#include <gtest/gtest.h>

#include "tests/loader/test_util.hpp"

using namespace loader_test;

TEST(Inspect, PrintsHeaderTlvsDerivedValuesAndFooter) {
    const auto r = run(kTockemu + " inspect " + kFirmwareApps + "/hello.tbf");
    ASSERT_EQ(r.status, 0) << r.output;
    for (const char* want :
         {"TBF v2", "header_size 76, total_size 8192 (0x2000), flags 0x1 (enabled)",
          "TLV Main (type 1) at 0x10, 12 bytes: init_fn_offset 0x29, protected_trailer_size 0",
          "TLV Program (type 9) at 0x20, 20 bytes",
          "TLV PackageName (type 3) at 0x38, 5 bytes: \"hello\"",
          "TLV KernelVersion (type 8) at 0x44, 4 bytes: requires kernel ^2.2", "_start +0x75",
          "footer Credentials (type 128)", "format 0 (Reserved)",
          "crt0 header (libtock-c): got flash +0x", "stack 2048"}) {
        EXPECT_NE(r.output.find(want), std::string::npos) << want << "\n" << r.output;
    }
}

TEST(Inspect, ReadsTabsAndTheirMetadata) {
    const auto r = run(kTockemu + " inspect " + kFirmwareApps + "/blink.tab");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("blink.tab: TAB"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("name = \"blink\""), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("blink.tab:cortex-m4.tbf: TBF v2"), std::string::npos) << r.output;
}

TEST(Inspect, RejectsCorruptInputWithOffsetAndField) {
    auto b = read_file(kFirmwareApps + "/hello.tbf");
    b[0x38 + 2] = 0x40;  // PackageName length 64 runs past the header
    const std::string path = temp_path("corrupt.tbf");
    write_file(path, b);
    const auto r = run(kTockemu + " inspect " + path);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(path + ": offset 0xc: checksum"), std::string::npos) << r.output;
    std::filesystem::remove(path);
    const auto missing = run(kTockemu + " inspect /nonexistent.tbf");
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.output.find("/nonexistent.tbf: cannot be opened"), std::string::npos);
}
