// TBF walk over app flash; see app_flash.hpp and reference/tock-abi.md §3.2-3.5.
#include "emu/tock/app_flash.hpp"

#include <array>

#include "emu/loader/tbf.hpp"

#include <fmt/format.h>

namespace tockemu::tock {

namespace {

constexpr std::uint32_t kMaxHeaderSize = 4096;  // far above any real header; bounds the read

}  // namespace

std::vector<AppImage> scan_app_flash(const MemoryReader& read, std::uint32_t start,
                                     std::uint32_t end) {
    std::vector<AppImage> apps;
    std::uint32_t addr = start;
    while (addr < end && end - addr >= 8) {
        std::array<std::uint8_t, tbf::kBaseHeaderSize> base{};
        if (!read(addr, base)) break;
        const auto lengths = tbf::peek_lengths(base);
        if (!lengths) break;  // erased flash or zeros: the normal end marker
        if (lengths->total_size == 0 || lengths->total_size > end - addr) break;
        const std::uint32_t header_size = lengths->header_size;
        if (header_size > tbf::kBaseHeaderSize && header_size <= lengths->total_size &&
            header_size <= kMaxHeaderSize) {
            std::vector<std::uint8_t> hdr(header_size);
            if (!read(addr, hdr)) break;
            // A header the kernel would reject (checksum, TLV lengths) is skipped as it skips it.
            try {
                const tbf::TbfHeader h = tbf::parse(hdr, fmt::format("app flash @{:#x}", addr));
                AppImage app;
                app.flash_start = addr;
                app.total_size = h.total_size;
                app.header_size = h.header_size;
                app.protected_size = h.protected_size();
                app.entry = (addr + h.init_offset()) & ~1u;
                app.min_ram = h.minimum_ram_size();
                app.enabled = h.enabled();
                app.name = h.name().empty() ? fmt::format("app@{:#x}", addr) : h.name();
                apps.push_back(std::move(app));
            } catch (const tbf::TbfError&) {
            }
        }
        addr += lengths->total_size;
    }
    return apps;
}

}  // namespace tockemu::tock
