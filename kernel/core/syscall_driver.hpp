#pragma once
// The interface every capsule that userspace can reach implements (Tock's SyscallDriver,
// tock/tock: kernel/src/syscall_driver.rs).
//
// Routing, as in Tock 2.x:
//  - Command (svc 2) goes to command(); unknown command numbers should return
//    Failure(NOSUPPORT); command 0 is "driver exists" (Success, or Success-u32 count for LED
//    and Button).
//  - Subscribe (svc 1) and Read-Only / Read-Write Allow (svc 3/4) never reach the driver. The core
//    swaps the (function, appdata) pair or the (pointer, length) pair stored in the driver's grant
//    for that process (see grant.hpp). When the driver's grant is not yet allocated for the
//    process the core calls allocate_grant() once and retries; a failure there is returned to the
//    process as NOMEM. A driver without a grant keeps the default, so Subscribe/Allow on it fail
//    with NOMEM exactly like Tock's LED driver.
//  - Userspace-readable allow (svc 7) goes to allow_userspace_readable(); default NOSUPPORT.
//  - Before the core swaps a Read-Write Allow slot it asks readwrite_allowing(); an error there
//    is returned to the process (Failure with the passed pair) and the slot keeps its buffer.
//    Default: accept. IPC (core/ipc.hpp) refuses buffers no MPU region can map and withdraws the
//    previous buffer from the process it was shared with.
//
// A capsule registers itself with Kernel::register_driver(number, driver) from
// hail_setup_drivers() (kernel/boards/hail/board.hpp).
#include <cstdint>

#include "core/error_code.hpp"
#include "core/process_id.hpp"
#include "core/syscall_return.hpp"

namespace kernel {

class SyscallDriver {
  public:
    virtual CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  ProcessId pid) = 0;

    // Allocate this driver's grant for `pid`; normally `return grant_.enter(pid, [](auto&,
    // auto&) {}).status();`. Drivers with no grant keep the default.
    virtual Status allocate_grant(ProcessId pid) {
        (void)pid;
        return ErrorCode::NOMEM;
    }

    // Userspace-readable allow (class 7). No Hail driver uses it.
    virtual SyscallReturn allow_userspace_readable(ProcessId pid, std::uint32_t allow_num,
                                                   std::uint32_t address, std::uint32_t length) {
        (void)pid;
        (void)allow_num;
        return SyscallReturn::failure_u32_u32(ErrorCode::NOSUPPORT, address, length);
    }

    // Read-Write Allow `allow_num` of `pid` is about to hold [address, address + length) (already
    // checked to be the process's own RAM, or length 0).
    virtual Status readwrite_allowing(ProcessId pid, std::uint32_t allow_num, std::uint32_t address,
                                      std::uint32_t length) {
        (void)pid;
        (void)allow_num;
        (void)address;
        (void)length;
        return Status::ok();
    }

  protected:
    ~SyscallDriver() = default;  // drivers are statically allocated and never deleted
};

}  // namespace kernel
