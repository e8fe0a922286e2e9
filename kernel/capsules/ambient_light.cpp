#include "capsules/ambient_light.hpp"

namespace capsules {

AmbientLightDriver::AmbientLightDriver(kernel::Kernel& kernel, hil::AmbientLightSensor& sensor)
    : SharedReadingDriver(kernel, kDriverNum), sensor_(sensor) {
    sensor_.set_light_client(this);
}

void AmbientLightDriver::light_done(hil::Status status, std::uint32_t lux) {
    // A failed reading delivers 0 lux, as upstream's ISL29035 driver does.
    reading_done(true, status.is_ok() ? lux : 0u);
}

}  // namespace capsules
