#pragma once
// Memory-mapped register access for the SAM4L chip layer. This folder is the only code in the
// kernel that includes this header: capsules and the core reach hardware through kernel/hil/.
#include <cstdint>

namespace sam4l {

// One 32-bit peripheral register at a fixed address. Every access is volatile so the compiler
// neither merges nor elides the loads and stores the datasheet sequences depend on.
struct Reg {
    std::uintptr_t addr;

    std::uint32_t read() const { return *reinterpret_cast<volatile std::uint32_t*>(addr); }
    void write(std::uint32_t value) const {
        *reinterpret_cast<volatile std::uint32_t*>(addr) = value;
    }
    void set_bits(std::uint32_t mask) const { write(read() | mask); }
    void clear_bits(std::uint32_t mask) const { write(read() & ~mask); }
    bool any(std::uint32_t mask) const { return (read() & mask) != 0; }
};

// An 8-bit view of a register (the PDCA PSR is accessed with byte loads and stores, as Tock does).
struct Reg8 {
    std::uintptr_t addr;

    std::uint8_t read() const { return *reinterpret_cast<volatile std::uint8_t*>(addr); }
    void write(std::uint8_t value) const {
        *reinterpret_cast<volatile std::uint8_t*>(addr) = value;
    }
};

// Busy-waits until (reg & mask) == value. Tock's loops have no bound; ours give up after
// `limit` reads so that a peripheral that never becomes ready is reported instead of hanging
// the kernel silently. Returns whether the condition was met.
inline bool poll(Reg reg, std::uint32_t mask, std::uint32_t value, std::uint32_t limit = 1u << 20) {
    for (std::uint32_t i = 0; i < limit; ++i) {
        if ((reg.read() & mask) == value) return true;
    }
    return false;
}

}  // namespace sam4l
