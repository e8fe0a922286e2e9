// Readable MPU configuration tables and denial explanations (see mpu_explain.hpp).
#include "emu/mpu/mpu_explain.hpp"

#include <fmt/format.h>

namespace tockemu {

namespace {

std::string ap_bits(std::uint8_t ap) {
    return {char('0' + ((ap >> 2) & 1)), char('0' + ((ap >> 1) & 1)), char('0' + (ap & 1))};
}

std::string ctrl_text(std::uint32_t ctrl) {
    std::string flags;
    if (ctrl & Mpu::kCtrlEnable) flags += " ENABLE";
    if (ctrl & Mpu::kCtrlHfnmiena) flags += " HFNMIENA";
    if (ctrl & Mpu::kCtrlPrivdefena) flags += " PRIVDEFENA";
    if (flags.empty()) flags = " disabled";
    return fmt::format("MPU_CTRL={:#010x} ({})", ctrl, flags.substr(1));
}

// Last byte of a region (the 4 GiB region ends at 0xffffffff).
std::uint32_t region_last(const MpuRegion& r) {
    return r.base() + (r.size_bytes() - 1u);
}

}  // namespace

std::string mpu_size_text(std::uint32_t size_bytes) {
    if (size_bytes == 0) return "4G";
    if (size_bytes >= (1u << 30) && size_bytes % (1u << 30) == 0)
        return fmt::format("{}G", size_bytes >> 30);
    if (size_bytes >= (1u << 20) && size_bytes % (1u << 20) == 0)
        return fmt::format("{}M", size_bytes >> 20);
    if (size_bytes >= (1u << 10) && size_bytes % (1u << 10) == 0)
        return fmt::format("{}K", size_bytes >> 10);
    return fmt::format("{}B", size_bytes);
}

std::string mpu_subregion_text(const MpuRegion& region) {
    if (region.size_field() < 7) return "none";
    std::string s;
    for (unsigned i = 0; i < 8; ++i) s += (region.srd() >> i) & 1u ? '-' : '+';
    return s;
}

std::string format_mpu_region(const MpuRegion& region) {
    if (!region.enabled()) return "disabled";
    if (!region.active())
        return fmt::format("SIZE={} (< 32 bytes, UNPREDICTABLE): never matches",
                           region.size_field());
    return fmt::format("{:#010x}-{:#010x} {} sub {} AP={} {}{}", region.base(), region_last(region),
                       mpu_size_text(region.size_bytes()), mpu_subregion_text(region),
                       ap_bits(region.ap()), mpu_ap_text(region.ap()), region.xn() ? " XN" : "");
}

std::string format_mpu_config(std::uint32_t ctrl, const std::array<std::uint32_t, 8>& rbar,
                              const std::array<std::uint32_t, 8>& rasr) {
    std::string out = ctrl_text(ctrl) + "\n";
    out += fmt::format("{:<2} {:<11} {:<11} {:<5} {:<10} {:<3}  {:<25} {:<2}  {}\n", "#", "base",
                       "end", "size", "subregions", "AP", "access", "XN", "TEX S C B");
    std::string disabled;
    for (unsigned n = 0; n < 8; ++n) {
        MpuRegion r{rbar[n], rasr[n]};
        if (!r.enabled()) {
            disabled += fmt::format(" {}", n);
            continue;
        }
        if (!r.active()) {
            out += fmt::format("{:<2} {}\n", n, format_mpu_region(r));
            continue;
        }
        out += fmt::format(
            "{:<2} {:#010x}  {:#010x}  {:<5} {:<10} {:<3}  {:<25} {:<2}  {}{}{} {} {} {}\n", n,
            r.base(), region_last(r), mpu_size_text(r.size_bytes()), mpu_subregion_text(r),
            ap_bits(r.ap()), mpu_ap_text(r.ap()), r.xn() ? "XN" : "-", (r.rasr >> 21) & 1u,
            (r.rasr >> 20) & 1u, (r.rasr >> 19) & 1u, (r.rasr >> 18) & 1u, (r.rasr >> 17) & 1u,
            (r.rasr >> 16) & 1u);
    }
    if (!disabled.empty()) out += "disabled:" + disabled + "\n";
    return out;
}

std::string format_mpu_config(const MpuConfigEvent& config) {
    return format_mpu_config(config.ctrl, config.rbar, config.rasr);
}

MpuConfigEvent mpu_config_event(const Mpu& mpu) {
    MpuConfigEvent e{};
    e.ctrl = mpu.ctrl();
    for (unsigned n = 0; n < 8; ++n) {
        e.rbar[n] = mpu.regions()[n].rbar;
        e.rasr[n] = mpu.regions()[n].rasr;
    }
    return e;
}

std::string format_mpu_config(const Mpu& mpu) {
    return format_mpu_config(mpu_config_event(mpu));
}

MpuDeniedEvent make_mpu_denied_event(const Mpu& mpu, const MpuDecision& decision, std::uint32_t pc,
                                     std::uint32_t address, AccessKind kind, unsigned size,
                                     bool unprivileged) {
    MpuDeniedEvent e{};
    e.pc = pc;
    e.address = address;
    e.kind = static_cast<std::uint8_t>(kind);
    e.size = size;
    e.unprivileged = unprivileged;
    e.region = decision.region;
    e.reason = decision.reason;
    if (decision.region >= 0 && decision.region < static_cast<int>(Mpu::kRegions)) {
        const MpuRegion& r = mpu.regions()[static_cast<unsigned>(decision.region)];
        e.region_base = r.base();
        e.region_size = r.size_bytes();
        e.srd = r.srd();
        e.ap = r.ap();
        e.xn = r.xn();
    }
    return e;
}

std::string format_mpu_denied(const MpuDeniedEvent& e) {
    std::string out = fmt::format("MPU denied {} {} ({} byte{}) at {:#010x}, pc {:#010x}: {}",
                                  e.unprivileged ? "unprivileged" : "privileged",
                                  access_kind_name(static_cast<AccessKind>(e.kind)), e.size,
                                  e.size == 1 ? "" : "s", e.address, e.pc,
                                  e.reason.empty() ? "denied" : e.reason);
    if (!e.instruction.empty()) out.insert(out.find(": "), fmt::format(" (`{}`)", e.instruction));
    if (e.region >= 0) {
        // Rebuild the region from the event alone, so a recorded trace explains itself.
        std::uint32_t size_field = 0;
        if (e.region_size == 0) {
            size_field = 31;
        } else {
            while ((2u << size_field) < e.region_size) ++size_field;
        }
        MpuRegion r{e.region_base, (e.xn ? 1u << 28 : 0u) | (std::uint32_t{e.ap} << 24) |
                                       (std::uint32_t{e.srd} << 8) | (size_field << 1) | 1u};
        out += fmt::format("; region {}: {}", e.region, format_mpu_region(r));
    } else if (e.region == MpuDecision::kBackground) {
        out += "; decided by the default memory map";
    }
    return out;
}

}  // namespace tockemu
