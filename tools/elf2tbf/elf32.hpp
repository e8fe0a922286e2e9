#pragma once
// Minimal ELF32 little-endian reader for the packer: program headers, section headers with
// names, and symbol lookup. Every offset/size read from the file is bounds-checked; errors name
// the file and the field (ELF for the ARM Architecture, System V gABI).
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace tockemu::elf2tbf {

struct ElfError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr std::uint32_t PT_LOAD = 1;
inline constexpr std::uint32_t PF_X = 1;
inline constexpr std::uint32_t PF_W = 2;
inline constexpr std::uint32_t SHT_NOBITS = 8;
inline constexpr std::uint32_t SHF_WRITE = 1;
inline constexpr std::uint32_t SHF_ALLOC = 2;

struct Segment {
    std::uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct Section {
    std::string name;
    std::uint32_t type, flags, addr, offset, size;
};

class Elf32 {
  public:
    Elf32(std::vector<std::uint8_t> contents, std::string path);

    std::uint32_t entry() const { return entry_; }
    const std::vector<Segment>& segments() const { return segments_; }
    const std::vector<Section>& sections() const { return sections_; }
    const Section* section(std::string_view name) const;
    std::optional<std::uint32_t> symbol(std::string_view name) const;
    // File bytes of [offset, offset+size), bounds-checked; `what` names it in errors.
    std::span<const std::uint8_t> bytes(std::uint32_t offset, std::uint32_t size,
                                        std::string_view what) const;
    const std::string& path() const { return path_; }

  private:
    std::uint32_t u32(std::size_t at, std::string_view what) const;
    std::uint16_t u16(std::size_t at, std::string_view what) const;
    void read_sections(std::uint32_t shoff, std::uint16_t shentsize, std::uint16_t shnum,
                       std::uint16_t shstrndx);
    std::string c_string(std::span<const std::uint8_t> table, std::uint32_t at) const;

    std::vector<std::uint8_t> data_;
    std::string path_;
    std::uint32_t entry_ = 0;
    std::vector<Segment> segments_;
    std::vector<Section> sections_;
    std::vector<std::uint32_t> section_link_;
};

Elf32 read_elf_file(const std::string& path);

}  // namespace tockemu::elf2tbf
