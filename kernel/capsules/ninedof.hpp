#pragma once
// Nine-degrees-of-freedom syscall driver, 0x60004 (Tock: capsules/extra/src/ninedof.rs;
// libtock-c libtock/sensors/ninedof.c).
//
//   command   0            exists                                     -> Success
//   command   1            read the accelerometer                     -> Success / BUSY / NODEVICE
//   command 100            read the magnetometer                      -> Success / BUSY / NODEVICE
//   command 200            read the gyroscope                         -> NOSUPPORT on Hail
//   subscribe 0            upcall (x, y, z) as i32: accelerometer in milli-g, magnetometer in
//                          the sensor's units (0.1 uT on the FXOS8700CQ)
//
// One sensor read at a time. A process has at most one request (queued or running); another
// is BUSY. Requests of other processes wait in slot order; when a read completes, every
// process waiting for the same quantity gets the same result (as upstream). A read that fails
// after it started delivers (0, 0, 0), as upstream's FXOS8700CQ driver does.
#include <cstdint>

#include "core/grant.hpp"
#include "core/syscall_driver.hpp"
#include "hil/sensors.hpp"

namespace capsules {

class NineDofDriver final : public kernel::SyscallDriver, public hil::NineDofClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60004;

    NineDofDriver(kernel::Kernel& kernel, hil::NineDofSensor& sensor);

    kernel::CommandReturn command(std::uint32_t command_num, std::uint32_t arg1, std::uint32_t arg2,
                                  kernel::ProcessId pid) override;
    kernel::Status allocate_grant(kernel::ProcessId pid) override;
    void ninedof_done(hil::Status status, std::int32_t x, std::int32_t y, std::int32_t z) override;

  private:
    enum class Quantity : std::uint8_t { kNone, kAccelerometer, kMagnetometer, kGyroscope };
    struct App {
        Quantity requested;  // queued or running
    };

    kernel::CommandReturn enqueue(kernel::ProcessId pid, Quantity what);
    hil::Status start(Quantity what);
    // Starts the first waiting request; requests that cannot start get (0, 0, 0).
    void start_next();

    hil::NineDofSensor& sensor_;
    kernel::Grant<App, 1> grant_;
    Quantity running_ = Quantity::kNone;
};

}  // namespace capsules
