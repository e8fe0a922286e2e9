#pragma once
// GPIO syscall driver, 0x4 (Tock: capsules/core/src/gpio.rs; tock-abi.md §2.6).
//
//   command  0                              exists                          -> Success
//   command  1  arg1 = pin                  make output                     -> Success
//   command  2  arg1 = pin                  set high                        -> Success
//   command  3  arg1 = pin                  set low                         -> Success
//   command  4  arg1 = pin                  toggle                          -> Success
//   command  5  arg1 = pin, arg2 = pull     make input (0 none, 1 up, 2 down) -> Success
//   command  6  arg1 = pin                  read                            -> Success u32
//   command  7  arg1 = pin, arg2 = edge     interrupt (0 either, 1 rising, 2 falling) -> Success
//   command  8  arg1 = pin                  disable interrupt, pin to low power -> Success
//   command  9  arg1 = pin                  disable the pin (low power)     -> Success
//   command 10                              number of pins                  -> Success u32
//   subscribe 0                             upcall (pin, level, 0) to every process with the grant
// Errors: pin >= count INVAL; an empty slot NODEVICE; bad pull/edge NOSUPPORT; 7/8 need the
// grant (NOMEM if it cannot be allocated).
#include <cstddef>
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/gpio.hpp"

namespace capsules {

class GpioDriver final : public kernel::SyscallDriver, public hil::InterruptPinClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x4;

    // `pins` entries may be null (a slot without a pin).
    GpioDriver(kernel::Kernel& kernel, hil::InterruptPin* const* pins, std::size_t count);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void pin_fired(std::uint32_t index) override;

  private:
    struct App {
        std::uint8_t unused;  // only the upcall slot is needed
    };

    hil::InterruptPin* const* pins_;
    std::size_t count_;
    kernel::Grant<App, 1> grant_;
};

}  // namespace capsules
