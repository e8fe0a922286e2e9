#pragma once
// Helpers for the loader tests: files, running the packer / CLI, and reading the few ELF fields
// the tests compare against (entry point and program headers).
#include <sys/wait.h>
#include <unistd.h>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace loader_test {

inline const std::string kFirmwareApps = std::string(TOCKEMU_FIRMWARE_DIR) + "/apps";
inline const std::string kElf2tbf = std::string(TOCKEMU_BINARY_DIR) + "/tools/elf2tbf";
inline const std::string kTockemu = std::string(TOCKEMU_BINARY_DIR) + "/emu/tockemu";

inline std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

inline std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) |
           (static_cast<std::uint32_t>(b[at + 3]) << 24);
}

inline std::uint16_t le16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

inline void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v);
    b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

inline void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

struct RunResult {
    int status;
    std::string output;  // stdout and stderr
};

inline RunResult run(const std::string& command) {
    RunResult r{-1, {}};
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int raw = pclose(p);
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return r;
}

inline std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("tockemu_loader_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

struct ElfSegment {
    std::uint32_t type, offset, vaddr, paddr, filesz, memsz, flags;
};

inline std::vector<ElfSegment> elf_segments(const std::vector<std::uint8_t>& elf) {
    std::vector<ElfSegment> out;
    const std::uint32_t phoff = le32(elf, 28);
    const std::uint16_t phentsize = le16(elf, 42), phnum = le16(elf, 44);
    for (std::uint32_t i = 0; i < phnum; ++i) {
        const std::size_t at = phoff + i * phentsize;
        out.push_back({le32(elf, at), le32(elf, at + 4), le32(elf, at + 8), le32(elf, at + 12),
                       le32(elf, at + 16), le32(elf, at + 20), le32(elf, at + 24)});
    }
    return out;
}

}  // namespace loader_test
