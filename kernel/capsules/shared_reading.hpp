#pragma once
// The common shape of the single-value sensor drivers (temperature 0x60000, humidity 0x60001,
// ambient light 0x60002): command 0 exists, command 1 starts a reading, subscribe 0 gets
// (value, 0, 0).
//
// Readings are shared: while one sensor reading is under way, every process that asks joins it
// and all get the same value. A process asking again before its upcall is BUSY. A sensor that did
// not answer on its bus gives NODEVICE at once (the error start_sensor() returns).
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/sensors.hpp"

namespace capsules {

class SharedReadingDriver : public kernel::SyscallDriver {
  public:
    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;

  protected:
    SharedReadingDriver(kernel::Kernel& kernel, std::uint32_t driver_num);
    // Asks the sensor for one reading; its client callback ends it with reading_done().
    virtual hil::Status start_sensor() = 0;
    // Every waiting process gets `value` when `deliver` (drivers differ on failed readings).
    void reading_done(bool deliver, std::uint32_t value);

  private:
    struct App {
        bool pending;
    };

    kernel::CommandReturn start_reading(kernel::ProcessId pid);

    kernel::Grant<App, 1> grant_;
    bool busy_ = false;
};

}  // namespace capsules
