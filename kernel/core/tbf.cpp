// TBF v2 parsing. Safety: app flash is untrusted input; every read stays inside
// [addr, addr + header_size) which has been checked to lie inside app flash.
#include "core/tbf.hpp"

namespace kernel {
namespace {

std::uint16_t rd16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}
std::uint32_t rd32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}

// Structural UTF-8 check (lead byte ranges and continuation bytes), as Rust's from_utf8 rejects.
bool valid_utf8(const std::uint8_t* s, std::uint32_t n) {
    std::uint32_t i = 0;
    while (i < n) {
        std::uint8_t c = s[i];
        unsigned extra;
        if (c < 0x80) {
            extra = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
        } else {
            return false;
        }
        if (n - i - 1 < extra) return false;
        for (unsigned k = 1; k <= extra; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
        }
        i += extra + 1;
    }
    return true;
}

enum TlvType : std::uint16_t {
    kMain = 1,
    kWriteableFlash = 2,
    kPackageName = 3,
    kFixedAddresses = 5,
    kPermissions = 6,
    kStoragePermissions = 7,
    kKernelVersion = 8,
    kProgram = 9,
    kShortId = 10,
};

// Parses the TLVs; false if a fixed-size TLV has the wrong length or the name is not UTF-8.
bool parse_tlvs(const std::uint8_t* h, TbfInfo& info, const char*& why) {
    bool have_program = false;
    std::uint32_t off = 16;
    while (off + 4 <= info.header_size) {
        std::uint16_t type = rd16(h + off);
        std::uint16_t len = rd16(h + off + 2);
        std::uint32_t body = off + 4;
        if (body + len > info.header_size) {
            why = "TLV runs past the header";
            return false;
        }
        const std::uint8_t* v = h + body;
        switch (type) {
            case kMain:
                if (len != 12) return why = "bad Main TLV length", false;
                if (!have_program) {
                    info.init_fn_offset = rd32(v);
                    info.protected_trailer = rd32(v + 4);
                    info.minimum_ram = rd32(v + 8);
                }
                break;
            case kProgram:
                if (len != 20) return why = "bad Program TLV length", false;
                have_program = true;
                info.init_fn_offset = rd32(v);
                info.protected_trailer = rd32(v + 4);
                info.minimum_ram = rd32(v + 8);
                info.binary_end = rd32(v + 12);
                info.app_version = rd32(v + 16);
                break;
            case kWriteableFlash:
                if (len % 8 != 0) return why = "bad writeable flash TLV length", false;
                for (std::uint32_t k = 0; k < len / 8u; ++k) {
                    if (info.wfr_count < kMaxWriteableFlashRegions) {
                        info.wfr_offset[info.wfr_count] = rd32(v + 8 * k);
                        info.wfr_size[info.wfr_count] = rd32(v + 8 * k + 4);
                        ++info.wfr_count;
                    }
                }
                break;
            case kPackageName:
                if (!valid_utf8(v, len)) return why = "package name is not UTF-8", false;
                info.name = reinterpret_cast<const char*>(v);
                info.name_len = len;
                break;
            case kFixedAddresses:
                if (len != 8) return why = "bad fixed addresses TLV length", false;
                info.has_fixed_addresses = true;
                info.fixed_ram = rd32(v);
                info.fixed_flash = rd32(v + 4);
                break;
            case kKernelVersion:
                if (len != 4) return why = "bad kernel version TLV length", false;
                info.has_kernel_version = true;
                info.kernel_major = rd16(v);
                info.kernel_minor = rd16(v + 2);
                break;
            case kShortId:
                if (len != 4) return why = "bad ShortId TLV length", false;
                info.short_id = rd32(v);
                break;
            default:  // Permissions, storage permissions, unknown: not used by this kernel
                break;
        }
        off = body + ((len + 3u) & ~3u);
    }
    return true;
}

}  // namespace

TbfWalk tbf_examine(std::uint32_t addr, std::uint32_t remaining, TbfInfo& info, const char*& why) {
    info = TbfInfo{};
    why = "";
    if (remaining < 8) return why = "end of app flash", TbfWalk::Stop;
    const auto* h = reinterpret_cast<const std::uint8_t*>(addr);
    std::uint16_t version = rd16(h);
    info.flash_start = addr;
    info.header_size = rd16(h + 2);
    info.total_size = rd32(h + 4);
    if (version != 2) return why = "no TBF v2 header", TbfWalk::Stop;
    if (info.total_size > remaining)
        return why = "total_size past the end of app flash", TbfWalk::Stop;
    if (info.total_size == 0) return why = "total_size is 0", TbfWalk::Stop;
    if (info.header_size < 16 || info.header_size > info.total_size) {
        return why = "bad header_size", TbfWalk::Skip;
    }
    info.flags = rd32(h + 8);
    std::uint32_t checksum = 0;
    for (std::uint32_t i = 0; i + 4 <= info.header_size; i += 4) {
        if (i != 12) checksum ^= rd32(h + i);
    }
    if (checksum != rd32(h + 12)) return why = "checksum mismatch", TbfWalk::Skip;
    if (info.header_size == 16) return why = "padding", TbfWalk::Skip;
    if (!parse_tlvs(h, info, why)) return TbfWalk::Skip;
    if (info.binary_end == 0) info.binary_end = info.total_size;
    if (!info.enabled()) return why = "disabled", TbfWalk::Skip;
    // Deviation from upstream's synchronous loader, which skips TBFs without a KernelVersion TLV:
    // we load them, so TBFs made by elf2tab before that TLV existed (Tock 2.0 era) still run.
    if (info.has_kernel_version &&
        (info.kernel_major != kKernelMajor || info.kernel_minor > kKernelMinor)) {
        return why = "incompatible kernel version", TbfWalk::Skip;
    }
    if (info.protected_size() > info.total_size ||
        info.header_size + info.init_fn_offset >= info.total_size) {
        return why = "entry point outside the TBF", TbfWalk::Skip;
    }
    if (info.has_fixed_addresses && info.fixed_flash != 0xFFFFFFFF &&
        info.fixed_flash != info.app_start()) {
        return why = "fixed flash address does not match", TbfWalk::Skip;
    }
    return TbfWalk::Load;
}

}  // namespace kernel
