#pragma once
// ARM semihosting (the "Semihosting for AArch32 and AArch64" spec) through `bkpt 0xAB`, enough
// for test firmware and benchmarks: SYS_OPEN (":tt" only), SYS_CLOSE, SYS_WRITEC, SYS_WRITE0,
// SYS_WRITE to stdout/stderr, SYS_CLOCK and SYS_TIME (virtual time), SYS_ERRNO, SYS_EXIT,
// SYS_EXIT_EXTENDED. Anything else returns -1 and is logged once. Guest pointers are read
// through the bus, so a bad pointer returns an error to the guest, never touches host memory.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "emu/bus/bus.hpp"
#include "emu/core/clock.hpp"

namespace tockemu {

struct SemihostingRequest {
    std::uint32_t op;   // r0
    std::uint32_t arg;  // r1
};

struct SemihostingResult {
    std::uint32_t r0 = 0;
    bool exit = false;
    int exit_code = 0;
    std::string text;  // what was written (for the trace)
};

namespace semihosting {
inline constexpr std::uint32_t SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03,
                               SYS_WRITE0 = 0x04, SYS_WRITE = 0x05, SYS_CLOCK = 0x10,
                               SYS_TIME = 0x11, SYS_ERRNO = 0x13, SYS_EXIT = 0x18,
                               SYS_EXIT_EXTENDED = 0x20;
inline constexpr std::uint32_t ADP_Stopped_ApplicationExit = 0x20026;
}  // namespace semihosting

using SemihostingOutput = std::function<void(int fd, std::string_view text)>;

SemihostingResult semihost(const SemihostingRequest& req, Bus& bus, const Clock& clock,
                           const SemihostingOutput& out);

}  // namespace tockemu
