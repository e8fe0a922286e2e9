#pragma once
// The one memory path (docs/ARCHITECTURE). Memories are emulator-owned buffers (the CPU maps them
// zero-copy); devices are dispatched by address. Every access from DMA, the debugger, the loader,
// semihosting or a scenario goes through here and is range-checked, so guest-controlled addresses
// can never reach host memory outside these buffers.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emu/bus/device.hpp"

namespace tockemu {

struct Memory {
    std::string name;
    std::uint32_t base = 0;
    std::vector<std::uint8_t> bytes;
    // Flash is not writable by ordinary CPU stores: on the SAM4L a store into flash fills the
    // flash controller's page buffer. When set, CPU/DMA stores into this memory go here instead.
    std::function<void(std::uint32_t offset, std::uint32_t value, unsigned size)> store_handler;

    std::uint32_t size() const { return static_cast<std::uint32_t>(bytes.size()); }
    bool contains(std::uint32_t addr, std::uint32_t len = 1) const {
        return addr >= base && len <= size() && addr - base <= size() - len;
    }
};

struct DeviceMapping {
    std::uint32_t base;
    std::uint32_t size;
    Device* device;
};

// Result of a bus access: ok=false is a bus error (unmapped address).
struct BusResult {
    bool ok = false;
    std::uint32_t value = 0;
};

class Bus {
public:
    Memory& add_memory(std::string name, std::uint32_t base, std::uint32_t size,
                       std::uint8_t fill = 0);
    void map_device(std::uint32_t base, std::uint32_t size, Device& device);

    BusResult read(std::uint32_t addr, unsigned size, Initiator who);
    bool write(std::uint32_t addr, std::uint32_t value, unsigned size, Initiator who);

    // Block access for loaders and the debugger: all-or-nothing within one memory, or byte-wise
    // through devices (debugger reads use Device::peek). Loader writes bypass store handlers.
    bool read_block(std::uint32_t addr, std::span<std::uint8_t> out, Initiator who);
    bool write_block(std::uint32_t addr, std::span<const std::uint8_t> in, Initiator who);

    Memory* memory_at(std::uint32_t addr, std::uint32_t len = 1);
    const DeviceMapping* device_at(std::uint32_t addr);
    const std::vector<std::unique_ptr<Memory>>& memories() const { return memories_; }
    const std::vector<DeviceMapping>& devices() const { return devices_; }

private:
    std::vector<std::unique_ptr<Memory>> memories_;
    std::vector<DeviceMapping> devices_;  // sorted by base
};

}  // namespace tockemu
