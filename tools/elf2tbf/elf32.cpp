// Minimal ELF32 reader (see elf32.hpp).
#include "tools/elf2tbf/elf32.hpp"

#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace tockemu::elf2tbf {

namespace {
constexpr std::uint32_t SHT_SYMTAB = 2;
constexpr std::uint16_t EM_ARM = 40;
}  // namespace

Elf32::Elf32(std::vector<std::uint8_t> contents, std::string path)
    : data_(std::move(contents)), path_(std::move(path)) {
    if (data_.size() < 52 || std::memcmp(data_.data(),
                                         "\x7f"
                                         "ELF",
                                         4) != 0) {
        throw ElfError(fmt::format("{}: not an ELF file (bad magic at offset 0)", path_));
    }
    if (data_[4] != 1) throw ElfError(fmt::format("{}: offset 4 EI_CLASS: not ELF32", path_));
    if (data_[5] != 1)
        throw ElfError(fmt::format("{}: offset 5 EI_DATA: not little-endian", path_));
    const std::uint16_t machine = u16(18, "e_machine");
    if (machine != EM_ARM) {
        throw ElfError(
            fmt::format("{}: offset 18 e_machine: {} is not EM_ARM (40)", path_, machine));
    }
    entry_ = u32(24, "e_entry");
    const std::uint32_t phoff = u32(28, "e_phoff");
    const std::uint32_t shoff = u32(32, "e_shoff");
    const std::uint16_t phentsize = u16(42, "e_phentsize");
    const std::uint16_t phnum = u16(44, "e_phnum");
    const std::uint16_t shentsize = u16(46, "e_shentsize");
    const std::uint16_t shnum = u16(48, "e_shnum");
    const std::uint16_t shstrndx = u16(50, "e_shstrndx");
    if (phnum && phentsize < 32) {
        throw ElfError(fmt::format("{}: offset 42 e_phentsize: {} below 32", path_, phentsize));
    }
    for (std::uint32_t i = 0; i < phnum; ++i) {
        const std::size_t at = static_cast<std::size_t>(phoff) + std::size_t{i} * phentsize;
        const std::string what = fmt::format("program header {}", i);
        segments_.push_back({u32(at, what), u32(at + 4, what), u32(at + 8, what),
                             u32(at + 12, what), u32(at + 16, what), u32(at + 20, what),
                             u32(at + 24, what), u32(at + 28, what)});
        const auto& s = segments_.back();
        if (s.type == PT_LOAD && s.filesz) bytes(s.offset, s.filesz, what);
    }
    if (shnum) read_sections(shoff, shentsize, shnum, shstrndx);
}

std::uint32_t Elf32::u32(std::size_t at, std::string_view what) const {
    if (at + 4 > data_.size()) {
        throw ElfError(
            fmt::format("{}: {} at offset 0x{:x} is past the end of the file", path_, what, at));
    }
    return static_cast<std::uint32_t>(data_[at]) | (data_[at + 1] << 8) | (data_[at + 2] << 16) |
           (static_cast<std::uint32_t>(data_[at + 3]) << 24);
}

std::uint16_t Elf32::u16(std::size_t at, std::string_view what) const {
    if (at + 2 > data_.size()) {
        throw ElfError(
            fmt::format("{}: {} at offset 0x{:x} is past the end of the file", path_, what, at));
    }
    return static_cast<std::uint16_t>(data_[at] | (data_[at + 1] << 8));
}

std::span<const std::uint8_t> Elf32::bytes(std::uint32_t offset, std::uint32_t size,
                                           std::string_view what) const {
    if (static_cast<std::uint64_t>(offset) + size > data_.size()) {
        throw ElfError(
            fmt::format("{}: {}: [0x{:x}, +0x{:x}) runs past the end of the file "
                        "({} bytes)",
                        path_, what, offset, size, data_.size()));
    }
    return std::span(data_).subspan(offset, size);
}

std::string Elf32::c_string(std::span<const std::uint8_t> table, std::uint32_t at) const {
    if (at >= table.size()) return {};
    const auto* p = reinterpret_cast<const char*>(table.data() + at);
    return std::string(p, strnlen(p, table.size() - at));
}

void Elf32::read_sections(std::uint32_t shoff, std::uint16_t shentsize, std::uint16_t shnum,
                          std::uint16_t shstrndx) {
    if (shentsize < 40) {
        throw ElfError(fmt::format("{}: offset 46 e_shentsize: {} below 40", path_, shentsize));
    }
    struct Raw {
        std::uint32_t name, type, flags, addr, offset, size, link;
    };
    std::vector<Raw> raw;
    for (std::uint32_t i = 0; i < shnum; ++i) {
        const std::size_t at = static_cast<std::size_t>(shoff) + std::size_t{i} * shentsize;
        const std::string what = fmt::format("section header {}", i);
        raw.push_back({u32(at, what), u32(at + 4, what), u32(at + 8, what), u32(at + 12, what),
                       u32(at + 16, what), u32(at + 20, what), u32(at + 24, what)});
    }
    if (shstrndx >= raw.size()) {
        throw ElfError(fmt::format("{}: offset 50 e_shstrndx: {} out of range", path_, shstrndx));
    }
    const auto names = bytes(raw[shstrndx].offset, raw[shstrndx].size, "section name table");
    for (const auto& r : raw) {
        sections_.push_back({c_string(names, r.name), r.type, r.flags, r.addr, r.offset, r.size});
        section_link_.push_back(r.link);
    }
}

const Section* Elf32::section(std::string_view name) const {
    for (const auto& s : sections_) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

std::optional<std::uint32_t> Elf32::symbol(std::string_view name) const {
    for (std::size_t i = 0; i < sections_.size(); ++i) {
        const auto& s = sections_[i];
        if (s.type != SHT_SYMTAB || section_link_[i] >= sections_.size()) continue;
        const auto& str = sections_[section_link_[i]];
        const auto strings = bytes(str.offset, str.size, "symbol string table");
        const auto table = bytes(s.offset, s.size, "symbol table");
        for (std::size_t at = 0; at + 16 <= table.size(); at += 16) {
            const std::uint32_t name_at = u32(s.offset + at, "st_name");
            if (c_string(strings, name_at) == name) return u32(s.offset + at + 4, "st_value");
        }
    }
    return std::nullopt;
}

Elf32 read_elf_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ElfError(fmt::format("{}: cannot be opened", path));
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    return Elf32(std::move(data), path);
}

}  // namespace tockemu::elf2tbf
