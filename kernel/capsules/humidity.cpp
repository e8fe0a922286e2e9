#include "capsules/humidity.hpp"

namespace capsules {

HumidityDriver::HumidityDriver(kernel::Kernel& kernel, hil::HumiditySensor& sensor)
    : SharedReadingDriver(kernel, kDriverNum), sensor_(sensor) {
    sensor_.set_humidity_client(this);
}

void HumidityDriver::humidity_done(hil::Status status, std::uint32_t centi_percent) {
    // A failed reading delivers no upcall (as upstream: the upcall has no status).
    reading_done(status.is_ok(), centi_percent);
}

}  // namespace capsules
