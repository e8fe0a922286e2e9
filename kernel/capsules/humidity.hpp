#pragma once
// Humidity syscall driver, 0x60001 (Tock: capsules/extra/src/humidity.rs;
// doc/syscalls/60001_humidity.md; libtock-c libtock/sensors/humidity.c).
//
//   command 0              exists                                   -> Success
//   command 1              start a reading                          -> Success / BUSY / NODEVICE
//   subscribe 0            upcall (hundredths of a percent RH, 0, 0)
//
// Readings are shared: while one sensor reading is under way, every process that asks joins it
// and all get the same value. A process asking again before its upcall is BUSY (upstream
// answers BUSY to every process while any reading runs). A sensor that did not answer on its
// bus gives NODEVICE at once; a reading that fails later delivers no upcall (as upstream: the
// upcall has no status).
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/sensors.hpp"

namespace capsules {

class HumidityDriver final : public kernel::SyscallDriver, public hil::HumidityClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60001;

    HumidityDriver(kernel::Kernel& kernel, hil::HumiditySensor& sensor);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void humidity_done(hil::Status status, std::uint32_t centi_percent) override;

  private:
    struct App {
        bool pending;
    };

    kernel::CommandReturn start_reading(kernel::ProcessId pid);

    hil::HumiditySensor& sensor_;
    kernel::Grant<App, 1> grant_;
    bool busy_ = false;
};

}  // namespace capsules
