#include "emu/periph/sam4l/unimplemented.hpp"

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

namespace {
// sam4l.md §15.3.
constexpr KnownReg kWdt[] = {
    {0x000, "CTRL", 0x0001'0080},
    {0x004, "CLR"},
    {0x008, "SR", 0x3},
    {0x00C, "IER"},
    {0x010, "IDR"},
    {0x014, "IMR"},
    {0x018, "ISR"},
    {0x01C, "ICR"},
    {0x3FC, "VERSION", 0x501},
};
// sam4l.md §15.4.
constexpr KnownReg kEic[] = {
    {0x00, "IER"},    {0x04, "IDR"},
    {0x08, "IMR"},    {0x0C, "ISR"},
    {0x10, "ICR"},    {0x14, "MODE"},
    {0x18, "EDGE"},   {0x1C, "LEVEL"},
    {0x20, "FILTER"}, {0x28, "ASYNC"},
    {0x30, "EN"},     {0x34, "DIS"},
    {0x38, "CTRL"},   {0x3FC, "VERSION", 0x302},
};
// sam4l.md §15.2.
constexpr KnownReg kCrccu[] = {
    {0x00, "DSCR"},
    {0x08, "DMAEN"},
    {0x0C, "DMADIS"},
    {0x10, "DMASR"},
    {0x14, "DMAIER"},
    {0x18, "DMAIDR"},
    {0x1C, "DMAIMR"},
    {0x20, "DMAISR"},
    {0x34, "CR"},
    {0x38, "MR"},
    {0x3C, "SR", 0xFFFF'FFFF},
    {0x40, "IER"},
    {0x44, "IDR"},
    {0x48, "IMR"},
    {0x4C, "ISR"},
    {0xFC, "VERSION", 0x202},
};
// sam4l.md §15.5 (TWIM); SR resets with TXRDY.
constexpr KnownReg kTwim[] = {
    {0x00, "CR"},  {0x04, "CWGR"},  {0x08, "SMBTR"},   {0x0C, "CMDR"}, {0x10, "NCMDR"},
    {0x14, "RHR"}, {0x18, "THR"},   {0x1C, "SR", 0x2}, {0x20, "IER"},  {0x24, "IDR"},
    {0x28, "IMR"}, {0x2C, "SCR"},   {0x30, "PR"},      {0x34, "VR"},   {0x38, "HSCWGR"},
    {0x3C, "SRR"}, {0x40, "HSSRR"},
};
// sam4l.md §15.6 (as seen from a debugger).
constexpr KnownReg kSmap[] = {
    {0x00, "CR"},
    {0x04, "SR"},
    {0x08, "SCR"},
    {0x0C, "ADDR"},
    {0x10, "LENGTH"},
    {0x14, "DATA"},
    {0x28, "VERSION"},
    {0xF0, "CIDR", 0xAB0B'0AE0},
    {0xF4, "EXID", 0x0300'000F},
    {0xFC, "IDR"},
};
}  // namespace

std::span<const KnownReg> sam4l_known_registers(std::string_view block) {
    if (block == "WDT") return kWdt;
    if (block == "EIC") return kEic;
    if (block == "CRCCU") return kCrccu;
    if (block.starts_with("TWIM")) return kTwim;
    if (block == "SMAP") return kSmap;
    return {};
}

UnimplementedDevice::UnimplementedDevice(std::string name, std::uint32_t base, std::uint32_t size,
                                         std::span<const KnownReg> known)
    : name_(std::move(name)), base_(base), size_(size), known_(known) {}

const KnownReg* UnimplementedDevice::find(std::uint32_t offset) const {
    for (const KnownReg& r : known_) {
        if (r.offset == offset) return &r;
    }
    return nullptr;
}

std::uint32_t UnimplementedDevice::value_at(std::uint32_t offset, unsigned size) const {
    const KnownReg* r = find(offset & ~3u);
    std::uint32_t v = r ? r->reset : 0;
    if (size < 4) v = (v >> ((offset & 3u) * 8)) & ((1u << (size * 8)) - 1);
    return v;
}

void UnimplementedDevice::log_once(std::uint32_t offset, const char* what, std::uint32_t value) {
    const std::uint32_t aligned = offset & ~3u;
    if (!logged_.insert(aligned).second) return;
    const KnownReg* r = find(aligned);
    const std::string_view reg = r ? r->name : std::string_view("?");
    auto log = spdlog::get("model");
    const auto text = fmt::format("unimplemented {}.{} (offset {:#05x}) at {:#010x}: {} {:#010x}",
                                  name_, reg, aligned, base_ + aligned, what, value);
    if (log) {
        log->info("{}", text);
    } else {
        spdlog::info("{}", text);
    }
}

std::uint32_t UnimplementedDevice::read(std::uint32_t offset, unsigned size) {
    const std::uint32_t v = value_at(offset, size);
    log_once(offset, "read", v);
    return v;
}

void UnimplementedDevice::write(std::uint32_t offset, std::uint32_t value, unsigned /*size*/) {
    log_once(offset, "write ignored", value);
}

std::uint32_t UnimplementedDevice::peek(std::uint32_t offset, unsigned size) {
    return value_at(offset, size);
}

}  // namespace tockemu::sam4l
