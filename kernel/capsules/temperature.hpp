#pragma once
// Temperature syscall driver, 0x60000 (Tock: capsules/extra/src/temperature.rs;
// doc/syscalls/60000_ambient_temperature.md; libtock-c libtock/sensors/temperature.c).
//
//   command 0              exists                                   -> Success
//   command 1              start a reading                          -> Success / BUSY / NODEVICE
//   subscribe 0            upcall (hundredths of a degree C, 0, 0)  (a negative value as i32)
//
// Readings are shared: while one sensor reading is under way, every process that asks joins it
// and all get the same value. A process asking again before its upcall is BUSY (upstream answers
// Success and keeps one upcall). A sensor that did not answer on its bus gives NODEVICE at
// once; a reading that fails later delivers no upcall (as upstream: the upcall has no status).
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/sensors.hpp"

namespace capsules {

class TemperatureDriver final : public kernel::SyscallDriver, public hil::TemperatureClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60000;

    TemperatureDriver(kernel::Kernel& kernel, hil::TemperatureSensor& sensor);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void temperature_done(hil::Status status, std::int32_t centi_celsius) override;

  private:
    struct App {
        bool pending;
    };

    kernel::CommandReturn start_reading(kernel::ProcessId pid);

    hil::TemperatureSensor& sensor_;
    kernel::Grant<App, 1> grant_;
    bool busy_ = false;
};

}  // namespace capsules
