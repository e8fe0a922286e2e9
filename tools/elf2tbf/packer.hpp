#pragma once
// ELF -> TBF exactly as elf2tab v0.13 lays it out (shared reference tock-abi.md Appendix A):
// base header, Main, Program, PackageName, WriteableFlashRegions, FixedAddresses, KernelVersion,
// ShortId TLVs; protected trailer; PT_LOAD segments with data in program-header order; the
// relocation block; a Reserved credentials footer; total size padded to a power of two (ARM).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tools/elf2tbf/elf32.hpp"

namespace tockemu::elf2tbf {

struct PackOptions {
    std::optional<std::string> package_name;
    std::optional<std::uint32_t> stack_size;  // default: size of `.stack`, else 2048
    std::uint32_t app_heap = 1024;
    std::uint32_t kernel_heap = 1024;
    std::optional<std::uint16_t> kernel_major;  // KernelVersion TLV only when given
    std::uint16_t kernel_minor = 0;
    std::optional<std::uint32_t> protected_region_size;  // header + trailer, bytes
    std::uint32_t minimum_footer_size = 0;
    std::uint32_t app_version = 0;
    std::optional<std::uint32_t> short_id;
    bool disabled = false;
    // Legacy TBF as written before the Program TLV existed: Main (and PackageName, if named)
    // only; no Program, no KernelVersion.
    bool main_tlv_only = false;
    // Permissions TLV: (driver, command) pairs as given to elf2tab's --permissions; grouped into
    // one entry per (driver, command / 64) with bit command % 64 set, in first-seen order.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> permissions;
    // Storage permissions TLV (elf2tab --write_id / --read_ids / --access_ids); written when any
    // of them is given.
    std::optional<std::uint32_t> write_id;
    std::vector<std::uint32_t> read_ids;
    std::vector<std::uint32_t> access_ids;
    bool storage_permissions() const {
        return write_id.has_value() || !read_ids.empty() || !access_ids.empty();
    }
};

struct PackResult {
    std::vector<std::uint8_t> tbf;
    std::vector<std::string> warnings;
};

PackResult pack(const Elf32& elf, const PackOptions& options);

}  // namespace tockemu::elf2tbf
