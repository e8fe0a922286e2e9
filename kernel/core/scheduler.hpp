#pragma once
// The kernel main loop: bottom-half interrupts, deferred calls, round-robin scheduling with a
// SysTick timeslice, sleep (tock-abi.md 8.3, 8.5).
#include "core/kernel.hpp"

namespace kernel {

[[noreturn]] void kernel_loop(Kernel& kernel);

// Loads processes from app flash [apps_start, apps_end) into RAM [ram_start, ram_end).
// Returns the number loaded.
unsigned load_processes(std::uint32_t apps_start, std::uint32_t apps_end, std::uint32_t ram_start,
                        std::uint32_t ram_end);

}  // namespace kernel
