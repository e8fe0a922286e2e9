#include "emu/loader/elf.hpp"

#include "emu/core/file_bytes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace tockemu::elf {

namespace {
constexpr std::uint32_t PT_LOAD = 1;
constexpr std::uint32_t SHT_SYMTAB = 2;
constexpr std::uint16_t EM_ARM = 40;
constexpr std::uint8_t STT_OBJECT = 1, STT_FUNC = 2;

// Safety: every read from the file goes through this cursor, which checks the range first.
class Reader {
  public:
    Reader(std::span<const std::uint8_t> b, const std::string& src) : b_(b), src_(src) {}
    std::uint32_t u32(std::uint64_t off, const char* what) const {
        need(off, 4, what);
        return static_cast<std::uint32_t>(b_[off]) |
               (static_cast<std::uint32_t>(b_[off + 1]) << 8) |
               (static_cast<std::uint32_t>(b_[off + 2]) << 16) |
               (static_cast<std::uint32_t>(b_[off + 3]) << 24);
    }
    std::uint16_t u16(std::uint64_t off, const char* what) const {
        need(off, 2, what);
        return static_cast<std::uint16_t>(b_[off] | (b_[off + 1] << 8));
    }
    std::uint8_t u8(std::uint64_t off, const char* what) const {
        need(off, 1, what);
        return b_[off];
    }
    std::span<const std::uint8_t> bytes(std::uint64_t off, std::uint64_t len,
                                        const char* what) const {
        need(off, len, what);
        return b_.subspan(off, len);
    }
    void need(std::uint64_t off, std::uint64_t len, const char* what) const {
        if (off > b_.size() || len > b_.size() - off)
            fail(
                fmt::format("{} at offset {:#x} (+{:#x} bytes) lies beyond the end of the file "
                            "({} bytes): truncated or corrupt",
                            what, off, len, b_.size()));
    }
    [[noreturn]] void fail(const std::string& problem) const {
        throw ElfError(fmt::format("{}: {}", src_, problem));
    }
    std::size_t size() const { return b_.size(); }

  private:
    std::span<const std::uint8_t> b_;
    const std::string& src_;
};

void read_symbols(const Reader& r, std::uint32_t shoff, std::uint16_t shnum,
                  std::uint16_t shentsize, Image& img) {
    if (shoff == 0 || shnum == 0) return;
    if (shentsize < 40)
        r.fail(fmt::format("e_shentsize {} is smaller than an Elf32_Shdr", shentsize));
    r.need(shoff, std::uint64_t{shnum} * shentsize, "section header table");
    for (unsigned i = 0; i < shnum; ++i) {
        const std::uint64_t sh = shoff + std::uint64_t{i} * shentsize;
        if (r.u32(sh + 4, "sh_type") != SHT_SYMTAB) continue;
        const std::uint32_t off = r.u32(sh + 16, "sh_offset");
        const std::uint32_t size = r.u32(sh + 20, "sh_size");
        const std::uint32_t link = r.u32(sh + 24, "sh_link");
        const std::uint32_t entsize = r.u32(sh + 36, "sh_entsize");
        if (entsize < 16)
            r.fail(fmt::format("symbol table section {} has sh_entsize {}", i, entsize));
        if (link >= shnum)
            r.fail(
                fmt::format("symbol table section {} links to missing string table {}", i, link));
        const std::uint64_t strsh = shoff + std::uint64_t{link} * shentsize;
        const std::uint32_t stroff = r.u32(strsh + 16, "string table sh_offset");
        const std::uint32_t strsize = r.u32(strsh + 20, "string table sh_size");
        const auto strtab = r.bytes(stroff, strsize, "string table");
        r.need(off, size, "symbol table");
        for (std::uint64_t s = off; s + entsize <= std::uint64_t{off} + size; s += entsize) {
            const std::uint32_t name = r.u32(s, "st_name");
            const std::uint32_t value = r.u32(s + 4, "st_value");
            const std::uint32_t sz = r.u32(s + 8, "st_size");
            const std::uint8_t type = r.u8(s + 12, "st_info") & 0xF;
            if (name == 0 || (type != STT_FUNC && type != STT_OBJECT && type != 0)) continue;
            if (name >= strtab.size())
                r.fail(fmt::format(
                    "symbol at offset {:#x} names string {:#x} beyond the string table", s, name));
            const auto* begin = strtab.data() + name;
            const auto* end = std::find(begin, strtab.data() + strtab.size(), std::uint8_t{0});
            std::string n(begin, end);
            if (n.empty() || n[0] == '$') continue;  // mapping symbols ($t, $d)
            img.symbols.push_back({std::move(n), value, sz, type == STT_FUNC});
        }
    }
}
}  // namespace

Image parse(std::span<const std::uint8_t> bytes, const std::string& source) {
    Reader r(bytes, source);
    if (bytes.size() < 52)
        r.fail(fmt::format("only {} bytes: too short for an ELF header", bytes.size()));
    if (!(bytes[0] == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F'))
        r.fail("not an ELF file (bad magic)");
    if (bytes[4] != 1) r.fail("not a 32-bit ELF (EI_CLASS is not ELFCLASS32)");
    if (bytes[5] != 1) r.fail("not little-endian (EI_DATA is not ELFDATA2LSB)");
    const std::uint16_t machine = r.u16(18, "e_machine");
    if (machine != EM_ARM) r.fail(fmt::format("e_machine is {}, not ARM (40)", machine));
    Image img;
    img.entry = r.u32(24, "e_entry");
    const std::uint32_t phoff = r.u32(28, "e_phoff");
    const std::uint32_t shoff = r.u32(32, "e_shoff");
    const std::uint16_t phentsize = r.u16(42, "e_phentsize");
    const std::uint16_t phnum = r.u16(44, "e_phnum");
    const std::uint16_t shentsize = r.u16(46, "e_shentsize");
    const std::uint16_t shnum = r.u16(48, "e_shnum");
    if (phnum == 0) r.fail("no program headers (e_phnum is 0): nothing to load");
    if (phentsize < 32)
        r.fail(fmt::format("e_phentsize {} is smaller than an Elf32_Phdr", phentsize));
    r.need(phoff, std::uint64_t{phnum} * phentsize, "program header table");
    for (unsigned i = 0; i < phnum; ++i) {
        const std::uint64_t ph = phoff + std::uint64_t{i} * phentsize;
        if (r.u32(ph, "p_type") != PT_LOAD) continue;
        const std::uint32_t off = r.u32(ph + 4, "p_offset");
        const std::uint32_t vaddr = r.u32(ph + 8, "p_vaddr");
        const std::uint32_t paddr = r.u32(ph + 12, "p_paddr");
        const std::uint32_t filesz = r.u32(ph + 16, "p_filesz");
        const std::uint32_t memsz = r.u32(ph + 20, "p_memsz");
        const std::uint32_t flags = r.u32(ph + 24, "p_flags");
        if (filesz > memsz)
            r.fail(
                fmt::format("segment {}: p_filesz {:#x} exceeds p_memsz {:#x}", i, filesz, memsz));
        if (memsz == 0) continue;
        if (std::uint64_t{paddr} + memsz > 0x1'0000'0000ULL)
            r.fail(fmt::format("segment {}: {:#x}+{:#x} wraps the 32-bit address space", i, paddr,
                               memsz));
        const auto data = r.bytes(off, filesz, "segment data");
        Segment seg;
        seg.paddr = paddr;
        seg.vaddr = vaddr;
        seg.flags = flags;
        seg.bytes.assign(data.begin(), data.end());
        // .bss-like tails (memsz > filesz) are zero-filled only when they are part of the
        // image in flash; RAM segments without file bytes are the program's job to clear.
        if (filesz == 0) continue;
        seg.bytes.resize(filesz);
        img.segments.push_back(std::move(seg));
    }
    read_symbols(r, shoff, shnum, shentsize, img);
    return img;
}

Image load_file(const std::filesystem::path& path) {
    const auto bytes = read_file_bytes(path);
    if (!bytes) throw ElfError(fmt::format("{}: cannot open file", path.string()));
    return parse(*bytes, path.string());
}

void SymbolTable::add(Symbol s) {
    by_name_[s.name] = s.value;
    const std::uint32_t addr = s.function ? (s.value & ~1u) : s.value;
    auto it = by_addr_.find(addr);
    // Prefer sized functions over anonymous labels at the same address.
    if (it == by_addr_.end() || (s.function && !it->second.function) || it->second.size == 0)
        by_addr_[addr] = std::move(s);
}

std::optional<std::uint32_t> SymbolTable::lookup(const std::string& name) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

std::string SymbolTable::symbolize(std::uint32_t addr) const {
    auto it = by_addr_.upper_bound(addr);
    if (it == by_addr_.begin()) return {};
    --it;
    const Symbol& s = it->second;
    const std::uint32_t off = addr - it->first;
    // Unsized symbols only name their exact address.
    if ((s.size == 0 && off != 0) || (s.size != 0 && off >= s.size)) return {};
    return off == 0 ? s.name : fmt::format("{}+{:#x}", s.name, off);
}

}  // namespace tockemu::elf
