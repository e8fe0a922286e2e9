#pragma once
// Low-level debug syscall driver, 0x8 (Tock: capsules/core/src/low_level_debug;
// doc/syscalls/00008_low_level_debug.md). Prints through the kernel debug writer, so it works
// from hand-written assembly that cannot use the console's allow/subscribe protocol.
//
//   command 0                       exists                               -> Success
//   command 1  arg1 = code          "LowLevelDebug: App 0x<id> alert code 0x<code> (<meaning>)"
//   command 2  arg1 = a             "LowLevelDebug: App 0x<id> prints 0x<a>"
//   command 3  arg1 = a, arg2 = b   "LowLevelDebug: App 0x<id> prints 0x<a> 0x<b>"
// All return Success. Alert codes: 0x01 app panic, 0x02 statically linked app at the wrong
// flash address. <id> is the process identifier (changes on restart), as upstream prints it.
// Upstream Hail does not install this driver; our board does (tock-abi.md §9.4 lists it as absent).
#include <cstdint>

#include "core/syscall_driver.hpp"

namespace capsules {

class LowLevelDebug final : public kernel::SyscallDriver {
  public:
    static constexpr std::uint32_t kDriverNum = 0x8;

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
};

}  // namespace capsules
