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

#include "capsules/shared_reading.hpp"

namespace capsules {

class TemperatureDriver final : public SharedReadingDriver, public hil::TemperatureClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60000;

    TemperatureDriver(kernel::Kernel& kernel, hil::TemperatureSensor& sensor);
    void temperature_done(hil::Status status, std::int32_t centi_celsius) override;

  private:
    hil::Status start_sensor() override { return sensor_.read_temperature(); }

    hil::TemperatureSensor& sensor_;
};

}  // namespace capsules
