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

#include "capsules/shared_reading.hpp"

namespace capsules {

class HumidityDriver final : public SharedReadingDriver, public hil::HumidityClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60001;

    HumidityDriver(kernel::Kernel& kernel, hil::HumiditySensor& sensor);
    void humidity_done(hil::Status status, std::uint32_t centi_percent) override;

  private:
    hil::Status start_sensor() override { return sensor_.read_humidity(); }

    hil::HumiditySensor& sensor_;
};

}  // namespace capsules
