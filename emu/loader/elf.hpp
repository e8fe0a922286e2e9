#pragma once
// ELF32 little-endian ARM executables (the kernel, test firmware): PT_LOAD segments and the
// symbol table. Every offset and size read from the file is range-checked; a malformed,
// truncated or inconsistent file raises ElfError naming the file and the problem.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tockemu::elf {

struct ElfError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Segment {
    std::uint32_t paddr = 0;  // load (physical) address: where the bytes live in flash/RAM
    std::uint32_t vaddr = 0;
    std::vector<std::uint8_t> bytes;  // p_filesz bytes followed by zeros up to p_memsz
    std::uint32_t flags = 0;          // PF_X 1, PF_W 2, PF_R 4
};

struct Symbol {
    std::string name;
    std::uint32_t value = 0;
    std::uint32_t size = 0;
    bool function = false;
};

class SymbolTable {
  public:
    void add(Symbol s);
    std::optional<std::uint32_t> lookup(const std::string& name) const;
    // "func+0x12" for the function (or object) containing addr; "" when none does.
    std::string symbolize(std::uint32_t addr) const;
    bool empty() const { return by_name_.empty(); }

  private:
    std::map<std::string, std::uint32_t> by_name_;
    std::map<std::uint32_t, Symbol> by_addr_;  // thumb bit cleared
};

struct Image {
    std::uint32_t entry = 0;
    std::vector<Segment> segments;
    std::vector<Symbol> symbols;
};

// Parses an in-memory ELF; `source` names it in errors.
Image parse(std::span<const std::uint8_t> bytes, const std::string& source);
Image load_file(const std::filesystem::path& path);

}  // namespace tockemu::elf
