#pragma once
// A memory-mapped device: a peripheral model, the System Control Space, or the "unimplemented"
// catch-all. Offsets are relative to the device's base; sizes are 1, 2 or 4 bytes.
#include <cstdint>
#include <string_view>

namespace tockemu {

// Who is accessing memory. DMA and debugger accesses say so, so the MPU, the trace and the
// peripherals can treat them correctly (the MPU never checks DMA or the debugger).
enum class Initiator : std::uint8_t { Cpu, Dma, Debugger, Loader };

class Device {
public:
    virtual ~Device() = default;
    virtual std::string_view name() const = 0;
    virtual std::uint32_t read(std::uint32_t offset, unsigned size) = 0;
    virtual void write(std::uint32_t offset, std::uint32_t value, unsigned size) = 0;
    // Debugger reads must not have side effects (read-to-clear, FIFO pops): devices whose reads
    // have effects override this.
    virtual std::uint32_t peek(std::uint32_t offset, unsigned size) { return read(offset, size); }
    virtual void reset() {}
};

}  // namespace tockemu
