#pragma once
// Ambient light syscall driver, 0x60002 (Tock: capsules/extra/src/ambient_light.rs;
// doc/syscalls/60002_luminance.md; libtock-c libtock/sensors/ambient_light.c).
//
//   command 0              exists                                   -> Success
//   command 1              start a reading                          -> Success / BUSY / NODEVICE
//   subscribe 0            upcall (lux, 0, 0)
//
// Readings are shared: while one sensor reading is under way, every process that asks joins it
// and all get the same value. A process asking again before its upcall is BUSY (upstream
// answers Success and ignores the request). A sensor that did not answer on its bus gives
// NODEVICE at once; a reading that fails later delivers 0 lux (as upstream's ISL29035 driver).
#include <cstdint>

#include "capsules/shared_reading.hpp"

namespace capsules {

class AmbientLightDriver final : public SharedReadingDriver, public hil::AmbientLightClient {
  public:
    static constexpr std::uint32_t kDriverNum = 0x60002;

    AmbientLightDriver(kernel::Kernel& kernel, hil::AmbientLightSensor& sensor);
    void light_done(hil::Status status, std::uint32_t lux) override;

  private:
    hil::Status start_sensor() override { return sensor_.read_light_intensity(); }

    hil::AmbientLightSensor& sensor_;
};

}  // namespace capsules
