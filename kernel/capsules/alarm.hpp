#pragma once
// Alarm syscall driver, 0x0 (Tock: capsules/core/src/alarm.rs; tock-abi.md §2.3). One alarm per
// process, all virtualised over one VirtualAlarm: the driver keeps the hardware set for the
// process whose alarm expires first.
//
//   command 0                 exists (allocates the grant)        -> Success
//   command 1                 frequency in Hz (Hail: 16000)       -> Success u32
//   command 2                 current time in ticks (32-bit)      -> Success u32
//   command 3                 stop the process's alarm            -> Success / Failure ALREADY
//   command 4                 (deprecated)                        -> Failure NOSUPPORT
//   command 5   arg1 = dt     fire at now + dt                    -> Success u32 expiration
//   command 6   arg1 = ref, arg2 = dt   fire at ref + dt          -> Success u32 expiration
//   subscribe 0               upcall (now, expiration, 0)
// Ticks are already 32 bits wide on Hail, so no left-justification shift is applied.
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/time.hpp"

namespace capsules {

class AlarmDriver final : public kernel::SyscallDriver, public hil::AlarmClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x0;

    AlarmDriver(kernel::Kernel& kernel, hil::Alarm& alarm);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void alarm_fired() override;

  private:
    struct ProcessAlarm {
        std::uint32_t reference;
        std::uint32_t dt;
        bool armed;
    };

    kernel::CommandReturn arm(kernel::ProcessId pid, std::uint32_t reference, std::uint32_t dt);
    void reprogram();

    hil::Alarm& alarm_;
    kernel::Grant<ProcessAlarm, 1> grant_;
};

}  // namespace capsules
