#pragma once
// LED syscall driver, 0x2 (Tock: capsules/core/src/led.rs; tock-abi.md §2.4). No grant: a
// Subscribe or Allow to this driver fails with NOMEM (the SyscallDriver default), as in Tock.
//
//   command 0                number of LEDs          -> Success u32 (libtock-c requires 129)
//   command 1  arg1 = index  on                      -> Success / Failure INVAL
//   command 2  arg1 = index  off                     -> Success / Failure INVAL
//   command 3  arg1 = index  toggle                  -> Success / Failure INVAL
//   other                                            -> Failure NOSUPPORT (upstream has no read
//                                                      command; docs/0010-libtock-c-abi.md)
#include <cstddef>
#include <cstdint>

#include "core/syscall_driver.hpp"
#include "hil/led.hpp"

namespace capsules {

class LedDriver final : public kernel::SyscallDriver {
  public:
    static constexpr std::uint32_t kDriverNum = 0x2;

    // `leds` must outlive the driver. Every LED is initialised to off.
    LedDriver(hil::Led* const* leds, std::size_t count);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;

  private:
    hil::Led* const* leds_;
    std::size_t count_;
};

}  // namespace capsules
