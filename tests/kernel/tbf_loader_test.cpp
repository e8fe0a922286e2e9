// The kernel's walk over app flash (tock-abi.md 3.5): disabled apps and objects with a bad
// checksum are skipped, the list ends at the first object that is not a TBF v2 header, and TBFs
// from before the KernelVersion TLV still load.
#include <gtest/gtest.h>

#include <array>

#include "tests/kernel/kernel_harness.hpp"

namespace tockemu::kerneltest {
namespace {

constexpr std::uint32_t kFirstApp = 0x30000;

std::uint32_t read32(Machine& m, std::uint32_t addr) {
    std::array<std::uint8_t, 4> b{};
    m.read_memory(addr, b);
    return b[0] | b[1] << 8 | b[2] << 16 | std::uint32_t(b[3]) << 24;
}

void write32(Machine& m, std::uint32_t addr, std::uint32_t v) {
    std::array<std::uint8_t, 4> b{std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16),
                                  std::uint8_t(v >> 24)};
    ASSERT_TRUE(m.write_memory(addr, b));
}

// XOR of the header words except the checksum word itself (offset 12).
std::uint32_t header_checksum(Machine& m, std::uint32_t tbf) {
    const std::uint32_t header_size = read32(m, tbf) >> 16;
    std::uint32_t x = 0;
    for (std::uint32_t off = 0; off + 4 <= header_size; off += 4)
        if (off != 12) x ^= read32(m, tbf + off);
    return x;
}

std::vector<std::uint32_t> loaded_flash_starts(KernelRun& run) {
    std::vector<std::uint32_t> out;
    for (const auto& r : run.records_of(kEvProcessLoaded)) out.push_back(r.words[1]);
    return out;
}

TEST(KernelTbfLoader, BothAppsLoadWhenHeadersAreIntact) {
    KernelRun run({"hello", "blink"});
    run.run_ms(100);
    EXPECT_EQ(loaded_flash_starts(run), (std::vector<std::uint32_t>{0x30000, 0x32000}));
}

TEST(KernelTbfLoader, DisabledAppIsSkippedAndTheNextOneLoads) {
    KernelRun run({"hello", "blink"});
    Machine& m = run.machine();
    write32(m, kFirstApp + 8, read32(m, kFirstApp + 8) & ~1u);  // clear "enabled"
    write32(m, kFirstApp + 12, header_checksum(m, kFirstApp));
    m.reset();
    ASSERT_TRUE(run.run_until_console("blink: 3 LEDs", 1000)) << run.console();
    EXPECT_EQ(loaded_flash_starts(run), (std::vector<std::uint32_t>{0x32000}));
    EXPECT_EQ(run.console().find("Hello World!"), std::string::npos);
}

TEST(KernelTbfLoader, ObjectWithABadChecksumIsSkipped) {
    KernelRun run({"hello", "blink"});
    Machine& m = run.machine();
    write32(m, kFirstApp + 12, header_checksum(m, kFirstApp) ^ 0x100);
    m.reset();
    run.run_ms(300);
    EXPECT_EQ(loaded_flash_starts(run), (std::vector<std::uint32_t>{0x32000}));
}

TEST(KernelTbfLoader, AppListEndsAtTheFirstNonTbfObject) {
    KernelRun run({"hello", "blink"});
    Machine& m = run.machine();
    write32(m, kFirstApp, (read32(m, kFirstApp) & 0xFFFF0000u) | 3u);  // version 3
    m.reset();
    ASSERT_TRUE(run.run_until_console("Initialization complete.", 500)) << run.console();
    run.run_ms(300);
    EXPECT_TRUE(loaded_flash_starts(run).empty());
    EXPECT_EQ(run.console().find("blink:"), std::string::npos);
}

TEST(KernelTbfLoader, AppForANewerKernelMinorIsSkipped) {
    KernelRun run({"hello", "blink"});
    Machine& m = run.machine();
    // Find the KernelVersion TLV (type 8) in hello's header and ask for kernel 2.9.
    const std::uint32_t header_size = read32(m, kFirstApp) >> 16;
    std::uint32_t off = 16;
    bool found = false;
    while (off + 4 <= header_size) {
        const std::uint32_t tl = read32(m, kFirstApp + off);
        if ((tl & 0xFFFF) == 8) {
            write32(m, kFirstApp + off + 4, 2u | 9u << 16);
            found = true;
            break;
        }
        off += 4 + (((tl >> 16) + 3) & ~3u);
    }
    ASSERT_TRUE(found);
    write32(m, kFirstApp + 12, header_checksum(m, kFirstApp));
    m.reset();
    run.run_ms(300);
    EXPECT_EQ(loaded_flash_starts(run), (std::vector<std::uint32_t>{0x32000}));
}

}  // namespace
}  // namespace tockemu::kerneltest
