#include "emu/bus/bus.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace tockemu {

namespace {
bool valid_size(unsigned size) { return size == 1 || size == 2 || size == 4; }

std::uint32_t load_le(const std::uint8_t* p, unsigned size) {
    std::uint32_t v = 0;
    for (unsigned i = 0; i < size; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
    return v;
}

void store_le(std::uint8_t* p, std::uint32_t v, unsigned size) {
    for (unsigned i = 0; i < size; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

bool overlaps(std::uint64_t a, std::uint64_t alen, std::uint64_t b, std::uint64_t blen) {
    return a < b + blen && b < a + alen;
}
}  // namespace

Memory& Bus::add_memory(std::string name, std::uint32_t base, std::uint32_t size,
                        std::uint8_t fill) {
    for (const auto& m : memories_) {
        if (overlaps(base, size, m->base, m->size()))
            throw std::logic_error(fmt::format("memory {} overlaps {}", name, m->name));
    }
    auto mem = std::make_unique<Memory>();
    mem->name = std::move(name);
    mem->base = base;
    mem->bytes.assign(size, fill);
    memories_.push_back(std::move(mem));
    return *memories_.back();
}

void Bus::map_device(std::uint32_t base, std::uint32_t size, Device& device) {
    for (const auto& d : devices_) {
        if (overlaps(base, size, d.base, d.size))
            throw std::logic_error(fmt::format("device {} at {:#010x} overlaps {}", device.name(),
                                               base, d.device->name()));
    }
    devices_.push_back({base, size, &device});
    std::sort(devices_.begin(), devices_.end(),
              [](const auto& a, const auto& b) { return a.base < b.base; });
}

Memory* Bus::memory_at(std::uint32_t addr, std::uint32_t len) {
    for (auto& m : memories_) {
        if (m->contains(addr, len)) return m.get();
    }
    return nullptr;
}

const DeviceMapping* Bus::device_at(std::uint32_t addr) {
    auto it = std::upper_bound(devices_.begin(), devices_.end(), addr,
                               [](std::uint32_t a, const DeviceMapping& d) { return a < d.base; });
    if (it == devices_.begin()) return nullptr;
    --it;
    return addr - it->base < it->size ? &*it : nullptr;
}

BusResult Bus::read(std::uint32_t addr, unsigned size, Initiator who) {
    if (!valid_size(size)) return {};
    if (Memory* m = memory_at(addr, size)) return {true, load_le(&m->bytes[addr - m->base], size)};
    if (const DeviceMapping* d = device_at(addr); d && addr - d->base <= d->size - size) {
        const std::uint32_t off = addr - d->base;
        return {true, who == Initiator::Debugger ? d->device->peek(off, size)
                                                 : d->device->read(off, size)};
    }
    return {};
}

bool Bus::write(std::uint32_t addr, std::uint32_t value, unsigned size, Initiator who) {
    if (!valid_size(size)) return false;
    if (Memory* m = memory_at(addr, size)) {
        const std::uint32_t off = addr - m->base;
        if (m->store_handler && who != Initiator::Loader && who != Initiator::Debugger) {
            m->store_handler(off, value, size);
        } else {
            store_le(&m->bytes[off], value, size);
        }
        return true;
    }
    if (const DeviceMapping* d = device_at(addr); d && addr - d->base <= d->size - size) {
        d->device->write(addr - d->base, value, size);
        return true;
    }
    return false;
}

bool Bus::read_block(std::uint32_t addr, std::span<std::uint8_t> out, Initiator who) {
    if (out.empty()) return true;
    if (Memory* m = memory_at(addr, static_cast<std::uint32_t>(out.size()))) {
        std::memcpy(out.data(), &m->bytes[addr - m->base], out.size());
        return true;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
        const BusResult r = read(addr + static_cast<std::uint32_t>(i), 1, who);
        if (!r.ok) return false;
        out[i] = static_cast<std::uint8_t>(r.value);
    }
    return true;
}

bool Bus::write_block(std::uint32_t addr, std::span<const std::uint8_t> in, Initiator who) {
    if (in.empty()) return true;
    if (Memory* m = memory_at(addr, static_cast<std::uint32_t>(in.size()))) {
        if (!m->store_handler || who == Initiator::Loader || who == Initiator::Debugger) {
            std::memcpy(&m->bytes[addr - m->base], in.data(), in.size());
            return true;
        }
    }
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!write(addr + static_cast<std::uint32_t>(i), in[i], 1, who)) return false;
    }
    return true;
}

}  // namespace tockemu
