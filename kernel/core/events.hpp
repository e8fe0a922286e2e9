#pragma once
// Kernel events written to ITM stimulus port 0 (format in docs/0005-kernel.md): a header word
// (type << 16 | number of payload words) followed by the payload words.
#include <cstdint>

namespace kernel {

enum KernelEventType : std::uint16_t {
    kEvBoot = 1,               // kernel_ram_start, kernel_ram_used, app_ram_start, app_ram_end
    kEvProcessLoaded = 2,      // slot, flash_start, memory_start, memory_size
    kEvGrantAlloc = 3,         // slot, driver, bytes, remaining
    kEvGrantNoMem = 4,         // slot, driver, bytes, remaining
    kEvProcessFault = 5,       // slot, pc, cfsr, hfsr, mmfar, bfar
    kEvPolicyDecision = 6,     // slot, action (FaultAction), restart_count
    kEvProcessTerminated = 7,  // slot, has_completion_code, completion_code
    kEvPanic = 8,              // line, 0
    kEvLoadFailed = 9,         // flash_start, reason (ErrorCode)
};

enum class FaultAction : std::uint32_t { Panic = 0, Stop = 1, Restart = 2 };

}  // namespace kernel
