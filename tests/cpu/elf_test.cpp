// ELF loading through the Machine: good images load with their symbols; malformed, truncated
// or out-of-range files raise LoadError naming the file and the problem.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include "emu/loader/elf.hpp"
#include "emu/machine/machine.hpp"

namespace tockemu {
namespace {

std::filesystem::path firmware(const std::string& name) {
    if (const char* d = std::getenv("TOCKEMU_TEST_FIRMWARE_DIR"))
        return std::filesystem::path(d) / ("cpu_" + name + ".elf");
    return std::filesystem::path(TOCKEMU_FIRMWARE_DIR) / "tests/firmware" /
           ("cpu_" + name + ".elf");
}

std::vector<std::uint8_t> read(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::filesystem::path write_temp(const std::string& name, const std::vector<std::uint8_t>& b) {
    auto p = std::filesystem::temp_directory_path() / ("tockemu_elf_test_" + name);
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return p;
}

void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t off) {
    return b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) |
           (static_cast<std::uint32_t>(b[off + 3]) << 24);
}

std::string load_error(const std::filesystem::path& p) {
    Machine m;
    try {
        m.load_elf(p);
    } catch (const LoadError& e) {
        return e.what();
    }
    return "";
}

TEST(ElfLoading, LoadsSegmentsAndSymbols) {
    Machine m;
    m.load_elf(firmware("hello"));
    ASSERT_TRUE(m.symbol("main").has_value());
    EXPECT_EQ(m.symbolize(*m.symbol("main") & ~1u), "main");
    EXPECT_EQ(m.symbolize((*m.symbol("main") & ~1u) + 2), "main+0x2");
    std::uint8_t vec[8] = {};
    ASSERT_TRUE(m.read_memory(0, vec));
    EXPECT_EQ(vec[3], 0x20);  // initial MSP 0x2001_0000
}

TEST(ElfLoading, RejectsBadMagicNamingTheFile) {
    auto b = read(firmware("hello"));
    b[1] = 'X';
    const auto p = write_temp("magic.elf", b);
    const std::string e = load_error(p);
    EXPECT_NE(e.find(p.string()), std::string::npos) << e;
    EXPECT_NE(e.find("magic"), std::string::npos) << e;
}

TEST(ElfLoading, RejectsATruncatedFile) {
    auto b = read(firmware("hello"));
    b.resize(100);
    const std::string e = load_error(write_temp("trunc.elf", b));
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST(ElfLoading, RejectsASegmentOutsideFlashAndRam) {
    auto b = read(firmware("hello"));
    const std::uint32_t phoff = get32(b, 28);
    // First program header: move its physical address into the peripheral window.
    put32(b, phoff + 12, 0x40000000);
    const std::string e = load_error(write_temp("range.elf", b));
    EXPECT_NE(e.find("do not fit"), std::string::npos) << e;
}

// Hostile segments (issue 17): past the end of flash, wrapping the address space, in the gap
// between flash and SRAM: each refused naming the file, nothing half-written outside memory.
TEST(ElfLoading, RejectsSegmentsStraddlingOrWrappingMemory) {
    auto b = read(firmware("hello"));
    const std::uint32_t phoff = get32(b, 28);
    auto with = [&](std::uint32_t paddr, std::uint32_t memsz, const char* name) {
        auto c = b;
        put32(c, phoff + 12, paddr);
        if (memsz) put32(c, phoff + 20, memsz);
        const auto p = write_temp(name, c);
        const std::string e = load_error(p);
        EXPECT_EQ(e.rfind(p.string() + ": ", 0), 0u) << e;
        return e;
    };
    EXPECT_NE(with(0x0007FFF0, 0, "end.elf").find("do not fit in flash"), std::string::npos);
    EXPECT_NE(with(0xFFFFFF00, 0x1000, "wrap.elf").find("wraps the 32-bit address space"),
              std::string::npos);
    EXPECT_NE(with(0x1FFFFFF0, 0, "gap.elf").find("do not fit"), std::string::npos);
    EXPECT_NE(with(0x2000FFF0, 0, "sram_end.elf").find("do not fit"), std::string::npos);
}

TEST(ElfLoading, RejectsAFileSizeLargerThanTheMemorySize) {
    auto b = read(firmware("hello"));
    const std::uint32_t phoff = get32(b, 28);
    put32(b, phoff + 20, 0);  // p_memsz < p_filesz
    const std::string e = load_error(write_temp("memsz.elf", b));
    EXPECT_NE(e.find("p_filesz"), std::string::npos) << e;
}

TEST(ElfLoading, RejectsAMissingFile) {
    const std::string e = load_error("/nonexistent/kernel.elf");
    EXPECT_NE(e.find("/nonexistent/kernel.elf"), std::string::npos) << e;
}

TEST(BootloaderHandoff, ErasedFlashAtZeroBootsTheTableAt0x10000) {
    Machine m;
    // A two-word vector table at 0x10000: MSP and a reset vector pointing at `b .`.
    const std::uint8_t table[] = {0x00, 0x80, 0x00, 0x20, 0x09, 0x01, 0x01, 0x00};
    const std::uint8_t loop[] = {0xFE, 0xE7};
    ASSERT_TRUE(m.write_memory(0x10000, table));
    ASSERT_TRUE(m.write_memory(0x10108, loop));
    m.reset();
    EXPECT_EQ(m.reg(CoreReg::PC), 0x10108u);
    EXPECT_EQ(m.reg(CoreReg::MSP), 0x20008000u);
    std::uint8_t vtor[4] = {};
    ASSERT_TRUE(m.read_memory(0xE000ED08, vtor));
    EXPECT_EQ(vtor[2], 0x01);  // VTOR = 0x00010000
}

}  // namespace
}  // namespace tockemu
