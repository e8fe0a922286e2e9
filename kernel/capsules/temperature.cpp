#include "capsules/temperature.hpp"

namespace capsules {

TemperatureDriver::TemperatureDriver(kernel::Kernel& kernel, hil::TemperatureSensor& sensor)
    : SharedReadingDriver(kernel, kDriverNum), sensor_(sensor) {
    sensor_.set_temperature_client(this);
}

void TemperatureDriver::temperature_done(hil::Status status, std::int32_t centi_celsius) {
    // A failed reading delivers no upcall (as upstream: the upcall has no status).
    reading_done(status.is_ok(), static_cast<std::uint32_t>(centi_celsius));
}

}  // namespace capsules
