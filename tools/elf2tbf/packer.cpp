// ELF -> TBF packing (see packer.hpp). Each step names the Appendix A rule it follows.
#include "tools/elf2tbf/packer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "emu/loader/tbf.hpp"

namespace tockemu::elf2tbf {

namespace {

constexpr std::uint32_t kPicFlashOrigin = 0x80000000;
constexpr std::uint32_t kMinArmTotal = 512;

std::uint32_t align_up(std::uint32_t v, std::uint32_t a) {
    return (v + a - 1) / a * a;
}

class Writer {
  public:
    void u16(std::uint16_t v) {
        out.push_back(static_cast<std::uint8_t>(v));
        out.push_back(static_cast<std::uint8_t>(v >> 8));
    }
    void u32(std::uint32_t v) {
        u16(static_cast<std::uint16_t>(v));
        u16(static_cast<std::uint16_t>(v >> 16));
    }
    void bytes(std::span<const std::uint8_t> b) { out.insert(out.end(), b.begin(), b.end()); }
    void zeros(std::size_t n) { out.insert(out.end(), n, 0); }
    void pad4() { zeros((4 - out.size() % 4) % 4); }
    void tlv(tbf::TlvType type, std::uint16_t length) {
        u16(static_cast<std::uint16_t>(type));
        u16(length);
    }
    void put32(std::size_t at, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    std::vector<std::uint8_t> out;
};

// A.4: PIC apps are linked at the 0x80000000 flash sentinel; otherwise the flash is fixed.
struct Placement {
    bool pic = true;
    std::uint32_t fixed_flash = 0xFFFFFFFF;
    std::uint32_t fixed_ram = 0xFFFFFFFF;
};

Placement detect_placement(const Elf32& elf) {
    Placement p;
    if (auto origin = elf.symbol("_flash_origin")) {
        p.pic = *origin == kPicFlashOrigin;
        if (!p.pic) p.fixed_flash = *origin;
    } else {
        bool found = false;
        std::uint32_t lowest = 0xFFFFFFFF;
        for (const auto& s : elf.segments()) {
            if (s.type != PT_LOAD || !(s.flags & PF_X) || s.filesz == 0) continue;
            if (s.vaddr == kPicFlashOrigin) found = true;
            lowest = std::min(lowest, s.paddr);
        }
        p.pic = found;
        if (!found) p.fixed_flash = lowest;
    }
    if (auto ram = elf.symbol("_sram_origin"); ram && *ram != 0) p.fixed_ram = *ram;
    return p;
}

std::vector<const Segment*> loaded_segments(const Elf32& elf) {
    std::vector<const Segment*> out;
    for (const auto& s : elf.segments()) {
        if (s.type == PT_LOAD && s.filesz > 0) out.push_back(&s);
    }
    if (out.empty()) throw ElfError(fmt::format("{}: no PT_LOAD segment with data", elf.path()));
    return out;
}

// A.2: writable segments whose VMA differs from their LMA live in RAM (.got/.data/.bss).
std::uint32_t minimum_ram(const Elf32& elf, const PackOptions& o, std::uint32_t stack) {
    std::uint32_t ram = 0;
    for (const auto& s : elf.segments()) {
        if (s.type == PT_LOAD && s.vaddr != s.paddr && s.memsz > 0 && (s.flags & PF_W)) {
            ram += s.memsz;
        }
    }
    return ram + align_up(stack, 8) + align_up(o.app_heap, 4) + align_up(o.kernel_heap, 4);
}

// A.3 step 2: `.rel<name>` of every writable section whose bytes are in a copied segment.
std::vector<std::uint8_t> relocation_block(const Elf32& elf,
                                           const std::vector<const Segment*>& segs) {
    std::vector<std::uint8_t> rel;
    for (const auto& sec : elf.sections()) {
        if (!(sec.flags & SHF_WRITE) || !(sec.flags & SHF_ALLOC) || sec.type == SHT_NOBITS)
            continue;
        const bool copied = std::any_of(segs.begin(), segs.end(), [&](const Segment* s) {
            return sec.offset >= s->offset && sec.offset < s->offset + s->filesz;
        });
        if (!copied) continue;
        if (const Section* r = elf.section(".rel" + sec.name)) {
            const auto b = elf.bytes(r->offset, r->size, r->name);
            rel.insert(rel.end(), b.begin(), b.end());
        }
    }
    return rel;
}

std::vector<tbf::FlashRegion> writeable_regions(const Elf32& elf,
                                                const std::vector<const Segment*>& segs,
                                                const std::vector<std::uint32_t>& seg_pos) {
    std::vector<tbf::FlashRegion> out;
    for (const auto& sec : elf.sections()) {
        if (sec.name.find(".wfr") == std::string::npos || sec.size == 0) continue;
        for (std::size_t i = 0; i < segs.size(); ++i) {
            const Segment* s = segs[i];
            if (sec.offset >= s->offset && sec.offset < s->offset + s->filesz) {
                out.push_back({seg_pos[i] + (sec.offset - s->offset), sec.size});
            }
        }
    }
    return out;
}

std::vector<tbf::PermissionEntry> group_permissions(const PackOptions& o) {
    std::vector<tbf::PermissionEntry> out;
    for (const auto& [driver, cmd] : o.permissions) {
        auto it = std::find_if(out.begin(), out.end(), [&](const tbf::PermissionEntry& e) {
            return e.driver == driver && e.offset == cmd / 64;
        });
        if (it == out.end()) it = out.insert(out.end(), {driver, cmd / 64, 0});
        it->allowed_commands |= std::uint64_t{1} << (cmd % 64);
    }
    return out;
}

}  // namespace

PackResult pack(const Elf32& elf, const PackOptions& o) {
    PackResult result;
    const Placement place = detect_placement(elf);
    const auto segs = loaded_segments(elf);
    std::uint32_t stack = 2048;
    if (o.stack_size) {
        stack = *o.stack_size;
    } else if (const Section* s = elf.section(".stack")) {
        stack = s->size;
    }

    // Header size first: every TLV has a fixed size given the options.
    const std::uint32_t name_len = o.package_name ? o.package_name->size() : 0;
    if (name_len > 0xFFFF) throw ElfError("package name longer than 65535 bytes");
    std::uint32_t header_size = tbf::kBaseHeaderSize + 16;
    if (!o.main_tlv_only) header_size += 24;
    if (o.package_name) header_size += 4 + align_up(name_len, 4);

    // Body layout (A.3 step 1): segment i lands at body offset seg_body[i].
    std::vector<std::uint32_t> seg_body;
    std::uint32_t body_len = 0;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (i > 0) {
            const std::int64_t gap =
                static_cast<std::int64_t>(segs[i]->paddr) -
                (static_cast<std::int64_t>(segs[i - 1]->paddr) + segs[i - 1]->filesz);
            if (gap < 0 || gap >= 4096) {
                result.warnings.push_back(
                    fmt::format("segment {} starts {} bytes after the previous one's end", i, gap));
            }
            if (gap > 0) body_len += static_cast<std::uint32_t>(gap);
        }
        seg_body.push_back(body_len);
        body_len += segs[i]->filesz;
    }
    // Writable flash regions are known once the protected size is; count them now with a
    // provisional base to size the header.
    const auto wfr_count = writeable_regions(elf, segs, seg_body).size();
    header_size += static_cast<std::uint32_t>(wfr_count) * 12;
    if (!place.pic) header_size += 12;
    const auto permissions = group_permissions(o);
    if (permissions.size() > 0xFFFF / 16) throw ElfError("too many permission entries");
    const std::uint32_t permissions_len = 2 + 16 * static_cast<std::uint32_t>(permissions.size());
    if (!permissions.empty()) header_size += 4 + align_up(permissions_len, 4);
    const std::uint32_t storage_len =
        static_cast<std::uint32_t>(8 + 4 * o.read_ids.size() + 4 * o.access_ids.size());
    if (o.storage_permissions()) header_size += 4 + storage_len;
    if (o.kernel_major && !o.main_tlv_only) header_size += 8;
    if (o.short_id) header_size += 8;

    // A.2: protected region precedence: ELF symbol > option > fixed-flash 256 alignment > header.
    std::uint32_t protected_size = header_size;
    if (auto sym = elf.symbol("tbf_protected_region_size")) {
        protected_size = *sym;
    } else if (o.protected_region_size) {
        protected_size = *o.protected_region_size;
    } else if (!place.pic) {
        while ((place.fixed_flash - protected_size) % 256 != 0) ++protected_size;
    }
    if (protected_size < header_size) {
        throw ElfError(fmt::format("protected region size {} is smaller than the header ({} bytes)",
                                   protected_size, header_size));
    }

    // init_fn_offset: `_start` measured from the end of the header, Thumb bit kept.
    const std::uint32_t entry = elf.entry();
    std::optional<std::uint32_t> init_fn;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        const Segment* s = segs[i];
        if ((entry & ~1u) >= s->paddr && (entry & ~1u) < s->paddr + s->filesz) {
            init_fn = (entry - s->paddr) + protected_size + seg_body[i] - header_size;
            break;
        }
    }
    if (!init_fn) {
        throw ElfError(
            fmt::format("{}: entry point 0x{:x} is in no loaded segment", elf.path(), entry));
    }

    const auto rel = relocation_block(elf, segs);
    const std::uint32_t binary_end =
        protected_size + body_len + 4 + static_cast<std::uint32_t>(rel.size());
    const std::uint32_t min_ram = minimum_ram(elf, o, stack);

    // Footer (A.3 steps 3-4): reserved credentials, then power-of-two padding absorbed into it.
    std::uint32_t reserved = 0;
    if (o.minimum_footer_size > 0) reserved = align_up(std::max(o.minimum_footer_size, 8u), 4);
    std::uint32_t total = binary_end + reserved;
    std::uint32_t pow2 = kMinArmTotal;
    while (pow2 < total) pow2 <<= 1;
    std::uint32_t raw_pad = 0;
    if (reserved > 0 || pow2 - total >= 8) {
        reserved += pow2 - total;
    } else {
        raw_pad = pow2 - total;
    }
    total = pow2;
    if (reserved > 0xFFFF + 4) {
        // A TLV length is 16 bits: refuse rather than write a wrong length.
        throw ElfError(
            fmt::format("{}: the padding footer would be {} bytes, more than one TLV holds",
                        elf.path(), reserved));
    }

    Writer w;
    w.u16(tbf::kVersion);
    w.u16(static_cast<std::uint16_t>(header_size));
    w.u32(total);
    w.u32(o.disabled ? 0 : tbf::kFlagEnabled);
    w.u32(0);  // checksum, filled in below
    w.tlv(tbf::TlvType::Main, 12);
    w.u32(*init_fn);
    w.u32(protected_size - header_size);
    w.u32(min_ram);
    if (!o.main_tlv_only) {
        w.tlv(tbf::TlvType::Program, 20);
        w.u32(*init_fn);
        w.u32(protected_size - header_size);
        w.u32(min_ram);
        w.u32(binary_end);
        w.u32(o.app_version);
    }
    if (o.package_name) {
        w.tlv(tbf::TlvType::PackageName, static_cast<std::uint16_t>(name_len));
        w.bytes(std::span(reinterpret_cast<const std::uint8_t*>(o.package_name->data()), name_len));
        w.pad4();
    }
    for (const auto& r : writeable_regions(elf, segs, seg_body)) {
        w.tlv(tbf::TlvType::WriteableFlashRegions, 8);
        w.u32(protected_size + r.offset);
        w.u32(r.size);
    }
    if (!place.pic) {
        w.tlv(tbf::TlvType::FixedAddresses, 8);
        w.u32(place.fixed_ram);
        w.u32(place.fixed_flash);
    }
    if (!permissions.empty()) {
        w.tlv(tbf::TlvType::Permissions, static_cast<std::uint16_t>(permissions_len));
        w.u16(static_cast<std::uint16_t>(permissions.size()));
        for (const auto& e : permissions) {
            w.u32(e.driver);
            w.u32(e.offset);
            w.u32(static_cast<std::uint32_t>(e.allowed_commands));
            w.u32(static_cast<std::uint32_t>(e.allowed_commands >> 32));
        }
        w.pad4();  // 2 bytes, not counted in the TLV length
    }
    if (o.storage_permissions()) {
        w.tlv(tbf::TlvType::StoragePermissions, static_cast<std::uint16_t>(storage_len));
        w.u32(o.write_id.value_or(0));
        w.u16(static_cast<std::uint16_t>(o.read_ids.size()));
        for (auto id : o.read_ids) w.u32(id);
        w.u16(static_cast<std::uint16_t>(o.access_ids.size()));
        for (auto id : o.access_ids) w.u32(id);
    }
    if (o.kernel_major && !o.main_tlv_only) {
        w.tlv(tbf::TlvType::KernelVersion, 4);
        w.u16(*o.kernel_major);
        w.u16(o.kernel_minor);
    }
    if (o.short_id) {
        w.tlv(tbf::TlvType::ShortId, 4);
        w.u32(*o.short_id);
    }
    w.pad4();
    if (w.out.size() != header_size) {
        throw std::logic_error(
            fmt::format("header is {} bytes, expected {}", w.out.size(), header_size));
    }
    w.put32(12, tbf::compute_checksum(w.out));
    w.zeros(protected_size - header_size);

    for (std::size_t i = 0; i < segs.size(); ++i) {
        w.zeros(protected_size + seg_body[i] - w.out.size());
        w.bytes(elf.bytes(segs[i]->offset, segs[i]->filesz, fmt::format("segment {}", i)));
    }
    w.u32(static_cast<std::uint32_t>(rel.size()));
    w.bytes(rel);
    if (reserved > 0) {
        w.tlv(tbf::TlvType::Credentials, static_cast<std::uint16_t>(reserved - 4));
        w.u32(0);  // format: Reserved
        w.zeros(reserved - 8);
    }
    w.zeros(raw_pad);
    result.tbf = std::move(w.out);
    return result;
}

}  // namespace tockemu::elf2tbf
