#pragma once
// Syscall dispatch per TRD104 (tock-abi.md section 1).
#include "core/kernel.hpp"
#include "core/process.hpp"

namespace kernel {

// Handles the svc the process just trapped with. Returns false if the process must be faulted
// (bad frame, invalid class or yield variant).
bool handle_syscall(Kernel& kernel, Process& p);

// The allocation of `grant` for `p`, asking `driver` to allocate it first if needed.
std::uint32_t* grant_header(Kernel& kernel, Process& p, std::uint32_t driver_num,
                            SyscallDriver& driver);

}  // namespace kernel
