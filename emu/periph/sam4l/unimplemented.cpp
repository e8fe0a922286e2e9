#include "emu/periph/sam4l/unimplemented.hpp"

#include <spdlog/spdlog.h>

namespace tockemu::sam4l {

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
