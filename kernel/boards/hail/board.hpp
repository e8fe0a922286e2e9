#pragma once
// Board hooks between main() (kernel/boards/hail/main.cpp, kcore) and the chip and capsule wiring
// (kernel/boards/hail/drivers.cpp, kdrivers). main() calls, in order:
//   1. hail_setup_chip()      clocks (48 MHz from the 16 MHz crystal via the PLL), NVIC init,
//                             pin functions; returns the core clock in Hz (SysTick timeslice).
//                             Must install the PanicWriter (kernel::set_panic_writer) first thing.
//   2. hail_setup_drivers(k)  chip drivers, UART mux (installs kernel::set_debug_output), capsules,
//                             grants, k.register_driver(...) for every syscall driver.
//   3. load processes, print the boot messages, enter the scheduler loop.
// main.cpp carries weak fallbacks of both hooks (no drivers, 48 MHz assumed) so the kernel links
// on its own.
#include <cstdint>

#include "core/kernel.hpp"

std::uint32_t hail_setup_chip();
void hail_setup_drivers(kernel::Kernel& kernel);
